// The portal's local users and tokens (functions/local/users.ts) and the
// `qtrack users` command (add, list, remove, password): locally in the data directory, and with --aws against a
// fake CloudFormation + Cognito endpoint on 127.0.0.1 that records every call.
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../functions/local/cli';
import {
  checkNewUser,
  generatePassword,
  hashPassword,
  LocalUsers,
  loadSecret,
  normaliseEmail,
  SECRET_FILE,
  signToken,
  TOKEN_ISSUER,
  TokenIssuer,
  USERS_FILE,
  UsersError,
  verifyPassword,
  verifyToken,
} from '../../../functions/local/users';

const tmp = () => mkdtempSync(join(tmpdir(), 'qtrack-users-'));
const posix = process.platform !== 'win32';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('passwords', () => {
  it('scrypt with N ≥ 2^15 and a random salt per hash; the right password verifies, a wrong one does not', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a.alg).toBe('scrypt');
    expect(a.N).toBeGreaterThanOrEqual(2 ** 15);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horse ', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
    // a stored hash with weakened parameters is not trusted
    expect(await verifyPassword('correct horse', { ...a, N: 2 ** 10 })).toBe(false);
  });

  it('generated passwords are long and mixed', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const p = generatePassword();
      expect(p).toHaveLength(16);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[0-9]/);
      expect(p).toMatch(/[^A-Za-z0-9]/);
      seen.add(p);
    }
    expect(seen.size).toBe(20);
  });
});

