import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per subpath of package.json `exports`.
  entry: {
    index: 'src/index.ts',
    node: 'src/node.ts',
    watch: 'src/watch/index.ts',
    adapter: 'src/adapter-kit.ts',
    internal: 'src/internal.ts',
  },
  format: ['esm', 'cjs'],
  // Shared chunks in both formats: one copy of each module, so `instanceof SwitchboardError` holds
  // whichever entry created the error.
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
