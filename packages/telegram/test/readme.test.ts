import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Every ```ts block of the README runs here against the sources.
const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
const source = (file: string) => JSON.stringify(fileURLToPath(new URL(`../src/${file}`, import.meta.url)));
// Inside the package, so `@switchboard/core` resolves from its node_modules.
const dir = mkdtempSync(fileURLToPath(new URL('../.readme-', import.meta.url)));
const env = { ...process.env };

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  process.env = env;
});

describe('README', () => {
  it('has runnable ts blocks', () => {
    expect(blocks.length).toBe(2);
  });

  it.each(blocks.map((code, i) => [i, code] as const))('block %i runs', async (i, code) => {
    process.env.TELEGRAM_BOT_TOKEN = '7000000001:AAreadmeToken';
    process.env.TELEGRAM_SECRET_TOKEN = 'readme_secret';
    process.env.TELEGRAM_WEBHOOK_URL = 'https://example.com/webhooks/telegram';
    const file = join(dir, `block-${i}.ts`);
    writeFileSync(
      file,
      code
        .replaceAll("'@switchboard/telegram/fake'", source('fake.ts'))
        .replaceAll("'@switchboard/telegram'", source('index.ts')),
    );
    await expect(import(pathToFileURL(file).href)).resolves.toBeDefined();
  });
});
