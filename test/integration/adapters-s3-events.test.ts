// The S3 notifications the ingest function receives (in SQS message bodies),
// decoded at the edge: S3 URL-encodes object keys in events, with '+' for a
// space, so a clerk's '第一季度 报表.xlsx' arrives as
// '%E7%AC%AC%E4%B8%80%E5%AD%A3%E5%BA%A6+%E6%8A%A5%E8%A1%A8.xlsx'. A test event,
// a body without records and a record that is not a creation yield nothing.
import type { S3EventRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeS3Key, uploadsOf } from '../../functions/handlers/ingest';

/** A record as S3 sends it (fields the handler does not read are left out). */
function record(key: string, eventName = 'ObjectCreated:Put', extra: Partial<S3EventRecord['s3']['object']> = {}): S3EventRecord {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'cn-north-1',
    eventTime: '2026-04-05T02:00:00.123Z',
    eventName,
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'uploads',
      bucket: { name: 'qtrack-submissions', ownerIdentity: { principalId: 'x' }, arn: 'arn:aws-cn:s3:::qtrack-submissions' },
      object: { key, size: 1234, eTag: 'abc123', versionId: 'v-1', sequencer: '0066A1B2C3D4E5F601', ...extra },
    },
  } as S3EventRecord;
}
const body = (...records: S3EventRecord[]) => JSON.stringify({ Records: records });
const keysOf = (b: string) => uploadsOf(b).map((u) => u.key);

describe('decodeS3Key', () => {
  it.each([
    ['submissions/market-regulation/2026-Q1/q1.xlsx', 'submissions/market-regulation/2026-Q1/q1.xlsx'],
    ['submissions/market-regulation/2026-Q1/q1+final+v2.xlsx', 'submissions/market-regulation/2026-Q1/q1 final v2.xlsx'],
    ['submissions/x/2026-Q1/a%2Bb.xlsx', 'submissions/x/2026-Q1/a+b.xlsx'],
    ['submissions/x/2026-Q1/100%25.csv', 'submissions/x/2026-Q1/100%.csv'],
    ['submissions/x/2026-Q1/a%20b%28c%29.xlsx', 'submissions/x/2026-Q1/a b(c).xlsx'],
    [
      'submissions/market-regulation/2026-Q1/%E7%AC%AC%E4%B8%80%E5%AD%A3%E5%BA%A6+%E6%8A%A5%E8%A1%A8.xlsx',
      'submissions/market-regulation/2026-Q1/第一季度 报表.xlsx',
    ],
    ['submissions/%E5%8C%BA%E5%B8%82%E5%9C%BA%E7%9B%91%E7%AE%A1%E5%B1%80/2026-Q1/q1.xlsx', 'submissions/区市场监管局/2026-Q1/q1.xlsx'],
    // a key that arrives unencoded is taken as it is
    ['submissions/x/2026-Q1/第一季度.xlsx', 'submissions/x/2026-Q1/第一季度.xlsx'],
  ])('%s → %s', (encoded, decoded) => {
    expect(decodeS3Key(encoded)).toBe(decoded);
  });

  it.each(['submissions/x/2026-Q1/100%.xlsx', 'submissions/x/2026-Q1/%zz.xlsx', 'submissions/x/2026-Q1/%E7%AC.xlsx'])('a broken escape: %s → undefined', (key) => {
    expect(decodeS3Key(key)).toBeUndefined();
  });
});

describe('uploadsOf: an SQS message body → the uploaded objects', () => {
  it('an object-created record becomes an upload with its bucket, decoded key, version, ETag, sequencer, size and time', () => {
    expect(uploadsOf(body(record('submissions/market-regulation/2026-Q1/%E7%AC%AC%E4%B8%80%E5%AD%A3%E5%BA%A6+v2.xlsx')))).toEqual([
      {
        bucket: 'qtrack-submissions',
        key: 'submissions/market-regulation/2026-Q1/第一季度 v2.xlsx',
        versionId: 'v-1',
        eTag: 'abc123',
        sequencer: '0066A1B2C3D4E5F601',
        size: 1234,
        eventTime: '2026-04-05T02:00:00.123Z',
      },
    ]);
  });

  it('every kind of creation counts (put, copy, multipart); removals and restores do not', () => {
    const b = body(
      record('submissions/a/2026-Q1/put.xlsx'),
      record('submissions/a/2026-Q1/removed.xlsx', 'ObjectRemoved:Delete'),
      record('submissions/a/2026-Q1/copy.xlsx', 'ObjectCreated:Copy'),
      record('submissions/a/2026-Q1/marker.xlsx', 'ObjectRemoved:DeleteMarkerCreated'),
      record('submissions/a/2026-Q1/multi.xlsx', 'ObjectCreated:CompleteMultipartUpload'),
      record('submissions/a/2026-Q1/restored.xlsx', 'ObjectRestore:Completed'),
    );
    expect(keysOf(b)).toEqual(['submissions/a/2026-Q1/put.xlsx', 'submissions/a/2026-Q1/copy.xlsx', 'submissions/a/2026-Q1/multi.xlsx']);
  });

  it('the test event S3 sends when notifications are configured, and a body without records, yield nothing', () => {
    const testEvent = { Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2026-04-01T00:00:00.000Z', Bucket: 'qtrack-submissions', RequestId: 'R', HostId: 'H' };
    expect(uploadsOf(JSON.stringify(testEvent))).toEqual([]);
    expect(uploadsOf('{}')).toEqual([]);
    expect(uploadsOf(body())).toEqual([]);
  });

  it('a key that cannot be decoded is passed on as it came, marked undecodable (ingest reports it; nothing is dropped)', () => {
    const [upload] = uploadsOf(body(record('submissions/a/2026-Q1/100%.xlsx')));
    expect(upload).toMatchObject({ key: 'submissions/a/2026-Q1/100%.xlsx', undecodable: true });
    expect(uploadsOf(body(record('submissions/a/2026-Q1/ok.xlsx')))[0]).not.toHaveProperty('undecodable');
  });

  it('a record of an unversioned bucket has no version id', () => {
    const [upload] = uploadsOf(body(record('submissions/a/2026-Q1/q.xlsx', 'ObjectCreated:Put', { versionId: undefined })));
    expect(upload!.versionId).toBeUndefined();
  });

  it('a body that is not JSON throws (the message fails and is retried, then dead-lettered)', () => {
    expect(() => uploadsOf('not json')).toThrow(SyntaxError);
  });
});
