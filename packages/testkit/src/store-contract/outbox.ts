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
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.entry.id)).size).toBe(1);
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
      expect(free.created && free2.created).toBe(true);
      expect(free.entry).toMatchObject({
        state: 'pending',
        channel: 'test',
        accountId: 'acct',
        userId: 'u1',
        attempts: 0,
        receipt: null,
      });
      expect(free.entry.message).toEqual(outbound());
      expect((await store.outbox.getByIdempotencyKey('order-1'))?.id).toBe(results[0]?.entry.id);
    }));

  it('claims pending entries once per lease, oldest first', () =>
    test(async (store) => {
      await store.outbox.enqueue({ id: 'ob_b', idempotencyKey: null, message: outbound(), now: T0 + 1 });
      await store.outbox.enqueue({ id: 'ob_a', idempotencyKey: null, message: outbound(), now: T0 });
      const a = await store.outbox.claim(claim('a', T0 + 1));
      expect(a.map((e) => e.id)).toEqual(['ob_a', 'ob_b']);
      expect(await store.outbox.claim(claim('b', T0 + 2))).toHaveLength(0);
      expect(await store.outbox.claim(claim('b', T0 + 1_001))).toHaveLength(2);
    }));

  it('records sends, retries and final failures only with the lease', () =>
    test(async (store) => {
      await store.outbox.enqueue({ id: 'ob_1', idempotencyKey: null, message: outbound(), now: T0 });
      await store.outbox.enqueue({ id: 'ob_2', idempotencyKey: null, message: outbound(), now: T0 });
      await store.outbox.claim(claim('a'));
      expect(await store.outbox.markSent('ob_1', 'b', { receipt: receipt('mid.1'), at: T0 })).toBe(false);
      expect(
        await store.outbox.retry('ob_2', 'a', {
          nextAttemptAt: T0 + 5_000,
          error: { code: 'TEMPORARY' },
          at: T0,
        }),
      ).toBe(true);
      expect(await store.outbox.markSent('ob_1', 'a', { receipt: receipt('mid.1'), at: T0 + 1 })).toBe(true);
      expect(await store.outbox.get('ob_1')).toMatchObject({
        state: 'sent',
        platformMessageId: 'mid.1',
        attempts: 1,
        leaseOwner: null,
      });
      expect((await store.outbox.get('ob_1'))?.receipt).toEqual(receipt('mid.1'));
      expect(await store.outbox.findByPlatformMessageId('test', 'mid.1')).toMatchObject({ id: 'ob_1' });
      expect(await store.outbox.get('ob_2')).toMatchObject({
        state: 'pending',
        attempts: 1,
        error: { code: 'TEMPORARY' },
      });
      expect(await store.outbox.claim(claim('a', T0 + 4_999))).toHaveLength(0);
      expect(await store.outbox.claim(claim('a', T0 + 5_000))).toHaveLength(1);
      expect(
        await store.outbox.markFailed('ob_2', 'a', { error: { code: 'OUTSIDE_WINDOW' }, at: T0 + 5_000 }),
      ).toBe(true);
      expect(await store.outbox.get('ob_2')).toMatchObject({
        state: 'failed',
        attempts: 2,
        error: { code: 'OUTSIDE_WINDOW' },
      });
      expect(await store.outbox.list({ state: 'failed', limit: 10 })).toHaveLength(1);
    }));

  it('moves sent → delivered → read and never backwards; an early echo stops retries', () =>
    test(async (store) => {
      await store.outbox.enqueue({ id: 'ob_1', idempotencyKey: null, message: outbound(), now: T0 });
      await store.outbox.claim(claim('a'));
      await store.outbox.markSent('ob_1', 'a', { receipt: receipt('mid.1'), at: T0 });
      expect((await store.outbox.advance('ob_1', { state: 'read', at: T0 + 2 })).applied).toBe(true);
      const late = await store.outbox.advance('ob_1', { state: 'delivered', at: T0 + 3 });
      expect(late.applied).toBe(false);
      expect(late.entry?.state).toBe('read');
      expect((await store.outbox.advance('missing', { state: 'read', at: T0 })).entry).toBeUndefined();

      await store.outbox.enqueue({ id: 'ob_2', idempotencyKey: null, message: outbound(), now: T0 });
      await store.outbox.claim(claim('a'));
      expect(
        (await store.outbox.advance('ob_2', { state: 'delivered', at: T0, platformMessageId: 'mid.2' }))
          .applied,
      ).toBe(true);
      expect(
        await store.outbox.retry('ob_2', 'a', {
          nextAttemptAt: T0 + 1,
          error: { code: 'TEMPORARY' },
          at: T0,
        }),
      ).toBe(false);
      expect(await store.outbox.markSent('ob_2', 'a', { receipt: receipt('mid.2'), at: T0 })).toBe(true);
      expect(await store.outbox.get('ob_2')).toMatchObject({
        state: 'delivered',
        platformMessageId: 'mid.2',
      });
    }));

  it('reports the backlog per channel account', () =>
    test(async (store) => {
      await store.outbox.enqueue({ id: 'ob_1', idempotencyKey: null, message: outbound('u1'), now: T0 });
      await store.outbox.enqueue({ id: 'ob_2', idempotencyKey: null, message: outbound('u2'), now: T0 + 5 });
      expect(await store.outbox.backlog()).toEqual([
        { channel: 'test', accountId: 'acct', pending: 2, oldestCreatedAt: T0 },
      ]);
    }));
}
