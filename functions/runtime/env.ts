// The environment contract between the CDK stack (which sets these variables)
// and the functions (which read them at cold start). One list, used by both.

export const ENV = {
  tableName: 'QTRACK_TABLE_NAME',
  submissionsBucket: 'QTRACK_SUBMISSIONS_BUCKET',
  reportsBucket: 'QTRACK_REPORTS_BUCKET',
  alertTopicArn: 'QTRACK_ALERT_TOPIC_ARN',
  plan: 'QTRACK_PLAN',
  dueDays: 'QTRACK_DUE_DAYS',
  summaryDays: 'QTRACK_SUMMARY_DAYS',
} as const;

export type EnvKey = keyof typeof ENV;

export class MissingEnvError extends Error {
  override name = 'MissingEnvError';
  constructor(readonly variable: string) {
    super(`missing environment variable ${variable}`);
  }
}

/** Reads a required variable; fails loudly, naming it, when it is missing or empty. */
export function requireEnv(env: Record<string, string | undefined>, key: EnvKey): string {
  const name = ENV[key];
  const value = env[name];
  if (value === undefined || value === '') throw new MissingEnvError(name);
  return value;
}

/** Reads an optional integer variable with a default. */
export function intEnv(env: Record<string, string | undefined>, key: EnvKey, fallback: number): number {
  const value = env[ENV[key]];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`environment variable ${ENV[key]} must be an integer, got ${value}`);
  return n;
}
