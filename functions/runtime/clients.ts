// The only place that constructs AWS SDK clients. In Lambda the defaults apply;
// locally the embedded servers' endpoints and dummy credentials are passed in.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { Agent as HttpAgent } from 'node:http';
import { createConnection, type Socket } from 'node:net';

export interface Clients {
  dynamodb: DynamoDBClient;
  s3: S3Client;
  sns?: SNSClient;
}

export interface LocalEndpoints {
  dynamodb: string; // http://127.0.0.1:port, or http://localhost when reached through a socket
  s3: string;
  /**
   * Unix socket paths the servers listen on instead of ports (the CLI and
   * `qtrack serve`): no web page and no other user can reach a socket in a
   * private folder, where a loopback port is open to both.
   */
  sockets?: { dynamodb: string; s3: string };
}

/** An HTTP agent whose every connection goes to one Unix socket. */
class SocketAgent extends HttpAgent {
  constructor(private readonly socketPath: string) {
    super({ keepAlive: true });
  }
  override createConnection(): Socket {
    return createConnection(this.socketPath);
  }
}

const viaSocket = (path: string | undefined) => (path ? { requestHandler: { httpAgent: new SocketAgent(path) } } : {});

/** Whether S3 requests go to an endpoint override (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, as the SDK reads them). */
export function s3EndpointOverridden(env: Record<string, string | undefined> = process.env): boolean {
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return false;
  return !!(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}

/**
 * Clients on the default credential chain and region (Lambda's runtime, the CLI's
 * --aws). Endpoint overrides are the SDK's own (AWS_ENDPOINT_URL_*); with an S3
 * override, S3 is addressed path-style (an S3-compatible server has no
 * per-bucket host names).
 */
export function awsClients(env: Record<string, string | undefined> = process.env): Clients {
  return { dynamodb: new DynamoDBClient({}), s3: new S3Client({ forcePathStyle: s3EndpointOverridden(env) }), sns: new SNSClient({}) };
}

/** Clients for the embedded dynalite and s3rver servers (no SNS locally). */
export function localClients(endpoints: LocalEndpoints): Clients {
  const region = 'us-east-1';
  return {
    dynamodb: new DynamoDBClient({
      region,
      endpoint: endpoints.dynamodb,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
      ...viaSocket(endpoints.sockets?.dynamodb),
    }),
    s3: new S3Client({
      region,
      endpoint: endpoints.s3,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      // s3rver stores aws-chunked framing verbatim unless checksums are off (TOOLCHAIN.md)
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...viaSocket(endpoints.sockets?.s3),
    }),
  };
}
