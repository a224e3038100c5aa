import { expect, it } from 'vitest';
import { bytes, lease, T0 } from './fixtures.js';
import type { StoreTest } from './index.js';

export function inboxCases(test: StoreTest): void {
  it('appends raw bodies byte for byte, with headers and receive time', () =>
    test(async (store) => {
      const body = new Uint8Array([0, 255, 123, 10, 0xe2, 0x82, 0xac]);
      const { id } = await store.inbox.append({
        channel: 'test',
        body,
        headers: { 'x-hub-signature-256': 'sha256=ab' },
        receivedAt: T0,
      });
      const row = await store.inbox.get(id);
      expect(
        row,
        'inbox.append(a 7-byte body) then inbox.get(id): a pending row, unleased, with its receive time',
      ).toMatchObject({
        id,
        channel: 'test',
        state: 'pending',
        attempts: 0,
        receivedAt: T0,
        leaseOwner: null,
      });
      expect(
        Array.from(row?.body ?? []),
        'inbox.get(id).body: the appended bytes, byte for byte (NUL, 0xff, a UTF-8 €)',
      ).toEqual(Array.from(body));
      expect(row?.headers, 'inbox.get(id).headers: the appended headers').toEqual({
        'x-hub-signature-256': 'sha256=ab',
      });
    }));

  it('gives increasing ids to concurrent appends and loses none', () =>
    test(async (store) => {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.inbox.append({ channel: 'test', body: bytes(`{"n":${i}}`), headers: {}, receivedAt: T0 + i }),
        ),
      );
      const ids = results.map((r) => r.id);
      expect(new Set(ids).size, '50 concurrent inbox.append calls: 50 distinct ids').toBe(50);
      expect(
        (await store.inbox.count()).pending,
        '50 concurrent inbox.append calls: 50 pending rows (none lost)',
      ).toBe(50);
    }));

  it('claims in id order, never the same row twice while leased, again once the lease expired', () =>
    test(async (store) => {
      for (let i = 0; i < 3; i++)
        await store.inbox.append({ channel: 'test', body: bytes(String(i)), headers: {}, receivedAt: T0 });
      const a = await store.inbox.claim(lease('a', T0, 2));
      const b = await store.inbox.claim(lease('b', T0, 10));
      expect(
        a.map((r) => r.id),
        '3 rows appended, claim(owner a, limit 2): rows in id order',
      ).toEqual([...a.map((r) => r.id)].sort((x, y) => x - y));
      expect(a, '3 rows appended, claim(owner a, limit 2): 2 rows').toHaveLength(2);
      expect(b, 'then claim(owner b, limit 10): only the 1 row a does not lease').toHaveLength(1);
      expect(b[0]?.id, 'then claim(owner b): never a row a holds').not.toBe(a[0]?.id);
      expect(a[0], 'claim(owner a, leaseMs 1000, now T0): leased to a until T0 + 1000').toMatchObject({
        leaseOwner: 'a',
        leaseExpiresAt: T0 + 1_000,
      });
      expect(
        await store.inbox.claim(lease('c', T0 + 999)),
        'claim(owner c) 1 ms before the leases expire: nothing',
      ).toHaveLength(0);
      const c = await store.inbox.claim(lease('c', T0 + 1_000));
      expect(c, 'claim(owner c) when the leases expire: all 3 rows again').toHaveLength(3);
    }));

  it('completes, retries and kills only with the lease', () =>
    test(async (store) => {
      const { id } = await store.inbox.append({
        channel: 'test',
        body: bytes('x'),
        headers: {},
        receivedAt: T0,
      });
      await store.inbox.claim(lease('a'));
      expect(
        await store.inbox.complete(id, 'b'),
        "row leased to a, complete(id, owner b): false (not b's lease)",
      ).toBe(false);
      expect(
        await store.inbox.retry(id, 'a', { nextAttemptAt: T0 + 5_000, error: 'boom' }),
        'retry(id, owner a): true',
      ).toBe(true);
      expect(
        await store.inbox.get(id),
        'after retry(id, a, { error: boom }): pending, 1 attempt, the error, unleased',
      ).toMatchObject({
        state: 'pending',
        attempts: 1,
        error: 'boom',
        leaseOwner: null,
      });
      expect(
        await store.inbox.claim(lease('a', T0 + 4_999)),
        'claim 1 ms before nextAttemptAt: nothing',
      ).toHaveLength(0);
      expect(
        await store.inbox.claim(lease('a', T0 + 5_000)),
        'claim at nextAttemptAt: the retried row',
      ).toHaveLength(1);
      expect(await store.inbox.kill(id, 'a', 'PAYLOAD_INVALID: nope'), 'kill(id, owner a): true').toBe(true);
      expect(await store.inbox.get(id), 'after kill: dead with the reason').toMatchObject({
        state: 'dead',
        error: 'PAYLOAD_INVALID: nope',
      });
      expect(await store.inbox.complete(id, 'a'), 'complete of a dead row: false').toBe(false);
      await store.inbox.setState(id, 'done', null);
      expect(await store.inbox.get(id), "setState(id, 'done', null): done, error cleared").toMatchObject({
        state: 'done',
        error: null,
      });
      expect(await store.inbox.count(), 'count() after that: 1 done').toEqual({
        pending: 0,
        done: 1,
        dead: 0,
      });
    }));

  it('lists by receive time (inclusive bounds, any state) and pages by id', () =>
    test(async (store) => {
      for (let i = 0; i < 5; i++)
        await store.inbox.append({
          channel: i % 2 ? 'other' : 'test',
          body: bytes(String(i)),
          headers: {},
          receivedAt: T0 + i * 10,
        });
      const all = await store.inbox.listByReceivedAt({ since: T0 + 10, until: T0 + 30, limit: 10 });
      expect(
        all.map((r) => r.receivedAt),
        'rows received at T0, +10 … +40; listByReceivedAt(since +10, until +30): both bounds inclusive',
      ).toEqual([T0 + 10, T0 + 20, T0 + 30]);
      const page = await store.inbox.listByReceivedAt({
        since: T0,
        until: T0 + 40,
        limit: 2,
        afterId: all[0]?.id,
      });
      expect(
        page.map((r) => r.receivedAt),
        'listByReceivedAt(limit 2, afterId = the +10 row): the next two by id',
      ).toEqual([T0 + 20, T0 + 30]);
      const test = await store.inbox.listByReceivedAt({
        since: T0,
        until: T0 + 40,
        limit: 10,
        channel: 'test',
      });
      expect(test, "listByReceivedAt(channel 'test'): only that channel's 3 rows").toHaveLength(3);
    }));

  it('completeMany (optional) marks the rows it holds the lease of done, and only those', () =>
    test(async (store) => {
      // Optional method: a store without it is served by `complete` per row.
      if (!store.inbox.completeMany) return;
      const ids: number[] = [];
      for (let i = 0; i < 3; i++)
        ids.push(
          (await store.inbox.append({ channel: 'test', body: bytes(String(i)), headers: {}, receivedAt: T0 }))
            .id,
        );
      await store.inbox.claim(lease('a', T0, 2));
      await store.inbox.claim(lease('b', T0, 1));
      await store.inbox.completeMany(ids, 'a');
      expect(
        (await store.inbox.get(ids[0] ?? 0))?.state,
        "completeMany(all 3 ids, owner a): a's first row done",
      ).toBe('done');
      expect(
        (await store.inbox.get(ids[1] ?? 0))?.state,
        "completeMany(all 3 ids, owner a): a's second row done",
      ).toBe('done');
      expect(
        await store.inbox.get(ids[2] ?? 0),
        "completeMany(all 3 ids, owner a): b's row untouched",
      ).toMatchObject({ state: 'pending', leaseOwner: 'b' });
    }));
}
