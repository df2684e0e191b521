// qtrack users add / list / remove / password: the portal's users. Locally they
// live in the data directory (users.ts) and sign in to `qtrack serve`; with --aws
// / QTRACK_STACK they are made in the deployed stack's Cognito user pool (the
// stack output UserPoolId), e-mail as the user name, in the group of their role
// (office or dept-{code}). A user removed locally is refused by a running
// `qtrack serve` at once; one deleted from Cognito keeps an ID token it holds
// until it expires (API Gateway's JWT authorizer checks no user list).
import type { Command } from 'commander';
import { departmentGroup, OFFICE_GROUP } from '../../core/api/types';
import { department as departmentOf } from '../../core/catalog';
import { bi, type Cli, departmentOption, displayWidth, type GlobalOptions, type Io, optionValue, padWide, requireDepartment, UsageError, withGlobalOptions } from '../args';
import { awsFailure, StackError, stackOf, stackOutputs } from '../aws';
import type { Role } from '../users';
import { DEFAULT_DATA_DIR, printJson } from './common';

interface AddOptions extends GlobalOptions {
  department?: string;
  email?: string;
  password?: string;
  office?: boolean;
}

interface RemoveOptions extends GlobalOptions {
  email?: string;
}

interface PasswordOptions extends GlobalOptions {
  email?: string;
  password?: string;
}

export function usersCommand(program: Command, cli: Cli): void {
  const users = program
    .command('users')
    .usage('add|list|remove|password [options]')
    .summary('门户用户：添加、列出、删除、重设密码 / the portal’s users: add, list, remove, new password')
    .description(
      bi(
        '门户的用户：本地保存在数据目录中（供 qtrack serve 登录）；加 --aws 时在已部署堆栈的 Cognito 用户池中',
        "the portal's users: locally in the data directory (they sign in to qtrack serve); with --aws in the deployed stack's Cognito user pool",
      ),
    );

  const add = users
    .command('add')
    .usage('--email E (--department D | --office) [--password P] [--aws]')
    .summary('添加用户 / add a user')
    .description(
      bi(
        '添加一个部门填报人（--department）或质量办用户（--office）。不给 --password 时：本地生成一个密码并只显示这一次；--aws 时由 Cognito 发送含临时密码的邀请邮件。给了 --password 时，--aws 下它是临时密码（首次登录须修改），不发邮件',
        'add a clerk of a department (--department) or an office user (--office). Without --password: locally a password is generated and shown this once; with --aws Cognito e-mails an invitation with a temporary password. With --password and --aws it is the temporary password (changed at first sign-in) and no e-mail is sent',
      ),
    )
    .option('--email <E>', bi('电子邮件地址（登录名，必填）', "the e-mail address (the user's sign-in name, required)"), optionValue('email'));
  departmentOption(add, false);
  add
    .option('--office', bi('质量办用户（可查看全部部门，不上传）', 'an office user (sees every department, uploads nothing)'))
    .option('--password <P>', bi('密码（至少 8 个字符；省略则生成）', 'the password (at least 8 characters; generated when omitted)'), optionValue('password'));
  withGlobalOptions(add).action((opts: AddOptions) => cli.run(opts, () => addUser(cli, opts)));

  const list = users
    .command('list')
    .usage('[--aws] [--json]')
    .summary('列出用户 / list the users')
    .description(bi('列出用户：电子邮件、角色、部门、创建时间', 'list the users: e-mail, role, department, created'));
  withGlobalOptions(list).action((opts: GlobalOptions) => cli.run(opts, () => listUsers(cli, opts)));

  const remove = users
    .command('remove')
    .usage('--email E [--aws]')
    .summary('删除用户 / remove a user')
    .description(
      bi(
        '删除一个用户（如填报人离职）。本地：从数据目录中删除，该用户已持有的登录立即失效（正在运行的 qtrack serve 也是）；--aws 时从 Cognito 用户池中删除，已发出的 ID 令牌在到期前（最多 1 小时）仍可用。找不到该用户时报错（退出码 2）',
        "remove a user (a clerk who left, say). Locally from the data directory, and a sign-in the user holds stops working at once (in a running qtrack serve too); with --aws from the Cognito user pool, where an ID token already issued works until it expires (1 hour at most). An e-mail of no user is an error (exit 2)",
      ),
    )
    .option('--email <E>', bi('要删除的用户的电子邮件地址（必填）', 'the e-mail address of the user to remove (required)'), optionValue('email'));
  withGlobalOptions(remove).action((opts: RemoveOptions) => cli.run(opts, () => removeUser(cli, opts)));

  const password = users
    .command('password')
    .usage('--email E [--password P] [--aws]')
    .summary('重设密码 / set a new password')
    .description(
      bi(
        '给用户设置新密码（如忘记密码），旧密码随即失效。不给 --password 时生成一个密码并只显示这一次。本地：新密码立即可用；--aws 时它是临时密码（下次登录时须修改，门户会提示），不发邮件。找不到该用户时报错（退出码 2）',
        'give a user a new password (a forgotten one, say); the old one stops working. Without --password one is generated and shown this once. Locally the new password works at once; with --aws it is a temporary password (changed at the next sign-in, the portal asks) and no e-mail is sent. An e-mail of no user is an error (exit 2)',
      ),
    )
    .option('--email <E>', bi('用户的电子邮件地址（必填）', "the user's e-mail address (required)"), optionValue('email'))
    .option('--password <P>', bi('新密码（至少 8 个字符；省略则生成）', 'the new password (at least 8 characters; generated when omitted)'), optionValue('password'));
  withGlobalOptions(password).action((opts: PasswordOptions) => cli.run(opts, () => setPassword(cli, opts)));
}

