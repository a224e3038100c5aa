import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMemoryStore,
  createSwitchboard,
  ManualClock,
  type MessageEvent,
  type PostbackEvent,
  type Switchboard,
  silentLogger,
  toNodeListener,
} from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBotApi, startFakeBotApi } from '../src/fake.js';
import { createTelegramAdapter, type TelegramAdapter } from '../src/index.js';
import { BOT, BOT_TOKEN, SECRET } from './helpers.js';

let fake: FakeBotApi;
let telegram: TelegramAdapter;
let switchboard: Switchboard;
let server: Server;
const seen: MessageEvent[] = [];
const clicks: PostbackEvent[] = [];

beforeAll(async () => {
  fake = await startFakeBotApi({ token: BOT_TOKEN });
  server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram`;
  telegram = createTelegramAdapter({
    botToken: BOT_TOKEN,
    secretToken: SECRET,
    webhookUrl,
    apiBaseUrl: fake.url,
  });
  switchboard = createSwitchboard({
    adapters: [telegram],
    store: createMemoryStore(),
    logger: silentLogger,
    watch: false,
  });
  server.on('request', toNodeListener(switchboard));
  switchboard.on('message', async (event) => {
    seen.push(event);
    if (event.direction === 'inbound') {
      await switchboard.send({
        to: event, // the user, or the group for an event of a group
        content: {
          type: 'buttons',
          text: `You said: ${event.text}`,
          buttons: [{ type: 'postback', title: 'Thanks', payload: 'thanks' }],
        },
        replyTo: event.messageId,
      });
    }
  });
  switchboard.on('postback', async (event) => {
    clicks.push(event);
    await telegram.answerCallbackQuery(event, { text: 'Noted' });
  });
  await telegram.resubscribe(BOT);
});

afterAll(async () => {
  await switchboard.stop();
  await new Promise<void>((ok) => server.close(() => ok()));
  await fake.close();
});

describe('end to end through createSwitchboard', () => {
  it('a signed update is stored, handled once, and the reply reaches the Bot API', async () => {
    const message = fake.textMessage({ chatId: 100000001, text: 'where is my order?', messageId: 17 });
    expect(await fake.deliver({ update_id: 5001, message })).toBe(200);
    // Telegram re-sends on any doubt: the same update again is deduplicated.
    expect(await fake.deliver({ update_id: 5001, message })).toBe(200);
    await switchboard.drain();
    expect(seen.map((e) => e.text)).toEqual(['where is my order?']);
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({
      method: 'sendmessage',
      chatId: '100000001',
      params: {
        text: 'You said: where is my order?',
        reply_parameters: { message_id: 17, allow_sending_without_reply: true },
        reply_markup: { inline_keyboard: [[{ text: 'Thanks', callback_data: 'thanks' }]] },
      },
    });
    const stored = await switchboard.store.conversations.get(`telegram:${BOT}:100000001`);
    expect(stored).toBeTruthy();
  });

  it("acknowledges a stored update with the adapter's ack body (OK)", async () => {
    const response = await switchboard.handleWebhook(
      new Request('http://127.0.0.1/webhooks/telegram', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify({
          update_id: 6001,
          message: fake.textMessage({ chatId: 100000002, text: 'ack?' }),
        }),
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('OK');
    await switchboard.drain();
  });

  it('a button press comes back as a postback and is answered', async () => {
    const status = await fake.deliver({
      callback_query: {
        id: '99887766',
        from: { id: 100000001, is_bot: false, first_name: 'Ann' },
        message: {
          message_id: fake.sent[0]!.messageId,
          chat: { id: 100000001, type: 'private' },
          date: Math.floor(Date.now() / 1000),
        },
        chat_instance: '-1',
        data: 'thanks',
      },
    });
    expect(status).toBe(200);
    await switchboard.drain();
    expect(clicks.map((c) => c.payload)).toEqual(['thanks']);
    expect(fake.calls.at(-1)).toEqual({
      method: 'answerCallbackQuery',
      params: { callback_query_id: '99887766', text: 'Noted' },
    });
  });

  it('a wrong secret token is refused with 401 and nothing is stored; Telegram records the error', async () => {
    const before = (await switchboard.store.inbox.count()).pending;
    expect(
      await fake.deliver(
        { message: fake.textMessage({ chatId: 1, text: 'forged' }) },
        { secretToken: 'wrong_one' },
      ),
    ).toBe(401);
    expect(
      await fake.deliver({ message: fake.textMessage({ chatId: 1, text: 'forged' }) }, { secretToken: null }),
    ).toBe(401);
    expect((await switchboard.store.inbox.count()).pending).toBe(before);
    expect(fake.webhook.lastErrorMessage).toMatch(/401/);
    const delivery = await telegram
      .probes()
      .find((p) => p.name === 'telegram.delivery')!
      .run();
    expect(delivery.status).toBe('down');
  });

  it('a reply to a blocked user fails for good as RECIPIENT_UNAVAILABLE', async () => {
    fake.block(100000001);
    try {
      const entry = await switchboard.send({
        to: { channel: 'telegram', accountId: BOT, userId: '100000001' },
        content: { type: 'text', text: 'hello?' },
      });
      await switchboard.drain();
      const final = await switchboard.store.outbox.get(entry.id);
      expect(final).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'RECIPIENT_UNAVAILABLE' } });
    } finally {
      fake.unblock(100000001);
    }
  });

  it('a 429 is retried after retry_after on the engine clock, then delivered once', async () => {
    const clock = new ManualClock(Date.parse('2026-01-05T10:00:00Z'));
    const limited = createSwitchboard({
      adapters: [
        createTelegramAdapter({ botToken: BOT_TOKEN, secretToken: SECRET, apiBaseUrl: fake.url, clock }),
      ],
      store: createMemoryStore(),
      logger: silentLogger,
      watch: false,
      clock,
      random: () => 0,
    });
    fake.failNext('sendMessage', {
      code: 429,
      description: 'Too Many Requests: retry after 30',
      retryAfter: 30,
    });
    const before = fake.sent.length;
    const entry = await limited.send({
      to: { channel: 'telegram', accountId: BOT, userId: '100000001' },
      content: { type: 'text', text: 'after the flood' },
    });
    await limited.drain();
    expect(await limited.store.outbox.get(entry.id)).toMatchObject({
      state: 'pending',
      nextAttemptAt: clock.now() + 30_000,
    });
    await clock.advance(29_000);
    await limited.drain();
    expect(fake.sent.length).toBe(before);
    await clock.advance(1_000);
    await limited.drain();
    expect(fake.sent.slice(before).map((m) => m.params.text)).toEqual(['after the flood']);
    expect(await limited.store.outbox.get(entry.id)).toMatchObject({ state: 'sent' });
    await limited.stop();
  });

  it('reply() from a handler answers in the group, not privately to the sender', async () => {
    const group = createSwitchboard({
      adapters: [createTelegramAdapter({ botToken: BOT_TOKEN, secretToken: SECRET, apiBaseUrl: fake.url })],
      store: createMemoryStore(),
      logger: silentLogger,
      watch: false,
    });
    group.on('message', async (event, { reply }) => {
      await reply(
        { type: 'text', text: `Thanks ${event.profile?.name}` },
        { message: { replyTo: event.messageId } },
      );
    });
    const update = {
      update_id: 7001,
      message: {
        message_id: 501,
        from: { id: 100000002, is_bot: false, first_name: 'Dan' },
        chat: { id: -1001234567890, title: 'Support', type: 'supergroup' },
        date: Math.floor(Date.now() / 1000),
        text: 'anyone here?',
      },
    };
    const response = await group.handleWebhook(
      new Request('http://127.0.0.1/webhooks/telegram', {
        method: 'POST',
        headers: { 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(update),
      }),
    );
    expect(response.status).toBe(200);
    await group.drain();
    expect(fake.sent.at(-1)).toMatchObject({
      chatId: '-1001234567890',
      params: { text: 'Thanks Dan', reply_parameters: { message_id: 501 } },
    });
    await group.stop();
  });
});
