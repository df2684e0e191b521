import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // the JSON report lets .ci/run print a plain 'N passed, N failed' line
    reporters: ['default', 'json'],
    outputFile: { json: 'test-output/vitest.json' },
    env: { CDK_DISABLE_VERSION_CHECK: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