type UsersModule = typeof import('../users');

function roleOf(opts: AddOptions): { role: Role; department?: string } {
  if (opts.office && opts.department !== undefined) {
    throw new UsageError('--office 与 --department 只能选一个', '--office and --department exclude each other');
  }
  if (opts.office) return { role: 'office' };
  if (opts.department === undefined) {
    throw new UsageError('需要 --department（部门填报人）或 --office（质量办用户）', 'give --department (a clerk) or --office (an office user)');
  }
  return { role: 'clerk', department: requireDepartment(opts.department, true)! };
}

const roleText = (role: Role, department?: string) =>
  role === 'office' ? '质量办 / office' : `部门填报人 / clerk, ${department} ${department ? departmentOf(department).name : ''}`.trim();

/** A UsersError (a bad e-mail or password, no such user, damaged file, locked) as a usage error; anything else as it is. */
const asUsageError = (users: UsersModule, err: unknown): unknown => (err instanceof users.UsersError ? new UsageError(err.zh, err.en) : err);

/** The --email of a command, normalised; missing or not an e-mail is a usage error. */
function emailOf(users: UsersModule, opts: { email?: string }): string {
  if (opts.email === undefined) throw new UsageError('缺少 --email（电子邮件地址）', 'missing --email (an e-mail address)');
  try {
    return users.checkEmail(opts.email);
  } catch (err) {
    throw asUsageError(users, err);
  }
}

/** A --password given is long enough (the pool's own policy is checked by Cognito). */
function checkPasswordOption(users: UsersModule, password: string | undefined): void {
  if (password === undefined) return;
  try {
    users.checkPassword(password);
  } catch (err) {
    throw asUsageError(users, err);
  }
}

/** Runs a change of the local users file; its UsersError (no such user, damaged file, locked) is a usage error. */
async function local<T>(users: UsersModule, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asUsageError(users, err);
  }
}

async function addUser({ io }: Cli, opts: AddOptions): Promise<number> {
  const users = await import('../users');
  const email = emailOf(users, opts);
  const { role, department } = roleOf(opts);
  checkPasswordOption(users, opts.password);
  const stack = stackOf(opts);
  if (stack) return addCognitoUser(io, opts, stack, { email, role, department, password: opts.password }, users.groupsOf({ role, department })[0]!);

  const { openDataDir } = await import('../data-dir');
  const dir = openDataDir(opts.dataDir ?? DEFAULT_DATA_DIR, true);
  const password = opts.password ?? users.generatePassword();
  const user = await local(users, () => new users.LocalUsers(dir.root).add({ email, role, ...(department ? { department } : {}), password }));
  const generated = opts.password === undefined;
  if (opts.json) {
    printJson(io, { email: user.email, role: user.role, ...(user.department ? { department: user.department } : {}), createdAt: user.createdAt, ...(generated ? { password } : {}) });
    return 0;
  }
  io.out(`已添加用户 / user added: ${user.email}（${roleText(user.role, user.department)}）`);
  io.out(`  数据目录 / data directory: ${dir.root}`);
  if (generated) io.out(`  密码（只显示这一次，请转交本人）/ password (shown this once; pass it on): ${password}`);
  io.out('  登录门户 / sign in to the portal: npx qtrack serve' + (opts.dataDir ? ` --data-dir ${opts.dataDir}` : ''));
  return 0;
}

