import type { ChannelEvent } from '@switchboard/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../src/index.js';
import { dropSchemas, randomSchema, testDatabaseUrl } from './pg-helpers.js';

const schemas = new Set<string>();
afterAll(() => dropSchemas(schemas));

async function instances(count: number): Promise<PostgresStore[]> {
  const schema = randomSchema();
  schemas.add(schema);
  const url = await testDatabaseUrl();
  const stores: PostgresStore[] = [];
  for (let i = 0; i < count; i++)
    stores.push(await createPostgresStore({ connectionString: url, schema, maxConnections: 3 }));
  return stores;
}

const event = (n: number): ChannelEvent =>
  ({
    kind: 'message',
    channel: 'test',
    key: `test:msg:${n}`,
    accountId: 'acct',
    userId: 'u1',
    conversationId: 'test:acct:u1',
    timestamp: n,
    source: 'webhook',
    raw: { n },
    messageId: `m${n}`,
    direction: 'inbound',
    text: `t${n}`,
    parts: [{ type: 'text', text: `t${n}` }],
  }) as ChannelEvent;

describe('several instances over one schema', () => {
  it('hands every inbox row to exactly one of four concurrent claimers', async () => {
    const stores = await instances(4);
    try {
      const [first] = stores;
      const total = 300;
      await Promise.all(
        Array.from({ length: total }, (_, i) =>
          first!.inbox.append({ channel: 'test', body: Buffer.from(`b${i}`), headers: {}, receivedAt: 1 }),
        ),
      );
      const claimed = new Map<number, string>();
      await Promise.all(
        stores.map(async (store, index) => {
          const owner = `worker-${index}`;
          for (;;) {
            const rows = await store.inbox.claim({ owner, limit: 7, leaseMs: 60_000, now: 10 });
            if (rows.length === 0) return;
            for (const row of rows) {
              expect(claimed.has(row.id)).toBe(false);
              claimed.set(row.id, owner);
              expect(await store.inbox.complete(row.id, owner)).toBe(true);
            }
          }
        }),
      );
      expect(claimed.size).toBe(total);
      expect(new Set(claimed.values()).size).toBeGreaterThan(1);
      expect(await first!.inbox.count()).toEqual({ pending: 0, done: total, dead: 0 });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('stores each event key once when every instance inserts the same batch at once', async () => {
    const stores = await instances(3);
    try {
      const batch = Array.from({ length: 40 }, (_, i) => event(i));
      const results = await Promise.all(
        stores.map((store, i) =>
          store.events.insertMany(batch, { inboxId: null, owner: `w${i}`, leaseMs: 1000, now: 5 }),
        ),
      );
      for (let k = 0; k < batch.length; k++) {
        const outcomes = results.map((r) => r[k]!);
        expect(outcomes.filter((o) => o.result === 'inserted')).toHaveLength(1);
        expect(new Set(outcomes.map((o) => o.seq)).size).toBe(1);
      }
      expect(await stores[0]!.events.count()).toEqual({ pending: 40, done: 0, dead: 0 });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('returns every byte value and large bodies unchanged', async () => {
    const [store] = await instances(1);
    try {
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      const large = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i * 7919) % 251);
      const empty = new Uint8Array(0);
      for (const bytes of [all, large, empty, all.subarray(100, 110)]) {
        const { id } = await store!.inbox.append({
          channel: 'test',
          body: bytes,
          headers: {},
          receivedAt: 1,
        });
        const row = await store!.inbox.get(id);
        expect(row?.body).toBeInstanceOf(Uint8Array);
        expect(Buffer.compare(Buffer.from(row!.body), Buffer.from(bytes))).toBe(0);
      }
    } finally {
      await store!.close();
    }
  });

  it('rejects with STORE_UNAVAILABLE after close', async () => {
    const [store] = await instances(1);
    await store!.close();
    await expect(
      store!.inbox.append({ channel: 'test', body: new Uint8Array([1]), headers: {}, receivedAt: 1 }),
    ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
