import { z } from 'zod';
import { ContactCard } from './content.js';

const mediaContent = <T extends string>(type: T) =>
  z
    .object({
      type: z.literal(type),
      /** Public URL the platform fetches. */
      url: z.string().url().optional(),
      /** Id from the platform's upload API (WhatsApp media id, Messenger `attachment_id`). */
      mediaId: z.string().optional(),
      caption: z.string().optional(),
      filename: z.string().optional(),
    })
    .refine((m) => (m.url === undefined) !== (m.mediaId === undefined), {
      message: 'media needs exactly one of url or mediaId',
    });

export const Button = z.discriminatedUnion('type', [
  /** Sends `payload` back as a postback (Messenger/Instagram) or a button_reply (WhatsApp). */
  z.object({ type: z.literal('postback'), title: z.string().min(1), payload: z.string().min(1) }),
  z.object({ type: z.literal('url'), title: z.string().min(1), url: z.string().url() }),
  z.object({ type: z.literal('phone'), title: z.string().min(1), phone: z.string().min(1) }),
]);
export type Button = z.infer<typeof Button>;

export const QuickReply = z.object({
  /** `text` (default), or Messenger's `user_phone_number` / `user_email` pickers. */
  kind: z.enum(['text', 'user_phone_number', 'user_email']).default('text'),
  title: z.string().optional(),
  payload: z.string().optional(),
  imageUrl: z.string().url().optional(),
});
export type QuickReply = z.infer<typeof QuickReply>;

export const TemplateParameter = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string(), parameterName: z.string().optional() }),
  z.object({
    type: z.literal('currency'),
    fallbackValue: z.string(),
    code: z.string(),
    amount1000: z.number().int(),
    parameterName: z.string().optional(),
  }),
  z.object({ type: z.literal('date_time'), fallbackValue: z.string(), parameterName: z.string().optional() }),
  z.object({ type: z.literal('image'), url: z.string().optional(), mediaId: z.string().optional() }),
  z.object({ type: z.literal('video'), url: z.string().optional(), mediaId: z.string().optional() }),
  z.object({
    type: z.literal('document'),
    url: z.string().optional(),
    mediaId: z.string().optional(),
    filename: z.string().optional(),
  }),
  z.object({ type: z.literal('payload'), payload: z.string() }),
  z.object({ type: z.literal('coupon_code'), couponCode: z.string() }),
]);
export type TemplateParameter = z.infer<typeof TemplateParameter>;

export const TemplateComponent = z.object({
  type: z.enum(['header', 'body', 'button']),
  /** For buttons: quick_reply, url, copy_code, flow... */
  subType: z.string().optional(),
  index: z.number().int().nonnegative().optional(),
  parameters: z.array(TemplateParameter).default([]),
});
export type TemplateComponent = z.infer<typeof TemplateComponent>;

export const Card = z.object({
  title: z.string().min(1),
  subtitle: z.string().optional(),
  imageUrl: z.string().url().optional(),
  defaultActionUrl: z.string().url().optional(),
  buttons: z.array(Button).optional(),
});
export type Card = z.infer<typeof Card>;

/** What to send. Adapters reject content their channel cannot carry with `NOT_SUPPORTED` before any call. */
export const OutboundContent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1), previewUrl: z.boolean().optional() }),
  mediaContent('image'),
  mediaContent('video'),
  mediaContent('audio'),
  mediaContent('file'),
  mediaContent('sticker'),
  /** Text (or media) followed by quick-reply chips. */
  z.object({
    type: z.literal('quick_replies'),
    text: z.string().min(1),
    replies: z.array(QuickReply).min(1),
  }),
  /** Text with buttons: Messenger button template, WhatsApp reply buttons or CTA URL. */
  z.object({
    type: z.literal('buttons'),
    text: z.string().min(1),
    buttons: z.array(Button).min(1),
    header: z.string().optional(),
    footer: z.string().optional(),
  }),
  /** WhatsApp list message. */
  z.object({
    type: z.literal('list'),
    text: z.string().min(1),
    buttonText: z.string().min(1),
    header: z.string().optional(),
    footer: z.string().optional(),
    sections: z
      .array(
        z.object({
          title: z.string().optional(),
          rows: z
            .array(
              z.object({
                id: z.string().min(1),
                title: z.string().min(1),
                description: z.string().optional(),
              }),
            )
            .min(1),
        }),
      )
      .min(1),
  }),
  /** Messenger/Instagram generic template (carousel of cards). */
  z.object({ type: z.literal('cards'), cards: z.array(Card).min(1) }),
  /** WhatsApp message template (the only content allowed outside the 24-hour window). */
  z.object({
    type: z.literal('template'),
    name: z.string().min(1),
    language: z.string().min(2),
    components: z.array(TemplateComponent).default([]),
  }),
  /** React to a message; an empty or missing emoji removes the reaction. */
  z.object({ type: z.literal('reaction'), messageId: z.string().min(1), emoji: z.string().optional() }),
  z.object({
    type: z.literal('location'),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: z.string().optional(),
    address: z.string().optional(),
  }),
  z.object({ type: z.literal('contacts'), contacts: z.array(ContactCard).min(1) }),
  /**
   * A WhatsApp Flow (an in-chat form). `flowId` or `flowName` names it; `flowToken` (default: the send's
   * correlation id, i.e. the outbox id) comes back in the completion (`flow_reply` part). `navigate`
   * (default) opens `screen` with `data`; `data_exchange` lets your Flow endpoint answer INIT.
   */
  z.object({
    type: z.literal('flow'),
    flowId: z.string().min(1).optional(),
    flowName: z.string().min(1).optional(),
    flowToken: z.string().min(1).optional(),
    /** The button text (Meta: at most 30 characters, no emoji). */
    cta: z.string().min(1),
    body: z.string().min(1),
    header: z.string().min(1).optional(),
    footer: z.string().min(1).optional(),
    /** `draft` only for testing. Default `published`. */
    mode: z.enum(['published', 'draft']).optional(),
    action: z.enum(['navigate', 'data_exchange']).optional(),
    screen: z.string().min(1).optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  /**
   * Asks the customer's permission to call them (WhatsApp Calling API): they answer with a
   * `call_permission_reply` part. Meta allows about one request per customer a day.
   */
  z.object({ type: z.literal('call_permission_request'), text: z.string().min(1) }),
  /**
   * A platform send body the model does not cover (catalog and product messages, anything Meta adds
   * next), still sent through the outbox, idempotency, rate limits and error classification. The adapter
   * adds the recipient (WhatsApp `messaging_product`/`to`, Messenger/Instagram `recipient` and
   * `messaging_type`); `body` supplies the rest, e.g. `{ type: 'interactive', interactive: {…} }`.
   */
  z.object({ type: z.literal('raw'), body: z.record(z.string(), z.unknown()) }),
  /**
   * A public reply under the comment named by `to.commentId` (Facebook `/{comment-id}/comments`,
   * Instagram `/{comment-id}/replies`). The receipt's `messageId` is the new comment's id.
   */
  z.object({ type: z.literal('public_reply'), text: z.string().min(1) }),
  /** Hides, unhides or deletes the comment named by `to.commentId`. */
  z.object({ type: z.literal('comment_moderation'), action: z.enum(['hide', 'unhide', 'delete']) }),
  /** Typing indicator or read receipt. WhatsApp needs `messageId` (the message to mark read). */
  z.object({
    type: z.literal('sender_action'),
    action: z.enum(['typing_on', 'typing_off', 'mark_seen']),
    messageId: z.string().optional(),
  }),
]);
export type OutboundContent = z.infer<typeof OutboundContent>;
export type OutboundContentType = OutboundContent['type'];

