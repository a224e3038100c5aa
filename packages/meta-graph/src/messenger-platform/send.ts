import type { Clock, SendReceipt } from '@switchboard/core';
import { OutboundMessage, SwitchboardError } from '@switchboard/core';
import { z } from 'zod';
import type { GraphClient } from '../client.js';
import { isCommentAction, performCommentAction } from './comment-actions.js';
import type { MessengerPlatformChannel } from './keys.js';
import { buildAttachmentUploadBody, buildMessengerPlatformSendRequest } from './send-body.js';

const SendResponse = z.looseObject({
  recipient_id: z.string().optional(),
  message_id: z.string().optional(),
});
const UploadResponse = z.looseObject({ attachment_id: z.union([z.string(), z.number()]).transform(String) });

/** Media kinds the Attachment Upload API accepts. */
export type UploadableMedia = 'image' | 'video' | 'audio' | 'file';

/**
 * Sends one message through the Send API at `path` (`/{page-id}/messages`, or `/{ig-id}/messages` for
 * Instagram Login); `public_reply` / `comment_moderation` go to the comment's own node instead, and
 * a message with `to.commentId` is a private reply (`recipient: { comment_id }`). The body is built and checked before any network call, so content the channel cannot
 * carry fails with `NOT_SUPPORTED` and over-long text with `INVALID_REQUEST`.
 */
export async function sendMessengerPlatformMessage(
  client: GraphClient,
  path: string,
  message: OutboundMessage,
  channel: MessengerPlatformChannel,
  clock: Clock,
): Promise<SendReceipt> {
  if (message.to.channel !== channel) {
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `the ${channel} adapter cannot send to channel ${message.to.channel}`,
    );
  }
  if (isCommentAction(message.content)) {
    const parsed = OutboundMessage.safeParse(message);
    if (!parsed.success)
      throw new SwitchboardError('INVALID_REQUEST', `outbound message: ${parsed.error.issues[0]?.message}`);
    return performCommentAction(client, parsed.data, channel, clock);
  }
  const request = buildMessengerPlatformSendRequest(message, channel);
  const { data } = await client.post(path, request.body, SendResponse);
  return {
    messageId: data.message_id ?? '',
    acceptedAt: clock.now(),
    ...(data.recipient_id === undefined ? {} : { recipientId: data.recipient_id }),
    raw: data,
  };
}

/** Uploads media once (Attachment Upload API, `is_reusable: true`) and returns its `attachment_id`. */
export async function uploadMessengerPlatformAttachment(
  client: GraphClient,
  path: string,
  media: { type: UploadableMedia; url: string },
  params?: Record<string, string>,
): Promise<string> {
  const { data } = await client.post(
    path,
    buildAttachmentUploadBody(media.type, media.url),
    UploadResponse,
    params,
  );
  return data.attachment_id;
}
