import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Every ```ts block of the README runs here against the sources (```typescript blocks are illustrations).
const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
const source = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'meta-graph-readme-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README', () => {
  it('has runnable ts blocks', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((code, i) => [i, code] as const))('block %i runs', async (i, code) => {
    const file = join(dir, `block-${i}.ts`);
    writeFileSync(file, code.replaceAll("'@switchboard/meta-graph'", JSON.stringify(source)));
    await expect(import(pathToFileURL(file).href)).resolves.toBeDefined();
  });
});
