import type { ChannelLimits, OutboundMessage, ParsedOutboundMessage } from '@switchboard/core';
import { OutboundMessage as OutboundMessageSchema, SwitchboardError } from '@switchboard/core';
import { messageIdOf, parseChatKey } from '../ids.js';

/** Field limits of the Bot API send methods, checked before any call. */
export const TELEGRAM_FIELD_LIMITS = {
  /** sendMessage `text`, after entities parsing (we send no markup). */
  text: 4096,
  caption: 1024,
  /** InlineKeyboardButton `callback_data`, in UTF-8 bytes. */
  callbackDataBytes: 64,
} as const;

/**
 * What the Bot API allows, as data for the engine. Telegram has no messaging window (a bot may write
 * to anyone who started it, until blocked): `windowHours` is infinite. Flood limits (FAQ): about 30
 * messages per second overall, one per second per chat with short bursts.
 */
export const TELEGRAM_LIMITS: ChannelLimits = {
  textMaxLength: TELEGRAM_FIELD_LIMITS.text,
  textLengthUnit: 'chars',
  buttonsMax: 100,
  quickRepliesMax: 100,
  windowHours: Number.POSITIVE_INFINITY,
  sendPerSecond: 30,
  perRecipient: { intervalMs: 1000, burst: 3 },
  supportedContent: [
    'text',
    'image',
    'video',
    'audio',
    'file',
    'sticker',
    'quick_replies',
    'buttons',
    'list',
    'reaction',
    'location',
    'contacts',
    'sender_action',
    'raw',
  ],
};

/** One Bot API call: its method and JSON parameters. */
export type BotApiRequest = { method: string; params: Record<string, unknown> };

type InlineButton = { text: string } & ({ callback_data: string } | { url: string });

const invalid = (message: string, path: string) => new SwitchboardError('INVALID_REQUEST', message, { path });
const notSupported = (message: string) => new SwitchboardError('NOT_SUPPORTED', message);

/** Telegram counts text "after entities parsing" in UTF-16 code units (entity offsets use them): the stricter unit. */
function checkLength(text: string | undefined, max: number, path: string): void {
  if (text !== undefined && text.length > max) {
    throw invalid(`${path} is ${text.length} characters, Telegram allows ${max}`, path);
  }
}

function callbackButton(text: string, data: string, path: string): InlineButton {
  const bytes = Buffer.byteLength(data, 'utf8');
  if (bytes > TELEGRAM_FIELD_LIMITS.callbackDataBytes) {
    throw invalid(
      `${path} is ${bytes} bytes, Telegram's callback_data allows ${TELEGRAM_FIELD_LIMITS.callbackDataBytes}`,
      path,
    );
  }
  return { text, callback_data: data };
}

