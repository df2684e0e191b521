// Signing in and the session token. The token lives in memory and in this
// tab's sessionStorage only (never localStorage, never a cookie) and goes out
// only as `Authorization: Bearer` to the API (api.ts).
//   local:   POST /api/session { email, password } → { token, expiresAt }
//   cognito: InitiateAuth USER_PASSWORD_AUTH at cognito-idp.{region}.amazonaws.com
//            → the IdToken (and the refresh token, which renews it: REFRESH_TOKEN_AUTH);
//            NEW_PASSWORD_REQUIRED → RespondToAuthChallenge.
import type { Lang } from '../../functions/core/model';
import { apiPath } from './api-base';
import { T } from './text';
import type { AuthConfig } from './types';

export interface Session {
  token: string;
  expiresAt: string;
  email: string;
  /** Cognito's refresh token: a new ID token before this one runs out (12 hours, the pool client's setting) */
  refreshToken?: string;
}

const KEY = 'qtrack.session';
let current: Session | undefined;

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined; // storage blocked: the token stays in memory only
  }
}

/** The pool whose refresh tokens this portal may use (main.ts sets it from /config.json). */
let pool: Extract<AuthConfig, { kind: 'cognito' }> | undefined;

export function useAuthConfig(auth: AuthConfig): void {
  pool = auth.kind === 'cognito' ? auth : undefined;
}

/** The session, unless there is none or it has expired (and cannot be refreshed). */
export function session(): Session | undefined {
  if (!current) {
    try {
      const raw = storage()?.getItem(KEY);
      const s = raw ? (JSON.parse(raw) as Session) : undefined;
      if (s && typeof s.token === 'string' && typeof s.expiresAt === 'string') current = s;
    } catch {
      current = undefined;
    }
  }
  if (current && !(Date.parse(current.expiresAt) > Date.now()) && !(current.refreshToken && pool)) clearSession();
  return current;
}

/** A new ID token this long before the old one runs out. */
const REFRESH_BEFORE_MS = 5 * 60_000;
let refreshing: Promise<Session | undefined> | undefined;

/**
 * The session to send a request with: with Cognito, an ID token about to run out
 * is renewed first with the refresh token (one renewal at a time); a refresh
 * that fails leaves the old token while it lasts, then none (sign in again).
 */