async function removeUser({ io }: Cli, opts: RemoveOptions): Promise<number> {
  const users = await import('../users');
  const email = emailOf(users, opts);
  const stack = stackOf(opts);
  if (stack) return removeCognitoUser(io, opts, stack, email);
  const { openDataDir } = await import('../data-dir');
  const dir = openDataDir(opts.dataDir ?? DEFAULT_DATA_DIR, false);
  const user = await local(users, () => new users.LocalUsers(dir.root).remove(email));
  if (opts.json) {
    printJson(io, { email: user.email, role: user.role, ...(user.department ? { department: user.department } : {}), removed: true });
    return 0;
  }
  io.out(`已删除用户 / user removed: ${user.email}（${roleText(user.role, user.department)}）`);
  io.out(`  数据目录 / data directory: ${dir.root}`);
  io.out('  该用户已无法登录，已持有的登录也立即失效 / the user can no longer sign in, and a sign-in they hold stops working at once');
  return 0;
}

async function setPassword({ io }: Cli, opts: PasswordOptions): Promise<number> {
  const users = await import('../users');
  const email = emailOf(users, opts);
  checkPasswordOption(users, opts.password);
  const stack = stackOf(opts);
  const generated = opts.password === undefined;
  const password = opts.password ?? users.generatePassword();
  if (stack) return setCognitoPassword(io, opts, stack, email, password, generated);
  const { openDataDir } = await import('../data-dir');
  const dir = openDataDir(opts.dataDir ?? DEFAULT_DATA_DIR, false);
  const user = await local(users, () => new users.LocalUsers(dir.root).setPassword(email, password));
  if (opts.json) {
    printJson(io, { email: user.email, role: user.role, ...(user.department ? { department: user.department } : {}), ...(generated ? { password } : {}) });
    return 0;
  }
  io.out(`已设置新密码 / new password set: ${user.email}（${roleText(user.role, user.department)}）`);
  io.out(`  数据目录 / data directory: ${dir.root}`);
  if (generated) io.out(`  密码（只显示这一次，请转交本人）/ password (shown this once; pass it on): ${password}`);
  io.out('  旧密码已失效 / the old password no longer works');
  return 0;
}

async function listUsers({ io }: Cli, opts: GlobalOptions): Promise<number> {
  const stack = stackOf(opts);
  if (stack) return listCognitoUsers(io, opts, stack);
  const [usersModule, { openDataDir }] = await Promise.all([import('../users'), import('../data-dir')]);
  const dir = openDataDir(opts.dataDir ?? DEFAULT_DATA_DIR, false);
  const users = await local(usersModule, () => new usersModule.LocalUsers(dir.root).list());
  if (opts.json) {
    printJson(io, { users: users.map(({ id: _, ...u }) => u) });
    return 0;
  }
  printTable(
    io,
    users.map((u) => [u.email, u.role === 'office' ? '质量办 office' : '填报人 clerk', u.department ?? '—', u.createdAt]),
    ['电子邮件 e-mail', '角色 role', '部门 department', '创建 created'],
  );
  if (users.length === 0) io.out('（还没有用户：qtrack users add --email E --department D / no users yet）');
  return 0;
}

function printTable(io: Io, rows: string[][], header: string[]): void {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : padWide(c, widths[i]! + 2))).join('');
  io.out([line(header), ...rows.map(line)].join('\n'));
}

// ---------------------------------------------------------------------------
// --aws: the stack's Cognito user pool

