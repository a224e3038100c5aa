import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startReceiver, verifySignature } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('README', () => {
  it('quick start runs as written (against a real receiver)', async () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const code = readme.match(/## Quick start \(JS API\)\s+```ts\n([\s\S]*?)```/)?.[1];
    expect(code).toBeDefined();
    const receiver = await startReceiver();
    const dir = mkdtempSync(`${root}test/.readme-`);
    try {
      const file = `${dir}/quick-start.mts`;
      const source = code!
        .replace('http://127.0.0.1:3000/webhooks/messenger', receiver.url)
        .replace("from '@switchboard/simulator'", `from '${root}src/index.ts'`)
        .replace('console.log(event.deliveredCount)', 'console.log("delivered", event.deliveredCount)');
      writeFileSync(file, source);
      // Async spawn: the receiver lives in this process and must keep answering.
      const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.once('exit', (status) => resolve({ status, stdout, stderr }));
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('delivered 1');
      expect(run.stdout).toContain('generated');
      expect(receiver.received.length).toBeGreaterThanOrEqual(2);
      const post = receiver.received[0]!;
      expect(verifySignature(post.raw, post.headers['x-hub-signature-256'], 'not-the-secret')).toBe(false);
      expect(post.headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await receiver.close();
    }
  }, 60_000);
});
