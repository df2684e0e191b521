// The portal's users on one machine (`qtrack users`, `qtrack serve`): who may sign
// in, kept in the data directory, and the tokens `qtrack serve` signs for them.
//
//   <dataDir>/users.json    the users: e-mail, role, department, scrypt hash (mode 0600)
//   <dataDir>/auth-secret   the HS256 key of the tokens, made once (mode 0600)
//
// A token is a JWT as Cognito's ID tokens look to the API (sub, email,
// cognito:groups), signed with HS256 and the data directory's own secret, for
// one hour. Verification accepts exactly that and nothing else: alg HS256 (never
// "none", never another), a signature compared in constant time, iss and exp;
// `qtrack serve` then also requires its user to be still in users.json
// (LocalUsers.holderOf), so `qtrack users remove` takes effect at once.
import { createHmac, randomBytes, randomUUID, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, fchmodSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Claims } from '../core/api/types';
import { departmentGroup, OFFICE_GROUP } from '../core/api/types';
import { resolveDepartment } from '../core/catalog';
import { BilingualError } from '../core/errors';
import { isAlive } from './process';
import { ATOMIC_TEMP_PREFIX, fsyncDir, writeFileAtomic } from './queue';

export const USERS_FILE = 'users.json';
export const SECRET_FILE = 'auth-secret';
const USERS_FORMAT = 1;

/** The issuer of local tokens; a token of any other issuer is refused. */
export const TOKEN_ISSUER = 'qtrack-local';
/** How long a token is valid (seconds). */
export const TOKEN_LIFETIME_SECONDS = 3600;
/** The shortest password a local user may be given. */
export const MIN_PASSWORD_LENGTH = 8;

/** A user or token problem for people: what is wrong and what to do, Chinese first. */
export class UsersError extends BilingualError {}

export type Role = 'office' | 'clerk';

/** An scrypt hash with its parameters and salt (base64). */
export interface PasswordHash {
  alg: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

export interface LocalUser {
  /** the token's sub: a random id, fixed when the user is made */
  id: string;
  /** normalised: trimmed, lower-case */
  email: string;
  role: Role;
  /** the department code, for a clerk only */
  department?: string;
  password: PasswordHash;
  createdAt: string;
}

/** A user as `users list` shows it: everything but the hash. */
export type UserSummary = Omit<LocalUser, 'password'>;

// ---------------------------------------------------------------------------
// Passwords

/** scrypt cost: N = 2^15, r = 8 (32 MiB of memory, some 50–100 ms a hash). */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 } as const;

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))));
}

const maxmem = (N: number, r: number) => 128 * N * r * 2;

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const { N, r, p, keyLength } = SCRYPT;
  const key = await scryptAsync(password.normalize('NFC'), salt, keyLength, { N, r, p, maxmem: maxmem(N, r) });
  return { alg: 'scrypt', N, r, p, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  if (stored.alg !== 'scrypt' || !Number.isInteger(stored.N) || stored.N < 2 ** 14 || stored.N > 2 ** 20 || !(stored.r >= 1 && stored.r <= 32) || !(stored.p >= 1 && stored.p <= 4)) return false;
  const expected = Buffer.from(stored.hash, 'base64');
  if (expected.length < 16) return false;
  const key = await scryptAsync(password.normalize('NFC'), Buffer.from(stored.salt, 'base64'), expected.length, { N: stored.N, r: stored.r, p: stored.p, maxmem: maxmem(stored.N, stored.r) });
  return timingSafeEqual(key, expected);
}

/** A hash no password matches, for an unknown e-mail: the sign-in takes as long as for a known one. */
let decoy: Promise<PasswordHash> | undefined;
const decoyHash = () => (decoy ??= hashPassword(randomBytes(24).toString('base64')));

const PASSWORD_ALPHABETS = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '-_.!@#%+='];

