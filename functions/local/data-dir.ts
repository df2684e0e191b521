// The local data directory (default .qtrack/): dynalite's LevelDB files and
// s3rver's buckets, plus a marker that says the directory is qtrack's. A directory
// that is not qtrack's, or whose marker is damaged, is never written to.
import { BilingualError } from '../core/errors';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ATOMIC_TEMP_PREFIX, writeFileAtomic } from './queue';

export const MARKER = 'qtrack-data.json';
const FORMAT = 1;

/** The data directory cannot be used: why, and what to do. */
export class DataDirError extends BilingualError {}

export interface DataDir {
  root: string;
  dynamodb: string; // LevelDB directory for dynalite
  s3: string; // s3rver directory
}

/** A command that only reads: there is nothing to read in a data directory that does not exist. */
export function noDataDir(root: string): DataDirError {
  return new DataDirError(
    `数据目录 ${root} 不存在或为空：没有可读取的数据。请检查 --data-dir，或先用 qtrack submit（或 qtrack demo）报送数据`,
    `data directory ${root} does not exist or is empty: there is nothing to read. Check --data-dir, or submit data first (qtrack submit, or qtrack demo)`,
  );
}

/** Whether a qtrack data directory is there (it has the marker). */
export function hasDataDir(path: string): boolean {
  return existsSync(join(resolve(path), MARKER));
}

/**
 * Opens a qtrack data directory; creates it when absent or empty unless
 * `create` is false (commands that only read never conjure an empty one).
 */
export function openDataDir(path: string, create = true): DataDir {
  const root = resolve(path);
  const markerPath = join(root, MARKER);
  if (existsSync(root)) {
    let entries: string[];
    try {
      // (a marker half-written by a killed process is a temp file, not a marker: it does not count)
      entries = readdirSync(root).filter((e) => !e.startsWith(ATOMIC_TEMP_PREFIX));
    } catch {
      throw new DataDirError(`数据目录 ${root} 不是一个可读的文件夹`, `data directory ${root} is not a readable folder`);
    }
    if (entries.length > 0) {
      if (!entries.includes(MARKER)) {
        throw new DataDirError(
          `${root} 不是 qtrack 的数据目录（缺少 ${MARKER}），为免覆盖其中的文件，已停止；请用 --data-dir 指定一个空目录或 qtrack 的数据目录`,
          `${root} is not a qtrack data directory (no ${MARKER}); stopped so nothing in it is overwritten — pass --data-dir with an empty folder or a qtrack data directory`,
        );
      }
      let marker: { app?: string; format?: number };
      try {
        marker = JSON.parse(readFileSync(markerPath, 'utf8'));
      } catch {
        throw new DataDirError(
          `数据目录 ${root} 已损坏：${MARKER} 无法读取；请检查或换用新的 --data-dir`,
          `data directory ${root} is damaged: ${MARKER} cannot be read; check it or use a new --data-dir`,
        );
      }
      if (marker.app !== 'qtrack' || marker.format !== FORMAT) {
        throw new DataDirError(
          `数据目录 ${root} 的格式不受支持（${MARKER}: ${JSON.stringify(marker)}）`,
          `data directory ${root} has an unsupported format (${MARKER}: ${JSON.stringify(marker)})`,
        );
      }
      return layout(root);
    }
  }
  if (!create) throw noDataDir(root);
  mkdirSync(root, { recursive: true });
  // atomically: a process killed here leaves no marker (the folder is then taken as new), never a broken one
  writeFileAtomic(markerPath, JSON.stringify({ app: 'qtrack', format: FORMAT }, null, 2) + '\n');
  const dir = layout(root);
  mkdirSync(dir.dynamodb, { recursive: true });
  mkdirSync(dir.s3, { recursive: true });
  return dir;
}

function layout(root: string): DataDir {
  return { root, dynamodb: join(root, 'dynamodb'), s3: join(root, 's3') };
}
