import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PUBLISHED = readdirSync(join(ROOT, 'packages'));

/**
 * `npm pack` on a fresh clone (no dist/) once gave empty tarballs: every package builds itself before
 * packing. Tried on a copy of one package without its dist/, so the workspace's own build is untouched.
 */
describe('npm pack builds the package first', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-pack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(PUBLISHED)('%s has a prepack script that builds', async (name) => {
    const pkg = (await import(join(ROOT, 'packages', name, 'package.json'), { with: { type: 'json' } })) as {
      default: { scripts?: Record<string, string>; private?: boolean };
    };
    if (pkg.default.private) return;
    expect(pkg.default.scripts?.prepack).toBe('npm run build');
  });

  it('@switchboard/redis without dist/: the tarball holds the ESM, CJS and type builds', () => {
    const copy = join(dir, 'packages', 'redis');
    cpSync(join(ROOT, 'packages', 'redis'), copy, {
      recursive: true,
      filter: (src) => !/[/\\](dist|node_modules)$/.test(src),
    });
    cpSync(join(ROOT, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    expect(existsSync(join(copy, 'dist'))).toBe(false);

    const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: copy, encoding: 'utf8' });
    // The build's own output (colours, "[tsup]"…) comes first on stdout: the report is the JSON array after it.
    const [report] = JSON.parse(out.slice(out.search(/^\[\s*\{/m))) as { files: { path: string }[] }[];
    const files = (report?.files ?? []).map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.cjs',
        'dist/index.d.ts',
        'dist/index.d.cts',
        'README.md',
      ]),
    );
  }, 120_000);
});
