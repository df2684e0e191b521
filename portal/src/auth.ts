// Signing in and the session token. The token lives in memory and in this
// tab's sessionStorage only (never localStorage, never a cookie) and goes out
// only as `Authorization: Bearer` to the API (api.ts).
//   local:   POST /api/session { email, password } → { token, expiresAt }
//   cognito: InitiateAuth USER_PASSWORD_AUTH at cognito-idp.{region}.amazonaws.com
//            → the IdToken; NEW_PASSWORD_REQUIRED → RespondToAuthChallenge.
import type { Lang } from '../../functions/core/model';
import { apiPath } from './api-base';
import { T } from './text';
import type { AuthConfig } from './types';

export interface Session {
  token: string;
  expiresAt: string;
  email: string;
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

/** The session, unless there is none or it has expired. */
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
  if (current && !(Date.parse(current.expiresAt) > Date.now())) clearSession();
  return current;
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
  AuthenticationResult?: { IdToken?: string; ExpiresIn?: number };
  ChallengeName?: string;
  ChallengeParameters?: { USER_ID_FOR_SRP?: string };
  Session?: string;
  __type?: string;
  message?: string;
}

async function cognito(auth: Extract<AuthConfig, { kind: 'cognito' }>, target: 'InitiateAuth' | 'RespondToAuthChallenge', body: unknown): Promise<CognitoAnswer> {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(auth.region)) throw new SignInError(T.configMissing);
  let res: Response;
  try {
    res = await fetch(`https://cognito-idp.${auth.region}.amazonaws.com/`, {
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

function sessionOf(answer: CognitoAnswer, email: string): Session | undefined {
  const token = answer.AuthenticationResult?.IdToken;
  if (!token) return undefined;
  const seconds = answer.AuthenticationResult?.ExpiresIn ?? 3600;
  // a minute early, so a request never leaves with a token about to expire
  return { token, email, expiresAt: new Date(Date.now() + Math.max(60, seconds - 60) * 1000).toISOString() };
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
