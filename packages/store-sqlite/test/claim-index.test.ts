import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { CLAIMABLE } from '../src/db.js';
import { createSqliteStore, MIGRATIONS } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-sqlite-claim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plan = (db: Database.Database, sql: string, ...args: unknown[]) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail);

it('claims inbox rows through the pending-rows index, not a scan of the whole table', async () => {
  const store = createSqliteStore({ path: join(dir, `${randomUUID()}.db`) });
  for (let i = 0; i < 50; i++) {
    await store.inbox.append({ channel: 'fake', body: new Uint8Array([i]), headers: {}, receivedAt: i });
  }
  const claimed = await store.inbox.claim({ owner: 'a', limit: 10, leaseMs: 1_000, now: 100 });
  for (const row of claimed) await store.inbox.complete(row.id, 'a');
  const sql = `SELECT id FROM inbox WHERE ${CLAIMABLE} ORDER BY id LIMIT ?`;
  const detail = plan(store.db, sql, 100, 100, 10);
  expect(detail.some((d) => d.includes('inbox_pending'))).toBe(true);
  expect(detail.some((d) => /^SCAN inbox$/.test(d))).toBe(false);
  // The oldest pending rows come first, done rows are skipped.
  const next = await store.inbox.claim({ owner: 'b', limit: 5, leaseMs: 1_000, now: 100 });
  expect(next.map((r) => r.id)).toEqual(claimed.map((r) => r.id + 10).slice(0, 5));
  await store.close();
});

it('upgrades a version-1 file: inbox_due is replaced by inbox_pending, rows and bodies kept', async () => {
  const path = join(dir, `${randomUUID()}.db`);
  const raw = new Database(path);
  raw.exec(MIGRATIONS[0] ?? '');
  raw.pragma('user_version = 1');
  raw
    .prepare(
      `INSERT INTO inbox (channel, body, headers, received_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)`,
    )
    .run('fake', Buffer.from('{}'), '{}', 1, 1);
  raw.close();
  const store = createSqliteStore({ path });
  expect(store.schemaVersion).toBe(MIGRATIONS.length);
  const indexes = (
    store.db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'inbox'`)
      .all() as Array<{
      name: string;
    }>
  ).map((r) => r.name);
  expect(indexes).toContain('inbox_pending');
  expect(indexes).not.toContain('inbox_due');
  expect(await store.inbox.count()).toEqual({ pending: 1, done: 0, dead: 0 });
  // The body moved to inbox_bodies (migration 5) and still comes back with its row.
  expect(Buffer.from((await store.inbox.get(1))?.body ?? []).toString()).toBe('{}');
  await store.close();
});
