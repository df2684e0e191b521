#!/usr/bin/env node
// Makes sure the tools the tests lean on are present (run before `npm test`):
//   - Chromium and CJK fonts, for the browser tests (without the fonts the
//     Chinese pages render as boxes);
//   - Debian's python3-openpyxl, the independent reader the workbook reader is
//     compared with cell by cell.
// On a clean Debian machine running as root (CI) it installs what is missing
// with apt in one go; anywhere else it says what to do, and the tests that
// need a missing tool skip (or fail when CI is set). Exit 1 only when an
// install was attempted and failed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PYTHON = '/usr/bin/python3';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const isDebian = existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');

/** false when fontconfig says no Chinese font is installed; true when there is one or it cannot tell */
function hasChineseFont() {
  const r = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return r.status !== 0 || r.stdout.trim().length > 0;
}

function hasOpenpyxl() {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import openpyxl'], { stdio: 'ignore' }).status === 0;
}

const missing = [];
if (!existsSync(CHROMIUM)) missing.push('chromium', 'fonts-noto-cjk');
else if (!hasChineseFont()) missing.push('fonts-noto-cjk');
if (!hasOpenpyxl()) missing.push('python3-openpyxl');

if (missing.length === 0) {
  console.log(`ensure-test-tools: ${CHROMIUM} and ${PYTHON} with openpyxl present`);
  process.exit(0);
}

if (!isRoot || !isDebian) {
  console.warn(
    [
      `ensure-test-tools: missing ${missing.join(', ')}; the tests that need them will be skipped (and fail when CI is set).`,
      isDebian ? `  Install them with: sudo apt-get install -y ${missing.join(' ')}` : '  Install Chromium, a CJK font (Noto Sans CJK) and python3 with openpyxl,',
      '  or point CHROMIUM_PATH at a Chromium/Chrome binary.',
    ].join('\n'),
  );
  process.exit(0);
}

const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
function apt(args) {
  console.log(`ensure-test-tools: apt-get ${args.join(' ')}`);
  return spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
}

const ok =
  apt(['update', '-qq']) &&
  apt(['install', '-y', '-qq', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', ...missing]);

if (!ok || !existsSync(CHROMIUM) || !hasOpenpyxl()) {
  // Ubuntu's "chromium" is a snap stub that does not run in containers.
  console.error(`ensure-test-tools: could not install ${missing.join(' ')} (on Ubuntu use Google Chrome or a Debian image; set CHROMIUM_PATH).`);
  process.exit(1);
}
console.log(`ensure-test-tools: installed ${missing.join(' ')}`);
