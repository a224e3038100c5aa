import type {
  Button,
  Card,
  OutboundContent,
  OutboundContentType,
  ParsedOutboundMessage,
  QuickReply,
} from '@switchboard/core';
import { OutboundMessage, SwitchboardError } from '@switchboard/core';
import type { MessengerPlatformChannel } from './keys.js';

/** Send API limits per channel (reference §3.3, §4.3). */
export const MESSENGER_PLATFORM_SEND_LIMITS = {
  messenger: {
    textMax: 2000,
    textUnit: 'chars',
    quickRepliesMax: 13,
    quickReplyTitleMax: 20,
    buttonsMax: 3,
    cardsMax: 10,
  },
  instagram: {
    textMax: 1000,
    textUnit: 'bytes',
    quickRepliesMax: 13,
    quickReplyTitleMax: 20,
    buttonsMax: 3,
    cardsMax: 10,
  },
} as const;

/** What each channel can send through the Send API. */
export const MESSENGER_PLATFORM_SUPPORTED_CONTENT: Record<
  MessengerPlatformChannel,
  readonly OutboundContentType[]
> = {
  messenger: [
    'text',
    'image',
    'video',
    'audio',
    'file',
    'quick_replies',
    'buttons',
    'cards',
    'reaction',
    'sender_action',
    'raw',
    'public_reply',
    'comment_moderation',
  ],
  instagram: [
    'text',
    'image',
    'video',
    'audio',
    'file',
    'quick_replies',
    'buttons',
    'cards',
    'reaction',
    'sender_action',
    'raw',
    'public_reply',
    'comment_moderation',
  ],
};

/** A built Send API request: the JSON body and how the call counts against rate limits. */
export interface MessengerPlatformSendRequest {
  body: Record<string, unknown>;
  /** `message` sends return a message id; `sender_action` sends do not (except reactions). */
  kind: 'message' | 'sender_action';
  /** Audio and video count against the 10/s media limit. */
  media: boolean;
}

const invalid = (message: string) => new SwitchboardError('INVALID_REQUEST', message);
const notSupported = (channel: string, what: string) =>
  new SwitchboardError('NOT_SUPPORTED', `${channel} cannot send ${what}`);

const encoder = new TextEncoder();

/** Checks text length the way the channel counts it (Messenger: characters, Instagram: UTF-8 bytes). */
export function checkTextLength(channel: MessengerPlatformChannel, text: string, what = 'text'): void {
  const limits = MESSENGER_PLATFORM_SEND_LIMITS[channel];
  const length = limits.textUnit === 'bytes' ? encoder.encode(text).length : [...text].length;
  if (length > limits.textMax) {
    throw invalid(
      `${what} is ${length} ${limits.textUnit} long; ${channel} allows at most ${limits.textMax} ${limits.textUnit}`,
    );
  }
}

function button(channel: MessengerPlatformChannel, b: Button): Record<string, unknown> {
  switch (b.type) {
    case 'postback':
      return { type: 'postback', title: b.title, payload: b.payload };
    case 'url':
      return { type: 'web_url', title: b.title, url: b.url };
    case 'phone':
      if (channel === 'instagram') throw notSupported(channel, 'phone-number buttons');
      return { type: 'phone_number', title: b.title, payload: b.phone };
  }
}

function buttons(channel: MessengerPlatformChannel, list: readonly Button[]): Record<string, unknown>[] {
  const max = MESSENGER_PLATFORM_SEND_LIMITS[channel].buttonsMax;
  if (list.length > max) throw invalid(`${list.length} buttons given; ${channel} allows at most ${max}`);
  return list.map((b) => button(channel, b));
}

function quickReply(channel: MessengerPlatformChannel, q: QuickReply): Record<string, unknown> {
  const kind = q.kind ?? 'text';
  if (kind !== 'text') {
    if (channel === 'instagram') throw notSupported(channel, `${kind} quick replies`);
    return { content_type: kind };
  }
  if (!q.title || !q.payload) throw invalid('text quick replies need a title and a payload');
  const max = MESSENGER_PLATFORM_SEND_LIMITS[channel].quickReplyTitleMax;
  if ([...q.title].length > max)
    throw invalid(`quick reply title "${q.title}" is longer than ${max} characters`);
  return {
    content_type: 'text',
    title: q.title,
    payload: q.payload,
    ...(q.imageUrl ? { image_url: q.imageUrl } : {}),
  };
}

function card(channel: MessengerPlatformChannel, c: Card): Record<string, unknown> {
  return {
    title: c.title,
    ...(c.subtitle === undefined ? {} : { subtitle: c.subtitle }),
    ...(c.imageUrl === undefined ? {} : { image_url: c.imageUrl }),
    ...(c.defaultActionUrl === undefined
      ? {}
      : { default_action: { type: 'web_url', url: c.defaultActionUrl } }),
    ...(c.buttons?.length ? { buttons: buttons(channel, c.buttons) } : {}),
  };
}