export const Recipient = z.object({
  channel: z.string(),
  accountId: z.string().min(1),
  userId: z.string().min(1),
  /** Send to this group instead of `userId` (WhatsApp groups); events of a group carry it. */
  groupId: z.string().min(1).optional(),
  /**
   * A comment (its `commentId` event field). With `public_reply` or `comment_moderation` content, the
   * comment acted on; with any other content, a **private reply**: a direct message to the comment's
   * author through the Send API (`recipient: { comment_id }`), allowed once per comment within the
   * channel's window (`limits.privateReplies`). `userId` stays the author, for rate limits and threads.
   */
  commentId: z.string().min(1).optional(),
  /**
   * What `userId` holds: the person's id (default), or a plugin reference (`user_ref`) from a checkbox or
   * opt-in plugin for a person who has not written yet (Messenger). Replies then arrive from a real id.
   */
  userIdType: z.enum(['id', 'user_ref']).optional(),
});
export type Recipient = z.infer<typeof Recipient>;

export const MessageTag = z.enum([
  'HUMAN_AGENT',
  'ACCOUNT_UPDATE',
  'CONFIRMED_EVENT_UPDATE',
  'POST_PURCHASE_UPDATE',
  'CUSTOMER_FEEDBACK',
]);
export type MessageTag = z.infer<typeof MessageTag>;

/**
 * A message to send.
 *
 * @example
 * await switchboard.send({
 *   to: { channel: 'whatsapp', accountId: '106540352242922', userId: '15551234567' },
 *   content: { type: 'text', text: 'Your order shipped' },
 *   idempotencyKey: 'order-1234-shipped',
 * });
 */
export const OutboundMessage = z.object({
  to: Recipient,
  content: OutboundContent,
  /** Message id to reply to (WhatsApp `context.message_id`, Instagram `reply_to.mid`). */
  replyTo: z.string().optional(),
  /** Messenger/Instagram tag for sends outside the 24-hour window (Instagram: HUMAN_AGENT only). */
  tag: MessageTag.optional(),
  /** Messenger `messaging_type`; defaults to RESPONSE, or MESSAGE_TAG when `tag` is set. */
  messagingType: z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']).optional(),
  /** How the recipient's device announces it: `regular` (default), `silent` (no sound) or `none` (no push). */
  notification: z.enum(['regular', 'silent', 'none']).optional(),
  /** Sends as this persona (a named sender with its own avatar, e.g. a human agent), where the channel has them. */
  personaId: z.string().min(1).optional(),
  /** Same key, same outbox entry: the message is sent at most once. */
  idempotencyKey: z.string().min(1).max(256).optional(),
  /** Correlation string carried as Messenger `metadata` / WhatsApp `biz_opaque_callback_data`. The engine sets it to the outbox id. */
  correlationId: z.string().max(512).optional(),
});
export type OutboundMessage = z.input<typeof OutboundMessage>;
export type ParsedOutboundMessage = z.output<typeof OutboundMessage>;

export const SendReceipt = z.object({
  /** The platform's id of the sent message (mid / wamid); empty for sender actions that return none. */
  messageId: z.string(),
  /** Epoch ms when the platform accepted it. */
  acceptedAt: z.number(),
  recipientId: z.string().optional(),
  raw: z.unknown(),
});
export type SendReceipt = z.infer<typeof SendReceipt>;
