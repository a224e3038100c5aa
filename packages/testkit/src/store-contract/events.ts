import { expect, it } from 'vitest';
import { messageEvent, T0 } from './fixtures.js';
import type { StoreTest } from './index.js';

const opts = (owner = 'a', now = T0) => ({ inboxId: null, owner, leaseMs: 1_000, now });

export function eventCases(test: StoreTest): void {
  it('inserts once per key: a duplicate is reported, never stored twice', () =>
    test(async (store) => {
      const first = await store.events.insertMany([messageEvent(1), messageEvent(2)], {
        ...opts(),
        inboxId: 7,
      });
      expect(first.map((r) => r.result)).toEqual(['inserted', 'inserted']);
      const again = await store.events.insertMany(
        [messageEvent(2), messageEvent(3), messageEvent(3)],
        opts(),
      );
      expect(again.map((r) => r.result)).toEqual(['duplicate', 'inserted', 'duplicate']);
      expect(again[0]?.seq).toBe(first[1]?.seq);
      const row = await store.events.getByKey('test:msg:m1');
      expect(row).toMatchObject({
        kind: 'message',
        inboxId: 7,
        conversationId: 'test:acct:u1',
        state: 'pending',
        leaseOwner: 'a',
      });
      expect(row?.event).toMatchObject({ messageId: 'm1', text: 'hello 1' });
      expect((await store.events.count()).pending).toBe(3);
    }));

  it('dedups concurrent inserts of the same key from two instances', () =>
    test(async (store) => {
      const events = Array.from({ length: 20 }, (_, i) => messageEvent(i));
      const [a, b] = await Promise.all([
        store.events.insertMany(events, opts('a')),
        store.events.insertMany(events, opts('b')),
      ]);
      const inserted = [...(a ?? []), ...(b ?? [])].filter((r) => r.result === 'inserted');
      expect(inserted).toHaveLength(20);
      expect(new Set(inserted.map((r) => r.key)).size).toBe(20);
    }));

  it('leases inserted events to the inserter; others claim them only after expiry, in seq order', () =>
    test(async (store) => {
      const results = await store.events.insertMany([messageEvent(1), messageEvent(2)], opts('a'));
      expect(await store.events.claim({ owner: 'b', limit: 10, leaseMs: 1_000, now: T0 + 500 })).toHaveLength(
        0,
      );
      const claimed = await store.events.claim({ owner: 'b', limit: 10, leaseMs: 1_000, now: T0 + 1_000 });
      expect(claimed.map((r) => r.seq)).toEqual(results.map((r) => r.seq));
      const seq = results[0]?.seq ?? -1;
      expect(await store.events.complete(seq, 'a')).toBe(false);
      expect(await store.events.complete(seq, 'b')).toBe(true);
      expect(
        await store.events.retry(results[1]?.seq ?? -1, 'b', { nextAttemptAt: T0 + 9_000, error: 'handler' }),
      ).toBe(true);
      expect(
        await store.events.claim({ owner: 'c', limit: 10, leaseMs: 1_000, now: T0 + 8_999 }),
      ).toHaveLength(0);
      const retried = await store.events.claim({ owner: 'c', limit: 10, leaseMs: 1_000, now: T0 + 9_000 });
      expect(retried[0]).toMatchObject({ attempts: 1, error: 'handler' });
      expect(await store.events.kill(retried[0]?.seq ?? -1, 'c', 'gave up')).toBe(true);
      expect(await store.events.count()).toEqual({ pending: 0, done: 1, dead: 1 });
    }));

  it('lists a conversation by timestamp', () =>
    test(async (store) => {
      await store.events.insertMany(
        [messageEvent(3), messageEvent(1), messageEvent(2, { userId: 'u2' })],
        opts(),
      );
      const list = await store.events.list({ conversationId: 'test:acct:u1', limit: 10 });
      expect(list.map((r) => r.key)).toEqual(['test:msg:m1', 'test:msg:m3']);
      expect(await store.events.list({ since: T0 + 2, until: T0 + 3, limit: 10 })).toHaveLength(2);
    }));

  it('completeMany (optional) marks the events it holds the lease of done, and only those', () =>
    test(async (store) => {
      // Optional method: a store without it is served by `complete` per event.
      if (!store.events.completeMany) return;
      const mine = await store.events.insertMany([messageEvent(1), messageEvent(2)], opts('a'));
      const theirs = await store.events.insertMany([messageEvent(3)], opts('b'));
      await store.events.completeMany(
        [...mine, ...theirs].map((r) => r.seq),
        'a',
      );
      expect((await store.events.getByKey('test:msg:m1'))?.state).toBe('done');
      expect((await store.events.getByKey('test:msg:m2'))?.state).toBe('done');
      expect(await store.events.getByKey('test:msg:m3')).toMatchObject({ state: 'pending', leaseOwner: 'b' });
    }));
}
