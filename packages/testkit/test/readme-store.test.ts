import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';

// The README's "### Stores" block runs here as written, with the memory store as "my store": its
// storeContract call registers the whole store suite.
const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const section = readme.slice(readme.indexOf('### Stores'));
const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
const dir = mkdtempSync(join(tmpdir(), 'testkit-readme-store-'));
const core = JSON.stringify(fileURLToPath(import.meta.resolve('@switchboard/core')));
writeFileSync(
  join(dir, 'my-store.ts'),
  `import { createMemoryStore } from ${core};\nexport const createMyStore = (_options: object) => createMemoryStore();\n`,
);
writeFileSync(
  join(dir, 'contract.ts'),
  code
    .replaceAll("'../src/index.js'", JSON.stringify(join(dir, 'my-store.ts')))
    .replaceAll(
      "'@switchboard/testkit/contracts'",
      JSON.stringify(fileURLToPath(new URL('../src/contracts.ts', import.meta.url))),
    ),
);
await import(pathToFileURL(join(dir, 'contract.ts')).href);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('testkit README: the "### Stores" block calls storeContract', () => {
  expect(code).toContain("storeContract('my-store'");
});
