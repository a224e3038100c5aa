import type { OutboundMessage, SendReceipt } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import { buildAttachmentUploadBody, buildMessengerPlatformSendRequest } from '@switchboard/meta-graph';
import { z } from 'zod';
import type { MessengerContext } from '../context.js';

const SendResponse = z.looseObject({
  recipient_id: z.string().optional(),
  message_id: z.string().optional(),
});
const UploadResponse = z.looseObject({ attachment_id: z.union([z.string(), z.number()]).transform(String) });

/**
 * `POST /{page-id}/messages`. The body is built (and checked) before any network call, so content
 * Messenger cannot carry fails with `NOT_SUPPORTED` and over-long text with `INVALID_REQUEST`.
 */
export async function sendMessenger(ctx: MessengerContext, message: OutboundMessage): Promise<SendReceipt> {
  const request = buildMessengerPlatformSendRequest(message, 'messenger');
  if (message.to.channel !== 'messenger') {
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `the Messenger adapter cannot send to channel ${message.to.channel}`,
    );
  }
  const pageId = message.to.accountId;
  const { data } = await ctx.clientFor(pageId).post(`/${pageId}/messages`, request.body, SendResponse);
  return {
    messageId: data.message_id ?? '',
    acceptedAt: ctx.clock.now(),
    ...(data.recipient_id === undefined ? {} : { recipientId: data.recipient_id }),
    raw: data,
  };
}

/** Media kinds the Attachment Upload API accepts. */
export type UploadableMedia = 'image' | 'video' | 'audio' | 'file';

/**
 * Uploads media once (`POST /{page-id}/message_attachments`, `is_reusable: true`) and returns the
 * `attachment_id` to send with `{ type, mediaId }`.
 */
export async function uploadMessengerAttachment(
  ctx: MessengerContext,
  pageId: string,
  media: { type: UploadableMedia; url: string },
): Promise<string> {
  const { data } = await ctx
    .clientFor(pageId)
    .post(`/${pageId}/message_attachments`, buildAttachmentUploadBody(media.type, media.url), UploadResponse);
  return data.attachment_id;
}
