// The embedded servers of the CLI and `qtrack serve` listen on Unix sockets in a
// private folder, never on a loopback port: dynalite answers any origin (CORS *)
// and s3rver checks no signature, so a port would let any web page the user
// opens, or any local user, read and write every department's data. The folder
// goes when the servers stop; one left by a killed process is swept.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataDir } from '../../functions/local/data-dir';
import { startLocalServers } from '../../functions/local/servers';

const root = mkdtempSync(join(tmpdir(), 'qtrack-servers-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const socketFolders = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`qtrack-sockets-${process.pid}-`));

/** The TCP ports this process listens on (Linux: /proc/net/tcp*, state 0A = LISTEN, by socket inode). */
function listeningPorts(): number[] {
  const mine = new Set(
    readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
        return m ? [m[1]!] : [];
      } catch {
        return [];
      }
    }),
  );
  const ports: number[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && mine.has(f[9]!)) ports.push(Number.parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

describe.skipIf(process.platform !== 'linux')('the embedded servers', () => {
  it('listen on sockets in a folder only the user may enter, open no TCP port, and leave nothing behind', async () => {
    const portsBefore = listeningPorts();
    const servers = await startLocalServers(openDataDir(join(root, 'a')));
    try {
      expect((await servers.clients.dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual(['qtrack']);
      expect((await servers.clients.s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name).sort()).toEqual(['qtrack-reports', 'qtrack-submissions']);
      expect(listeningPorts().filter((p) => !portsBefore.includes(p))).toEqual([]);
      const [folder] = socketFolders();
      expect(folder).toBeDefined();
      expect(statSync(join(tmpdir(), folder!)).mode & 0o777).toBe(0o700);
      expect(readdirSync(join(tmpdir(), folder!)).sort()).toEqual(['dynamodb.sock', 's3.sock']);
    } finally {
      await servers.stop();
    }
    expect(socketFolders()).toEqual([]);
  });

  it('sweeps the socket folder a killed process left behind', async () => {
    const stale = join(tmpdir(), 'qtrack-sockets-999999-stale');
    mkdirSync(stale, { recursive: true });
    const servers = await startLocalServers(openDataDir(join(root, 'b')));
    await servers.stop();
    expect(() => statSync(stale)).toThrow();
  });
});