const template = (payload: Record<string, unknown>) => ({ attachment: { type: 'template', payload } });

/** The `message` object for message content, or null for sender actions. */
function messageObject(channel: MessengerPlatformChannel, content: OutboundContent): Record<string, unknown> {
  switch (content.type) {
    case 'text':
      checkTextLength(channel, content.text);
      return { text: content.text };
    case 'image':
    case 'video':
    case 'audio':
    case 'file': {
      if (content.caption !== undefined)
        throw notSupported(channel, 'a caption on an attachment (send it as a separate text message)');
      const payload =
        content.mediaId !== undefined
          ? { attachment_id: content.mediaId }
          : { url: content.url, is_reusable: true };
      return { attachment: { type: content.type, payload } };
    }
    case 'quick_replies': {
      checkTextLength(channel, content.text);
      const max = MESSENGER_PLATFORM_SEND_LIMITS[channel].quickRepliesMax;
      if (content.replies.length > max)
        throw invalid(`${content.replies.length} quick replies given; ${channel} allows at most ${max}`);
      return { text: content.text, quick_replies: content.replies.map((q) => quickReply(channel, q)) };
    }
    case 'buttons':
      // Both Instagram flavours document the button template (web_url and postback buttons).
      if (content.header !== undefined || content.footer !== undefined)
        throw notSupported(channel, 'a header or footer on a button template');
      if ([...content.text].length > 640) throw invalid('button template text is longer than 640 characters');
      return template({
        template_type: 'button',
        text: content.text,
        buttons: buttons(channel, content.buttons),
      });
    case 'cards': {
      const max = MESSENGER_PLATFORM_SEND_LIMITS[channel].cardsMax;
      if (content.cards.length > max)
        throw invalid(`${content.cards.length} cards given; ${channel} allows at most ${max}`);
      return template({ template_type: 'generic', elements: content.cards.map((c) => card(channel, c)) });
    }
    default:
      throw notSupported(channel, `${content.type} messages`);
  }
}

function reactionBody(
  channel: MessengerPlatformChannel,
  content: Extract<OutboundContent, { type: 'reaction' }>,
) {
  if (!content.emoji) return { sender_action: 'unreact', payload: { message_id: content.messageId } };
  if (channel === 'instagram') {
    // Instagram reactions are love-only.
    if (content.emoji !== 'love' && content.emoji.replace(/\uFE0F/g, '') !== '\u2764') {
      throw notSupported(channel, `the reaction "${content.emoji}" (only love / ❤️)`);
    }
    return { sender_action: 'react', payload: { message_id: content.messageId, reaction: 'love' } };
  }
  return { sender_action: 'react', payload: { message_id: content.messageId, reaction: content.emoji } };
}

/**
 * Builds the Send API body for one outbound message. Pure: no I/O. Throws `NOT_SUPPORTED` for content
 * the channel cannot carry and `INVALID_REQUEST` for content over the channel's limits, so nothing is
 * sent that Meta would refuse for those reasons.
 *
 * @example
 * buildMessengerPlatformSendRequest({
 *   to: { channel: 'messenger', accountId: '105927095402516', userId: '6571349092893521' },
 *   content: { type: 'text', text: 'Hello' },
 * }, 'messenger').body
 * // { recipient: { id: '6571349092893521' }, messaging_type: 'RESPONSE', message: { text: 'Hello' } }
 */
