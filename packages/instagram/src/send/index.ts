import type { OutboundMessage, SendReceipt } from '@switchboard/core';
import {
  sendMessengerPlatformMessage,
  type UploadableMedia,
  uploadMessengerPlatformAttachment,
} from '@switchboard/meta-graph';
import type { InstagramContext } from '../context.js';

export type { UploadableMedia };

/**
 * `POST /{page-id}/messages` (facebook-login) or `POST /{ig-id}/messages` (instagram-login). Text is
 * checked against Instagram's 1000 UTF-8 bytes, tags against HUMAN_AGENT, before any network call.
 */
export function sendInstagram(ctx: InstagramContext, message: OutboundMessage): Promise<SendReceipt> {
  const igId = message.to.accountId;
  return sendMessengerPlatformMessage(
    ctx.clientFor(igId),
    ctx.pathsFor(igId).messages,
    message,
    'instagram',
    ctx.clock,
  );
}

/** Attachment Upload API (`message_attachments`, `platform=instagram`): returns a reusable `attachment_id`. */
export function uploadInstagramAttachment(
  ctx: InstagramContext,
  igId: string,
  media: { type: UploadableMedia; url: string },
): Promise<string> {
  return uploadMessengerPlatformAttachment(ctx.clientFor(igId), ctx.pathsFor(igId).attachments, media, {
    platform: 'instagram',
  });
}
