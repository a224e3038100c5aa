import { randomBytes } from 'node:crypto';
import { createMemoryStore, createSwitchboard, silentLogger } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBotApi, startFakeBotApi } from '../src/fake.js';
import { createTelegramAdapter } from '../src/index.js';
import { ANN, BOT, BOT_TOKEN, bytes, headers } from './helpers.js';

/** A bot configured with its id only: token and webhook secret come from switchboard.accounts / switchboard.apps. */
describe('credentials from the engine registry (attach)', () => {
  let fake: FakeBotApi;
  beforeAll(async () => {
    fake = await startFakeBotApi({ token: BOT_TOKEN });
  });
  afterAll(() => fake.close());

  const setup = () => {
    const telegram = createTelegramAdapter({
      botId: BOT,
      apiBaseUrl: fake.url,
      webhookUrl: 'http://127.0.0.1:9/webhooks/telegram',
    });
    const switchboard = createSwitchboard({
      adapters: [telegram],
      store: createMemoryStore(),
      logger: silentLogger,
      watch: false,
      credentials: { keys: [{ id: 'k1', key: randomBytes(32) }] },
    });
    return { telegram, switchboard };
  };
  const send = (telegram: ReturnType<typeof setup>['telegram']) =>
    telegram.send({
      to: { channel: 'telegram', accountId: BOT, userId: ANN },
      content: { type: 'text', text: 'hi' },
    });

  it('sends with the token stored for the bot, and refuses one of another bot', async () => {
    const { telegram, switchboard } = setup();
    await expect(send(telegram)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await switchboard.accounts.connect({
      channel: 'telegram',
      accountId: BOT,
      credentials: { botToken: BOT_TOKEN },
    });
    expect((await send(telegram)).messageId).toMatch(new RegExp(`^${BOT}:${ANN}:\\d+$`));
    await switchboard.accounts.update('telegram', BOT, { credentials: { botToken: '8000000002:AAother' } });
    await expect(send(telegram)).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringMatching(/another bot/),
    });
    await switchboard.stop();
  });

  it('accepts the webhook secret registered with switchboard.apps and uses it for setWebhook', async () => {
    const { telegram, switchboard } = setup();
    const check = (value: string) =>
      telegram.verifySignature(bytes('{}'), headers({ 'x-telegram-bot-api-secret-token': value }));
    expect(check('registered_secret')).toMatchObject({
      ok: false,
      hint: expect.stringMatching(/no secret token/),
    });
    await expect(telegram.resubscribe(BOT)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await switchboard.apps.put(BOT, ['registered_secret']);
    await switchboard.accounts.connect({
      channel: 'telegram',
      accountId: BOT,
      credentials: { botToken: BOT_TOKEN },
    });
    expect(check('registered_secret')).toEqual({ ok: true, secretIndex: 0, appId: BOT });
    expect(check('other_secret').ok).toBe(false);
    await telegram.resubscribe(BOT);
    expect(fake.webhook.secretToken).toBe('registered_secret');
    await switchboard.stop();
  });
});
