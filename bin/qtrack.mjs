#!/usr/bin/env node
// Entry point of the `qtrack` command: loads the TypeScript CLI through tsx so
// that `npx qtrack …` works from any directory without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../functions/local/cli.ts');
process.exitCode = await main(process.argv.slice(2));
