import type { OutboundMessage, SendReceipt } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import { buildAttachmentUploadBody, buildMessengerPlatformSendRequest } from '@switchboard/meta-graph';
import { z } from 'zod';
import type { InstagramContext } from '../context.js';

const SendResponse = z.looseObject({
  recipient_id: z.string().optional(),
  message_id: z.string().optional(),
});
const UploadResponse = z.looseObject({ attachment_id: z.union([z.string(), z.number()]).transform(String) });

/**
 * `POST /{page-id}/messages` (facebook-login) or `POST /{ig-id}/messages` (instagram-login). Text is
 * checked against Instagram's 1000 UTF-8 bytes, tags against HUMAN_AGENT, before any network call.
 */
export async function sendInstagram(ctx: InstagramContext, message: OutboundMessage): Promise<SendReceipt> {
  const request = buildMessengerPlatformSendRequest(message, 'instagram');
  if (message.to.channel !== 'instagram') {
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `the Instagram adapter cannot send to channel ${message.to.channel}`,
    );
  }
  const igId = message.to.accountId;
  const { data } = await ctx.clientFor(igId).post(ctx.pathsFor(igId).messages, request.body, SendResponse);
  return {
    messageId: data.message_id ?? '',
    acceptedAt: ctx.clock.now(),
    ...(data.recipient_id === undefined ? {} : { recipientId: data.recipient_id }),
    raw: data,
  };
}

export type UploadableMedia = 'image' | 'video' | 'audio' | 'file';

/** Attachment Upload API (`message_attachments`, `platform=instagram`): returns a reusable `attachment_id`. */
export async function uploadInstagramAttachment(
  ctx: InstagramContext,
  igId: string,
  media: { type: UploadableMedia; url: string },
): Promise<string> {
  const { data } = await ctx
    .clientFor(igId)
    .post(ctx.pathsFor(igId).attachments, buildAttachmentUploadBody(media.type, media.url), UploadResponse, {
      platform: 'instagram',
    });
  return data.attachment_id;
}
