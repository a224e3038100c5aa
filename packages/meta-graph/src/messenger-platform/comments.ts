import type { ChannelEvent, CommentEvent, WebhookProblem } from '@switchboard/core';
import { FeedCommentValue, InstagramCommentValue, InstagramMentionValue } from './comment-schemas.js';
import { digest, type MessengerPlatformChannel, messengerPlatformKeys, toEpochMs } from './keys.js';

/** Where a change item was found and what it is about. */
export interface ChangeContext {
  channel: MessengerPlatformChannel;
  /** `entry.id`: the Page id / Instagram account id. */
  accountId: string;
  /** `entry.time` in ms. */
  entryTime: number;
  path: string;
  raw: unknown;
}

export interface ChangeResult {
  events: ChannelEvent[];
  problems: WebhookProblem[];
}

/** Dedup keys of comment events: one per comment and verb (an edit per text, a hide/unhide per change time). */
export const commentKeys = {
  comment: (channel: string, commentId: string, verb: string, variant?: string) =>
    `${channel}:comment:${commentId}:${verb}${variant === undefined ? '' : `:${variant}`}`,
  mention: (channel: string, commentId: string) => `${channel}:comment:${commentId}:mention`,
};

/**
 * The comment thread a comment belongs to: its top-level comment. Documented on `CommentEvent`.
 *
 * @example
 * commentThreadId('instagram', '17841405822304914', '17865799348089039', '17865799348089038')
 * // 'instagram:17841405822304914:comment:17865799348089038'
 */
export function commentThreadId(
  channel: string,
  accountId: string,
  commentId: string,
  parentId?: string,
): string {
  return `${channel}:${accountId}:comment:${parentId ?? commentId}`;
}

/** Facebook feed verbs as the model names them; Meta's docs list both spellings of edit and delete. */
const FEED_VERBS: Record<string, CommentEvent['verb']> = {
  add: 'add',
  edit: 'edit',
  edited: 'edit',
  remove: 'remove',
  delete: 'remove',
  hide: 'hide',
  unhide: 'unhide',
};

const problemOf = (ctx: ChangeContext, message: string): ChangeResult => ({
  events: [],
  problems: [{ path: `${ctx.path}.value`, message, raw: ctx.raw }],
});

const unsupported = (
  ctx: ChangeContext,
  itemKind: string,
  reason: string,
  userId?: string,
): ChangeResult => ({
  events: [
    {
      kind: 'unsupported',
      channel: ctx.channel,
      accountId: ctx.accountId,
      timestamp: ctx.entryTime,
      source: 'webhook',
      raw: ctx.raw,
      key: messengerPlatformKeys.unsupported(ctx.channel, ctx.accountId, itemKind, ctx.raw),
      itemKind,
      reason,
      ...(userId === undefined || userId === ctx.accountId
        ? {}
        : { userId, conversationId: `${ctx.channel}:${ctx.accountId}:${userId}` }),
    },
  ],
  problems: [],
});

function createdAt(value: number | string | undefined, fallback: number): number {
  if (typeof value === 'number') return toEpochMs(value);
  if (typeof value === 'string') {
    const parsed = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (Number.isFinite(parsed)) return parsed;
  }
  return fallback;
}

const issue = (error: { issues: Array<{ message: string; path: PropertyKey[] }> }) => {
  const first = error.issues[0];
  return first ? `${first.path.join('.') || 'value'}: ${first.message}` : 'invalid';
};

