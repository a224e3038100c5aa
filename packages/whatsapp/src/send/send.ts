import type { Clock, OutboundMessage, SendReceipt } from '@switchboard/core';
import type { GraphClient } from '@switchboard/meta-graph';
import { z } from 'zod';
import { buildSendBody } from './build.js';
import { invalid } from './limits.js';

/** Response of `POST /{phone-number-id}/messages` for a message. */
export const SendResponse = z.looseObject({
  messaging_product: z.string().optional(),
  contacts: z
    .array(
      z.looseObject({
        input: z.string().optional(),
        wa_id: z.string().optional(),
        user_id: z.string().optional(),
      }),
    )
    .optional(),
  messages: z.array(z.looseObject({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});

/** Response of the same endpoint for mark-as-read / typing indicator. */
export const SuccessResponse = z.looseObject({ success: z.boolean() });

/**
 * Builds the body (limits checked first, before even the token: nothing is sent on INVALID_REQUEST /
 * NOT_SUPPORTED) and posts it to `/{phone-number-id}/messages`. Graph errors arrive classified by meta-graph (131047 → OUTSIDE_WINDOW,
 * 130429 / 131056 → RATE_LIMITED, ...). A 200 means accepted, not delivered: failures may come later
 * as a `failed` status webhook.
 */
export async function sendMessage(
  graph: () => GraphClient,
  message: OutboundMessage,
  clock: Clock,
): Promise<SendReceipt> {
  if (message.to.channel !== 'whatsapp') {
    throw invalid(`a ${message.to.channel} recipient cannot be sent to through WhatsApp`, 'to.channel');
  }
  if (!/^\d+$/.test(message.to.accountId)) {
    throw invalid('to.accountId must be a WhatsApp phone number id (digits)', 'to.accountId');
  }
  const body = buildSendBody(message);
  const path = `/${message.to.accountId}/messages`;
  if (message.content.type === 'sender_action') {
    const { data } = await graph().post(path, body, SuccessResponse);
    return { messageId: '', acceptedAt: clock.now(), raw: data };
  }
  const { data } = await graph().post(path, body, SendResponse);
  const contact = data.contacts?.[0];
  const recipientId = contact?.wa_id ?? contact?.user_id;
  return {
    messageId: data.messages[0]!.id,
    acceptedAt: clock.now(),
    ...(recipientId ? { recipientId } : {}),
    raw: data,
  };
}