describe('users in the data directory', () => {
  it('normalises e-mails and resolves department names as the CLI does', () => {
    expect(normaliseEmail('  Clerk@Example.GOV.cn ')).toBe('clerk@example.gov.cn');
    expect(normaliseEmail('not an e-mail')).toBeUndefined();
    expect(checkNewUser({ email: 'A@b.cn', role: 'clerk', department: '区建管委', password: 'longenough' })).toEqual({ email: 'a@b.cn', role: 'clerk', department: 'construction' });
    expect(checkNewUser({ email: 'o@b.cn', role: 'office', password: 'longenough' })).toEqual({ email: 'o@b.cn', role: 'office' });
    expect(() => checkNewUser({ email: 'o@b.cn', role: 'office', department: 'construction', password: 'longenough' })).toThrow(UsersError);
    expect(() => checkNewUser({ email: 'c@b.cn', role: 'clerk', password: 'longenough' })).toThrow(/needs --department/);
    expect(() => checkNewUser({ email: 'c@b.cn', role: 'clerk', department: 'nowhere', password: 'longenough' })).toThrow(/unknown department/);
    expect(() => checkNewUser({ email: 'c@b.cn', role: 'clerk', department: 'construction', password: 'short' })).toThrow(/at least 8/);
  });

  it('adds, finds and authenticates users; the file is private and holds no password', async () => {
    const root = tmp();
    const users = new LocalUsers(root);
    expect(users.all()).toEqual([]);
    const clerk = await users.add({ email: 'Clerk@Example.gov.cn', role: 'clerk', department: 'market-regulation', password: 'pass-word-1' });
    expect(clerk).toMatchObject({ email: 'clerk@example.gov.cn', role: 'clerk', department: 'market-regulation' });
    expect(clerk).not.toHaveProperty('password');
    await users.add({ email: 'office@example.gov.cn', role: 'office', password: 'pass-word-2' });
    expect(users.list().map((u) => u.email)).toEqual(['clerk@example.gov.cn', 'office@example.gov.cn']);

    const text = readFileSync(join(root, USERS_FILE), 'utf8');
    expect(text).not.toContain('pass-word-1');
    if (posix) expect(statSync(join(root, USERS_FILE)).mode & 0o777).toBe(0o600);
    // no temp file or lock left behind
    expect(readdirSync(root).sort()).toEqual([USERS_FILE]);

    expect((await users.authenticate('CLERK@example.gov.cn', 'pass-word-1'))?.id).toBe(clerk.id);
    expect(await users.authenticate('clerk@example.gov.cn', 'pass-word-2')).toBeUndefined();
    expect(await users.authenticate('nobody@example.gov.cn', 'pass-word-1')).toBeUndefined();
  });

  it('refuses a second user with the same e-mail, unless replacing (the demo); the id stays', async () => {
    const users = new LocalUsers(tmp());
    const first = await users.add({ email: 'a@b.cn', role: 'office', password: 'first-pass' });
    await expect(users.add({ email: 'A@B.cn', role: 'office', password: 'other-pass' })).rejects.toThrow(/exists already/);
    const again = await users.add({ email: 'a@b.cn', role: 'clerk', department: 'health', password: 'second-pass' }, { replace: true });
    expect(again.id).toBe(first.id);
    expect(users.list()).toHaveLength(1);
    expect(await users.authenticate('a@b.cn', 'second-pass')).toMatchObject({ role: 'clerk', department: 'health' });
    expect(await users.authenticate('a@b.cn', 'first-pass')).toBeUndefined();
  });

  it('loses no one when several are added at once, and takes over the lock of a process that died', async () => {
    const root = tmp();
    const users = new LocalUsers(root);
    writeFileSync(join(root, `${USERS_FILE}.lock`), '999999999'); // no such process
    await Promise.all(Array.from({ length: 6 }, (_, i) => users.add({ email: `u${i}@b.cn`, role: 'office', password: 'pass-word' })));
    expect(users.list().map((u) => u.email).sort()).toEqual(['u0@b.cn', 'u1@b.cn', 'u2@b.cn', 'u3@b.cn', 'u4@b.cn', 'u5@b.cn']);
    expect(existsSync(join(root, `${USERS_FILE}.lock`))).toBe(false);
  });

  it('removes a user and sets a new password, under the lock, written atomically; an unknown e-mail is refused', async () => {
    const root = tmp();
    const users = new LocalUsers(root);
    const clerk = await users.add({ email: 'clerk@b.cn', role: 'clerk', department: 'health', password: 'old-password' });
    await users.add({ email: 'office@b.cn', role: 'office', password: 'office-pass' });
    const token = { sub: clerk.id, email: clerk.email };
    expect(users.holderOf(token)?.id).toBe(clerk.id);
    expect(users.holderOf({ sub: 'someone-else', email: clerk.email })).toBeUndefined();

    const changed = await users.setPassword(' CLERK@b.cn', 'new-password');
    expect(changed).toMatchObject({ id: clerk.id, email: 'clerk@b.cn', role: 'clerk', department: 'health' });
    expect(changed).not.toHaveProperty('password');
    expect(await users.authenticate('clerk@b.cn', 'new-password')).toMatchObject({ id: clerk.id });
    expect(await users.authenticate('clerk@b.cn', 'old-password')).toBeUndefined();
    await expect(users.setPassword('clerk@b.cn', 'short')).rejects.toThrow(/at least 8/);
    await expect(users.setPassword('nobody@b.cn', 'long-enough')).rejects.toThrow(/找不到用户 nobody@b\.cn.*no user nobody@b\.cn/);

    // a dead process's lock is taken over, as for add
    writeFileSync(join(root, `${USERS_FILE}.lock`), '999999999');
    expect(await users.remove('Clerk@B.cn')).toMatchObject({ id: clerk.id, email: 'clerk@b.cn' });
    expect(users.list().map((u) => u.email)).toEqual(['office@b.cn']);
    expect(users.holderOf(token)).toBeUndefined();
    expect(await users.authenticate('clerk@b.cn', 'new-password')).toBeUndefined();
    await expect(users.remove('clerk@b.cn')).rejects.toThrow(UsersError);
    await expect(users.remove('not an e-mail')).rejects.toThrow(/not a valid e-mail/);
    if (posix) expect(statSync(join(root, USERS_FILE)).mode & 0o777).toBe(0o600);
    expect(readdirSync(root).sort()).toEqual([USERS_FILE]);

    // added again: a new id, so a token of the one removed stays refused
    const again = await users.add({ email: 'clerk@b.cn', role: 'office', password: 'pass-word' });
    expect(again.id).not.toBe(clerk.id);
    expect(users.holderOf(token)).toBeUndefined();
  });

  it('a remove beside adds loses no one else', async () => {
    const users = new LocalUsers(tmp());
    await users.add({ email: 'gone@b.cn', role: 'office', password: 'pass-word' });
    await Promise.all([users.remove('gone@b.cn'), ...Array.from({ length: 4 }, (_, i) => users.add({ email: `u${i}@b.cn`, role: 'office', password: 'pass-word' }))]);
    expect(users.list().map((u) => u.email).sort()).toEqual(['u0@b.cn', 'u1@b.cn', 'u2@b.cn', 'u3@b.cn']);
  });

  it('says so when the file is damaged', () => {
    const root = tmp();
    writeFileSync(join(root, USERS_FILE), '{ not json');
    expect(() => new LocalUsers(root).all()).toThrow(/damaged/);
  });
});

