// qtrack serve [--port N]: the portal and its API on http://127.0.0.1:PORT over
// the local data directory, until Ctrl+C (SIGINT) or SIGTERM.
import type { Command } from 'commander';
import { bi, type Cli, clockStart, type GlobalOptions, optionValue, UsageError, withGlobalOptions } from '../args';
import { refuseAws } from '../aws';
import { formatAlert } from '../format';
import { DEFAULT_DATA_DIR, logger } from './common';

interface Options extends GlobalOptions {
  port?: string;
}

export function serveCommand(program: Command, cli: Cli): void {
  const cmd = program
    .command('serve')
    .usage('[--port N] [--data-dir DIR] [--now ISO]')
    .summary('在本机打开报送门户 / run the portal on this computer')
    .description(
      bi(
        '在 http://127.0.0.1:端口 上运行报送门户及其接口（只接受本机访问），使用本地数据目录中的数据和用户（qtrack users add 添加用户）。运行期间数据目录由本进程独占：其他 qtrack 命令会提示目录正被使用。加 --now 时门户从该时刻起计时（如演示数据：--now 2027-01-16），登录和上传许可仍按真实时间过期。按 Ctrl+C 停止',
        'run the portal and its API on http://127.0.0.1:PORT (this computer only) over the local data directory and its users (add them with qtrack users add). While it runs it owns the data directory: other qtrack commands are told it is in use. With --now the portal’s clock starts at that instant and runs on (a replayed data dir such as the demo’s: --now 2027-01-16); sign-ins and upload grants still expire by the real clock. Stop with Ctrl+C',
      ),
    )
    .option('--port <N>', bi('端口（默认 8080；0 为任选空闲端口）', 'the port (default 8080; 0 for any free one)'), optionValue('port'));
  withGlobalOptions(cmd).action((opts: Options) => cli.run(opts, () => serve(cli, opts)));
}

function portOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) throw new UsageError(`--port 的值“${raw}”不是 0 到 65535 之间的整数`, `--port "${raw}" is not a whole number from 0 to 65535`);
  return Number(raw);
}

async function serve({ io }: Cli, opts: Options): Promise<number> {
  refuseAws(opts, 'serve', { zh: '已部署的堆栈有自己的门户（CloudFront）', en: 'a deployed stack has its own portal (CloudFront)' });
  const now = clockStart(opts.now);
  const port = portOf(opts.port);
  const dataDir = opts.dataDir ?? DEFAULT_DATA_DIR;
  const [{ startServe, ensurePortalBuilt, DEFAULT_PORT, ServeError }, { LocalUsers, UsersError }, { hasDataDir }] = await Promise.all([import('../serve'), import('../users'), import('../data-dir')]);
  // QTRACK_PORTAL_DIR: a portal built elsewhere, served as it is; else dist/portal, built first when stale
  const portalDir = process.env.QTRACK_PORTAL_DIR?.trim() || undefined;
  if (!portalDir && hasDataDir(dataDir)) await ensurePortalBuilt((line) => io.err(line));
  let serving;
  try {
    serving = await startServe({
      dataDir,
      ...(portalDir ? { portalDir } : {}),
      port: port ?? DEFAULT_PORT,
      logger: logger(opts, io),
      onAlert: (a) => io.err(formatAlert(a)),
      onNotice: (line) => io.err(line),
      ...(now ? { now } : {}),
    });
  } catch (err) {
    // a port in use, a damaged token key: said in one line, as a usage error
    if (err instanceof ServeError || err instanceof UsersError) throw new UsageError(err.zh, err.en);
    throw err;
  }
  const count = (() => {
    try {
      return new LocalUsers(serving.dataDir).list().length;
    } catch {
      return 0;
    }
  })();
  io.out(`qtrack 门户已启动 / the portal is running: ${serving.url}/`);
  io.out(`  数据目录 / data directory: ${serving.dataDir}（运行期间由本进程独占 / owned by this process while it runs）`);
  if (count === 0) io.out(`  还没有用户：另开一个终端运行 qtrack users add --email E --department D${opts.dataDir ? ` --data-dir ${opts.dataDir}` : ''} / no users yet: add one with qtrack users add`);
  else io.out(`  用户 / users: ${count}（qtrack users list）`);
  io.out('  按 Ctrl+C 停止 / press Ctrl+C to stop');

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (received: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(received);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  io.err(`正在停止（${signal}），等待进行中的上传处理完毕 / stopping (${signal}), letting uploads in progress finish …`);
  await serving.stop();
  io.out('qtrack 门户已停止 / the portal has stopped');
  return 0;
}
