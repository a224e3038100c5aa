import type { Clock, OutboundMessage, SendReceipt } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import { z } from 'zod';
import type { GraphClient } from '../client.js';
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
 * Instagram Login). The body is built and checked before any network call, so content the channel cannot
 * carry fails with `NOT_SUPPORTED` and over-long text with `INVALID_REQUEST`.
 */
export async function sendMessengerPlatformMessage(
  client: GraphClient,
  path: string,
  message: OutboundMessage,
  channel: MessengerPlatformChannel,
  clock: Clock,
): Promise<SendReceipt> {
  const request = buildMessengerPlatformSendRequest(message, channel);
  if (message.to.channel !== channel) {
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `the ${channel} adapter cannot send to channel ${message.to.channel}`,
    );
  }
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