/** The user pool of the stack: its output UserPoolId, by DescribeStacks. */
async function userPoolOf(stack: string): Promise<string> {
  const { STACK_OUTPUTS } = await import('../../runtime/contract');
  const outputName = STACK_OUTPUTS.userPoolId;
  const pool = (await stackOutputs(stack)).outputs.get(outputName);
  if (!pool) {
    throw new StackError(
      `堆栈 ${stack} 缺少输出 ${outputName}（用户池）：需要用当前版本重新部署（npx cdk deploy）`,
      `stack ${stack} has no output ${outputName} (the user pool): deploy it again with this version (npx cdk deploy)`,
    );
  }
  return pool;
}

/** Cognito's answer to a password the pool's policy refuses. */
const passwordPolicyError = (err: unknown) =>
  new StackError(`密码不符合用户池的密码策略：${(err as Error).message}`, `the password does not meet the pool's password policy: ${(err as Error).message}`, { cause: err });

async function addCognitoUser(io: Io, opts: GlobalOptions, stack: string, user: { email: string; role: Role; department?: string; password?: string }, group: string): Promise<number> {
  const pool = await userPoolOf(stack);
  const { CognitoIdentityProviderClient, AdminCreateUserCommand, AdminAddUserToGroupCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  const cognito = new CognitoIdentityProviderClient({});
  try {
    try {
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: pool,
          Username: user.email,
          UserAttributes: [
            { Name: 'email', Value: user.email },
            { Name: 'email_verified', Value: 'true' },
          ],
          ...(user.password !== undefined ? { TemporaryPassword: user.password, MessageAction: 'SUPPRESS' as const } : { DesiredDeliveryMediums: ['EMAIL' as const] }),
        }),
      );
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'UsernameExistsException') throw new StackError(`用户池 ${pool} 中已有用户 ${user.email}`, `user ${user.email} exists already in pool ${pool}`, { cause: err });
      if (name === 'InvalidPasswordException') throw passwordPolicyError(err);
      throw awsFailure(err, { zh: `未能在用户池 ${pool} 中创建用户 ${user.email}`, en: `could not create user ${user.email} in pool ${pool}` });
    }
    try {
      await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: pool, Username: user.email, GroupName: group }));
    } catch (err) {
      // the user exists now, without a role: say so, so it can be finished by hand
      throw awsFailure(err, {
        zh: `用户 ${user.email} 已创建，但未能加入组 ${group}（该用户暂时无法使用门户；可在控制台中加入该组）`,
        en: `user ${user.email} was created but could not be added to group ${group} (it cannot use the portal until it is; add it in the console)`,
      });
    }
  } finally {
    cognito.destroy();
  }
  if (opts.json) {
    printJson(io, { email: user.email, role: user.role, ...(user.department ? { department: user.department } : {}), userPoolId: pool, group });
    return 0;
  }
  io.out(`已在用户池 ${pool} 中添加用户 / user added to pool ${pool}: ${user.email}（${roleText(user.role, user.department)}；组 / group ${group}）`);
  io.out(
    user.password !== undefined
      ? '  已设为临时密码，未发邮件；首次登录时须设置新密码 / the temporary password is set, no e-mail sent; a new one is set at first sign-in'
      : '  Cognito 已发送含临时密码的邀请邮件 / Cognito e-mailed an invitation with a temporary password',
  );
  return 0;
}

/** A Cognito call on one user of the pool: its UserNotFoundException is "no such user", anything else AWS's failure. */
async function onCognitoUser<T>(pool: string, email: string, what: { zh: string; en: string }, fn: (cognito: import('@aws-sdk/client-cognito-identity-provider').CognitoIdentityProviderClient) => Promise<T>): Promise<T> {
  const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
  const cognito = new CognitoIdentityProviderClient({});
  try {
    return await fn(cognito);
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'UserNotFoundException') {
      throw new StackError(`用户池 ${pool} 中没有用户 ${email}（用 qtrack users list --aws 查看）`, `no user ${email} in pool ${pool} (list them with qtrack users list --aws)`, { cause: err });
    }
    if (name === 'InvalidPasswordException') throw passwordPolicyError(err);
    throw awsFailure(err, what);
  } finally {
    cognito.destroy();
  }
}

