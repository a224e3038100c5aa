import { SwitchboardError } from '@switchboard/core';

/**
 * How Telegram ids become Switchboard ids, in one place.
 *
 * - A conversation is a chat: `telegram:<bot id>:<chat id>` (private chat id = user id; groups are
 *   negative, supergroups and channels `-100…`). A chat of a connected business account is independent
 *   from a bot chat with the same id, so it is `biz:<business_connection_id>:<chat id>`.
 * - `message_id` is unique only inside a chat, and the store keys messages per channel, so a
 *   `messageId` is `<bot id>:<chat>:<message_id>`.
 */
export function chatKey(chatId: number, businessConnectionId?: string): string {
  return businessConnectionId ? `biz:${businessConnectionId}:${chatId}` : String(chatId);
}

export function messageRef(botId: string, chat: string, messageId: number): string {
  return `${botId}:${chat}:${messageId}`;
}

/** Where a send goes: the chat id and, for business chats, the connection. `to.userId` is a {@link chatKey}. */
export function parseChatKey(value: string): { chatId: string; businessConnectionId?: string } {
  const business = /^biz:([^:]+):(-?\d+)$/.exec(value);
  if (business) return { chatId: business[2]!, businessConnectionId: business[1]! };
  if (/^-?\d+$/.test(value) || /^@[A-Za-z0-9_]{4,}$/.test(value)) return { chatId: value };
  throw new SwitchboardError(
    'INVALID_REQUEST',
    `not a Telegram chat: "${value}" (a chat id, @channelusername or biz:<connection>:<chat id>)`,
    { path: 'to.userId' },
  );
}

/** The `message_id` inside a {@link messageRef} (or a bare number), for replies and reactions. */
export function messageIdOf(ref: string, path: string): number {
  const match = /(?:^|:)(\d+)$/.exec(ref);
  const n = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new SwitchboardError('INVALID_REQUEST', `not a Telegram message id: "${ref}"`, { path });
  }
  return n;
}
