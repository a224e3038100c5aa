import { createHash } from 'node:crypto';
import {
  type ChannelEvent,
  guardItem,
  type ParsedWebhook,
  SwitchboardError,
  type WebhookProblem,
} from '@switchboard/core';
import type { z } from 'zod';
import { chatKey, messageRef } from '../ids.js';
import { contentParts } from './content.js';
import {
  BusinessConnection,
  BusinessMessagesDeleted,
  CallbackQuery,
  ChatMemberUpdated,
  Message,
  MessageReactionUpdated,
  type ReactionType,
  Update,
  type User,
} from './schemas.js';

export interface ParseContext {
  botId: string;
  /** Epoch ms, for the items Telegram sends without a time (callback queries, deleted business messages). */
  now: () => number;
}

const CHANNEL = 'telegram';
const MESSAGE_KINDS = new Set(['message', 'channel_post', 'business_message']);
const EDIT_KINDS = new Set(['edited_message', 'edited_channel_post', 'edited_business_message']);

/**
 * Parses one webhook body (one `Update`). A body that is not JSON or has no `update_id` is unusable
 * (`PAYLOAD_INVALID`); an update of a known type with a bad shape is a problem; an update type we do
 * not model is an `unsupported` event.
 *
 * Dedup keys use the natural ids where Telegram has them (chat + message_id, callback query id):
 * `update_id` restarts at a random value after a week without updates, so on its own it could make a
 * new event look like an old one. Updates without such ids are keyed by `update_id` plus a hash of the update.
 */
export function parseTelegramWebhook(rawBody: Uint8Array, context: ParseContext): ParsedWebhook {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
  } catch (error) {
    throw new SwitchboardError('PAYLOAD_INVALID', 'Telegram webhook body is not JSON', { cause: error });
  }
  const update = Update.safeParse(json);
  if (!update.success) {
    throw new SwitchboardError(
      'PAYLOAD_INVALID',
      'Telegram webhook body is not an Update (no integer update_id)',
      {
        path: 'update_id',
      },
    );
  }
  const fields = Object.keys(update.data).filter((k) => k !== 'update_id');
  const updateId = update.data.update_id;
  if (fields.length === 0) {
    return {
      events: [],
      problems: [{ path: '', message: `update ${updateId} carries no update type`, raw: json }],
    };
  }
  const results: ParsedWebhook = { events: [], problems: [] };
  for (const field of fields) {
    const raw = (update.data as Record<string, unknown>)[field];
    const one = guardItem(field, raw, context.now(), () => mapField(field, raw, updateId, context));
    results.events.push(...one.events);
    results.problems.push(...one.problems);
  }
  return results;
}

