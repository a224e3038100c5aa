import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { createSqliteStore } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-sqlite-group-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (i: number) => ({ channel: 'fake', body: new Uint8Array([i]), headers: {}, receivedAt: i });
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

it('commits a lone write on the next event-loop turn, without waiting for the group window', async () => {
  const store = createSqliteStore({ path: join(dir, `${randomUUID()}.db`), groupCommitMs: 60_000 });
  const started = Date.now();
  const { id } = await store.inbox.append(row(1));
  // Far below the 60 s window: the burst (one write) ended, so the batch committed.
  expect(Date.now() - started).toBeLessThan(5_000);
  // Committed: another connection sees it.
  const other = new Database(store.path, { readonly: true });
  expect(other.prepare('SELECT COUNT(*) AS n FROM inbox WHERE id = ?').get(id)).toEqual({ n: 1 });
  other.close();
  await store.close();
});

it('under a continuous flood, a batch commits once it is groupCommitMs old instead of growing forever', async () => {
  const store = createSqliteStore({ path: join(dir, `${randomUUID()}.db`), groupCommitMs: 20 });
  let flooding = true;
  let resolvedDuringFlood = 0;
  const writes: Array<Promise<unknown>> = [];
  const flood = (async () => {
    // A write every turn for 1.5 s: the batch never sees a quiet turn.
    const until = Date.now() + 1_500;
    for (let i = 0; Date.now() < until; i++) {
      writes.push(store.inbox.append(row(i)).then(() => flooding && resolvedDuringFlood++));
      await nextTurn();
    }
    flooding = false;
  })();
  await flood;
  await Promise.all(writes);
  // Writes were acknowledged while the flood went on (many batches), not all at its end.
  expect(resolvedDuringFlood).toBeGreaterThan(writes.length / 2);
  expect((await store.inbox.count()).pending).toBe(writes.length);
  await store.close();
});
