import type { ContentPart } from '@switchboard/core';
import type { Message } from './schemas.js';

/** Message fields that carry content we do not model (polls, dice, games, service messages…). */
const UNMODELED = [
  'poll',
  'dice',
  'game',
  'invoice',
  'story',
  'paid_media',
  'checklist',
  'giveaway',
  'new_chat_members',
  'left_chat_member',
  'new_chat_title',
  'new_chat_photo',
  'pinned_message',
  'successful_payment',
  'web_app_data',
] as const;

/** The parts of one message, in Switchboard's content model. Never empty: unknown content is an `unsupported` part. */
export function contentParts(message: Message, raw: Record<string, unknown>): ContentPart[] {
  const parts: ContentPart[] = [];
  const caption = message.caption !== undefined ? { caption: message.caption } : {};
  if (message.text !== undefined) parts.push({ type: 'text', text: message.text });
  if (message.photo && message.photo.length > 0) {
    // Sizes come small → large in practice, which the docs do not promise: take the largest area.
    const largest = message.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    parts.push({ type: 'image', mediaId: largest.file_id, ...caption });
  }
  if (message.animation) {
    // An animation also carries `document`: one part, not two.
    const a = message.animation;
    parts.push({ type: 'video', mediaId: a.file_id, ...mime(a.mime_type), ...name(a.file_name), ...caption });
  } else if (message.document) {
    const d = message.document;
    parts.push({ type: 'file', mediaId: d.file_id, ...mime(d.mime_type), ...name(d.file_name), ...caption });
  }
  if (message.video) {
    const v = message.video;
    parts.push({ type: 'video', mediaId: v.file_id, ...mime(v.mime_type), ...name(v.file_name), ...caption });
  }
  if (message.video_note) parts.push({ type: 'video', mediaId: message.video_note.file_id });
  if (message.audio) {
    const a = message.audio;
    parts.push({ type: 'audio', mediaId: a.file_id, ...mime(a.mime_type), ...name(a.file_name), ...caption });
  }
  if (message.voice) {
    parts.push({
      type: 'audio',
      voice: true,
      mediaId: message.voice.file_id,
      ...mime(message.voice.mime_type),
      ...caption,
    });
  }
  if (message.sticker) {
    const s = message.sticker;
    parts.push({
      type: 'sticker',
      mediaId: s.file_id,
      ...(s.file_unique_id ? { stickerId: s.file_unique_id } : {}),
      animated: Boolean(s.is_animated || s.is_video),
      ...(s.emoji ? { caption: s.emoji } : {}),
    });
  }
  if (message.venue) {
    const v = message.venue;
    parts.push({
      type: 'location',
      latitude: v.location.latitude,
      longitude: v.location.longitude,
      name: v.title,
      address: v.address,
    });
  } else if (message.location) {
    parts.push({
      type: 'location',
      latitude: message.location.latitude,
      longitude: message.location.longitude,
    });
  }
  if (message.contact) {
    const c = message.contact;
    parts.push({
      type: 'contacts',
      contacts: [
        {
          name: {
            formattedName: [c.first_name, c.last_name].filter(Boolean).join(' '),
            firstName: c.first_name,
            ...(c.last_name ? { lastName: c.last_name } : {}),
          },
          phones: [{ phone: c.phone_number }],
        },
      ],
    });
  }
  for (const field of UNMODELED) {
    if (raw[field] !== undefined)
      parts.push({ type: 'unsupported', reason: `telegram ${field}`, raw: raw[field] });
  }
  if (parts.length === 0) {
    const known = new Set([
      'message_id',
      'from',
      'sender_chat',
      'chat',
      'date',
      'edit_date',
      'business_connection_id',
    ]);
    const fields = Object.keys(raw).filter((k) => !known.has(k));
    parts.push({
      type: 'unsupported',
      reason: `telegram message without modeled content (${fields.join(', ') || 'empty'})`,
    });
  }
  return parts;
}

const mime = (m: string | undefined) => (m ? { mimeType: m } : {});
const name = (n: string | undefined) => (n ? { filename: n } : {});