describe('tokens', () => {
  const secret = Buffer.alloc(32, 7);
  const user = { id: 'u-1', email: 'clerk@example.gov.cn', role: 'clerk' as const, department: 'construction' };
  const now = new Date('2026-07-01T08:00:00Z');
  const issuer = new TokenIssuer(secret);
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const claims = (over: Record<string, unknown> = {}) => ({ sub: 'u-1', email: 'clerk@example.gov.cn', 'cognito:groups': ['dept-construction'], iat: now.getTime() / 1000, exp: now.getTime() / 1000 + 3600, iss: TOKEN_ISSUER, ...over });
  const hs256 = (header: unknown, payload: unknown, key = secret) => {
    const body = `${part(header)}.${part(payload)}`;
    return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
  };

  it('a token maps to the Claims the API reads: sub, email, groups; valid for one hour', () => {
    const { token, expiresAt } = issuer.issue(user, now);
    expect(expiresAt).toBe('2026-07-01T09:00:00.000Z');
    expect(issuer.verify(token, now)).toEqual({ sub: 'u-1', email: 'clerk@example.gov.cn', groups: ['dept-construction'] });
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(payload).toEqual({ sub: 'u-1', email: 'clerk@example.gov.cn', 'cognito:groups': ['dept-construction'], iat: 1782892800, exp: 1782896400, iss: 'qtrack-local' });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(issuer.verify(issuer.issue({ ...user, role: 'office', department: undefined }, now).token, now)?.groups).toEqual(['office']);
  });

  it('refuses an expired token, one signed with another secret, alg none or another alg, an edited payload, another issuer', () => {
    const { token } = issuer.issue(user, now);
    expect(issuer.verify(token, new Date(now.getTime() + 3600_000))).toBeUndefined();
    expect(issuer.verify(token, new Date(now.getTime() + 3599_000))).toBeDefined();
    expect(new TokenIssuer(Buffer.alloc(32, 8)).verify(token, now)).toBeUndefined();
    const [h, , s] = token.split('.');
    expect(issuer.verify(`${part({ alg: 'none', typ: 'JWT' })}.${part(claims())}.`, now)).toBeUndefined();
    expect(issuer.verify(`${part({ alg: 'none' })}.${part(claims())}.${s}`, now)).toBeUndefined();
    expect(issuer.verify(hs256({ alg: 'HS512', typ: 'JWT' }, claims()), now)).toBeUndefined();
    expect(issuer.verify(hs256({ alg: 'hs256', typ: 'JWT' }, claims()), now)).toBeUndefined();
    expect(issuer.verify(`${h}.${part(claims({ 'cognito:groups': ['office'] }))}.${s}`, now)).toBeUndefined();
    expect(issuer.verify(hs256({ alg: 'HS256', typ: 'JWT' }, claims({ iss: 'someone-else' })), now)).toBeUndefined();
    expect(issuer.verify(hs256({ alg: 'HS256', typ: 'JWT' }, claims({ exp: undefined })), now)).toBeUndefined();
    expect(issuer.verify(hs256({ alg: 'HS256', typ: 'JWT' }, claims({ iat: now.getTime() / 1000 + 3600, exp: now.getTime() / 1000 + 7200 })), now)).toBeUndefined();
    expect(issuer.verify(hs256({ alg: 'HS256', typ: 'JWT' }, claims({ exp: now.getTime() / 1000 + 86_400 })), now)).toBeUndefined();
    expect(issuer.verify(hs256({ alg: 'HS256', typ: 'JWT' }, claims({ 'cognito:groups': 'office' })), now)).toBeUndefined();
    // the right form, our secret: accepted (the forgeries above fail for their own reason)
    expect(issuer.verify(hs256({ alg: 'HS256', typ: 'JWT' }, claims()), now)).toEqual({ sub: 'u-1', email: 'clerk@example.gov.cn', groups: ['dept-construction'] });
    for (const junk of ['', 'a.b', 'a.b.c.d', `${token}x`, `${token}.`, token.replace(/\./g, ' . ')]) expect(issuer.verify(junk, now), junk).toBeUndefined();
    expect(verifyToken(signToken(claims(), secret), secret, now)).toBeDefined();
  });

  it('the secret is made once, 32 random bytes, mode 0600, and kept', () => {
    const root = tmp();
    const a = loadSecret(root);
    const b = loadSecret(root);
    expect(a.length).toBe(32);
    expect(b.equals(a)).toBe(true);
    if (posix) expect(statSync(join(root, SECRET_FILE)).mode & 0o777).toBe(0o600);
    expect(readdirSync(root)).toEqual([SECRET_FILE]);
    expect(loadSecret(tmp()).equals(a)).toBe(false);
    writeFileSync(join(root, SECRET_FILE), 'short\n');
    expect(() => loadSecret(root)).toThrow(/damaged/);
  });
});

