#!/usr/bin/env node
// Entry point of the `qtrack` command, from any directory (`npx qtrack …`). It
// runs the bundle that scripts/build-cli.mjs builds during `npm ci` (the
// `prepare` script), which starts without transpiling anything. The bundle is
// never older than the sources: when they changed since it was built (a
// working checkout), it is rebuilt first, in a fraction of a second; where it
// cannot be built (no esbuild, a read-only install), the TypeScript runs
// through tsx as before.
import { pathToFileURL } from 'node:url';
import { BUNDLE, build, isFresh } from '../scripts/build-cli.mjs';

// The AWS SDK versions are pinned to ones that support Node 20; its notice about
// future versions is noise for the office's users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that stops early (`qtrack evaluate --json | head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

let cli;
if (isFresh() || (await build({ quiet: true }).catch(() => false))) {
  cli = await import(pathToFileURL(BUNDLE).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../functions/local/cli.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
