import type { ChannelEvent, OutboundMessage, Store } from '@switchboard/core';

/** Builds a fresh store for one test; `storeContract` closes it afterwards. */
export type MakeStore = () => Store | Promise<Store>;

export const T0 = Date.parse('2024-07-11T12:00:00Z');

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

export function messageEvent(n: number, overrides: Partial<Record<string, unknown>> = {}): ChannelEvent {
  const userId = String(overrides.userId ?? 'u1');
  return {
    kind: 'message',
    channel: 'test',
    key: `test:msg:m${n}`,
    accountId: 'acct',
    userId,
    conversationId: `test:acct:${userId}`,
    timestamp: T0 + n,
    source: 'webhook',
    raw: { n },
    messageId: `m${n}`,
    direction: 'inbound',
    text: `hello ${n}`,
    parts: [{ type: 'text', text: `hello ${n}` }],
    ...overrides,
  } as ChannelEvent;
}

export function outbound(userId = 'u1', idempotencyKey?: string): OutboundMessage {
  return {
    to: { channel: 'test', accountId: 'acct', userId },
    content: { type: 'text', text: 'hi' },
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
}

export const lease = (owner: string, now = T0, limit = 10) => ({ owner, limit, leaseMs: 1_000, now });
