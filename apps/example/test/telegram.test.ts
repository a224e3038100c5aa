import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { RunningInbox } from '../src/server/app.js';
import { startTestInbox } from './browser.js';
import { inboxApi } from './http.js';

const TOKEN = '7000000001:AAexampleInboxToken';

/** Telegram beside the Meta channels: TELEGRAM_BOT_TOKEN in simulator mode starts the fake Bot API. */
describe('Telegram in the inbox (simulator mode)', () => {
  let inbox: RunningInbox;
  let cleanup: () => Promise<void>;
  let api: Awaited<ReturnType<typeof inboxApi>>;

  beforeAll(async () => {
    ({ inbox, cleanup } = await startTestInbox({ TELEGRAM_BOT_TOKEN: TOKEN }));
    api = await inboxApi(inbox);
    await inbox.switchboard.drain();
  });
  afterAll(() => cleanup?.());

  it('shows the seeded Telegram conversation beside the Meta ones, without a messaging window', async () => {
    const conversationId = 'telegram:7000000001:100000001';
    const thread = await api.thread(conversationId);
    expect(thread.conversation.channel).toBe('telegram');
    expect(
      thread.items.some(
        (i) => i.type === 'message' && JSON.stringify(i).includes('Is my parcel on its way?'),
      ),
    ).toBe(true);
    expect(thread.window).toMatchObject({ hours: null, open: true });

    await api.send(conversationId, { kind: 'text', text: 'It left the depot this morning.' });
    await inbox.switchboard.drain();
    expect(inbox.telegramFake?.sent.at(-1)).toMatchObject({
      chatId: '100000001',
      params: { text: 'It left the depot this morning.' },
    });
  });

  it('lists the bot on the health page with its Bot API probes', async () => {
    const health = await api.health();
    const bot = health.accounts.find((a) => a.channel === 'telegram');
    expect(bot?.accountId).toBe('7000000001');
    expect(bot?.checks.map((c) => [c.probe, c.status])).toEqual(
      expect.arrayContaining([
        ['telegram.token', 'ok'],
        ['telegram.subscription', 'ok'],
        ['telegram.delivery', 'ok'],
      ]),
    );
    expect(new Set(health.accounts.map((a) => a.channel))).toEqual(
      new Set(['messenger', 'instagram', 'whatsapp', 'telegram']),
    );
  });
});

describe('Telegram configuration', () => {
  it('is off without a token, and a bot token alone is enough for real mode', () => {
    expect(loadConfig({ SIMULATOR: 'on' }).telegram).toBe(false);
    expect(() => loadConfig({ SIMULATOR: 'off' })).toThrow(/TELEGRAM_BOT_TOKEN/);
    const real = loadConfig({
      SIMULATOR: 'off',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_SECRET_TOKEN: 'secret_1',
    });
    expect(real).toMatchObject({ simulator: false, telegram: true });
  });
});
