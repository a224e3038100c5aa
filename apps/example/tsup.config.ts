import { defineConfig, type Options } from 'tsup';

/** The browser bundle: one IIFE script and its stylesheet in dist/public. */
export const clientBuild: Options = {
  entry: { app: 'src/client/main.ts' },
  outDir: 'dist/public',
  format: ['iife'],
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  clean: true,
  noExternal: [/.*/],
  outExtension: () => ({ js: '.js' }),
};

export default defineConfig([
  {
    // The server: only this app's code is bundled; @switchboard/* and hono stay external packages.
    entry: ['src/main.ts'],
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'node20',
    platform: 'node',
  },
  clientBuild,
]);
