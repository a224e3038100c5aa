import type { ContentPart } from '@switchboard/core';
import type { Attachment } from './schemas.js';

type StickerPart = Extract<ContentPart, { type: 'sticker' }>;

const SHARE_TYPES = new Set([
  'share',
  'ig_post',
  'ig_reel',
  'reel',
  'story',
  'ig_story',
  'fallback',
  'template',
  'product',
  'products',
  'media',
]);

function stickerIdOf(a: Attachment): string | undefined {
  return a.payload?.sticker_id ?? a.sticker_id;
}

/** One attachment → one part. A legacy image carrying `sticker_id` is a sticker. */
export function attachmentToPart(a: Attachment): ContentPart {
  const url = a.payload?.url ?? a.url;
  const withUrl = url === undefined ? {} : { url };
  switch (a.type) {
    case 'image': {
      const stickerId = stickerIdOf(a);
      if (stickerId !== undefined) return { type: 'sticker', stickerId, ...withUrl };
      return { type: 'image', ...withUrl };
    }
    case 'sticker': {
      const stickerId = stickerIdOf(a);
      return { type: 'sticker', ...(stickerId === undefined ? {} : { stickerId }), ...withUrl };
    }
    case 'like_heart':
      return { type: 'sticker', stickerId: 'like_heart' };
    case 'video':
      return { type: 'video', ...withUrl };
    case 'audio':
      return { type: 'audio', ...withUrl };
    case 'file':
      return { type: 'file', ...withUrl };
    case 'story_mention': {
      const storyId = a.payload?.id;
      return { type: 'story_mention', ...withUrl, ...(storyId === undefined ? {} : { storyId }) };
    }
    default: {
      if (!SHARE_TYPES.has(a.type)) {
        return { type: 'unsupported', reason: `attachment type "${a.type}" is not modeled`, raw: a };
      }
      const title = a.payload?.title ?? a.title;
      const mediaId = a.payload?.ig_post_media_id ?? a.payload?.reel_video_id ?? a.payload?.id;
      return {
        type: 'share',
        shareType: a.type,
        ...withUrl,
        ...(title === undefined ? {} : { title }),
        ...(mediaId === undefined ? {} : { mediaId }),
        ...(a.type === 'template' || a.type === 'product' || a.type === 'products'
          ? { payload: a.payload }
          : {}),
      };
    }
  }
}

/**
 * Maps all attachments of one message. Stickers are sent twice during Meta's 2026 migration (legacy
 * image with `payload.sticker_id` plus a new `sticker` attachment): they collapse into one sticker part.
 */
export function attachmentsToParts(
  attachments: readonly Attachment[],
  messageStickerId?: string,
): ContentPart[] {
  const parts: ContentPart[] = [];
  let sticker: StickerPart | undefined;
  for (const a of attachments) {
    const part = attachmentToPart(a);
    if (part.type !== 'sticker') {
      parts.push(part);
      continue;
    }
    if (!sticker) {
      sticker = part;
      parts.push(part);
      continue;
    }
    if (
      sticker.stickerId === undefined ||
      part.stickerId === undefined ||
      sticker.stickerId === part.stickerId
    ) {
      if (sticker.stickerId === undefined && part.stickerId !== undefined) sticker.stickerId = part.stickerId;
      if (sticker.url === undefined && part.url !== undefined) sticker.url = part.url;
      continue;
    }
    parts.push(part);
  }
  if (sticker && sticker.stickerId === undefined && messageStickerId !== undefined)
    sticker.stickerId = messageStickerId;
  return parts;
}
