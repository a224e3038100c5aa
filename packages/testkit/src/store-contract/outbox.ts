import { expect, it } from 'vitest';
import { outbound, T0 } from './fixtures.js';
import type { StoreTest } from './index.js';

const receipt = (messageId: string) => ({ messageId, acceptedAt: T0, raw: { message_id: messageId } });
const claim = (owner: string, now = T0) => ({ owner, limit: 10, leaseMs: 1_000, now });

export function outboxCases(test: StoreTest): void {
  it('returns the same entry for the same idempotency key, even concurrently', () =>
    test(async (store) => {
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.outbox.enqueue({ id: `ob_${i}`, idempotencyKey: 'order-1', message: outbound(), now: T0 }),
        ),
      );
      expect(
        results.filter((r) => r.created),
        "5 concurrent enqueue({ idempotencyKey: 'order-1' }): exactly 1 created",
      ).toHaveLength(1);
      expect(
        new Set(results.map((r) => r.entry.id)).size,
        "5 concurrent enqueue({ idempotencyKey: 'order-1' }): all answer the same entry",
      ).toBe(1);
      const free = await store.outbox.enqueue({
        id: 'ob_free1',
        idempotencyKey: null,
        message: outbound(),
        now: T0,
      });
      const free2 = await store.outbox.enqueue({
        id: 'ob_free2',
        idempotencyKey: null,
        message: outbound(),
        now: T0,
      });
      expect(
        free.created && free2.created,
        'two enqueue({ idempotencyKey: null }): two new entries (null is not a key)',
      ).toBe(true);
      expect(
        free.entry,
        'enqueue(message to test/acct/u1): a pending entry with its recipient, no attempts, no receipt',
      ).toMatchObject({
        state: 'pending',
        channel: 'test',
        accountId: 'acct',
        userId: 'u1',
        attempts: 0,
        receipt: null,
      });
      expect(free.entry.message, 'enqueue(message): the message kept as given').toEqual(outbound());
      expect(
        (await store.outbox.getByIdempotencyKey('order-1'))?.id,
        "getByIdempotencyKey('order-1'): the one entry",
      ).toBe(results[0]?.entry.id);
    }));

  it('claims pending entries once per lease, oldest first', () =>
    test(async (store) => {
      await store.outbox.enqueue({ id: 'ob_b', idempotencyKey: null, message: outbound(), now: T0 + 1 });
      await store.outbox.enqueue({ id: 'ob_a', idempotencyKey: null, message: outbound(), now: T0 });
      const a = await store.outbox.claim(claim('a', T0 + 1));
      expect(
        a.map((e) => e.id),
        'ob_b enqueued at T0 + 1, ob_a at T0; claim: oldest first',
      ).toEqual(['ob_a', 'ob_b']);
      expect(
        await store.outbox.claim(claim('b', T0 + 2)),
        'claim(owner b) while a leases both: nothing',
      ).toHaveLength(0);
      expect(
        await store.outbox.claim(claim('b', T0 + 1_001)),
        "claim(owner b) after a's lease expired: both",
      ).toHaveLength(2);
    }));

  it('records sends, retries and final failures only with the lease', () =>
    test(async (store) => {
      await store.outbox.enqueue({ id: 'ob_1', idempotencyKey: null, message: outbound(), now: T0 });
      await store.outbox.enqueue({ id: 'ob_2', idempotencyKey: null, message: outbound(), now: T0 });
      await store.outbox.claim(claim('a'));
      expect(
        await store.outbox.markSent('ob_1', 'b', { receipt: receipt('mid.1'), at: T0 }),
        'ob_1 leased to a, markSent(owner b): false',
      ).toBe(false);
      expect(
        await store.outbox.retry('ob_2', 'a', {
          nextAttemptAt: T0 + 5_000,
          error: { code: 'TEMPORARY' },
          at: T0,
        }),
        'retry(ob_2, owner a): true',
      ).toBe(true);
      expect(
        await store.outbox.markSent('ob_1', 'a', { receipt: receipt('mid.1'), at: T0 + 1 }),
        'markSent(ob_1, owner a): true',
      ).toBe(true);
      expect(
        await store.outbox.get('ob_1'),
        'after markSent(ob_1, receipt mid.1): sent, the platform id, 1 attempt, unleased',
      ).toMatchObject({
        state: 'sent',
        platformMessageId: 'mid.1',
        attempts: 1,
        leaseOwner: null,
      });
      expect((await store.outbox.get('ob_1'))?.receipt, 'after markSent: the receipt kept as given').toEqual(
        receipt('mid.1'),
      );
      expect(
        await store.outbox.findByPlatformMessageId('test', 'mid.1'),
        "findByPlatformMessageId('test', 'mid.1'): ob_1",
      ).toMatchObject({ id: 'ob_1' });
      expect(
        await store.outbox.get('ob_2'),
        'after retry(ob_2, TEMPORARY): pending, 1 attempt, the error',
      ).toMatchObject({
        state: 'pending',
        attempts: 1,
        error: { code: 'TEMPORARY' },
      });
      expect(
        await store.outbox.claim(claim('a', T0 + 4_999)),
        'claim 1 ms before nextAttemptAt: nothing',
      ).toHaveLength(0);
      expect(await store.outbox.claim(claim('a', T0 + 5_000)), 'claim at nextAttemptAt: ob_2').toHaveLength(
        1,
      );
      expect(
        await store.outbox.markFailed('ob_2', 'a', { error: { code: 'OUTSIDE_WINDOW' }, at: T0 + 5_000 }),
        'markFailed(ob_2, owner a): true',
      ).toBe(true);
      expect(
        await store.outbox.get('ob_2'),
        'after markFailed(ob_2, OUTSIDE_WINDOW): failed, 2 attempts, the error',
      ).toMatchObject({
        state: 'failed',
        attempts: 2,
        error: { code: 'OUTSIDE_WINDOW' },
      });
      expect(
        await store.outbox.list({ state: 'failed', limit: 10 }),
        "list({ state: 'failed' }): ob_2 only",
      ).toHaveLength(1);
    }));

  it('moves sent → delivered → read and never backwards; an early echo stops retries', () =>
    test(async (store) => {
      await store.outbox.enqueue({ id: 'ob_1', idempotencyKey: null, message: outbound(), now: T0 });
      await store.outbox.claim(claim('a'));
      await store.outbox.markSent('ob_1', 'a', { receipt: receipt('mid.1'), at: T0 });
      expect(
        (await store.outbox.advance('ob_1', { state: 'read', at: T0 + 2 })).applied,
        'sent entry, advance(read): applied',
      ).toBe(true);
      const late = await store.outbox.advance('ob_1', { state: 'delivered', at: T0 + 3 });
      expect(late.applied, 'read entry, then advance(delivered): not applied (never backwards)').toBe(false);
      expect(late.entry?.state, 'read entry, then advance(delivered): still read').toBe('read');
      expect(
        (await store.outbox.advance('missing', { state: 'read', at: T0 })).entry,
        'advance of an unknown id: no entry',
      ).toBeUndefined();

      await store.outbox.enqueue({ id: 'ob_2', idempotencyKey: null, message: outbound(), now: T0 });
      await store.outbox.claim(claim('a'));
      expect(
        (await store.outbox.advance('ob_2', { state: 'delivered', at: T0, platformMessageId: 'mid.2' }))
          .applied,
        'claimed, unsent entry, advance(delivered, mid.2) (an echo before the receipt): applied',
      ).toBe(true);
      expect(
        await store.outbox.retry('ob_2', 'a', {
          nextAttemptAt: T0 + 1,
          error: { code: 'TEMPORARY' },
          at: T0,
        }),
        'retry of an entry a webhook already delivered: false (no second send)',
      ).toBe(false);
      expect(
        await store.outbox.markSent('ob_2', 'a', { receipt: receipt('mid.2'), at: T0 }),
        'markSent after the early echo: true',
      ).toBe(true);
      expect(
        await store.outbox.get('ob_2'),
        'markSent after the early echo: still delivered, with the platform id',
      ).toMatchObject({
        state: 'delivered',
        platformMessageId: 'mid.2',
      });
    }));

  it('reports the backlog per channel account', () =>
    test(async (store) => {
      await store.outbox.enqueue({ id: 'ob_1', idempotencyKey: null, message: outbound('u1'), now: T0 });
      await store.outbox.enqueue({ id: 'ob_2', idempotencyKey: null, message: outbound('u2'), now: T0 + 5 });
      expect(
        await store.outbox.backlog(),
        '2 pending entries of test/acct (T0, T0 + 5): backlog() per channel account',
      ).toEqual([{ channel: 'test', accountId: 'acct', pending: 2, oldestCreatedAt: T0 }]);
    }));
}