/** A Facebook Page `feed` change: comments become `comment` events, other feed items stay `unsupported`. */
export function mapFeedChange(ctx: ChangeContext, value: unknown): ChangeResult {
  const item = (value as { item?: unknown } | null)?.item;
  if (item !== 'comment') {
    const what = typeof item === 'string' ? item : 'unknown';
    const from = (value as { from?: { id?: unknown } } | null)?.from?.id;
    return unsupported(
      ctx,
      'changes.feed',
      `feed item "${what}" is not a comment; kept as is`,
      typeof from === 'string' ? from : undefined,
    );
  }
  const parsed = FeedCommentValue.safeParse(value);
  if (!parsed.success) return problemOf(ctx, `feed comment: ${issue(parsed.error)}`);
  const v = parsed.data;
  const verb = FEED_VERBS[v.verb];
  if (!verb) {
    return unsupported(
      ctx,
      `changes.feed.comment.${v.verb}`,
      `comment verb "${v.verb}" is not modeled`,
      v.from?.id,
    );
  }
  // A top-level comment's parent is the post itself.
  const parentId = v.parent_id !== undefined && v.parent_id !== v.post_id ? v.parent_id : undefined;
  const timestamp = verb === 'add' ? createdAt(v.created_time, ctx.entryTime) : ctx.entryTime;
  const variant =
    verb === 'edit'
      ? digest(v.message ?? '')
      : verb === 'hide' || verb === 'unhide'
        ? String(ctx.entryTime)
        : undefined;
  const permalink = v.permalink_url ?? v.post?.permalink_url;
  const event: CommentEvent = {
    kind: 'comment',
    channel: ctx.channel,
    accountId: ctx.accountId,
    timestamp,
    source: 'webhook',
    raw: ctx.raw,
    key: commentKeys.comment(ctx.channel, v.comment_id, verb, variant),
    conversationId: commentThreadId(ctx.channel, ctx.accountId, v.comment_id, parentId),
    commentId: v.comment_id,
    verb,
    // The Page's own comments come back through the same webhook.
    direction: v.from?.id === ctx.accountId ? 'outbound' : 'inbound',
    ...(v.from ? { userId: v.from.id } : {}),
    ...(v.from?.name === undefined ? {} : { name: v.from.name }),
    ...(parentId === undefined ? {} : { parentId }),
    ...(v.post_id === undefined ? {} : { postId: v.post_id }),
    ...(v.message === undefined ? {} : { text: v.message }),
    ...(v.is_hidden === undefined ? {} : { hidden: v.is_hidden }),
    ...(permalink === undefined ? {} : { permalink }),
  };
  return { events: [event], problems: [] };
}

/** An Instagram `comments` or `live_comments` change. Instagram sends new comments only (`verb: add`). */
export function mapInstagramCommentChange(ctx: ChangeContext, value: unknown, live: boolean): ChangeResult {
  const parsed = InstagramCommentValue.safeParse(value);
  if (!parsed.success) return problemOf(ctx, `${live ? 'live comment' : 'comment'}: ${issue(parsed.error)}`);
  const v = parsed.data;
  const event: CommentEvent = {
    kind: 'comment',
    channel: ctx.channel,
    accountId: ctx.accountId,
    // The value carries no time of its own.
    timestamp: ctx.entryTime,
    source: 'webhook',
    raw: ctx.raw,
    key: commentKeys.comment(ctx.channel, v.id, 'add'),
    conversationId: commentThreadId(ctx.channel, ctx.accountId, v.id, v.parent_id),
    commentId: v.id,
    verb: 'add',
    direction: v.from?.id === ctx.accountId ? 'outbound' : 'inbound',
    ...(v.from ? { userId: v.from.id } : {}),
    ...(v.from?.username === undefined ? {} : { username: v.from.username }),
    ...(v.parent_id === undefined ? {} : { parentId: v.parent_id }),
    ...(v.media ? { mediaId: v.media.id } : {}),
    ...(v.media?.media_product_type === undefined ? {} : { mediaProductType: v.media.media_product_type }),
    ...(v.media?.ad_id === undefined ? {} : { adId: v.media.ad_id }),
    ...(v.text === undefined ? {} : { text: v.text }),
    ...(live ? { live: true } : {}),
  };
  return { events: [event], problems: [] };
}

/**
 * An Instagram `mentions` change. A comment mention becomes a `comment` event with `mention: true` and
 * no text or author (the webhook carries neither; fetch them with `mentioned_comment`); a caption mention
 * names no comment and stays `unsupported`.
 */
export function mapInstagramMentionChange(ctx: ChangeContext, value: unknown): ChangeResult {
  const parsed = InstagramMentionValue.safeParse(value);
  if (!parsed.success) return problemOf(ctx, `mention: ${issue(parsed.error)}`);
  const { comment_id: commentId, media_id: mediaId } = parsed.data;
  if (commentId === undefined) {
    return unsupported(
      ctx,
      'changes.mentions.caption',
      'caption mention (no comment): read it with mentioned_media',
    );
  }
  const event: CommentEvent = {
    kind: 'comment',
    channel: ctx.channel,
    accountId: ctx.accountId,
    timestamp: ctx.entryTime,
    source: 'webhook',
    raw: ctx.raw,
    key: commentKeys.mention(ctx.channel, commentId),
    conversationId: commentThreadId(ctx.channel, ctx.accountId, commentId),
    commentId,
    mediaId,
    verb: 'add',
    direction: 'inbound',
    mention: true,
  };
  return { events: [event], problems: [] };
}
