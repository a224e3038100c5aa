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
      expect(row).toMatchObject({
        id,
        channel: 'test',
        state: 'pending',
        attempts: 0,
        receivedAt: T0,
        leaseOwner: null,
      });
      expect(Array.from(row?.body ?? [])).toEqual(Array.from(body));
      expect(row?.headers).toEqual({ 'x-hub-signature-256': 'sha256=ab' });
    }));

  it('gives increasing ids to concurrent appends and loses none', () =>
    test(async (store) => {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.inbox.append({ channel: 'test', body: bytes(`{"n":${i}}`), headers: {}, receivedAt: T0 + i }),
        ),
      );
      const ids = results.map((r) => r.id);
      expect(new Set(ids).size).toBe(50);
      expect((await store.inbox.count()).pending).toBe(50);
    }));

  it('claims in id order, never the same row twice while leased, again once the lease expired', () =>
    test(async (store) => {
      for (let i = 0; i < 3; i++)
        await store.inbox.append({ channel: 'test', body: bytes(String(i)), headers: {}, receivedAt: T0 });
      const a = await store.inbox.claim(lease('a', T0, 2));
      const b = await store.inbox.claim(lease('b', T0, 10));
      expect(a.map((r) => r.id)).toEqual([...a.map((r) => r.id)].sort((x, y) => x - y));
      expect(a).toHaveLength(2);
      expect(b).toHaveLength(1);
      expect(b[0]?.id).not.toBe(a[0]?.id);
      expect(a[0]).toMatchObject({ leaseOwner: 'a', leaseExpiresAt: T0 + 1_000 });
      expect(await store.inbox.claim(lease('c', T0 + 999))).toHaveLength(0);
      const c = await store.inbox.claim(lease('c', T0 + 1_000));
      expect(c).toHaveLength(3);
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
      expect(await store.inbox.complete(id, 'b')).toBe(false);
      expect(await store.inbox.retry(id, 'a', { nextAttemptAt: T0 + 5_000, error: 'boom' })).toBe(true);
      expect(await store.inbox.get(id)).toMatchObject({
        state: 'pending',
        attempts: 1,
        error: 'boom',
        leaseOwner: null,
      });
      expect(await store.inbox.claim(lease('a', T0 + 4_999))).toHaveLength(0);
      expect(await store.inbox.claim(lease('a', T0 + 5_000))).toHaveLength(1);
      expect(await store.inbox.kill(id, 'a', 'PAYLOAD_INVALID: nope')).toBe(true);
      expect(await store.inbox.get(id)).toMatchObject({ state: 'dead', error: 'PAYLOAD_INVALID: nope' });
      expect(await store.inbox.complete(id, 'a')).toBe(false);
      await store.inbox.setState(id, 'done', null);
      expect(await store.inbox.get(id)).toMatchObject({ state: 'done', error: null });
      expect(await store.inbox.count()).toEqual({ pending: 0, done: 1, dead: 0 });
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
      expect(all.map((r) => r.receivedAt)).toEqual([T0 + 10, T0 + 20, T0 + 30]);
      const page = await store.inbox.listByReceivedAt({
        since: T0,
        until: T0 + 40,
        limit: 2,
        afterId: all[0]?.id,
      });
      expect(page.map((r) => r.receivedAt)).toEqual([T0 + 20, T0 + 30]);
      const test = await store.inbox.listByReceivedAt({
        since: T0,
        until: T0 + 40,
        limit: 10,
        channel: 'test',
      });
      expect(test).toHaveLength(3);
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
      expect((await store.inbox.get(ids[0] ?? 0))?.state).toBe('done');
      expect((await store.inbox.get(ids[1] ?? 0))?.state).toBe('done');
      expect(await store.inbox.get(ids[2] ?? 0)).toMatchObject({ state: 'pending', leaseOwner: 'b' });
    }));
}