async function removeCognitoUser(io: Io, opts: GlobalOptions, stack: string, email: string): Promise<number> {
  const pool = await userPoolOf(stack);
  const { AdminDeleteUserCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  await onCognitoUser(pool, email, { zh: `未能从用户池 ${pool} 中删除用户 ${email}`, en: `could not remove user ${email} from pool ${pool}` }, (cognito) =>
    cognito.send(new AdminDeleteUserCommand({ UserPoolId: pool, Username: email })),
  );
  if (opts.json) {
    printJson(io, { email, userPoolId: pool, removed: true });
    return 0;
  }
  io.out(`已从用户池 ${pool} 中删除用户 / user removed from pool ${pool}: ${email}`);
  io.out('  该用户已无法登录；已发出的 ID 令牌在到期前（最多 1 小时）仍可用 / the user can no longer sign in; an ID token already issued works until it expires (1 hour at most)');
  return 0;
}

async function setCognitoPassword(io: Io, opts: GlobalOptions, stack: string, email: string, password: string, generated: boolean): Promise<number> {
  const pool = await userPoolOf(stack);
  const { AdminSetUserPasswordCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  // Permanent false: the user's status becomes FORCE_CHANGE_PASSWORD, and the portal asks for a new one (NEW_PASSWORD_REQUIRED)
  await onCognitoUser(pool, email, { zh: `未能为用户池 ${pool} 中的用户 ${email} 设置密码`, en: `could not set the password of user ${email} in pool ${pool}` }, (cognito) =>
    cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: email, Password: password, Permanent: false })),
  );
  if (opts.json) {
    printJson(io, { email, userPoolId: pool, temporary: true, ...(generated ? { password } : {}) });
    return 0;
  }
  io.out(`已在用户池 ${pool} 中设置临时密码 / temporary password set in pool ${pool}: ${email}`);
  if (generated) io.out(`  临时密码（只显示这一次，请转交本人）/ temporary password (shown this once; pass it on): ${password}`);
  io.out('  未发邮件；下次登录时须设置新密码 / no e-mail sent; a new password is set at the next sign-in');
  return 0;
}

async function listCognitoUsers(io: Io, opts: GlobalOptions, stack: string): Promise<number> {
  const pool = await userPoolOf(stack);
  const { CognitoIdentityProviderClient, ListUsersCommand, ListUsersInGroupCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  const { DEPARTMENTS } = await import('../../core/catalog');
  const cognito = new CognitoIdentityProviderClient({});
  const users: { username: string; email: string; status: string; created?: string; groups: string[] }[] = [];
  try {
    let token: string | undefined;
    do {
      const out = await cognito.send(new ListUsersCommand({ UserPoolId: pool, ...(token ? { PaginationToken: token } : {}) }));
      for (const u of out.Users ?? []) {
        const username = u.Username ?? '';
        users.push({
          username,
          email: u.Attributes?.find((a) => a.Name === 'email')?.Value ?? username,
          status: u.UserStatus ?? '',
          ...(u.UserCreateDate ? { created: new Date(u.UserCreateDate).toISOString() } : {}),
          groups: [],
        });
      }
      token = out.PaginationToken;
    } while (token);
    const byName = new Map(users.map((u) => [u.username, u]));
    for (const group of [OFFICE_GROUP, ...DEPARTMENTS.map((d) => departmentGroup(d.code))]) {
      let next: string | undefined;
      do {
        let out;
        try {
          out = await cognito.send(new ListUsersInGroupCommand({ UserPoolId: pool, GroupName: group, ...(next ? { NextToken: next } : {}) }));
        } catch (err) {
          if ((err as { name?: string }).name === 'ResourceNotFoundException') break; // the pool has no such group
          throw err;
        }
        for (const u of out.Users ?? []) byName.get(u.Username ?? '')?.groups.push(group);
        next = out.NextToken;
      } while (next);
    }
  } catch (err) {
    throw awsFailure(err, { zh: `未能列出用户池 ${pool} 的用户`, en: `could not list the users of pool ${pool}` });
  } finally {
    cognito.destroy();
  }
  if (opts.json) {
    printJson(io, { userPoolId: pool, users: users.map(({ username: _, ...u }) => u) });
    return 0;
  }
  printTable(
    io,
    users.map((u) => [u.email, u.groups.join(',') || '—（无组 / no group）', u.status, u.created ?? '']),
    ['电子邮件 e-mail', '组 group', '状态 status', '创建 created'],
  );
  return 0;
}
