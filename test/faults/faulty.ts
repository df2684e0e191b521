// Crash injection at the edges of the pipeline: every write the adapters send to
// the embedded DynamoDB and S3, and every publish, is a numbered step. A run
// armed at step k dies there — before the write reaches the store, or after it
// landed but before its caller heard back — and from then on every call of that
// run fails, as a process that died would make none.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Alert } from '../../functions/core/model';
import type { AlertPublisher } from '../../functions/core/ports';
import type { Clients } from '../../functions/runtime/clients';

export class Crash extends Error {
  override name = 'Crash';
}

export type When = 'before' | 'after';

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
  'PutObjectCommand',
  'DeleteObjectCommand',
  'CopyObjectCommand',
]);

/** One run's fuse: counts its write steps and blows at the armed one. */
export class Fuse {
  steps: string[] = [];
  blown = false;

  constructor(
    private readonly at?: { step: number; when: When },
  ) {}

  /** Runs one call of the run; `label` names a write step, undefined a read. */
  async call<T>(label: string | undefined, send: () => Promise<T>): Promise<T> {
    if (this.blown) throw new Crash('the run died earlier');
    if (label === undefined) return send();
    this.steps.push(label);
    const armed = this.at && this.at.step === this.steps.length;
    if (armed && this.at!.when === 'before') this.blow(label);
    const out = await send();
    if (armed && this.at!.when === 'after') this.blow(label);
    return out;
  }

  private blow(label: string): never {
    this.blown = true;
    throw new Crash(`crash ${this.at!.when} step ${this.steps.length} (${label})`);
  }
}

type Keyed = { pk?: { S?: string }; sk?: { S?: string } };

/** A write step's label: the command and the item or object it writes. */
function describe(command: { constructor: { name: string }; input?: Record<string, unknown> }): string {
  const input = command.input ?? {};
  const item = (input.Item ?? input.Key) as Keyed | string | undefined;
  const key = typeof item === 'string' ? item : item ? `${item.pk?.S ?? ''} ${item.sk?.S ?? ''}` : '';
  return `${command.constructor.name.replace(/Command$/, '')} ${key}`.trim();
}

function wrap<C extends { send: (...args: never[]) => Promise<unknown> }>(client: C, fuse: Fuse): C {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
      return (command: { constructor: { name: string } }, ...rest: unknown[]) =>
        fuse.call(WRITES.has(command.constructor.name) ? describe(command) : undefined, () =>
          (target.send as (...a: unknown[]) => Promise<unknown>).call(target, command, ...rest),
        );
    },
  });
}

/** The clients of one run, through its fuse. */
export function faultyClients(clients: Clients, fuse: Fuse): { dynamodb: DynamoDBClient; s3: S3Client } {
  return { dynamodb: wrap(clients.dynamodb, fuse), s3: wrap(clients.s3, fuse) };
}

/** What SNS received, across every run of a case: the messages per alert id. */
export class Outbox {
  readonly published = new Map<string, number>();

  /** The publisher of one run: a publish is a write step. */
  publisher(fuse: Fuse): AlertPublisher {
    return {
      publish: (alert: Alert) =>
        fuse.call(`Publish ${alert.id}`, async () => {
          this.published.set(alert.id, (this.published.get(alert.id) ?? 0) + 1);
        }),
    };
  }
}
