// The API function's composition: the pipeline's deps (lambda.ts), with the
// signers of browser uploads to the submissions bucket and of downloads.
import { S3DownloadSigner } from '../adapters/s3/download-signer';
import { S3UploadSigner } from '../adapters/s3/post-policy';
import type { ApiDeps } from '../core/api/types';
import { requireEnv } from './env';
import { lambdaClients, lambdaDeps } from './lambda';

let apiDeps: ApiDeps | undefined;

/** The API function's deps: the pipeline's, with the signers of browser uploads (submissions bucket) and downloads. */
export function lambdaApiDeps(env: Record<string, string | undefined> = process.env): ApiDeps {
  if (apiDeps) return apiDeps;
  const pipeline = lambdaDeps('api', env);
  const { s3 } = lambdaClients();
  const submissionsBucket = requireEnv(env, 'submissionsBucket');
  apiDeps = {
    ...pipeline,
    uploadSigner: new S3UploadSigner(s3, submissionsBucket),
    downloadSigner: new S3DownloadSigner(s3, { uploads: submissionsBucket, reports: requireEnv(env, 'reportsBucket') }),
  };
  return apiDeps;
}