function mapField(field: string, raw: unknown, updateId: number, ctx: ParseContext): ParsedWebhook {
  const fallbackKey = `${CHANNEL}:${ctx.botId}:update:${updateId}:${createHash('sha256')
    .update(JSON.stringify(raw) ?? '')
    .digest('hex')
    .slice(0, 16)}`;
  const base = { channel: CHANNEL, accountId: ctx.botId, source: 'webhook' as const, raw };
  const parse = <S extends z.ZodType>(schema: S): z.output<S> | WebhookProblem => {
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    return {
      path: [field, ...(issue?.path ?? [])].map(String).join('.'),
      message: `${field}: ${issue?.message ?? 'invalid'}`,
      raw,
    };
  };
  const done = (events: ChannelEvent[]): ParsedWebhook => ({ events, problems: [] });
  const problem = (p: WebhookProblem): ParsedWebhook => ({ events: [], problems: [p] });

  if (MESSAGE_KINDS.has(field) || EDIT_KINDS.has(field)) {
    const m = parse(Message);
    if (isProblem(m)) return problem(m);
    const chat = chatKey(m.chat.id, m.business_connection_id);
    const outbound = m.from?.is_bot === true && String(m.from.id) === ctx.botId;
    const sender = m.from?.id ?? m.sender_chat?.id ?? m.chat.id;
    const conversational = {
      ...base,
      ...where(ctx.botId, m.chat, sender, m.business_connection_id),
      messageId: messageRef(ctx.botId, chat, m.message_id),
    };
    if (EDIT_KINDS.has(field)) {
      const editedAt = m.edit_date ?? m.date;
      const text = m.text ?? m.caption;
      return done([
        {
          kind: 'edit',
          ...conversational,
          key: `${CHANNEL}:${ctx.botId}:edit:${chat}:${m.message_id}:${editedAt}`,
          timestamp: editedAt * 1000,
          ...(text !== undefined ? { text } : {}),
        },
      ]);
    }
    const profile = profileOf(m.from);
    return done([
      {
        kind: 'message',
        ...conversational,
        key: `${CHANNEL}:${ctx.botId}:msg:${chat}:${m.message_id}`,
        timestamp: m.date * 1000,
        direction: outbound ? 'outbound' : 'inbound',
        ...(m.text !== undefined ? { text: m.text } : {}),
        parts: contentParts(m, raw as Record<string, unknown>),
        ...(m.reply_to_message
          ? { replyTo: { messageId: messageRef(ctx.botId, chat, m.reply_to_message.message_id) } }
          : {}),
        ...(m.forward_origin !== undefined ? { forwarded: true } : {}),
        ...(profile ? { profile } : {}),
      },
    ]);
  }

  switch (field) {
    case 'callback_query': {
      const q = parse(CallbackQuery);
      if (isProblem(q)) return problem(q);
      const chat = q.message ? chatKey(q.message.chat.id) : String(q.from.id);
      const payload = q.data ?? q.game_short_name;
      const title = q.message?.reply_markup?.inline_keyboard
        .flat()
        .find((b) => b.callback_data === q.data)?.text;
      return done([
        {
          kind: 'postback',
          ...base,
          key: `${CHANNEL}:${ctx.botId}:callback:${q.id}`,
          // A callback query has no time of its own; the message's date is when the buttons were sent.
          timestamp: ctx.now(),
          ...(q.message
            ? where(ctx.botId, q.message.chat, q.from.id)
            : { userId: chat, conversationId: `${CHANNEL}:${ctx.botId}:${chat}` }),
          ...(payload !== undefined ? { payload } : {}),
          ...(title !== undefined ? { title } : {}),
          ...(q.message ? { messageId: messageRef(ctx.botId, chat, q.message.message_id) } : {}),
        },
      ]);
    }
    case 'message_reaction': {
      const r = parse(MessageReactionUpdated);
      if (isProblem(r)) return problem(r);
      const chat = chatKey(r.chat.id);
      const actor = r.user?.id ?? r.actor_chat?.id ?? r.chat.id;
      const before = new Set(r.old_reaction.map(reactionName));
      const after = new Set(r.new_reaction.map(reactionName));
      const changes = [
        ...[...before].filter((x) => !after.has(x)).map((x) => ['unreact', x] as const),
        ...[...after].filter((x) => !before.has(x)).map((x) => ['react', x] as const),
      ];
      return done(
        changes.map(([action, reaction]) => ({
          kind: 'reaction' as const,
          ...base,
          key: `${CHANNEL}:${ctx.botId}:reaction:${chat}:${r.message_id}:${actor}:${r.date}:${action}:${reaction}`,
          timestamp: r.date * 1000,
          ...where(ctx.botId, r.chat, actor),
          messageId: messageRef(ctx.botId, chat, r.message_id),
          action,
          reaction,
          ...(reaction.startsWith('emoji:') ? { emoji: reaction.slice('emoji:'.length) } : {}),
          direction: 'inbound' as const,
        })),
      );
    }
    case 'my_chat_member': {
      // In a private chat this fires only when the user blocks (`kicked`) or unblocks the bot.
      const c = parse(ChatMemberUpdated);
      if (isProblem(c)) return problem(c);
      const status = c.new_chat_member.status;
      const event =
        c.chat.type === 'private' ? (status === 'kicked' ? 'blocked' : 'unblocked') : `bot_${status}`;
      return done([
        {
          kind: 'account',
          ...base,
          key: fallbackKey,
          timestamp: c.date * 1000,
          field,
          event,
          data: {
            chatId: String(c.chat.id),
            chatType: c.chat.type,
            userId: String(c.from.id),
            from: c.old_chat_member.status,
            to: status,
          },
        },
      ]);
    }
    case 'business_connection': {
      const b = parse(BusinessConnection);
      if (isProblem(b)) return problem(b);
      return done([
        {
          kind: 'account',
          ...base,
          key: fallbackKey,
          timestamp: b.date * 1000,
          field,
          event: b.is_enabled ? 'connected' : 'disconnected',
          data: { businessConnectionId: b.id, userId: String(b.user.id), userChatId: String(b.user_chat_id) },
        },
      ]);
    }
    case 'deleted_business_messages': {
      const d = parse(BusinessMessagesDeleted);
      if (isProblem(d)) return problem(d);
      const chat = chatKey(d.chat.id, d.business_connection_id);
      return done(
        d.message_ids.map((id) => ({
          kind: 'delete' as const,
          ...base,
          key: `${CHANNEL}:${ctx.botId}:delete:${chat}:${id}`,
          timestamp: ctx.now(),
          ...where(ctx.botId, d.chat, d.chat.id, d.business_connection_id),
          messageId: messageRef(ctx.botId, chat, id),
        })),
      );
    }
    default: {
      const date = (raw as { date?: unknown } | null)?.date;
      return done([
        {
          kind: 'unsupported',
          ...base,
          key: fallbackKey,
          timestamp:
            typeof date === 'number' && Number.isSafeInteger(date) && date > 0 ? date * 1000 : ctx.now(),
          itemKind: `update.${field}`,
          reason: `Telegram update type "${field}" is not modeled`,
        },
      ]);
    }
  }
}

/**
 * Who and where, in the core's conversation model. A private chat is the conversation with its user
 * (`userId` = the chat, also for the bot's own messages in it). Groups, supergroups and channels are
 * group conversations (`telegram:<bot>:group:<chat id>`, `groupId`), `userId` staying the sender.
 */
function where(
  botId: string,
  chat: { id: number; type: string },
  sender: number,
  businessConnectionId?: string,
): { userId: string; conversationId: string; groupId?: string } {
  if (chat.type === 'private') {
    const key = chatKey(chat.id, businessConnectionId);
    return { userId: key, conversationId: `${CHANNEL}:${botId}:${key}` };
  }
  return {
    userId: String(sender),
    conversationId: `${CHANNEL}:${botId}:group:${chat.id}`,
    groupId: String(chat.id),
  };
}

function isProblem(value: unknown): value is WebhookProblem {
  return (
    typeof value === 'object' && value !== null && 'path' in value && 'message' in value && 'raw' in value
  );
}

/** `emoji:👍`, `custom_emoji:<id>` or `paid`. */
function reactionName(r: ReactionType): string {
  if (r.type === 'emoji' && r.emoji) return `emoji:${r.emoji}`;
  if (r.type === 'custom_emoji' && r.custom_emoji_id) return `custom_emoji:${r.custom_emoji_id}`;
  return r.type;
}

function profileOf(user: User | undefined) {
  if (!user) return undefined;
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  if (!name && !user.username) return undefined;
  return { ...(name ? { name } : {}), ...(user.username ? { username: user.username } : {}) };
}