/** A random password of 16 characters with upper and lower case, digits and a symbol (Cognito's default policy too). */
export function generatePassword(length = 16): string {
  const all = PASSWORD_ALPHABETS.join('');
  const pick = (set: string) => set[randomBytes(4).readUInt32BE() % set.length]!;
  for (;;) {
    const chars = Array.from({ length }, () => pick(all));
    if (PASSWORD_ALPHABETS.every((set) => chars.some((c) => set.includes(c)))) return chars.join('');
  }
}

// ---------------------------------------------------------------------------
// Users

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An e-mail as users are filed under it (trimmed, lower-case); undefined when it is not one. */
export function normaliseEmail(raw: string): string | undefined {
  const email = raw.trim().toLowerCase();
  return email.length <= 254 && EMAIL.test(email) ? email : undefined;
}

/** A normalised e-mail (trimmed, lower-case); throws UsersError when it is not one. */
export function checkEmail(raw: string): string {
  const email = normaliseEmail(raw);
  if (!email) throw new UsersError(`“${raw}”不是有效的电子邮件地址`, `"${raw}" is not a valid e-mail address`);
  return email;
}

/** The groups of a user's tokens, as Cognito's cognito:groups: office, or dept-{code}. */
export function groupsOf(user: Pick<LocalUser, 'role' | 'department'>): string[] {
  return user.role === 'office' ? [OFFICE_GROUP] : [departmentGroup(user.department!)];
}

export interface NewUser {
  email: string;
  role: Role;
  /** a clerk's department: its code, Chinese name or alias */
  department?: string;
  password: string;
}

