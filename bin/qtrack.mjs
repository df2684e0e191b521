#!/usr/bin/env node
// Entry point of the `qtrack` command: loads the TypeScript CLI through tsx so
// that `npx qtrack …` works from any directory without a build step.
import { register } from 'tsx/esm/api';

// The AWS SDK versions are pinned to ones that support Node 20; its notice about
// future versions is noise for the office's users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../functions/local/cli.ts');
process.exitCode = await main(process.argv.slice(2));
