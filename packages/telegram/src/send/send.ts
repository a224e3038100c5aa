import type { Clock, OutboundMessage, SendReceipt } from '@switchboard/core';
import { z } from 'zod';
import type { BotApiClient } from '../client.js';
import { chatKey, messageRef, parseChatKey } from '../ids.js';
import { buildRequest } from './build.js';

/** The sent Message, as far as the receipt needs it. */
const SentMessage = z.object({
  message_id: z.number().int(),
  chat: z.object({ id: z.number().int() }),
  date: z.number().int(),
});

/** Sends one message; errors are classified by the client. Reactions and chat actions return `true` and no message id. */
export async function sendMessage(
  client: () => Promise<BotApiClient>,
  botId: string,
  message: OutboundMessage,
  clock: Clock,
): Promise<SendReceipt> {
  const request = buildRequest(message);
  if (request === null) return { messageId: '', acceptedAt: clock.now(), raw: null };
  const api = await client();
  if (request.method === 'sendChatAction' || request.method === 'setMessageReaction') {
    const result = await api.call(request.method, request.params, z.literal(true));
    return { messageId: '', acceptedAt: clock.now(), raw: result };
  }
  // Raw sends may answer a Message, several (sendMediaGroup) or `true`; the receipt names the first message.
  const result = await api.call(
    request.method,
    request.params,
    z.union([SentMessage.loose(), z.array(SentMessage.loose()).min(1), z.literal(true)]),
  );
  if (result === true) return { messageId: '', acceptedAt: clock.now(), raw: result };
  const sent = Array.isArray(result) ? result[0]! : result;
  const { businessConnectionId } = parseChatKey(message.to.groupId ?? message.to.userId);
  const chat = chatKey(sent.chat.id, businessConnectionId);
  return {
    messageId: messageRef(botId, chat, sent.message_id),
    acceptedAt: clock.now(),
    recipientId: String(sent.chat.id),
    raw: result,
  };
}