const rows = <T>(items: T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/**
 * Builds the Bot API call for one outbound message. Content Telegram cannot carry is `NOT_SUPPORTED`,
 * a field over its limit `INVALID_REQUEST`, both before any network call. `null`: nothing to call
 * (Telegram ends a typing status by itself).
 */
export function buildRequest(input: OutboundMessage): BotApiRequest | null {
  const checked = OutboundMessageSchema.safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw invalid(`invalid message: ${issue?.message ?? 'invalid'}`, issue?.path.join('.') ?? '');
  }
  const message: ParsedOutboundMessage = checked.data;
  const content = message.content;
  if (message.to.userIdType === 'user_ref') throw notSupported('Telegram has no user_ref recipients');
  if (message.personaId !== undefined) throw notSupported('Telegram has no personas');
  if (!TELEGRAM_LIMITS.supportedContent.includes(content.type)) {
    throw notSupported(`Telegram cannot send ${content.type} content`);
  }
  // A group (events of a group carry `groupId`) or the user's private chat.
  const { chatId, businessConnectionId } = message.to.groupId
    ? parseChatKey(message.to.groupId)
    : parseChatKey(message.to.userId);
  const target: Record<string, unknown> = {
    chat_id: /^-?\d+$/.test(chatId) ? Number(chatId) : chatId,
    ...(businessConnectionId ? { business_connection_id: businessConnectionId } : {}),
  };
  const reply = message.replyTo
    ? {
        reply_parameters: {
          message_id: messageIdOf(message.replyTo, 'replyTo'),
          allow_sending_without_reply: true,
        },
      }
    : {};
  // `notification: 'silent' | 'none'`: Telegram delivers without a sound (message sends only).
  const quiet = message.notification === 'silent' || message.notification === 'none';
  const send = (method: string, params: Record<string, unknown>): BotApiRequest => ({
    method,
    params: {
      ...target,
      ...params,
      ...reply,
      ...(quiet && method.startsWith('send') && method !== 'sendChatAction'
        ? { disable_notification: true }
        : {}),
    },
  });

  switch (content.type) {
    case 'text':
      checkLength(content.text, TELEGRAM_FIELD_LIMITS.text, 'content.text');
      return send('sendMessage', {
        text: content.text,
        ...(content.previewUrl === false ? { link_preview_options: { is_disabled: true } } : {}),
      });
    case 'image':
    case 'video':
    case 'audio':
    case 'file':
    case 'sticker': {
      const [method, field] = MEDIA_METHODS[content.type];
      if (content.type === 'sticker' && content.caption !== undefined) {
        throw invalid('Telegram stickers carry no caption', 'content.caption');
      }
      checkLength(content.caption, TELEGRAM_FIELD_LIMITS.caption, 'content.caption');
      // A URL Telegram fetches itself, or a file_id it already holds.
      return send(method, {
        [field]: content.url ?? content.mediaId,
        ...(content.caption !== undefined ? { caption: content.caption } : {}),
      });
    }
    case 'quick_replies': {
      checkLength(content.text, TELEGRAM_FIELD_LIMITS.text, 'content.text');
      const buttons = content.replies.map((r, i) => {
        if (r.kind !== 'text') throw notSupported(`Telegram has no ${r.kind} quick reply`);
        const title = r.title ?? r.payload;
        if (!title) throw invalid('a quick reply needs a title or a payload', `content.replies[${i}].title`);
        return callbackButton(title, r.payload ?? title, `content.replies[${i}].payload`);
      });
      return send('sendMessage', { text: content.text, reply_markup: { inline_keyboard: rows(buttons, 4) } });
    }
    case 'buttons': {
      const text = [content.header, content.text, content.footer].filter(Boolean).join('\n\n');
      checkLength(text, TELEGRAM_FIELD_LIMITS.text, 'content.text');
      const buttons = content.buttons.map((b, i): InlineButton => {
        if (b.type === 'postback') return callbackButton(b.title, b.payload, `content.buttons[${i}].payload`);
        if (b.type === 'url') return { text: b.title, url: b.url };
        throw notSupported('Telegram inline buttons cannot dial a phone number');
      });
      return send('sendMessage', { text, reply_markup: { inline_keyboard: rows(buttons, 1) } });
    }
    case 'list': {
      const text = [content.header, content.text, content.footer].filter(Boolean).join('\n\n');
      checkLength(text, TELEGRAM_FIELD_LIMITS.text, 'content.text');
      // One inline button per row of the list; a pick comes back as a postback with the row id.
      const buttons = content.sections.flatMap((s, si) =>
        s.rows.map((r, ri) => [callbackButton(r.title, r.id, `content.sections[${si}].rows[${ri}].id`)]),
      );
      return send('sendMessage', { text, reply_markup: { inline_keyboard: buttons } });
    }
    case 'location':
      return send('sendLocation', { latitude: content.latitude, longitude: content.longitude });
    case 'contacts': {
      if (content.contacts.length !== 1) {
        throw invalid('Telegram sends one contact per message', 'content.contacts');
      }
      const c = content.contacts[0]!;
      const phone = c.phones?.[0]?.phone;
      if (!phone) throw invalid('a Telegram contact needs a phone number', 'content.contacts[0].phones');
      return send('sendContact', {
        phone_number: phone,
        first_name: c.name.firstName ?? c.name.formattedName,
        ...(c.name.lastName ? { last_name: c.name.lastName } : {}),
      });
    }
    case 'reaction':
      // An empty list removes the bot's reaction.
      return {
        method: 'setMessageReaction',
        params: {
          ...target,
          message_id: messageIdOf(content.messageId, 'content.messageId'),
          reaction: content.emoji ? [{ type: 'emoji', emoji: content.emoji }] : [],
        },
      };
    case 'raw': {
      // A Bot API send the model does not cover (sendPoll, sendMediaGroup, sendInvoice, copyMessage…):
      // `body.method` names it, the rest are its parameters; the chat (and reply) are added here.
      const { method, ...params } = content.body;
      if (typeof method !== 'string' || !/^(send|copy|forward)[A-Z][A-Za-z]*$/.test(method)) {
        throw invalid(
          'a raw Telegram send needs body.method, a send* / copy* / forward* Bot API method (e.g. "sendPoll")',
          'content.body.method',
        );
      }
      return send(method, params);
    }
    case 'sender_action': {
      if (content.action === 'mark_seen') throw notSupported('Telegram bots cannot mark messages as read');
      // The typing status ends by itself after 5 s or with the next message; there is no call to stop it.
      if (content.action === 'typing_off') return null;
      return { method: 'sendChatAction', params: { ...target, action: 'typing' } };
    }
    default:
      throw notSupported(`Telegram cannot send ${content.type} content`);
  }
}

const MEDIA_METHODS = {
  image: ['sendPhoto', 'photo'],
  video: ['sendVideo', 'video'],
  audio: ['sendAudio', 'audio'],
  file: ['sendDocument', 'document'],
  sticker: ['sendSticker', 'sticker'],
} as const;
