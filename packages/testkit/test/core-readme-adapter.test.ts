import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';

// The "Writing an adapter" example of core's README runs here as written: its adapterContract call
// registers the suite, so a README adapter that breaks the contract fails this file.
const readme = readFileSync(fileURLToPath(new URL('../../core/README.md', import.meta.url)), 'utf8');
const section = readme.slice(readme.indexOf('## Writing an adapter'));
const code = /```ts\n([\s\S]*?)```/.exec(section.slice(0, section.indexOf('\n## ', 3)))?.[1] ?? '';
const resolved = code
  .replaceAll(
    "'@switchboard/testkit/contracts'",
    JSON.stringify(fileURLToPath(new URL('../src/contracts.ts', import.meta.url))),
  )
  .replaceAll("'@switchboard/core'", JSON.stringify(fileURLToPath(import.meta.resolve('@switchboard/core'))));
const dir = mkdtempSync(join(tmpdir(), 'core-readme-adapter-'));
const file = join(dir, 'adapter.ts');
writeFileSync(file, resolved);
const module = (await import(pathToFileURL(file).href)) as { createSmsAdapter?: unknown };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('core README: the "Writing an adapter" block exports its adapter and runs the kit', () => {
  expect(code).toContain('adapterContract(');
  expect(typeof module.createSmsAdapter).toBe('function');
});
