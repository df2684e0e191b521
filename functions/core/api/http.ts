// Answers of the API: JSON bodies, and the error shape of docs/api.md with a
// bilingual message that says what to do.
import type { Lang } from '../model';
import type { ApiErrorBody } from './answers';
import type { ApiResponse } from './types';

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'NO_ROLE'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'FILE_TOO_LARGE'
  | 'UNSUPPORTED_TYPE'
  | 'INTERNAL';

/** A 200 with its body; the type argument names the answer's shape (answers.ts). */
export function ok<T>(body: T): ApiResponse {
  return { status: 200, body };
}

export function fail(status: number, code: ErrorCode, message: Lang): ApiResponse {
  const body: ApiErrorBody = { error: { code, message } };
  return { status, body };
}

/** A refusal raised deep in a handler, answered as it says. */
export class ApiFailure extends Error {
  constructor(readonly response: ApiResponse) {
    super(`API ${response.status}`);
  }
}

export const refuse = (status: number, code: ErrorCode, message: Lang): never => {
  throw new ApiFailure(fail(status, code, message));
};

export const unauthenticated = (): ApiResponse =>
  fail(401, 'UNAUTHENTICATED', {
    zh: '未登录或登录已过期，请重新登录门户',
    en: 'You are not signed in, or your sign-in has expired: sign in to the portal again',
  });

export const notFound = (what: Lang): ApiResponse =>
  fail(404, 'NOT_FOUND', { zh: `找不到${what.zh}`, en: `${what.en} was not found` });

export const forbidden = (what: Lang): ApiResponse =>
  fail(403, 'FORBIDDEN', { zh: `您无权${what.zh}`, en: `You may not ${what.en}` });

export const badRequest = (message: Lang): ApiResponse => fail(400, 'BAD_REQUEST', message);
