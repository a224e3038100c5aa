import type { OutboundMessage, SendReceipt } from '@switchboard/core';
import {
  sendMessengerPlatformMessage,
  type UploadableMedia,
  uploadMessengerPlatformAttachment,
} from '@switchboard/meta-graph';
import type { MessengerContext } from '../context.js';

export type { UploadableMedia };

/** `POST /{page-id}/messages`. */
export function sendMessenger(ctx: MessengerContext, message: OutboundMessage): Promise<SendReceipt> {
  const pageId = message.to.accountId;
  return sendMessengerPlatformMessage(
    ctx.clientFor(pageId),
    `/${pageId}/messages`,
    message,
    'messenger',
    ctx.clock,
  );
}

/**
 * Uploads media once (`POST /{page-id}/message_attachments`) and returns the `attachment_id` to send
 * with `{ type, mediaId }`.
 */
export function uploadMessengerAttachment(
  ctx: MessengerContext,
  pageId: string,
  media: { type: UploadableMedia; url: string },
): Promise<string> {
  return uploadMessengerPlatformAttachment(ctx.clientFor(pageId), `/${pageId}/message_attachments`, media);
}