describe('qtrack users add / list, locally', () => {
  it('adds a clerk by the department’s Chinese name, prints a generated password once; it signs in', async () => {
    const dir = join(tmp(), 'data');
    const r = await run('users', 'add', '--email', 'Jian@Example.gov.cn', '--department', '区建设管理委', '--data-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('已添加用户 / user added: jian@example.gov.cn');
    const password = /password \(shown this once; pass it on\): (\S+)/.exec(r.out)?.[1];
    expect(password).toHaveLength(16);
    expect(await new LocalUsers(dir).authenticate('jian@example.gov.cn', password!)).toMatchObject({ role: 'clerk', department: 'construction' });
    // the data directory is a qtrack one now: serve and the other commands can open it
    expect(existsSync(join(dir, 'qtrack-data.json'))).toBe(true);

    const given = await run('users', 'add', '--email', 'office@example.gov.cn', '--office', '--password', 'office-pass', '--data-dir', dir, '--json');
    expect(given.code).toBe(0);
    expect(JSON.parse(given.out)).toMatchObject({ email: 'office@example.gov.cn', role: 'office' });
    expect(JSON.parse(given.out)).not.toHaveProperty('password');

    const list = await run('users', 'list', '--data-dir', dir, '--json');
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.out) as { users: Record<string, unknown>[] };
    expect(listed.users.map((u) => [u.email, u.role, u.department])).toEqual([
      ['jian@example.gov.cn', 'clerk', 'construction'],
      ['office@example.gov.cn', 'office', undefined],
    ]);
    expect(list.out).not.toMatch(/scrypt|salt|hash/);
    const text = await run('users', 'list', '--data-dir', dir);
    expect(text.out).toMatch(/jian@example\.gov\.cn\s+填报人 clerk\s+construction/);
  });

  it.each([
    [['--email', 'a@b.cn', '--office', '--department', 'health'], /--office 与 --department 只能选一个.*exclude each other/],
    [['--email', 'a@b.cn'], /需要 --department.*--office/],
    [['--department', 'health'], /缺少 --email.*missing --email/],
    [['--email', 'nope', '--office'], /不是有效的电子邮件地址.*not a valid e-mail/],
    [['--email', 'a@b.cn', '--department', 'helth'], /是否要找 health/],
    [['--email', 'a@b.cn', '--office', '--password', 'short'], /至少需要 8 个字符.*at least 8/],
  ])('users add %j → a usage error, exit 2, one line', async (args, message) => {
    const r = await run('users', 'add', ...args, '--data-dir', join(tmp(), 'd'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('a second add of the same e-mail is refused; list of a missing data directory says so', async () => {
    const dir = join(tmp(), 'data');
    expect((await run('users', 'add', '--email', 'a@b.cn', '--office', '--data-dir', dir)).code).toBe(0);
    const again = await run('users', 'add', '--email', 'A@b.cn', '--office', '--data-dir', dir);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/已存在.*exists already/);
    const missing = await run('users', 'list', '--data-dir', join(tmp(), 'none'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/不存在或为空/);
  });
});

describe('qtrack users remove / password, locally', () => {
  it('password: a generated one printed once, or the one given; the old one stops working', async () => {
    const dir = join(tmp(), 'data');
    expect((await run('users', 'add', '--email', 'clerk@example.gov.cn', '--department', 'health', '--password', 'first-pass', '--data-dir', dir)).code).toBe(0);
    const r = await run('users', 'password', '--email', 'Clerk@Example.gov.cn', '--data-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('已设置新密码 / new password set: clerk@example.gov.cn');
    const password = /password \(shown this once; pass it on\): (\S+)/.exec(r.out)?.[1];
    expect(password).toHaveLength(16);
    const users = new LocalUsers(dir);
    expect(await users.authenticate('clerk@example.gov.cn', password!)).toBeDefined();
    expect(await users.authenticate('clerk@example.gov.cn', 'first-pass')).toBeUndefined();

    const given = await run('users', 'password', '--email', 'clerk@example.gov.cn', '--password', 'third-pass', '--data-dir', dir, '--json');
    expect(given.code).toBe(0);
    expect(JSON.parse(given.out)).toEqual({ email: 'clerk@example.gov.cn', role: 'clerk', department: 'health' });
    expect(await users.authenticate('clerk@example.gov.cn', 'third-pass')).toBeDefined();
    const json = JSON.parse((await run('users', 'password', '--email', 'clerk@example.gov.cn', '--data-dir', dir, '--json')).out);
    expect(await users.authenticate('clerk@example.gov.cn', json.password)).toBeDefined();
  });

  it('remove: the user is gone from the file and from list', async () => {
    const dir = join(tmp(), 'data');
    for (const email of ['a@example.gov.cn', 'b@example.gov.cn']) expect((await run('users', 'add', '--email', email, '--office', '--data-dir', dir)).code).toBe(0);
    const r = await run('users', 'remove', '--email', 'A@example.gov.cn', '--data-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('已删除用户 / user removed: a@example.gov.cn（质量办 / office）');
    expect(new LocalUsers(dir).list().map((u) => u.email)).toEqual(['b@example.gov.cn']);
    const json = await run('users', 'remove', '--email', 'b@example.gov.cn', '--data-dir', dir, '--json');
    expect(JSON.parse(json.out)).toEqual({ email: 'b@example.gov.cn', role: 'office', removed: true });
    expect(new LocalUsers(dir).list()).toEqual([]);
  });

  it.each([
    [['remove', '--email', 'nobody@example.gov.cn'], /找不到用户 nobody@example\.gov\.cn（用 qtrack users list 查看）.*no user nobody@example\.gov\.cn/],
    [['password', '--email', 'nobody@example.gov.cn'], /找不到用户 nobody@example\.gov\.cn.*no user nobody@example\.gov\.cn/],
    [['remove'], /缺少 --email.*missing --email/],
    [['password', '--email', 'nope'], /不是有效的电子邮件地址.*not a valid e-mail/],
    [['password', '--email', 'a@example.gov.cn', '--password', 'short'], /至少需要 8 个字符.*at least 8/],
  ])('users %j → exit 2, one line', async (args, message) => {
    const dir = join(tmp(), 'data');
    expect((await run('users', 'add', '--email', 'a@example.gov.cn', '--office', '--data-dir', dir)).code).toBe(0);
    const r = await run('users', ...args, '--data-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(new LocalUsers(dir).list().map((u) => u.email)).toEqual(['a@example.gov.cn']);
  });

  it('remove and password on a data directory that does not exist: exit 2, none made', async () => {
    const dir = join(tmp(), 'none');
    for (const sub of ['remove', 'password']) {
      const r = await run('users', sub, '--email', 'a@example.gov.cn', '--data-dir', dir);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/不存在或为空/);
    }
    expect(existsSync(dir)).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// --aws: a fake CloudFormation (DescribeStacks, Query/XML) and Cognito (JSON 1.1) on 127.0.0.1

interface Call {
  action: string;
  body: Record<string, unknown>;
}

const POOL = 'us-east-1_QtrackTest';

async function fakeAws(): Promise<{ url: string; calls: Call[]; close(): Promise<void> }> {
  const calls: Call[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      if (typeof target === 'string') {
        const action = target.replace('AWSCognitoIdentityProviderService.', '');
        const body = JSON.parse(text || '{}') as Record<string, unknown>;
        calls.push({ action, body });
        const json = (status: number, value: unknown) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fake' });
          res.end(JSON.stringify(value));
        };
        if (body.UserPoolId !== POOL) return json(400, { __type: 'ResourceNotFoundException', message: 'User pool does not exist.' });
        if (action === 'AdminCreateUser') {
          if (body.Username === 'taken@example.gov.cn') return json(400, { __type: 'UsernameExistsException', message: 'An account with the given email already exists.' });
          return json(200, { User: { Username: body.Username, Attributes: body.UserAttributes, UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true } });
        }
        if (action === 'AdminAddUserToGroup') return json(200, {});
        if ((action === 'AdminDeleteUser' || action === 'AdminSetUserPassword') && body.Username === 'nobody@example.gov.cn') {
          return json(400, { __type: 'UserNotFoundException', message: 'User does not exist.' });
        }
        if (action === 'AdminSetUserPassword' && body.Password === 'too-simple') {
          return json(400, { __type: 'InvalidPasswordException', message: 'Password does not conform to policy: Password must have uppercase characters' });
        }
        if (action === 'AdminDeleteUser' || action === 'AdminSetUserPassword') return json(200, {});
        if (action === 'ListUsers') {
          return json(200, {
            Users: [
              { Username: 'u-1', Attributes: [{ Name: 'email', Value: 'clerk@example.gov.cn' }], UserStatus: 'CONFIRMED', UserCreateDate: 1782892800 },
              { Username: 'u-2', Attributes: [{ Name: 'email', Value: 'office@example.gov.cn' }], UserStatus: 'FORCE_CHANGE_PASSWORD', UserCreateDate: 1782892900 },
            ],
          });
        }
        if (action === 'ListUsersInGroup') {
          const members: Record<string, string[]> = { office: ['u-2'], 'dept-construction': ['u-1'] };
          return json(200, { Users: (members[body.GroupName as string] ?? []).map((Username) => ({ Username })) });
        }
        return json(400, { __type: 'InvalidParameterException', message: `not faked: ${action}` });
      }
      const form = new URLSearchParams(text);
      calls.push({ action: form.get('Action') ?? '', body: Object.fromEntries(form) });
      const name = form.get('StackName') ?? '';
      const known = name === 'Qtrack' || name === 'Half';
      const pool = name === 'Qtrack' ? `<member><OutputKey>UserPoolId</OutputKey><OutputValue>${POOL}</OutputValue></member>` : '';
      res.writeHead(known ? 200 : 400, { 'content-type': 'text/xml' });
      res.end(
        known
          ? `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${name}</StackName><StackId>arn:aws:cloudformation:us-east-1:000000000000:stack/${name}/1</StackId><CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${pool}<member><OutputKey>TableName</OutputKey><OutputValue>qtrack</OutputValue></member></Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></DescribeStacksResponse>`
          : `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${name} does not exist</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('qtrack users --aws: the stack’s Cognito user pool', () => {
  let fake: Awaited<ReturnType<typeof fakeAws>>;
  const saved: Record<string, string | undefined> = {};
  const env: Record<string, string | undefined> = {};

  beforeAll(async () => {
    fake = await fakeAws();
    Object.assign(env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: join(tmpdir(), 'qtrack-no-such-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'qtrack-no-such-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: undefined,
      AWS_ENDPOINT_URL_CLOUDFORMATION: fake.url,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: fake.url,
      QTRACK_STACK: undefined,
    });
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await fake?.close();
  });

  const since = (n: number) => fake.calls.slice(n);

  it('add with a password: the stack’s UserPoolId, AdminCreateUser (e-mail as user name, verified, temporary password, no e-mail), then the department’s group', async () => {
    const before = fake.calls.length;
    const r = await run('users', 'add', '--aws', '--email', 'Clerk@Example.gov.cn', '--department', '区建管委', '--password', 'Temp-pass-1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`user added to pool ${POOL}: clerk@example.gov.cn`);
    expect(since(before)).toEqual([
      { action: 'DescribeStacks', body: { Action: 'DescribeStacks', Version: '2010-05-15', StackName: 'Qtrack' } },
      {
        action: 'AdminCreateUser',
        body: {
          UserPoolId: POOL,
          Username: 'clerk@example.gov.cn',
          UserAttributes: [
            { Name: 'email', Value: 'clerk@example.gov.cn' },
            { Name: 'email_verified', Value: 'true' },
          ],
          TemporaryPassword: 'Temp-pass-1',
          MessageAction: 'SUPPRESS',
        },
      },
      { action: 'AdminAddUserToGroup', body: { UserPoolId: POOL, Username: 'clerk@example.gov.cn', GroupName: 'dept-construction' } },
    ]);
  });

  it('add --office without a password: Cognito e-mails the invitation; the office group', async () => {
    const before = fake.calls.length;
    const r = await run('users', 'add', '--aws', '--email', 'office@example.gov.cn', '--office', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ email: 'office@example.gov.cn', role: 'office', userPoolId: POOL, group: 'office' });
    const [, create, group] = since(before);
    expect(create).toEqual({
      action: 'AdminCreateUser',
      body: {
        UserPoolId: POOL,
        Username: 'office@example.gov.cn',
        UserAttributes: [
          { Name: 'email', Value: 'office@example.gov.cn' },
          { Name: 'email_verified', Value: 'true' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      },
    });
    expect(group).toEqual({ action: 'AdminAddUserToGroup', body: { UserPoolId: POOL, Username: 'office@example.gov.cn', GroupName: 'office' } });
  });

  it('a user that exists already: exit 2, one bilingual line, no group call', async () => {
    const before = fake.calls.length;
    const r = await run('users', 'add', '--aws', '--email', 'taken@example.gov.cn', '--office');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/已有用户 taken@example\.gov\.cn.*exists already in pool/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(since(before).map((c) => c.action)).toEqual(['DescribeStacks', 'AdminCreateUser']);
  });

  it('a stack without the UserPoolId output, or that does not exist: exit 2, no Cognito call', async () => {
    const before = fake.calls.length;
    try {
      process.env.QTRACK_STACK = 'Nope';
      const r = await run('users', 'add', '--email', 'a@example.gov.cn', '--office');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/没有名为“Nope”的 CloudFormation 堆栈/);
      process.env.QTRACK_STACK = 'Half';
      const half = await run('users', 'list');
      expect(half.code).toBe(2);
      expect(half.err).toMatch(/堆栈 Half 缺少输出 UserPoolId.*has no output UserPoolId/);
      expect(half.err.trim().split('\n')).toHaveLength(1);
    } finally {
      delete process.env.QTRACK_STACK;
    }
    expect(since(before).map((c) => c.action)).toEqual(['DescribeStacks', 'DescribeStacks']);
  });

  it('list: every user of the pool with its groups', async () => {
    const r = await run('users', 'list', '--aws', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      userPoolId: POOL,
      users: [
        { email: 'clerk@example.gov.cn', status: 'CONFIRMED', created: '2026-07-01T08:00:00.000Z', groups: ['dept-construction'] },
        { email: 'office@example.gov.cn', status: 'FORCE_CHANGE_PASSWORD', created: '2026-07-01T08:01:40.000Z', groups: ['office'] },
      ],
    });
  });

  it('remove: AdminDeleteUser on the stack’s pool, the e-mail as user name', async () => {
    const before = fake.calls.length;
    const r = await run('users', 'remove', '--aws', '--email', 'Clerk@Example.gov.cn');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`user removed from pool ${POOL}: clerk@example.gov.cn`);
    expect(r.out).toMatch(/1 hour at most/);
    expect(since(before)).toEqual([
      { action: 'DescribeStacks', body: { Action: 'DescribeStacks', Version: '2010-05-15', StackName: 'Qtrack' } },
      { action: 'AdminDeleteUser', body: { UserPoolId: POOL, Username: 'clerk@example.gov.cn' } },
    ]);
    const json = await run('users', 'remove', '--aws', '--email', 'office@example.gov.cn', '--json');
    expect(JSON.parse(json.out)).toEqual({ email: 'office@example.gov.cn', userPoolId: POOL, removed: true });
  });

  it('password: AdminSetUserPassword, Permanent false (changed at the next sign-in); a generated one printed once', async () => {
    const before = fake.calls.length;
    const r = await run('users', 'password', '--aws', '--email', 'clerk@example.gov.cn', '--password', 'Temp-pass-22');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`temporary password set in pool ${POOL}: clerk@example.gov.cn`);
    expect(r.out).not.toContain('Temp-pass-22');
    expect(since(before)).toEqual([
      { action: 'DescribeStacks', body: { Action: 'DescribeStacks', Version: '2010-05-15', StackName: 'Qtrack' } },
      { action: 'AdminSetUserPassword', body: { UserPoolId: POOL, Username: 'clerk@example.gov.cn', Password: 'Temp-pass-22', Permanent: false } },
    ]);

    const mark = fake.calls.length;
    const generated = await run('users', 'password', '--aws', '--email', 'clerk@example.gov.cn');
    expect(generated.code).toBe(0);
    const password = /temporary password \(shown this once; pass it on\): (\S+)/.exec(generated.out)?.[1];
    expect(password).toHaveLength(16);
    expect(since(mark)[1]).toEqual({ action: 'AdminSetUserPassword', body: { UserPoolId: POOL, Username: 'clerk@example.gov.cn', Password: password, Permanent: false } });
    const json = JSON.parse((await run('users', 'password', '--aws', '--email', 'clerk@example.gov.cn', '--json')).out);
    expect(json).toMatchObject({ email: 'clerk@example.gov.cn', userPoolId: POOL, temporary: true });
    expect(json.password).toHaveLength(16);
  });

  it.each([
    [['remove', '--email', 'nobody@example.gov.cn'], /用户池 us-east-1_QtrackTest 中没有用户 nobody@example\.gov\.cn.*no user nobody@example\.gov\.cn in pool/],
    [['password', '--email', 'nobody@example.gov.cn'], /中没有用户 nobody@example\.gov\.cn.*no user nobody@example\.gov\.cn in pool/],
    [['password', '--email', 'clerk@example.gov.cn', '--password', 'too-simple'], /不符合用户池的密码策略.*password policy: .*must have uppercase/],
  ])('users %j --aws → exit 2, one bilingual line', async (args, message) => {
    const r = await run('users', ...args, '--aws');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('--aws with --data-dir is refused before anything is sent', async () => {
    const before = fake.calls.length;
    const r = await run('users', 'add', '--aws', '--data-dir', tmp(), '--email', 'a@b.cn', '--office');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--data-dir 与 --aws 不能同时使用/);
    for (const sub of ['remove', 'password']) {
      const other = await run('users', sub, '--aws', '--data-dir', tmp(), '--email', 'a@b.cn');
      expect(other.code).toBe(2);
      expect(other.err).toMatch(/--data-dir 与 --aws 不能同时使用/);
    }
    expect(fake.calls.length).toBe(before);
  });
});
