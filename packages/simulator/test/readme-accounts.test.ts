import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('README', () => {
  it('the Accounts at runtime example runs as written', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const code = readme.match(/## Accounts at runtime[\s\S]*?```ts\n([\s\S]*?)```/)?.[1];
    expect(code).toBeDefined();
    const dir = mkdtempSync(`${root}test/.readme-`);
    try {
      const file = `${dir}/accounts.mts`;
      writeFileSync(
        file,
        (code ?? '').replace("from '@switchboard/simulator'", `from '${root}src/index.ts'`),
      );
      const run = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('{ pages: 3, instagram: 4, wabas: 2, phoneNumbers: 4 }');
      expect(run.stdout).toContain('3 true true');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
