import type { OutboundMessage, SwitchboardError } from '@switchboard/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeBotApi, startFakeBotApi } from '../src/fake.js';
import { ANN, adapter, BOT, BOT_TOKEN } from './helpers.js';

type OutboundContent = OutboundMessage['content'];

let fake: FakeBotApi;
let telegram: ReturnType<typeof adapter>;
beforeAll(async () => {
  fake = await startFakeBotApi({ token: BOT_TOKEN });
  telegram = adapter({ apiBaseUrl: fake.url });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.calls.length = 0;
  fake.sent.length = 0;
});

const to = { channel: 'telegram', accountId: BOT, userId: ANN };
const send = (content: OutboundContent, extra: Record<string, unknown> = {}) =>
  telegram.send({ to, content, ...extra });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as SwitchboardError,
  );

describe('send', () => {
  it('sends text and returns a message id the parser would give the same message', async () => {
    const receipt = await send({ type: 'text', text: 'Hello Ann' }, { replyTo: `${BOT}:${ANN}:17` });
    const call = fake.calls.at(-1)!;
    expect(call.method).toBe('sendMessage');
    expect(call.params).toEqual({
      chat_id: Number(ANN),
      text: 'Hello Ann',
      reply_parameters: { message_id: 17, allow_sending_without_reply: true },
    });
    expect(receipt.messageId).toBe(`${BOT}:${ANN}:${fake.sent.at(-1)!.messageId}`);
    expect(receipt.recipientId).toBe(ANN);
  });

  it.each([
    [
      { type: 'image', url: 'https://example.com/a.png', caption: 'look' },
      'sendPhoto',
      { photo: 'https://example.com/a.png', caption: 'look' },
    ],
    [{ type: 'file', mediaId: 'BQACAgIAAxkBAAIB' }, 'sendDocument', { document: 'BQACAgIAAxkBAAIB' }],
    [
      { type: 'audio', url: 'https://example.com/a.mp3' },
      'sendAudio',
      { audio: 'https://example.com/a.mp3' },
    ],
    [{ type: 'video', mediaId: 'BAACAgIAAxkBAAID' }, 'sendVideo', { video: 'BAACAgIAAxkBAAID' }],
    [{ type: 'sticker', mediaId: 'CAACAgIAAxkBAAIF' }, 'sendSticker', { sticker: 'CAACAgIAAxkBAAIF' }],
    [
      { type: 'location', latitude: 52.52, longitude: 13.4 },
      'sendLocation',
      { latitude: 52.52, longitude: 13.4 },
    ],
    [
      {
        type: 'contacts',
        contacts: [
          {
            name: { formattedName: 'Bob Example', firstName: 'Bob', lastName: 'Example' },
            phones: [{ phone: '+4915112345678' }],
          },
        ],
      },
      'sendContact',
      { phone_number: '+4915112345678', first_name: 'Bob', last_name: 'Example' },
    ],
  ] as const)('sends %j with %s', async (content, method, params) => {
    const receipt = await send(content as OutboundContent);
    expect(fake.calls.at(-1)).toEqual({ method, params: { chat_id: Number(ANN), ...params } });
    expect(receipt.messageId).toMatch(new RegExp(`^${BOT}:${ANN}:\\d+$`));
  });

  it('maps buttons and quick replies to an inline keyboard with callback_data', async () => {
    await send({
      type: 'buttons',
      text: 'Pick one',
      buttons: [
        { type: 'postback', title: 'Yes', payload: 'yes' },
        { type: 'url', title: 'Docs', url: 'https://example.com/' },
      ],
    });
    expect(fake.calls.at(-1)!.params.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: 'Yes', callback_data: 'yes' }],
        [{ text: 'Docs', url: 'https://example.com/' }],
      ],
    });
    await send({
      type: 'quick_replies',
      text: 'Size?',
      replies: [
        { title: 'S', payload: 'size:s' },
        { title: 'M', payload: 'size:m' },
      ],
    });
    expect(fake.calls.at(-1)!.params.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: 'S', callback_data: 'size:s' },
          { text: 'M', callback_data: 'size:m' },
        ],
      ],
    });
    await send({
      type: 'list',
      text: 'Menu',
      buttonText: 'Open',
      sections: [
        {
          rows: [
            { id: 'r1', title: 'One' },
            { id: 'r2', title: 'Two' },
          ],
        },
      ],
    });
    expect(fake.calls.at(-1)!.params.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'One', callback_data: 'r1' }], [{ text: 'Two', callback_data: 'r2' }]],
    });
  });

  it('sends the typing indicator as a chat action and reactions with setMessageReaction', async () => {
    expect((await send({ type: 'sender_action', action: 'typing_on' })).messageId).toBe('');
    expect(fake.calls.at(-1)).toEqual({
      method: 'sendChatAction',
      params: { chat_id: Number(ANN), action: 'typing' },
    });
    await send({ type: 'reaction', messageId: `${BOT}:${ANN}:17`, emoji: '👍' });
    expect(fake.calls.at(-1)).toEqual({
      method: 'setMessageReaction',
      params: { chat_id: Number(ANN), message_id: 17, reaction: [{ type: 'emoji', emoji: '👍' }] },
    });
  });

  it('sends to a business chat with its connection id', async () => {
    await send({ type: 'text', text: 'In stock' }, { to: { ...to, userId: 'biz:AbCdEf:100000003' } });
    expect(fake.calls.at(-1)!.params).toMatchObject({ chat_id: 100000003, business_connection_id: 'AbCdEf' });
  });

  it('checks limits before any call: text 4096, caption 1024, callback_data 64 bytes', async () => {
    const cases: OutboundContent[] = [
      { type: 'text', text: 'x'.repeat(4097) },
      { type: 'image', url: 'https://example.com/a.png', caption: 'x'.repeat(1025) },
      { type: 'buttons', text: 'pick', buttons: [{ type: 'postback', title: 'A', payload: 'é'.repeat(33) }] },
    ];
    for (const content of cases) expect((await failure(send(content))).code).toBe('INVALID_REQUEST');
    expect((await send({ type: 'text', text: 'x'.repeat(4096) })).messageId).not.toBe('');
    expect(fake.calls).toHaveLength(1);
  });

  it.each([
    { type: 'template', name: 't', language: 'en', components: [] },
    { type: 'cards', cards: [{ title: 'Card' }] },
    { type: 'sender_action', action: 'mark_seen' },
    { type: 'buttons', text: 'call', buttons: [{ type: 'phone', title: 'Call', phone: '+1555' }] },
  ] as OutboundContent[])('refuses %j with NOT_SUPPORTED', async (content) => {
    expect((await failure(send(content))).code).toBe('NOT_SUPPORTED');
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses another bot as account and a recipient that is not a chat', async () => {
    expect(
      (
        await failure(
          telegram.send({ to: { ...to, accountId: '123' }, content: { type: 'text', text: 'x' } }),
        )
      ).code,
    ).toBe('INVALID_REQUEST');
    expect((await failure(send({ type: 'text', text: 'x' }, { to: { ...to, userId: 'ann' } }))).code).toBe(
      'INVALID_REQUEST',
    );
  });
});

