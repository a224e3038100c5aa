import { fork } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { createSqliteStore } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-sqlite-child-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = fileURLToPath(new URL('./child/engine.mjs', import.meta.url));

it('runs the engine in a child process: acks, dispatches, stops cleanly on SIGTERM', async () => {
  const path = join(dir, `${randomUUID()}.db`);
  const child = fork(script, [path], { stdio: 'inherit' });
  const dispatched = new Set<string>();
  const port = await new Promise<number>((resolve) => {
    child.on('message', (m: { port?: number; dispatched?: string }) => {
      if (m.port) resolve(m.port);
      if (m.dispatched) dispatched.add(m.dispatched);
    });
  });
  for (let i = 0; i < 5; i++) {
    const body = JSON.stringify({ id: `k${i}` });
    const signature = `sha256=${createHmac('sha256', 'child-secret').update(body).digest('hex')}`;
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/fake`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': signature },
      body,
    });
    expect(res.status).toBe(200);
  }
  for (let i = 0; i < 200 && dispatched.size < 5; i++) await new Promise((r) => setTimeout(r, 25));
  expect([...dispatched].sort()).toEqual([
    'fake:msg:k0',
    'fake:msg:k1',
    'fake:msg:k2',
    'fake:msg:k3',
    'fake:msg:k4',
  ]);
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  expect(code).toBe(0);
  const store = createSqliteStore({ path });
  expect(await store.events.count()).toEqual({ pending: 0, done: 5, dead: 0 });
  await store.close();
});
