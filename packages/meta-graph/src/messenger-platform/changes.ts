import type { ChannelEvent, WebhookProblem } from '@switchboard/core';
import {
  type ChangeContext,
  mapFeedChange,
  mapInstagramCommentChange,
  mapInstagramMentionChange,
} from './comments.js';
import { messengerPlatformKeys as keys } from './keys.js';
import { ChangeItem } from './schemas.js';

/**
 * `changes[]` items: Facebook Page `feed` comments and Instagram `comments`, `live_comments` and comment
 * `mentions` become `comment` events. Any other change (other feed items, caption mentions,
 * `story_insights`...) becomes an `unsupported` event with `itemKind: 'changes.<field>'` and the untouched
 * item in `raw`, so nothing is dropped.
 */
export function mapChangeItem(ctx: ChangeContext): { events: ChannelEvent[]; problems: WebhookProblem[] } {
  const parsed = ChangeItem.safeParse(ctx.raw);
  if (!parsed.success)
    return {
      events: [],
      problems: [{ path: ctx.path, message: 'change item without a field name', raw: ctx.raw }],
    };
  const { field, value } = parsed.data;
  if (ctx.channel === 'messenger' && field === 'feed') return mapFeedChange(ctx, value);
  if (ctx.channel === 'instagram') {
    if (field === 'comments') return mapInstagramCommentChange(ctx, value, false);
    if (field === 'live_comments') return mapInstagramCommentChange(ctx, value, true);
    if (field === 'mentions') return mapInstagramMentionChange(ctx, value);
  }
  const from = (value as { from?: { id?: unknown } } | null | undefined)?.from?.id;
  const fromId = typeof from === 'string' ? from : undefined;
  const itemKind = `changes.${field}`;
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
        reason: `"${field}" changes are not modeled; handle them from raw`,
        ...(fromId === undefined
          ? {}
          : { userId: fromId, conversationId: `${ctx.channel}:${ctx.accountId}:${fromId}` }),
      },
    ],
    problems: [],
  };
}
