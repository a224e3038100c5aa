import { z } from 'zod';

export const Channel = z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'channel names are lower-case words');
/** A channel name: the adapter's own lower-case word (its webhook route segment). */
export type Channel = string;

/** `${channel}:${accountId}:${userId}` — one customer talking to one business account on one channel. */
export type ConversationId = `${string}:${string}:${string}`;
export const ConversationId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*:[^:]+:.+$/) as unknown as z.ZodType<ConversationId>;

export function conversationIdOf(channel: string, accountId: string, userId: string): ConversationId {
  return `${channel}:${accountId}:${userId}`;
}

export function parseConversationId(id: string): { channel: string; accountId: string; userId: string } {
  const first = id.indexOf(':');
  const second = id.indexOf(':', first + 1);
  if (first <= 0 || second <= first + 1 || second === id.length - 1) {
    throw new TypeError(`not a conversation id: ${id}`);
  }
  return {
    channel: id.slice(0, first),
    accountId: id.slice(first + 1, second),
    userId: id.slice(second + 1),
  };
}
