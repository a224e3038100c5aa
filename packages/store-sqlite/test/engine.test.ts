import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSwitchboard, ManualClock, type MessageEvent, silentLogger } from '@switchboard/core';
import { createWebhookRequest } from '@switchboard/testkit';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore, MIGRATIONS } from '../src/index.js';
import { createFakeAdapter, messages, SECRET } from './fake-adapter.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-sqlite-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = () => join(dir, `${randomUUID()}.db`);
const request = (body: string) => createWebhookRequest({ channel: 'fake', body, appSecret: SECRET });

function engine(path: string, clock = new ManualClock(), instanceId = 'test') {
  const store = createSqliteStore({ path });
  const switchboard = createSwitchboard({
    adapters: [createFakeAdapter()],
    store,
    clock,
    logger: silentLogger,
    instanceId,
    processor: { leaseMs: 10_000 },
  });
  const seen: string[] = [];
  switchboard.on('message', (e: MessageEvent) => {
    seen.push(e.messageId);
  });
  return { store, switchboard, seen, clock };
}

describe('engine on SQLite', () => {
  it('opens in WAL mode with the schema migrated, and refuses a newer schema', () => {
    const path = file();
    const store = createSqliteStore({ path });
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    expect(store.durability).toBe('full');
    store.db.close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => createSqliteStore({ path })).toThrow(/newer/);
  });

  it('acks 100 concurrent webhooks (group commit) and dispatches each event once despite duplicates', async () => {
    const { switchboard, store, seen } = engine(file());
    const bodies = Array.from({ length: 50 }, (_, i) => messages({ id: `m${i}`, user: `u${i % 7}` }));
    const responses = await Promise.all(
      [...bodies, ...bodies].map((b) => switchboard.handleWebhook(request(b))),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect((await store.inbox.count()).pending).toBe(100);
    await switchboard.drain();
    expect(seen.sort()).toEqual(bodies.map((_, i) => `m${i}`).sort());
    expect(await store.counters.get('events.deduplicated')).toBe(50);
    await store.close();
  });

  it('resumes after a crash: reopening the file finishes acknowledged, half-processed work exactly once', async () => {
    const path = file();
    const first = engine(path, new ManualClock(), 'crashed');
    for (let i = 0; i < 3; i++)
      expect((await first.switchboard.handleWebhook(request(messages({ id: `c${i}` })))).status).toBe(200);
    // The crashed instance had claimed the first row and stored its events, but never dispatched them.
    const [row] = await first.store.inbox.claim({
      owner: 'crashed',
      limit: 1,
      leaseMs: 10_000,
      now: first.clock.now(),
    });
    const parsed = createFakeAdapter().parseWebhook(row?.body ?? new Uint8Array());
    await first.store.events.insertMany(parsed.events, {
      inboxId: row?.id ?? null,
      owner: 'crashed',
      leaseMs: 10_000,
      now: first.clock.now(),
    });
    await first.store.inbox.complete(row?.id ?? -1, 'crashed');
    first.store.db.close(); // no graceful shutdown

    const clock = new ManualClock(first.clock.now());
    const second = engine(path, clock, 'restarted');
    await second.switchboard.drain();
    expect(second.seen.sort()).toEqual(['c1', 'c2']);
    await clock.advance(10_000);
    await second.switchboard.drain();
    expect(second.seen.sort()).toEqual(['c0', 'c1', 'c2']);
    await second.switchboard.replay({ since: 0 });
    expect(second.seen).toHaveLength(3);
    expect(await second.store.events.count()).toEqual({ pending: 0, done: 3, dead: 0 });
    await second.store.close();
  });

  it('answers 503 when the database cannot be written', async () => {
    const { switchboard, store } = engine(file());
    await store.close();
    expect((await switchboard.handleWebhook(request(messages({ id: 'x' })))).status).toBe(503);
  });

  it('keeps a body that fails to parse as a dead letter across a reopen', async () => {
    const path = file();
    const a = engine(path);
    await a.switchboard.handleWebhook(request('{"messages": [trunc'));
    await a.switchboard.drain();
    await a.store.close();
    const b = createSqliteStore({ path });
    expect(await b.deadLetters.list({ limit: 10 })).toMatchObject([
      { source: 'inbox', code: 'PAYLOAD_INVALID' },
    ]);
    const [row] = await b.inbox.listByReceivedAt({ since: 0, until: Number.MAX_SAFE_INTEGER, limit: 1 });
    expect(Buffer.from(row?.body ?? []).toString()).toBe('{"messages": [trunc');
    expect(row?.state).toBe('dead');
    await b.close();
  });

  it('delivers the outbox from the file and keeps idempotency across a reopen', async () => {
    const path = file();
    const a = engine(path);
    const msg = {
      to: { channel: 'fake', accountId: 'acct', userId: 'u1' },
      content: { type: 'text' as const, text: 'hi' },
      idempotencyKey: 'k1',
    };
    const entry = await a.switchboard.send(msg);
    await a.store.close();
    const b = engine(path);
    expect((await b.switchboard.send(msg)).id).toBe(entry.id);
    await b.switchboard.drain();
    expect(await b.store.outbox.get(entry.id)).toMatchObject({
      state: 'sent',
      platformMessageId: `mid.${entry.id}`,
    });
    await b.store.close();
  });
});
