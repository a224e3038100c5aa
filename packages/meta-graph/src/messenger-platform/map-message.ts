import type { ChannelEvent, ContentPart, MessageEvent } from '@switchboard/core';
import { formatPath } from '@switchboard/core';
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
  parts.push(...attachmentsToParts(m.attachments ?? [], m.sticker_id));
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

  const replyTo: MessageEvent['replyTo'] = m.reply_to
    ? {
        ...(m.reply_to.mid === undefined ? {} : { messageId: m.reply_to.mid }),
        ...(story?.id === undefined ? {} : { storyId: story.id }),
        ...(story?.url === undefined ? {} : { storyUrl: story.url }),
      }
    : undefined;

  const event: ChannelEvent = {
    kind: 'message',
    ...common,
    key: keys.message(ctx.channel, m.mid),
    messageId: m.mid,
    direction: echo ? 'outbound' : 'inbound',
    parts,
    ...(echo ? { echo: true } : {}),
    ...(m.app_id === undefined ? {} : { appId: m.app_id }),
    ...(m.metadata === undefined ? {} : { correlationId: m.metadata }),
    ...(m.text === undefined ? {} : { text: m.text }),
    ...(replyTo ? { replyTo } : {}),
    ...(ctx.standby ? { standby: true } : {}),
    ...(m.is_self === true ? { self: true } : {}),
    ...(m.referral ? { referral: mapReferral(m.referral) } : {}),
  };
  return { events: [event], problems: [] };
}
