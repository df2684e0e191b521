import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore, StoredObject } from '../../core/ports';

/** One S3 bucket as an ObjectStore. */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  async put(key: string, body: Uint8Array | string, contentType: string, metadata?: Record<string, string>): Promise<void> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: contentType,
        ContentLength: bytes.byteLength,
        ...(metadata ? { Metadata: metadata } : {}),
      }),
    );
  }

  async get(key: string, versionId?: string): Promise<Uint8Array | undefined> {
    return (await this.read(key, versionId))?.body;
  }

  async read(key: string, versionId?: string): Promise<StoredObject | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }));
      const body = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
      const metadata = Object.fromEntries(Object.entries(out.Metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      return { body, metadata };
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }
}
