// The local runner's durable queue of object-created messages: what SQS keeps
// for the ingest Lambda in the cloud, kept in the data directory so that a crash
// (kill -9) loses no upload. One JSON file per message, written atomically
// (temp file, fsync, rename, fsync of the folder):
//
//   <dataDir>/queue/sequencer             the last sequencer handed out (a counter, hex)
//   <dataDir>/queue/<sequencer>.json      a pending message: an intent (before PutObject) or sent
//   <dataDir>/queue/dead/<sequencer>.json the dead-letter queue: messages received MAX_RECEIVES times
//
// Only one process uses a data directory at a time (the lock in servers.ts), so
// the files need no locking of their own.
import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface QueueEntry {
  messageId: string;
  /** the runner's own monotonic counter (16 hex digits): the order of the queue and the S3 event's sequencer */
  sequencer: string;
  bucket: string;
  /** the object key, not URL-encoded */
  key: string;
  /** the receipt time of the upload (ISO), fixed when the intent is written */
  eventTime: string;
  /** the MD5 of the body (hex): the ETag S3 gives an object stored by one PUT */
  eTag: string;
  size: number;
  /** intent: written before PutObject, the object may not exist; sent: the object is stored, `body` is the SQS message */
  state: 'intent' | 'sent';
  /** the SQS message body (an S3 notification), once sent */
  body?: string;
  /** when it was sent (epoch ms) */
  sentAt?: number;
  /** deliveries begun so far (persisted before each one, as SQS counts receives) */
  receiveCount: number;
  /** why the last delivery failed, kept for the dead-letter queue */
  lastError?: string;
}

const SEQUENCER_DIGITS = 16;
const ENTRY = /^[0-9A-F]{16}\.json$/;

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some platforms cannot fsync a folder (Windows): the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** How the temp files of writeFileAtomic begin: what a killed process may leave beside the file. */
export const ATOMIC_TEMP_PREFIX = '.tmp-';

/**
 * Writes a file so that a crash leaves the old content or the new, never a part:
 * temp + fsync + rename + fsync of the folder. mode 0o600: readable by its owner
 * only from the first byte (the users file, the token secret).
 */
export function writeFileAtomic(path: string, text: string, mode?: number): void {
  const dir = dirname(path);
  const tmp = join(dir, `${ATOMIC_TEMP_PREFIX}${process.pid}-${basename(path)}`);
  const fd = openSync(tmp, 'w', mode);
  try {
    if (mode !== undefined) fchmodSync(fd, mode); // the umask may have narrowed or an old temp widened it
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dir);
}

export class LocalQueue {
  readonly dir: string;
  readonly deadDir: string;
  private last: number;

  constructor(dataDirRoot: string) {
    this.dir = join(dataDirRoot, 'queue');
    this.deadDir = join(this.dir, 'dead');
    mkdirSync(this.deadDir, { recursive: true });
    // temp files of a process that died mid-write: their rename never happened
    for (const name of readdirSync(this.dir)) if (name.startsWith(ATOMIC_TEMP_PREFIX)) rmSync(join(this.dir, name), { force: true });
    let stored = 0;
    try {
      stored = parseInt(readFileSync(join(this.dir, 'sequencer'), 'utf8').trim(), 16) || 0;
    } catch {
      // a new queue
    }
    // never behind a message on disk, whatever happened to the counter file
    const seen = [...readdirSync(this.dir), ...readdirSync(this.deadDir)].filter((n) => ENTRY.test(n)).map((n) => parseInt(n.slice(0, SEQUENCER_DIGITS), 16));
    this.last = Math.max(stored, ...seen);
  }

  /** The next sequencer, persisted before it is handed out so that no later run reuses it. */
  nextSequencer(): string {
    const next = this.last + 1;
    writeFileAtomic(join(this.dir, 'sequencer'), next.toString(16).toUpperCase() + '\n');
    this.last = next;
    return next.toString(16).toUpperCase().padStart(SEQUENCER_DIGITS, '0');
  }

  private path(entry: Pick<QueueEntry, 'sequencer'>): string {
    return join(this.dir, `${entry.sequencer}.json`);
  }

  /** Writes (or rewrites) a pending message. */
  put(entry: QueueEntry): void {
    writeFileAtomic(this.path(entry), JSON.stringify(entry, null, 2) + '\n');
  }

  /** The pending messages, in the order they were queued (sequencer). */
  pending(): QueueEntry[] {
    return readdirSync(this.dir)
      .filter((n) => ENTRY.test(n))
      .sort()
      .map((n) => JSON.parse(readFileSync(join(this.dir, n), 'utf8')) as QueueEntry);
  }

  /** The messages in the dead-letter queue, oldest first. */
  dead(): QueueEntry[] {
    return readdirSync(this.deadDir)
      .filter((n) => ENTRY.test(n))
      .sort()
      .map((n) => JSON.parse(readFileSync(join(this.deadDir, n), 'utf8')) as QueueEntry);
  }

  /** Acknowledges a message: it is gone from the queue. */
  ack(entry: Pick<QueueEntry, 'sequencer'>): void {
    rmSync(this.path(entry), { force: true });
    fsyncDir(this.dir);
  }

  /** Moves a message to the dead-letter queue (written there first, then removed from the queue). */
  deadLetter(entry: QueueEntry): void {
    writeFileAtomic(join(this.deadDir, `${entry.sequencer}.json`), JSON.stringify(entry, null, 2) + '\n');
    this.ack(entry);
  }
}
