import { z } from 'zod';

/** Built-in channels; plugin adapters may use their own lower-case name. */
export const KNOWN_CHANNELS = ['messenger', 'instagram', 'whatsapp'] as const;
export type KnownChannel = (typeof KNOWN_CHANNELS)[number];

export const Channel = z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'channel names are lower-case words');
export type Channel = KnownChannel | (string & {});

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
