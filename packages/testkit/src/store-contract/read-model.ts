import { expect, it } from 'vitest';
import { T0 } from './fixtures.js';
import type { StoreTest } from './index.js';

const msg = (messageId: string, timestamp: number, direction: 'inbound' | 'outbound' = 'outbound') => ({
  channel: 'test',
  messageId,
  conversationId: 'test:acct:u1',
  accountId: 'acct',
  direction,
  timestamp,
  text: `text ${messageId}`,
  event: null,
  correlationId: null,
});
const status = (messageId: string, s: 'sent' | 'delivered' | 'read' | 'failed', at = T0) => ({
  channel: 'test',
  messageId,
  conversationId: 'test:acct:u1',
  accountId: 'acct',
  status: s,
  at,
});

export function readModelCases(test: StoreTest): void {
  it('moves conversation times forward only', () =>
    test(async (store) => {
      const base = { id: 'test:acct:u1', channel: 'test', accountId: 'acct', userId: 'u1' };
      await store.conversations.touch({ ...base, eventAt: T0 + 10, inboundAt: T0 + 10 });
      await store.conversations.touch({ ...base, eventAt: T0 + 5, inboundAt: T0 + 5 });
      await store.conversations.touch({ ...base, eventAt: T0 + 20 });
      expect(await store.conversations.get(base.id)).toMatchObject({
        lastEventAt: T0 + 20,
        lastInboundAt: T0 + 10,
        createdAt: T0 + 10,
      });
      await store.conversations.touch({ ...base, id: 'test:acct:u2', userId: 'u2', eventAt: T0 + 30 });
      const list = await store.conversations.list({ accountId: 'acct', limit: 10 });
      expect(list.map((c) => c.id)).toEqual(['test:acct:u2', 'test:acct:u1']);
      expect(list[0]?.lastInboundAt).toBeNull();
    }));

  it('never lets a status go backwards (read is not overwritten by a late delivered)', () =>
    test(async (store) => {
      await store.messages.upsert(msg('m1', T0));
      expect(await store.messages.setStatus(status('m1', 'read'))).toEqual({ applied: true, status: 'read' });
      expect(await store.messages.setStatus(status('m1', 'delivered'))).toEqual({
        applied: false,
        status: 'read',
      });
      expect(await store.messages.setStatus(status('m1', 'read'))).toEqual({
        applied: false,
        status: 'read',
      });
      expect(await store.messages.get('test', 'm1')).toMatchObject({ status: 'read', text: 'text m1' });
    }));

  it('keeps a status that arrived before its message, then fills the content in', () =>
    test(async (store) => {
      await store.messages.setStatus({ ...status('m2', 'delivered'), correlationId: 'ob_1' });
      await store.messages.upsert(msg('m2', T0 + 1));
      expect(await store.messages.get('test', 'm2')).toMatchObject({
        status: 'delivered',
        text: 'text m2',
        correlationId: 'ob_1',
        timestamp: T0 + 1,
      });
    }));

  it('lists messages oldest first, before a time', () =>
    test(async (store) => {
      await store.messages.upsert(msg('b', T0 + 2));
      await store.messages.upsert(msg('a', T0 + 1, 'inbound'));
      await store.messages.upsert(msg('c', T0 + 3));
      const list = await store.messages.list({ conversationId: 'test:acct:u1', limit: 10, before: T0 + 3 });
      expect(list.map((m) => m.messageId)).toEqual(['a', 'b']);
      expect(list[0]?.direction).toBe('inbound');
    }));

  it('keeps dead letters, health state and counters', () =>
    test(async (store) => {
      await store.deadLetters.add({
        source: 'inbox',
        ref: '1',
        channel: 'test',
        code: 'PAYLOAD_INVALID',
        reason: 'bad',
        attempts: 1,
        at: T0,
      });
      await store.deadLetters.add({
        source: 'event',
        ref: 'k',
        channel: 'test',
        code: 'HANDLER_FAILED',
        reason: 'boom',
        attempts: 5,
        at: T0 + 1,
      });
      expect((await store.deadLetters.list({ limit: 10 })).map((d) => d.ref)).toEqual(['k', '1']);
      expect(await store.deadLetters.list({ source: 'inbox', limit: 10 })).toHaveLength(1);
      expect(await store.deadLetters.count()).toBe(2);

      await store.health.set('baseline:test:acct', { rate: [1, 2] }, T0);
      await store.health.set('baseline:test:acct', { rate: [3] }, T0 + 1);
      await store.health.set('cursor:x', 'c', T0);
      expect(await store.health.get('baseline:test:acct')).toEqual({ rate: [3] });
      expect(await store.health.list('baseline:')).toEqual([
        { key: 'baseline:test:acct', value: { rate: [3] }, updatedAt: T0 + 1 },
      ]);
      await store.health.delete('cursor:x');
      expect(await store.health.get('cursor:x')).toBeUndefined();

      await Promise.all(Array.from({ length: 10 }, () => store.counters.add('events.received', 2)));
      expect(await store.counters.get('events.received')).toBe(20);
      expect(await store.counters.get('missing')).toBe(0);
      await store.counters.add('events.backfilled', 1);
      expect(await store.counters.list('events.')).toEqual([
        { name: 'events.backfilled', value: 1 },
        { name: 'events.received', value: 20 },
      ]);
    }));
}
