#!/usr/bin/env node
// Makes sure the headless browser the summary-page test needs is present.
// On a clean Debian CI machine running as root it installs Chromium and the CJK
// fonts (without them the Chinese page renders as boxes); anywhere else it says
// what to do. Exit 0 when Chromium is there or could not be installed by us
// (the browser test then skips, or fails when CI is set); exit 1 when an install
// was attempted and failed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PACKAGES = ['chromium', 'fonts-noto-cjk'];

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const isDebian = existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');

/** true/false when fontconfig can tell whether a Chinese font is installed, undefined when it cannot */
function hasChineseFont() {
  const r = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().length > 0 : undefined;
}

if (existsSync(CHROMIUM)) {
  if (hasChineseFont() === false) {
    if (isRoot && isDebian) {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
      spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'fonts-noto-cjk'], { stdio: 'inherit', env });
    } else {
      console.warn('ensure-browser: no Chinese font found (fc-list :lang=zh); the summary page screenshot will show boxes. Install fonts-noto-cjk.');
    }
  }
  console.log(`ensure-browser: ${CHROMIUM} present`);
  process.exit(0);
}

if (!isRoot || !isDebian) {
  console.warn(
    [
      `ensure-browser: Chromium not found at ${CHROMIUM}; the summary-page browser test will be skipped (and fails when CI is set).`,
      isDebian
        ? `  Install it with: sudo apt-get install -y ${PACKAGES.join(' ')}`
        : '  Install Chromium and a CJK font (Noto Sans CJK) with your package manager,',
      '  or point CHROMIUM_PATH at a Chromium/Chrome binary.',
    ].join('\n'),
  );
  process.exit(0);
}

const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
function run(args) {
  console.log(`ensure-browser: apt-get ${args.join(' ')}`);
  const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
  return r.status === 0;
}

const ok =
  run(['update', '-qq']) &&
  run(['install', '-y', '-qq', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', ...PACKAGES]);

if (!ok || !existsSync(CHROMIUM)) {
  // Ubuntu's "chromium" is a snap stub that does not run in containers.
  console.error(`ensure-browser: could not install ${PACKAGES.join(' ')} (on Ubuntu use Google Chrome or a Debian image; set CHROMIUM_PATH).`);
  process.exit(1);
}
console.log(`ensure-browser: installed ${PACKAGES.join(' ')}`);
