import type { ChannelEvent, WebhookProblem } from '@switchboard/core';
import { messengerPlatformKeys as keys, type MessengerPlatformChannel } from './keys.js';
import { ChangeItem } from './schemas.js';

/**
 * `changes[]` items (Instagram `comments`, `live_comments`, `mentions`; Page feed changes) are not
 * direct messages and the core model has no comment kind: each becomes an `unsupported` event with
 * `itemKind: 'changes.<field>'` and the untouched item in `raw`, so nothing is dropped and an app can
 * still handle comments from `raw`.
 */
export function mapChangeItem(ctx: {
  channel: MessengerPlatformChannel;
  accountId: string;
  entryTime: number;
  path: string;
  raw: unknown;
}): { events: ChannelEvent[]; problems: WebhookProblem[] } {
  const parsed = ChangeItem.safeParse(ctx.raw);
  if (!parsed.success)
    return {
      events: [],
      problems: [{ path: ctx.path, message: 'change item without a field name', raw: ctx.raw }],
    };
  const value = parsed.data.value as { from?: { id?: unknown } } | undefined;
  const fromId =
    value && typeof value === 'object' && value.from && typeof value.from.id === 'string'
      ? value.from.id
      : undefined;
  const itemKind = `changes.${parsed.data.field}`;
  return {
    events: [
      {
        kind: 'unsupported',
        channel: ctx.channel,
        accountId: ctx.accountId,
        timestamp: ctx.entryTime,
        source: 'webhook',
        raw: ctx.raw,
        key: keys.unsupported(ctx.channel, ctx.accountId, itemKind, ctx.raw),
        itemKind,
        reason: `"${parsed.data.field}" changes are not direct messages; handle them from raw`,
        ...(fromId === undefined
          ? {}
          : { userId: fromId, conversationId: `${ctx.channel}:${ctx.accountId}:${fromId}` }),
      },
    ],
    problems: [],
  };
}