/** A password long enough for a local user; throws UsersError otherwise. */
export function checkPassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new UsersError(`密码至少需要 ${MIN_PASSWORD_LENGTH} 个字符`, `a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
}

/** Checks and normalises a new user (e-mail, role, department, password); throws UsersError when something is wrong. */
export function checkNewUser(input: NewUser): { email: string; role: Role; department?: string } {
  const email = checkEmail(input.email);
  if (input.role === 'office') {
    if (input.department !== undefined) throw new UsersError('质量办用户不属于任何部门：--office 与 --department 只能选一个', 'an office user belongs to no department: give --office or --department, not both');
  } else if (input.role === 'clerk') {
    if (input.department === undefined) throw new UsersError('部门填报人需要 --department', 'a clerk needs --department');
  } else {
    throw new UsersError(`未知角色“${String(input.role)}”（office 或 clerk）`, `unknown role "${String(input.role)}" (office or clerk)`);
  }
  const department = input.department === undefined ? undefined : resolveDepartment(input.department);
  if (input.department !== undefined && !department) throw new UsersError(`未知部门“${input.department}”`, `unknown department "${input.department}"`);
  checkPassword(input.password);
  return { email, role: input.role, ...(department ? { department: department.code } : {}) };
}

/** Only the owner may read: a file others could read is narrowed to 0600 (a no-op where modes do not exist). */
function keepPrivate(path: string): void {
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  } catch {
    // Windows: no POSIX modes
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * The users of one data directory. The file is read afresh by every call, so a
 * user added by `qtrack users add` while `qtrack serve` runs can sign in at once,
 * and one removed by `qtrack users remove` is refused at once (holderOf);
 * writers hold users.json.lock for the read-modify-write and replace the file
 * atomically, so two `users add` at once lose no one.
 */
export class LocalUsers {
  readonly path: string;

  constructor(readonly root: string) {
    this.path = join(root, USERS_FILE);
  }

  /** Every user, in the order they were added; none when there is no file yet. */
  all(): LocalUser[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    let parsed: { format?: number; users?: LocalUser[] };
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UsersError(`用户文件 ${this.path} 已损坏，无法读取`, `the users file ${this.path} is damaged and cannot be read`);
    }
    if (parsed.format !== USERS_FORMAT || !Array.isArray(parsed.users)) {
      throw new UsersError(`用户文件 ${this.path} 的格式不受支持`, `the users file ${this.path} has an unsupported format`);
    }
    return parsed.users;
  }

  list(): UserSummary[] {
    return this.all().map(({ password: _, ...rest }) => rest);
  }

  find(email: string): LocalUser | undefined {
    const normal = normaliseEmail(email);
    return normal ? this.all().find((u) => u.email === normal) : undefined;
  }

  /**
   * Adds a user; an e-mail that is there already is refused unless `replace`
   * (the demo's fixed users: a second demo run sets them again).
   */
  async add(input: NewUser, options: { replace?: boolean; now?: Date } = {}): Promise<UserSummary> {
    const checked = checkNewUser(input);
    const password = await hashPassword(input.password);
    return this.locked(() => {
      const users = this.all();
      const at = users.findIndex((u) => u.email === checked.email);
      if (at >= 0 && !options.replace) {
        throw new UsersError(`用户 ${checked.email} 已存在`, `user ${checked.email} exists already`);
      }
      const user: LocalUser = {
        id: at >= 0 ? users[at]!.id : randomUUID(),
        ...checked,
        password,
        createdAt: (options.now ?? new Date()).toISOString(),
      };
      if (at >= 0) users[at] = user;
      else users.push(user);
      this.write(users);
      const { password: _, ...summary } = user;
      return summary;
    });
  }

  /** Removes the user with this e-mail; an e-mail of no user is refused (UsersError). */
  async remove(email: string): Promise<UserSummary> {
    const normal = checkEmail(email);
    return this.locked(() => {
      const users = this.all();
      const at = users.findIndex((u) => u.email === normal);
      if (at < 0) throw this.noSuchUser(normal);
      const [removed] = users.splice(at, 1);
      this.write(users);
      const { password: _, ...summary } = removed!;
      return summary;
    });
  }

  /** Gives the user with this e-mail a new password (the old one stops working); an e-mail of no user is refused (UsersError). */
  async setPassword(email: string, password: string): Promise<UserSummary> {
    const normal = checkEmail(email);
    checkPassword(password);
    const hash = await hashPassword(password);
    return this.locked(() => {
      const users = this.all();
      const user = users.find((u) => u.email === normal);
      if (!user) throw this.noSuchUser(normal);
      user.password = hash;
      this.write(users);
      const { password: _, ...summary } = user;
      return summary;
    });
  }

  /**
   * The user a verified token was issued to, while that user is still in the
   * file (the same id and e-mail); undefined once they were removed, so a token
   * stops working at once rather than when it expires.
   */
  holderOf(claims: Pick<Claims, 'sub' | 'email'>): LocalUser | undefined {
    return this.all().find((u) => u.id === claims.sub && u.email === claims.email);
  }

  /** The user with this e-mail and password; undefined otherwise (an unknown e-mail costs as much time as a wrong password). */
  async authenticate(email: string, password: string): Promise<LocalUser | undefined> {
    const user = this.find(email);
    const ok = await verifyPassword(password, user?.password ?? (await decoyHash()));
    return user && ok ? user : undefined;
  }

  private noSuchUser(email: string): UsersError {
    return new UsersError(`找不到用户 ${email}（用 qtrack users list 查看）`, `no user ${email} (list them with qtrack users list)`);
  }

  /** Replaces the file whole (temp + rename), mode 0600; the caller holds the lock. */
  private write(users: LocalUser[]): void {
    writeFileAtomic(this.path, JSON.stringify({ format: USERS_FORMAT, users }, null, 2) + '\n', 0o600);
  }

  private async locked<T>(fn: () => T): Promise<T> {
    const lockPath = `${this.path}.lock`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const fd = openSync(lockPath, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        let pid = 0;
        try {
          pid = Number(readFileSync(lockPath, 'utf8').trim());
        } catch {
          // removed meanwhile
        }
        // a lock of a process that died (or one that died before it wrote its pid)
        if ((pid && !isAlive(pid)) || (!pid && ageMs(lockPath) > 5_000)) rmSync(lockPath, { force: true });
        else if (Date.now() > deadline) throw new UsersError(`用户文件 ${this.path} 正被另一个进程修改，请稍后再试`, `the users file ${this.path} is being changed by another process; try again`);
        else await new Promise((r) => setTimeout(r, 25));
      }
    }
    try {
      return fn();
    } finally {
      rmSync(lockPath, { force: true });
    }
  }
}

// ---------------------------------------------------------------------------
// Tokens (HS256 JWT)

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');
const HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const B64URL = /^[A-Za-z0-9_-]+$/;

/** The claims a local token carries. */
export interface TokenPayload {
  sub: string;
  email: string;
  'cognito:groups': string[];
  iat: number;
  exp: number;
  iss: string;
}

export function signToken(payload: TokenPayload, secret: Buffer): string {
  const body = `${HEADER}.${b64url(JSON.stringify(payload))}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

function parseJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The claims of a token this secret signed, still valid at `now`; undefined for
 * anything else: malformed, another algorithm (none included), a wrong
 * signature, another issuer, expired, issued in the future, claims missing.
 */
export function verifyToken(token: string, secret: Buffer, now: Date = new Date()): Claims | undefined {
  if (token.length > 8192) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) return undefined;
  const [h, p, s] = parts as [string, string, string];
  const header = parseJson(h) as { alg?: unknown; typ?: unknown; crit?: unknown } | undefined;
  if (!header || typeof header !== 'object' || header.alg !== 'HS256' || (header.typ !== undefined && header.typ !== 'JWT') || header.crit !== undefined) return undefined;
  const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const claims = parseJson(p) as Partial<TokenPayload> | undefined;
  if (!claims || typeof claims !== 'object') return undefined;
  const seconds = now.getTime() / 1000;
  const { sub, email, iss, iat, exp } = claims;
  const groups = claims['cognito:groups'];
  if (iss !== TOKEN_ISSUER) return undefined;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || seconds >= exp) return undefined;
  if (typeof iat !== 'number' || !Number.isFinite(iat) || iat > seconds + 60 || exp - iat > TOKEN_LIFETIME_SECONDS) return undefined;
  if (typeof sub !== 'string' || !sub || typeof email !== 'string' || !email) return undefined;
  if (!Array.isArray(groups) || !groups.every((g): g is string => typeof g === 'string')) return undefined;
  return { sub, email, groups: [...groups] };
}

