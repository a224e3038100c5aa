import { describe, expect, it } from 'vitest';
import type { ChannelEvent } from '../src/index.js';
import { confirmedIds, createDeliveryWatch } from '../src/watch/delivery.js';

const echo = (messageId: string, source: 'webhook' | 'backfill' = 'webhook'): ChannelEvent => ({
  kind: 'message',
  channel: 'messenger',
  key: `messenger:msg:${messageId}`,
  accountId: 'p1',
  userId: 'u1',
  conversationId: 'messenger:p1:u1',
  timestamp: 1,
  source,
  raw: {},
  messageId,
  direction: 'outbound',
  echo: true,
  parts: [],
});

describe('echo / status watch', () => {
  it('confirms a send by its echo and reports the ones past the deadline', () => {
    const watch = createDeliveryWatch({ deadlineMs: 120_000 });
    watch.expect({ channel: 'messenger', accountId: 'p1', messageId: 'm1', sentAt: 0 });
    watch.expect({ channel: 'messenger', accountId: 'p1', messageId: 'm2', sentAt: 0 });
    expect(watch.pending('messenger', 'p1')).toBe(2);
    expect(watch.observe(echo('m1'), 500)?.messageId).toBe('m1');
    expect(watch.overdue(119_999)).toEqual([]);
    expect(watch.overdue(120_000).map((s) => s.messageId)).toEqual(['m2']);
    expect(watch.pending('messenger', 'p1')).toBe(0);
  });

  it('accepts an echo that arrives before the send receipt was noted', () => {
    const watch = createDeliveryWatch({ deadlineMs: 60_000 });
    expect(watch.observe(echo('early'), 10)).toBeUndefined();
    watch.expect({ channel: 'messenger', accountId: 'p1', messageId: 'early', sentAt: 20 });
    expect(watch.overdue(1_000_000)).toEqual([]);
  });

  it('a backfilled copy proves nothing about the webhook pipeline', () => {
    const watch = createDeliveryWatch({ deadlineMs: 60_000 });
    watch.expect({ channel: 'messenger', accountId: 'p1', messageId: 'm3', sentAt: 0 });
    expect(watch.observe(echo('m3', 'backfill'), 10)).toBeUndefined();
    expect(watch.overdue(60_000)).toHaveLength(1);
  });

  it('statuses, deliveries and reads confirm; inbound messages do not', () => {
    const base = {
      channel: 'whatsapp',
      accountId: 'n1',
      userId: 'w1',
      conversationId: 'whatsapp:n1:w1',
      timestamp: 1,
      source: 'webhook' as const,
      raw: {},
    };
    expect(confirmedIds({ ...base, kind: 'status', key: 'k', messageId: 'wamid.1', status: 'sent' })).toEqual(
      ['wamid.1'],
    );
    expect(confirmedIds({ ...base, kind: 'delivery', key: 'k', messageIds: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(
      confirmedIds({ ...base, kind: 'message', key: 'k', messageId: 'x', direction: 'inbound', parts: [] }),
    ).toEqual([]);
  });
});
