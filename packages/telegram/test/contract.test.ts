import { adapterContract, type ContractMessage } from '@switchboard/testkit/contracts';
import { createTelegramAdapter } from '../src/index.js';
import { ANN, BOT, BOT_TOKEN, FIXTURES, SECRET } from './helpers.js';

/** Telegram message ids are integers: the kit's `contract-in-1` travels as 1. */
const messageNumber = (id: string) => Number(/(\d+)$/.exec(id)?.[1] ?? 1);

const textMessage = (m: ContractMessage) => ({
  message_id: messageNumber(m.messageId),
  from: { id: Number(m.userId), is_bot: false, first_name: 'Ann' },
  chat: { id: Number(m.userId), first_name: 'Ann', type: 'private' },
  date: m.timestamp / 1000,
  text: m.text,
});

adapterContract({
  name: 'telegram',
  createAdapter: ({ baseUrl }) =>
    createTelegramAdapter({ botToken: BOT_TOKEN, secretToken: SECRET, apiBaseUrl: baseUrl }),
  wire: {
    // A shared secret in a header, not a body signature (Telegram signs nothing).
    sign: () => ({ 'X-Telegram-Bot-Api-Secret-Token': SECRET }),
    signsBody: false,
    handshake: null,
    textMessageBody: (m) => ({ update_id: 900001, message: textMessage(m) }),
    // One update per body; a second field of the wrong shape next to the message.
    bodyWithBadItem: (m) => ({
      update_id: 900002,
      message: textMessage(m),
      edited_message: { message_id: 'x' },
    }),
    eventMessageId: (m) => `${m.accountId}:${m.userId}:${messageNumber(m.messageId)}`,
  },
  platform: {
    accept: (request, messageId) => {
      const chatId = (JSON.parse(request.body) as { chat_id: number }).chat_id;
      return {
        body: {
          ok: true,
          result: {
            message_id: messageNumber(messageId),
            chat: { id: chatId, type: 'private' },
            date: 1764410400,
          },
        },
      };
    },
    receiptMessageId: (messageId, request) =>
      `${BOT}:${(JSON.parse(request.body) as { chat_id: number }).chat_id}:${messageNumber(messageId)}`,
    error: (status) => ({
      ok: false,
      error_code: status,
      description: status === 429 ? 'Too Many Requests: retry after 3' : 'Internal Server Error: restart',
      ...(status === 429 ? { parameters: { retry_after: 3 } } : {}),
    }),
    recipientOf: (request) => String((JSON.parse(request.body) as { chat_id?: number }).chat_id),
  },
  recipient: { accountId: BOT, userId: ANN },
  fixturesDir: FIXTURES,
  unknownItemBodies: [
    {
      update_id: 1,
      poll_answer: { poll_id: '1', user: { id: 1, is_bot: false, first_name: 'A' }, option_ids: [0] },
    },
    { update_id: 2, chat_boost: { chat: { id: -100, type: 'channel' }, boost: {} } },
  ],
});
