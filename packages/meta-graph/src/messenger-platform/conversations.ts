import type { ContentPart, MessageEvent } from '@switchboard/core';
import { z } from 'zod';
import { attachmentToPart } from './attachments.js';
import { messengerPlatformKeys as keys, type MessengerPlatformChannel } from './keys.js';
import { Attachment, GraphId } from './schemas.js';

/** `created_time` / `updated_time`: ISO-8601 with a `+0000` offset, e.g. `2024-07-11T15:56:00+0000`. */
export function parseGraphTime(value: string): number {
  const normalized = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalized);
  if (Number.isNaN(ms)) throw new TypeError(`not a Graph time: ${value}`);
  return ms;
}

const GraphTime = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))), 'not a Graph time');

const Participant = z.looseObject({
  id: GraphId,
  name: z.string().optional(),
  username: z.string().optional(),
  email: z.string().optional(),
});

/** An item of `GET /{page-id}/conversations`. */
export const GraphConversation = z.looseObject({
  id: z.string().min(1),
  updated_time: GraphTime,
  participants: z.looseObject({ data: z.array(Participant) }).optional(),
});
export type GraphConversation = z.output<typeof GraphConversation>;

/** The Graph attachment shape of the Conversations API (not the webhook one). */
const GraphAttachment = z.looseObject({
  id: z.string().optional(),
  mime_type: z.string().optional(),
  name: z.string().optional(),
  file_url: z.string().optional(),
  image_data: z
    .looseObject({
      url: z.string().optional(),
      render_as_sticker: z.boolean().optional(),
      sticker_id: GraphId.optional(),
    })
    .optional(),
  video_data: z.looseObject({ url: z.string().optional() }).optional(),
});

/** A message as `GET /{conversation-id}?fields=messages{...}` returns it. */
export const GraphMessage = z.looseObject({
  id: z.string().min(1),
  created_time: GraphTime,
  from: Participant.optional(),
  to: z.looseObject({ data: z.array(Participant) }).optional(),
  message: z.string().optional(),
  sticker: z.string().optional(),
  attachments: z.looseObject({ data: z.array(z.union([Attachment, GraphAttachment])) }).optional(),
  reply_to: z.looseObject({ mid: z.string().optional(), is_self_reply: z.boolean().optional() }).optional(),
});
export type GraphMessage = z.output<typeof GraphMessage>;

/** A message id and time only (`GET /{conversation-id}/messages`). */
export const GraphMessageRef = z.looseObject({ id: z.string().min(1), created_time: GraphTime });

/** Fields asked for the 20 detailed messages of a conversation. */
export const GRAPH_MESSAGE_FIELDS = 'id,created_time,from,to,message,attachments,reply_to';

export const GraphConversationMessages = z.looseObject({
  id: z.string().optional(),
  messages: z
    .looseObject({
      data: z.array(GraphMessage),
      paging: z
        .looseObject({
          next: z.string().optional(),
          cursors: z.looseObject({ after: z.string().optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
});

function graphAttachmentToPart(a: z.output<typeof GraphAttachment>): ContentPart {
  const mime = a.mime_type ?? '';
  const extra = a.mime_type === undefined ? {} : { mimeType: a.mime_type };
  if (a.image_data) {
    const url = a.image_data.url;
    if (a.image_data.render_as_sticker || a.image_data.sticker_id !== undefined) {
      return {
        type: 'sticker',
        ...(url === undefined ? {} : { url }),
        ...(a.image_data.sticker_id === undefined ? {} : { stickerId: a.image_data.sticker_id }),
      };
    }
    return { type: 'image', ...(url === undefined ? {} : { url }), ...extra };
  }
  if (a.video_data)
    return { type: 'video', ...(a.video_data.url === undefined ? {} : { url: a.video_data.url }), ...extra };
  const url = a.file_url === undefined ? {} : { url: a.file_url };
  const filename = a.name === undefined ? {} : { filename: a.name };
  if (mime.startsWith('audio/')) return { type: 'audio', ...url, ...extra };
  if (mime.startsWith('image/')) return { type: 'image', ...url, ...extra };
  if (mime.startsWith('video/')) return { type: 'video', ...url, ...extra };
  return { type: 'file', ...url, ...extra, ...filename };
}

/**
 * Maps a Conversations API message to a `message` event with `source: 'backfill'` and the same key its
 * webhook twin gets (`<channel>:msg:<mid>`). Business-sent messages become outbound echoes, like their
 * `message_echoes` webhook copies. Returns null when the customer cannot be told apart.
 */
export function graphMessageToEvent(
  channel: MessengerPlatformChannel,
  accountId: string,
  m: GraphMessage,
): MessageEvent | null {
  const fromId = m.from?.id;
  const outbound = fromId === accountId;
  const userId = outbound ? m.to?.data.find((p) => p.id !== accountId)?.id : fromId;
  if (userId === undefined) return null;
  const parts: ContentPart[] = [];
  if (m.message) parts.push({ type: 'text', text: m.message });
  for (const a of m.attachments?.data ?? []) {
    parts.push(
      'type' in a && typeof a.type === 'string'
        ? attachmentToPart(a as z.output<typeof Attachment>)
        : graphAttachmentToPart(a),
    );
  }
  if (m.sticker && !parts.some((p) => p.type === 'sticker')) parts.push({ type: 'sticker', url: m.sticker });
  const profile = outbound
    ? undefined
    : {
        ...(m.from?.name ? { name: m.from.name } : {}),
        ...(m.from?.username ? { username: m.from.username } : {}),
      };
  return {
    kind: 'message',
    channel,
    key: keys.message(channel, m.id),
    accountId,
    userId,
    conversationId: `${channel}:${accountId}:${userId}`,
    timestamp: parseGraphTime(m.created_time),
    source: 'backfill',
    raw: m,
    messageId: m.id,
    direction: outbound ? 'outbound' : 'inbound',
    ...(outbound ? { echo: true } : {}),
    ...(m.message ? { text: m.message } : {}),
    parts,
    ...(m.reply_to?.mid ? { replyTo: { messageId: m.reply_to.mid } } : {}),
    ...(profile && Object.keys(profile).length ? { profile } : {}),
  };
}
