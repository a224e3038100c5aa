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
      expect(
        first.map((r) => r.result),
        'insertMany(m1, m2) into an empty store: both inserted',
      ).toEqual(['inserted', 'inserted']);
      const again = await store.events.insertMany(
        [messageEvent(2), messageEvent(3), messageEvent(3)],
        opts(),
      );
      expect(
        again.map((r) => r.result),
        'then insertMany(m2, m3, m3): m2 a duplicate, m3 inserted once',
      ).toEqual(['duplicate', 'inserted', 'duplicate']);
      expect(again[0]?.seq, "the duplicate m2: reported with the stored event's seq").toBe(first[1]?.seq);
      const row = await store.events.getByKey('test:msg:m1');
      expect(
        row,
        "getByKey('test:msg:m1') after insertMany(…, { inboxId: 7, owner: 'a' }): pending, leased to a, its inbox row and conversation",
      ).toMatchObject({
        kind: 'message',
        inboxId: 7,
        conversationId: 'test:acct:u1',
        state: 'pending',
        leaseOwner: 'a',
      });
      expect(row?.event, "getByKey('test:msg:m1').event: the event as inserted").toMatchObject({
        messageId: 'm1',
        text: 'hello 1',
      });
      expect(
        (await store.events.count()).pending,
        'count() after m1, m2, m3 (and duplicates): 3 pending',
      ).toBe(3);
    }));

  it('dedups concurrent inserts of the same key from two instances', () =>
    test(async (store) => {
      const events = Array.from({ length: 20 }, (_, i) => messageEvent(i));
      const [a, b] = await Promise.all([
        store.events.insertMany(events, opts('a')),
        store.events.insertMany(events, opts('b')),
      ]);
      const inserted = [...(a ?? []), ...(b ?? [])].filter((r) => r.result === 'inserted');
      expect(
        inserted,
        'two instances insertMany the same 20 events at once: 20 inserted in all, the rest duplicates',
      ).toHaveLength(20);
      expect(
        new Set(inserted.map((r) => r.key)).size,
        'two instances insertMany the same 20 events at once: each key inserted once',
      ).toBe(20);
    }));

  it('leases inserted events to the inserter; others claim them only after expiry, in seq order', () =>
    test(async (store) => {
      const results = await store.events.insertMany([messageEvent(1), messageEvent(2)], opts('a'));
      expect(
        await store.events.claim({ owner: 'b', limit: 10, leaseMs: 1_000, now: T0 + 500 }),
        'events inserted by a (leased to a for 1 s); claim(owner b) after 500 ms: nothing',
      ).toHaveLength(0);
      const claimed = await store.events.claim({ owner: 'b', limit: 10, leaseMs: 1_000, now: T0 + 1_000 });
      expect(
        claimed.map((r) => r.seq),
        "claim(owner b) when a's lease expired: both, in seq order",
      ).toEqual(results.map((r) => r.seq));
      const seq = results[0]?.seq ?? -1;
      expect(
        await store.events.complete(seq, 'a'),
        'complete(seq, owner a) after b took the lease: false',
      ).toBe(false);
      expect(await store.events.complete(seq, 'b'), 'complete(seq, owner b): true').toBe(true);
      expect(
        await store.events.retry(results[1]?.seq ?? -1, 'b', { nextAttemptAt: T0 + 9_000, error: 'handler' }),
        'retry(seq 2, owner b, nextAttemptAt T0 + 9000): true',
      ).toBe(true);
      expect(
        await store.events.claim({ owner: 'c', limit: 10, leaseMs: 1_000, now: T0 + 8_999 }),
        'claim 1 ms before nextAttemptAt: nothing',
      ).toHaveLength(0);
      const retried = await store.events.claim({ owner: 'c', limit: 10, leaseMs: 1_000, now: T0 + 9_000 });
      expect(retried[0], 'claim at nextAttemptAt: the retried event, 1 attempt, its error').toMatchObject({
        attempts: 1,
        error: 'handler',
      });
      expect(await store.events.kill(retried[0]?.seq ?? -1, 'c', 'gave up'), 'kill(seq, owner c): true').toBe(
        true,
      );
      expect(await store.events.count(), 'count() after one complete and one kill').toEqual({
        pending: 0,
        done: 1,
        dead: 1,
      });
    }));

  it('lists a conversation by timestamp', () =>
    test(async (store) => {
      await store.events.insertMany(
        [messageEvent(3), messageEvent(1), messageEvent(2, { userId: 'u2' })],
        opts(),
      );
      const list = await store.events.list({ conversationId: 'test:acct:u1', limit: 10 });
      expect(
        list.map((r) => r.key),
        "m3, m1 (u1) and m2 (u2) inserted; list({ conversationId: 'test:acct:u1' }): u1's, by timestamp",
      ).toEqual(['test:msg:m1', 'test:msg:m3']);
      expect(
        await store.events.list({ since: T0 + 2, until: T0 + 3, limit: 10 }),
        'list({ since: T0 + 2, until: T0 + 3 }): both bounds inclusive',
      ).toHaveLength(2);
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
      expect(
        (await store.events.getByKey('test:msg:m1'))?.state,
        "completeMany(all seqs, owner a): a's m1 done",
      ).toBe('done');
      expect(
        (await store.events.getByKey('test:msg:m2'))?.state,
        "completeMany(all seqs, owner a): a's m2 done",
      ).toBe('done');
      expect(
        await store.events.getByKey('test:msg:m3'),
        "completeMany(all seqs, owner a): b's m3 untouched",
      ).toMatchObject({ state: 'pending', leaseOwner: 'b' });
    }));
}
