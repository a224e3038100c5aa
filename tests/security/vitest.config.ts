import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // The example app's browser tests need its client bundle: the same setup builds it when missing.
    globalSetup: [fileURLToPath(new URL('../../apps/example/test/global-setup.ts', import.meta.url))],
    // Inboxes and browsers: one file at a time on 2 cores.
    fileParallelism: false,
  },
});