/** The data directory's token key: read, or made once (32 random bytes, mode 0600) by whoever needs it first. */
export function loadSecret(root: string): Buffer {
  const path = join(root, SECRET_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const secret = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64url');
      if (secret.length < 32) throw new UsersError(`令牌密钥 ${path} 已损坏：删除后重新启动 qtrack serve 即可（已发出的令牌随之失效）`, `the token key ${path} is damaged: delete it and start qtrack serve again (tokens issued so far stop working)`);
      keepPrivate(path);
      return secret;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // written whole under a temp name, then linked into place: a second process racing here keeps the first one's key
    const tmp = join(root, `${ATOMIC_TEMP_PREFIX}${process.pid}-${SECRET_FILE}`);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      fchmodSync(fd, 0o600);
      writeSync(fd, `${randomBytes(32).toString('base64url')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, path);
      fsyncDir(root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  throw new UsersError(`无法创建令牌密钥 ${path}`, `cannot create the token key ${path}`);
}

/** Signs and verifies the tokens of one data directory. */
export class TokenIssuer {
  constructor(private readonly secret: Buffer) {}

  static open(root: string): TokenIssuer {
    return new TokenIssuer(loadSecret(root));
  }

  issue(user: Pick<LocalUser, 'id' | 'email' | 'role' | 'department'>, now: Date = new Date()): { token: string; expiresAt: string } {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + TOKEN_LIFETIME_SECONDS;
    const token = signToken({ sub: user.id, email: user.email, 'cognito:groups': groupsOf(user), iat, exp, iss: TOKEN_ISSUER }, this.secret);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  verify(token: string, now: Date = new Date()): Claims | undefined {
    return verifyToken(token, this.secret, now);
  }
}