export async function liveSession(): Promise<Session | undefined> {
  const s = session();
  if (!s) return undefined;
  if (!s.refreshToken || !pool || Date.parse(s.expiresAt) - Date.now() > REFRESH_BEFORE_MS) return s;
  const auth = pool;
  refreshing ??= (async () => {
    try {
      const answer = await cognito(auth, 'InitiateAuth', { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: auth.clientId, AuthParameters: { REFRESH_TOKEN: s.refreshToken } });
      const next = sessionOf(answer, s.email, s.refreshToken);
      if (next) {
        saveSession(next);
        return next;
      }
    } catch {
      // the refresh token was revoked or ran out: the old token while it lasts
    }
    if (Date.parse(s.expiresAt) > Date.now()) return s;
    clearSession();
    return undefined;
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

export function saveSession(s: Session): void {
  current = s;
  try {
    storage()?.setItem(KEY, JSON.stringify(s));
  } catch {
    // memory only
  }
}

export function clearSession(): void {
  current = undefined;
  try {
    storage()?.removeItem(KEY);
  } catch {
    // nothing stored
  }
}

/** A sign-in that did not work, with what to tell the user. */
export class SignInError extends Error {
  constructor(readonly text: Lang) {
    super(text.en);
  }
}

/** The outcome of a sign-in: a session, or Cognito asking for a new password first. */
export type SignInResult = { kind: 'session'; session: Session } | { kind: 'new-password'; email: string; username: string; challenge: string };

const offline = () => new SignInError(T.network);

export async function signIn(auth: AuthConfig, email: string, password: string): Promise<SignInResult> {
  return auth.kind === 'local' ? signInLocal(email, password) : signInCognito(auth, email, password);
}

async function signInLocal(email: string, password: string): Promise<SignInResult> {
  let res: Response;
  try {
    res = await fetch(apiPath('/api/session'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ email, password }),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw offline();
  }
  const body = (await res.json().catch(() => undefined)) as { token?: string; expiresAt?: string; error?: { message?: Lang } } | undefined;
  if (res.ok && body?.token && body.expiresAt) return { kind: 'session', session: { token: body.token, expiresAt: body.expiresAt, email } };
  if (res.status === 401 || res.status === 400) throw new SignInError(body?.error?.message ?? T.badCredentials);
  throw new SignInError(body?.error?.message ?? T.serverError);
}

// ---------------------------------------------------------------------------
// Cognito (the user pool's public client: no secret)

interface CognitoAnswer {
  AuthenticationResult?: { IdToken?: string; ExpiresIn?: number; RefreshToken?: string };
  ChallengeName?: string;
  ChallengeParameters?: { USER_ID_FOR_SRP?: string };
  Session?: string;
  __type?: string;
  message?: string;
}

/** Cognito's endpoint: the stack's (its partition's suffix), else the one of the commercial regions; only https on Cognito's own host. */
function cognitoEndpoint(auth: Extract<AuthConfig, { kind: 'cognito' }>): string {
  const given = auth.endpoint?.replace(/\/+$/, '');
  if (given && /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(given)) return `${given}/`;
  return `https://cognito-idp.${auth.region}.amazonaws.com/`;
}

async function cognito(auth: Extract<AuthConfig, { kind: 'cognito' }>, target: 'InitiateAuth' | 'RespondToAuthChallenge', body: unknown): Promise<CognitoAnswer> {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(auth.region)) throw new SignInError(T.configMissing);
  let res: Response;
  try {
    res = await fetch(cognitoEndpoint(auth), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityProviderService.${target}` },
      body: JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw offline();
  }
  const answer = (await res.json().catch(() => ({}))) as CognitoAnswer;
  if (res.ok) return answer;
  const type = (answer.__type ?? '').split('#').pop() ?? '';
  switch (type) {
    case 'NotAuthorizedException':
    case 'UserNotFoundException':
      throw new SignInError(/attempts exceeded/i.test(answer.message ?? '') ? T.tooManyTries : T.badCredentials);
    case 'InvalidPasswordException':
      // the pool's own rule, as Cognito states it (English only), after ours
      throw new SignInError(answer.message ? { zh: `${T.passwordPolicy.zh}（${answer.message}）`, en: `${T.passwordPolicy.en} (${answer.message})` } : T.passwordPolicy);
    case 'PasswordResetRequiredException':
      throw new SignInError(T.resetRequired);
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      throw new SignInError(T.tooManyTries);
    default:
      throw new SignInError({ zh: `${T.signInFailed.zh}（${type || res.status}）`, en: `${T.signInFailed.en} (${type || res.status})` });
  }
}

/** The session of Cognito's answer; a refresh answers with no new refresh token, so the one given is kept. */
function sessionOf(answer: CognitoAnswer, email: string, refreshToken?: string): Session | undefined {
  const token = answer.AuthenticationResult?.IdToken;
  if (!token) return undefined;
  const seconds = answer.AuthenticationResult?.ExpiresIn ?? 3600;
  const refresh = answer.AuthenticationResult?.RefreshToken ?? refreshToken;
  // a minute early, so a request never leaves with a token about to expire
  return { token, email, expiresAt: new Date(Date.now() + Math.max(60, seconds - 60) * 1000).toISOString(), ...(refresh ? { refreshToken: refresh } : {}) };
}

async function signInCognito(auth: Extract<AuthConfig, { kind: 'cognito' }>, email: string, password: string): Promise<SignInResult> {
  const answer = await cognito(auth, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: auth.clientId,
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
  const s = sessionOf(answer, email);
  if (s) return { kind: 'session', session: s };
  return challengeOf(answer, email, email);
}

/** Cognito asking for a new password (the user's pool name for the challenge may differ from the e-mail). */
function challengeOf(answer: CognitoAnswer, email: string, username: string): SignInResult {
  if (answer.ChallengeName === 'NEW_PASSWORD_REQUIRED' && answer.Session) {
    return { kind: 'new-password', email, username: answer.ChallengeParameters?.USER_ID_FOR_SRP ?? username, challenge: answer.Session };
  }
  throw new SignInError({ zh: `${T.signInFailed.zh}（${answer.ChallengeName ?? '?'}）`, en: `${T.signInFailed.en} (${answer.ChallengeName ?? '?'})` });
}

/** Answers NEW_PASSWORD_REQUIRED with the new password; gives the session (or asks again). */
export async function setNewPassword(auth: AuthConfig, pending: Extract<SignInResult, { kind: 'new-password' }>, newPassword: string): Promise<SignInResult> {
  if (auth.kind !== 'cognito') throw new SignInError(T.signInFailed);
  const answer = await cognito(auth, 'RespondToAuthChallenge', {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    ClientId: auth.clientId,
    Session: pending.challenge,
    ChallengeResponses: { USERNAME: pending.username, NEW_PASSWORD: newPassword },
  });
  const s = sessionOf(answer, pending.email);
  if (s) return { kind: 'session', session: s };
  return challengeOf(answer, pending.email, pending.username);
}
