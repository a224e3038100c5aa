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

describe('README: the control API section', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('## Control API'), readme.indexOf('### Who may use'));
  const control = readFileSync(`${root}src/control.ts`, 'utf8');

  it('documents every endpoint the control handler serves', () => {
    const served = [...control.matchAll(/what === '([a-z-]+)' && method === '([A-Z]+)'/g)].map(
      ([, what, method]) => `${method} /_sim/${what}`,
    );
    expect(served.length).toBeGreaterThanOrEqual(10);
    for (const endpoint of served) expect(section, endpoint).toContain(endpoint);
  });

  it('documents every field of every body', async () => {
    const { CustomerSendBody, FaultBody, TrafficBody, WebhookBody } = await import(
      '../src/control-schemas.js'
    );
    for (const schema of [CustomerSendBody, TrafficBody, WebhookBody])
      for (const field of Object.keys(schema.shape)) expect(section, field).toContain(field);
    // Fault bodies: every type and field, in this section or the Faults table it points to.
    const faults = readme.slice(readme.indexOf('## Faults'), readme.indexOf('### Who may use'));
    for (const option of FaultBody.options) {
      expect(faults, option.shape.type.value).toContain(`\`${option.shape.type.value}\``);
      for (const field of Object.keys(option.shape))
        expect(faults, `${option.shape.type.value}.${field}`).toContain(field);
    }
  });
});
