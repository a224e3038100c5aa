import type { ContentPart, MessageEvent } from '@switchboard/core';
import { formatPath } from '@switchboard/core/internal';
import { attachmentsToParts } from './attachments.js';
import {
  conversational,
  type ItemContext,
  type ItemResult,
  mapReferral,
  problem,
  userIdOf,
} from './context.js';
import { messengerPlatformKeys as keys } from './keys.js';
import { MessagePayload } from './schemas.js';

/** `message` items: inbound messages, echoes (`is_echo`), unsends (`is_deleted`) and unsupported media. */
export function mapMessageItem(ctx: ItemContext, value: unknown): ItemResult {
  const parsed = MessagePayload.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      events: [],
      problems: [
        problem(ctx, `message: ${issue?.message ?? 'invalid'}`, formatPath(issue?.path ?? [], '.message')),
      ],
    };
  }
  const m = parsed.data;
  const echo = m.is_echo === true;
  const userId = userIdOf(ctx, echo);
  if (userId === undefined)
    return { events: [], problems: [problem(ctx, 'message without sender/recipient id', '.sender')] };
  const timestamp = ctx.base.timestamp ?? ctx.entryTime;
  const common = conversational(ctx, userId, timestamp);

  if (m.is_deleted === true) {
    return {
      events: [{ kind: 'delete', ...common, key: keys.delete(ctx.channel, m.mid), messageId: m.mid }],
      problems: [],
    };
  }

  const parts: ContentPart[] = [];
  if (m.text !== undefined) parts.push({ type: 'text', text: m.text });
  if (m.attachments) for (const part of attachmentsToParts(m.attachments, m.sticker_id)) parts.push(part);
  if (m.sticker_id !== undefined && !parts.some((p) => p.type === 'sticker')) {
    parts.push({ type: 'sticker', stickerId: m.sticker_id });
  }
  if (m.quick_reply)
    parts.push({
      type: 'quick_reply',
      payload: m.quick_reply.payload,
      ...(m.text === undefined ? {} : { title: m.text }),
    });
  const story = m.reply_to?.story;
  if (story) {
    parts.push({
      type: 'story_reply',
      ...(story.url === undefined ? {} : { url: story.url }),
      ...(story.id === undefined ? {} : { storyId: story.id }),
    });
  }
  if (m.is_unsupported === true)
    parts.push({
      type: 'unsupported',
      reason: 'the platform marked this message as unsupported',
      raw: value,
    });

  const event: MessageEvent = {
    kind: 'message',
    channel: ctx.channel,
    accountId: ctx.accountId,
    userId,
    conversationId: common.conversationId,
    timestamp,
    source: 'webhook',
    raw: ctx.raw,
    key: keys.message(ctx.channel, m.mid),
    messageId: m.mid,
    direction: echo ? 'outbound' : 'inbound',
    parts,
  };
  // Optional fields set one by one (no spreads): this runs for every inbound message.
  if (echo) event.echo = true;
  if (m.app_id !== undefined) event.appId = m.app_id;
  if (m.metadata !== undefined) event.correlationId = m.metadata;
  if (m.text !== undefined) event.text = m.text;
  if (m.reply_to) {
    const replyTo: NonNullable<MessageEvent['replyTo']> = {};
    if (m.reply_to.mid !== undefined) replyTo.messageId = m.reply_to.mid;
    if (story?.id !== undefined) replyTo.storyId = story.id;
    if (story?.url !== undefined) replyTo.storyUrl = story.url;
    event.replyTo = replyTo;
  }
  if (ctx.standby) event.standby = true;
  if (m.is_self === true) event.self = true;
  if (m.referral) event.referral = mapReferral(m.referral);
  return { events: [event], problems: [] };
}
