import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface Manifest {
  name: string;
  private?: boolean;
  types?: string;
  typings?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const packages = readdirSync(join(ROOT, 'packages'))
  .map((dir) => ({ dir: join(ROOT, 'packages', dir) }))
  .map(({ dir }) => ({
    dir,
    manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter(({ manifest }) => !manifest.private);

/** Bare packages the published declaration files import: a consumer's TypeScript must find each one. */
function importedByTypes(dir: string): Set<string> {
  const names = new Set<string>();
  const dist = join(dir, 'dist');
  for (const file of readdirSync(dist).filter((f) => /\.d\.c?ts$/.test(f))) {
    const text = readFileSync(join(dist, file), 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"./][^'"]*)['"]/g)) {
      const spec = m[1] ?? '';
      if (spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0] ?? '')) continue;
      names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec));
    }
  }
  return names;
}

/** Whether an installed package carries its own declarations. */
function shipsTypes(name: string, from: string): boolean {
  const manifestPath = createRequire(join(from, 'package.json')).resolve(`${name}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest & { exports?: unknown };
  if (manifest.types || manifest.typings) return true;
  if (JSON.stringify(manifest.exports ?? {}).includes('"types"')) return true;
  return existsSync(join(manifestPath, '..', 'index.d.ts'));
}

describe("the published types resolve with a package's own dependencies", () => {
  it.each(packages.map((p) => [p.manifest.name, p] as const))('%s', (name, { dir, manifest }) => {
    const installed = { ...manifest.dependencies, ...manifest.peerDependencies };
    for (const imported of importedByTypes(dir)) {
      if (imported === name) continue;
      // A devDependency is not installed for the user: every package the types name is a dependency…
      expect(installed, `${name}'s types import ${imported}`).toHaveProperty([imported]);
      // …and one without its own declarations brings its @types package along.
      if (!shipsTypes(imported, dir))
        expect(installed, `${name}'s types import ${imported}, typed by @types/${imported}`).toHaveProperty([
          `@types/${imported.replace('@', '').replace('/', '__')}`,
        ]);
    }
  });
});