export function buildMessengerPlatformSendRequest(
  input: ParsedOutboundMessage | OutboundMessage,
  channel: MessengerPlatformChannel,
): MessengerPlatformSendRequest {
  const type = (input as { content?: { type?: unknown } }).content?.type;
  if (
    typeof type === 'string' &&
    !(MESSENGER_PLATFORM_SUPPORTED_CONTENT[channel] as readonly string[]).includes(type)
  ) {
    throw notSupported(channel, `${type} messages`);
  }
  const parsed = OutboundMessage.safeParse(input);
  if (!parsed.success) {
    throw invalid(
      `outbound message: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? '$'}`,
    );
  }
  const message = parsed.data;
  if (message.to.groupId !== undefined) throw notSupported(channel, 'group recipients');
  const { content } = message;
  // A private reply addresses the comment; Meta finds its author (meta-platform-more §1.4).
  const commentId = message.to.commentId;
  const recipient = commentId === undefined ? recipientOf(channel, message) : { comment_id: commentId };
  const delivery = deliveryOptions(channel, message);
  if (content.type === 'public_reply' || content.type === 'comment_moderation') {
    throw invalid(`${content.type} is not a Send API message (send it through the adapter's send)`);
  }
  if (commentId !== undefined) {
    if (content.type === 'sender_action' || content.type === 'reaction')
      throw notSupported(channel, 'sender actions or reactions as a private reply');
    if (message.replyTo !== undefined) throw notSupported(channel, 'a reply_to on a private reply');
    if (message.tag !== undefined) throw notSupported(channel, 'a message tag on a private reply');
  }

  if (content.type === 'sender_action' || content.type === 'reaction') {
    if (message.replyTo !== undefined) throw notSupported(channel, 'a reply_to on a sender action');
    const action =
      content.type === 'reaction' ? reactionBody(channel, content) : { sender_action: content.action };
    if (delivery.persona_id !== undefined && content.type === 'reaction')
      throw notSupported(channel, 'a persona on a reaction');
    const persona = delivery.persona_id === undefined ? {} : { persona_id: delivery.persona_id };
    return { body: { recipient, ...action, ...persona }, kind: 'sender_action', media: false };
  }

  if (message.tag !== undefined && channel === 'instagram' && message.tag !== 'HUMAN_AGENT') {
    throw notSupported(channel, `the message tag ${message.tag} (only HUMAN_AGENT)`);
  }
  const messagingType = message.messagingType ?? (message.tag ? 'MESSAGE_TAG' : 'RESPONSE');
  if (messagingType === 'MESSAGE_TAG' && message.tag === undefined)
    throw invalid('messaging_type MESSAGE_TAG needs a tag');
  if (messagingType !== 'MESSAGE_TAG' && message.tag !== undefined)
    throw invalid(`a tag needs messaging_type MESSAGE_TAG, not ${messagingType}`);
  if (message.replyTo !== undefined && channel === 'messenger')
    throw notSupported(channel, 'replies to a specific message');

  const envelope = {
    messaging_type: messagingType,
    ...delivery,
    ...(message.tag === undefined ? {} : { tag: message.tag }),
    ...(message.replyTo === undefined ? {} : { reply_to: { mid: message.replyTo } }),
  };
  if (content.type === 'raw') return rawRequest(content.body, envelope, recipient, message.correlationId);
  const body: Record<string, unknown> = {
    recipient,
    ...envelope,
    message: {
      ...messageObject(channel, content),
      ...(message.correlationId === undefined ? {} : { metadata: message.correlationId }),
    },
  };
  return { body, kind: 'message', media: content.type === 'audio' || content.type === 'video' };
}

/** A raw body: the caller's fields over the envelope, our recipient, and the correlation id as `metadata` when it carries a message. */
function rawRequest(
  raw: Record<string, unknown>,
  envelope: Record<string, unknown>,
  recipient: Record<string, string>,
  correlationId: string | undefined,
): MessengerPlatformSendRequest {
  const inner = raw.message;
  const message =
    inner !== null && typeof inner === 'object' && correlationId !== undefined && !('metadata' in inner)
      ? { ...inner, metadata: correlationId }
      : inner;
  const isAction = raw.sender_action !== undefined;
  return {
    body: { ...(isAction ? {} : envelope), ...raw, ...(message === undefined ? {} : { message }), recipient },
    kind: isAction ? 'sender_action' : 'message',
    media: false,
  };
}

/** `{id}` or, for a checkbox / opt-in plugin reference, `{user_ref}` (Messenger only). */
function recipientOf(
  channel: MessengerPlatformChannel,
  message: ParsedOutboundMessage,
): Record<string, string> {
  if (message.to.userIdType !== 'user_ref') return { id: message.to.userId };
  if (channel !== 'messenger') throw notSupported(channel, 'user_ref recipients');
  return { user_ref: message.to.userId };
}

const NOTIFICATION_TYPES = { regular: 'REGULAR', silent: 'SILENT_PUSH', none: 'NO_PUSH' } as const;

/** `notification_type` and `persona_id`: Messenger only (Instagram documents neither). */
function deliveryOptions(
  channel: MessengerPlatformChannel,
  message: ParsedOutboundMessage,
): { notification_type?: string; persona_id?: string } {
  const options: { notification_type?: string; persona_id?: string } = {};
  if (message.notification !== undefined && message.notification !== 'regular') {
    if (channel !== 'messenger') throw notSupported(channel, `notification "${message.notification}"`);
    options.notification_type = NOTIFICATION_TYPES[message.notification];
  }
  if (message.personaId !== undefined) {
    if (channel !== 'messenger') throw notSupported(channel, 'personas');
    options.persona_id = message.personaId;
  }
  return options;
}

/** Body of `POST /{page-id}/message_attachments` (Attachment Upload API) for a media URL. */
export function buildAttachmentUploadBody(
  type: 'image' | 'video' | 'audio' | 'file',
  url: string,
): Record<string, unknown> {
  return { message: { attachment: { type, payload: { url, is_reusable: true } } } };
}
