// Reading the environment the stack sets (names in contract.ts) at cold start.

import { QtrackError } from '../core/errors';
import { ENV, type EnvKey } from './contract';

export { ENV, type EnvKey } from './contract';

export class MissingEnvError extends QtrackError {
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

/** Reads an optional integer variable; undefined when unset (the composition's default applies). */
export function intEnv(env: Record<string, string | undefined>, key: EnvKey): number | undefined {
  const value = env[ENV[key]];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`environment variable ${ENV[key]} must be an integer, got ${value}`);
  return n;
}