describe('delivery options', () => {
  it("notification 'silent' / 'none' sends without a sound; user_ref and personas are refused", async () => {
    await send({ type: 'text', text: 'Quietly' }, { notification: 'silent' });
    expect(fake.calls.at(-1)?.params).toMatchObject({ text: 'Quietly', disable_notification: true });
    await send({ type: 'text', text: 'Loud' }, { notification: 'regular' });
    expect(fake.calls.at(-1)?.params).not.toHaveProperty('disable_notification');
    await send({ type: 'sender_action', action: 'typing_on' }, { notification: 'none' });
    expect(fake.calls.at(-1)?.params).not.toHaveProperty('disable_notification');
    expect((await failure(send({ type: 'text', text: 'x' }, { personaId: '1' }))).code).toBe('NOT_SUPPORTED');
    expect(
      (
        await failure(
          telegram.send({ to: { ...to, userIdType: 'user_ref' }, content: { type: 'text', text: 'x' } }),
        )
      ).code,
    ).toBe('NOT_SUPPORTED');
  });
});

describe('send errors are classified', () => {
  it('429 → RATE_LIMITED with retry_after in ms', async () => {
    fake.failNext('sendMessage', {
      code: 429,
      description: 'Too Many Requests: retry after 7',
      retryAfter: 7,
    });
    const e = await failure(send({ type: 'text', text: 'x' }));
    expect(e).toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: 7000,
      platform: { code: 429, httpStatus: 429 },
    });
  });

  it('403 blocked by the user → RECIPIENT_UNAVAILABLE, not retried', async () => {
    fake.block(ANN);
    try {
      const e = await failure(send({ type: 'text', text: 'x' }));
      expect(e).toMatchObject({ code: 'RECIPIENT_UNAVAILABLE', retryable: false });
      expect(e.message).toContain('bot was blocked by the user');
    } finally {
      fake.unblock(ANN);
    }
  });

  it.each([
    [403, 'Forbidden: user is deactivated', 'RECIPIENT_UNAVAILABLE'],
    [400, 'Bad Request: USER_IS_BLOCKED', 'RECIPIENT_UNAVAILABLE'],
    [403, 'Forbidden: not enough rights to send text messages to the chat', 'PERMISSION_DENIED'],
    [400, 'Bad Request: chat not found', 'INVALID_REQUEST'],
    [401, 'Unauthorized', 'AUTH_FAILED'],
    [404, 'Not Found', 'AUTH_FAILED'],
    [500, 'Internal Server Error: restart', 'TEMPORARY'],
    [502, 'Bad Gateway', 'TEMPORARY'],
  ] as const)('%i %s → %s', async (code, description, expected) => {
    fake.failNext('sendMessage', { code, description });
    const e = await failure(send({ type: 'text', text: 'x' }));
    expect(e.code).toBe(expected);
    expect(e.retryable).toBe(expected === 'TEMPORARY');
  });

  it('a wrong token is AUTH_FAILED and the token never appears in the error', async () => {
    const wrong = adapter({ apiBaseUrl: fake.url, botToken: '7000000001:AAwrongTokenValue' });
    const e = await failure(wrong.send({ to, content: { type: 'text', text: 'x' } }));
    expect(e.code).toBe('AUTH_FAILED');
    expect(JSON.stringify({ ...e.toJSON(), stack: e.stack, cause: String(e.cause) })).not.toContain(
      'AAwrongTokenValue',
    );
  });

  it('a network failure is TEMPORARY (retryable) and does not leak the URL with the token', async () => {
    const down = adapter({ apiBaseUrl: 'http://127.0.0.1:1', timeoutMs: 2000 });
    const e = await failure(down.send({ to, content: { type: 'text', text: 'x' } }));
    expect(e).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(`${e.message} ${e.stack}`).not.toContain('AAfakeToken');
  });

  it('a 502 from a proxy without a Bot API envelope is TEMPORARY', async () => {
    const { createServer } = await import('node:http');
    const proxy = createServer((_q, r) => r.writeHead(502).end('<html>bad gateway</html>'));
    await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
    try {
      const port = (proxy.address() as { port: number }).port;
      const e = await failure(
        adapter({ apiBaseUrl: `http://127.0.0.1:${port}` }).send({
          to,
          content: { type: 'text', text: 'x' },
        }),
      );
      expect(e).toMatchObject({ code: 'TEMPORARY', retryable: true });
    } finally {
      proxy.close();
    }
  });

  it('answers callback queries by id or by the postback event', async () => {
    await telegram.answerCallbackQuery(
      { channel: 'telegram', key: `telegram:${BOT}:callback:4382bfdwdsb323b2d9` },
      { text: 'Saved' },
    );
    expect(fake.calls.at(-1)).toEqual({
      method: 'answerCallbackQuery',
      params: { callback_query_id: '4382bfdwdsb323b2d9', text: 'Saved' },
    });
    await expect(
      telegram.answerCallbackQuery({ channel: 'telegram', key: `telegram:${BOT}:msg:1:2` }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});

describe('downloadFile', () => {
  it('fetches an inbound file by file_id through getFile', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.7 invoice');
    const fileId = fake.addFile(bytes, { path: 'documents/invoice.pdf' });
    const file = await telegram.downloadFile(fileId);
    expect(new TextDecoder().decode(file.bytes)).toBe('%PDF-1.7 invoice');
    expect(file).toMatchObject({ filePath: 'documents/invoice.pdf', fileSize: bytes.byteLength });
  });

  it('refuses a file over the cap before downloading it, and an unknown id as INVALID_REQUEST', async () => {
    const fileId = fake.addFile(new Uint8Array(2048));
    await expect(telegram.downloadFile(fileId, { maxBytes: 1024 })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    await expect(telegram.downloadFile('nope')).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});

describe('downloadFile without a size from getFile', () => {
  it('stops reading past the cap (PAYLOAD_TOO_LARGE)', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      if (req.url?.includes('/getFile')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, result: { file_id: 'f', file_path: 'videos/big.mp4' } }));
      } else res.writeHead(200).end(Buffer.alloc(5000));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const port = (server.address() as { port: number }).port;
      const e = await failure(
        adapter({ apiBaseUrl: `http://127.0.0.1:${port}` }).downloadFile('f', { maxBytes: 1000 }),
      );
      expect(e.code).toBe('PAYLOAD_TOO_LARGE');
      expect(`${e.message}`).not.toContain('AAfakeToken');
    } finally {
      server.close();
    }
  });
});

describe('raw sends', () => {
  it('calls the named Bot API method with the chat added and returns the message id', async () => {
    const receipt = await send({
      type: 'raw',
      body: { method: 'sendPoll', question: 'Lunch?', options: [{ text: 'Yes' }, { text: 'No' }] },
    });
    expect(fake.calls.at(-1)).toEqual({
      method: 'sendPoll',
      params: { chat_id: Number(ANN), question: 'Lunch?', options: [{ text: 'Yes' }, { text: 'No' }] },
    });
    expect(receipt.messageId).toBe(`${BOT}:${ANN}:${fake.sent.at(-1)?.messageId}`);
  });

  it('refuses a method that is not a send, before any call', async () => {
    for (const method of ['setWebhook', 'deleteWebhook', 'logOut', undefined]) {
      const e = await failure(send({ type: 'raw', body: { method, url: '' } } as OutboundContent));
      expect(e.code).toBe('INVALID_REQUEST');
    }
    expect(fake.calls).toHaveLength(0);
  });
});
