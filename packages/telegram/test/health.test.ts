import { ManualClock } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeBotApi, startFakeBotApi } from '../src/fake.js';
import { DEFAULT_ALLOWED_UPDATES } from '../src/index.js';
import { adapter, BOT, BOT_TOKEN, NOW, SECRET } from './helpers.js';

const HOOK = 'http://127.0.0.1:9/webhooks/telegram';
let fake: FakeBotApi;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock(NOW);
  fake = await startFakeBotApi({ token: BOT_TOKEN, now: () => clock.now() });
});
afterEach(() => fake.close());

const run = async (telegram: ReturnType<typeof adapter>) => {
  const results = await Promise.all(telegram.probes().map((p) => p.run()));
  return Object.fromEntries(results.map((r) => [r.probe.replace('telegram.', ''), r]));
};

describe('probes', () => {
  it('all ok after resubscribe: getMe works, the webhook is ours, nothing failing', async () => {
    const telegram = adapter({ apiBaseUrl: fake.url, webhookUrl: HOOK, clock });
    await telegram.resubscribe(BOT);
    expect(fake.calls.at(-1)).toEqual({
      method: 'setWebhook',
      params: { url: HOOK, secret_token: SECRET, allowed_updates: [...DEFAULT_ALLOWED_UPDATES] },
    });
    const r = await run(telegram);
    expect(r.token).toMatchObject({ status: 'ok', accountId: BOT, data: { username: 'fake_inbox_bot' } });
    expect(r.subscription).toMatchObject({ status: 'ok', accountId: BOT });
    expect(r.delivery).toMatchObject({ status: 'ok', data: { pendingUpdateCount: 0 } });
  });

  it('no webhook → subscription down (the case resubscribe fixes)', async () => {
    const r = await run(adapter({ apiBaseUrl: fake.url, webhookUrl: HOOK, clock }));
    expect(r.subscription?.status).toBe('down');
    expect(r.subscription?.reason).toMatch(/No webhook is set/);
  });

  it('a webhook overwritten by another deployment → subscription down; drifted update types → degraded', async () => {
    const telegram = adapter({ apiBaseUrl: fake.url, webhookUrl: HOOK, clock });
    fake.webhook.url = 'https://other.example.com/hook';
    expect((await run(telegram)).subscription).toMatchObject({
      status: 'down',
      reason: expect.stringMatching(/other\.example\.com/),
    });
    fake.webhook.url = HOOK;
    fake.webhook.allowedUpdates = ['message'];
    expect((await run(telegram)).subscription).toMatchObject({
      status: 'degraded',
      data: { missing: expect.arrayContaining(['callback_query', 'message_reaction']) },
    });
    // Omitted allowed_updates = Telegram's default, which excludes reactions we asked for.
    fake.webhook.allowedUpdates = undefined;
    expect((await run(telegram)).subscription).toMatchObject({
      status: 'degraded',
      data: { missing: ['message_reaction'] },
    });
  });

  it('reports Telegram failing to deliver: recent last_error with pending updates → down, and it ages out', async () => {
    const telegram = adapter({ apiBaseUrl: fake.url, webhookUrl: HOOK, clock });
    await telegram.resubscribe(BOT);
    // HOOK is a closed port: the delivery fails like Telegram's would.
    expect(await fake.deliver({ message: fake.textMessage({ chatId: 1, text: 'x' }) })).toBe(0);
    let r = await run(telegram);
    expect(r.delivery).toMatchObject({ status: 'down', data: { pendingUpdateCount: 1, lastErrorAt: NOW } });
    expect(r.delivery?.reason).toMatch(/Can't connect to the webhook/);
    fake.webhook.pendingUpdateCount = 0;
    expect((await run(telegram)).delivery?.status).toBe('degraded');
    await clock.advance(11 * 60_000);
    r = await run(telegram);
    expect(r.delivery?.status).toBe('ok');
    fake.webhook.pendingUpdateCount = 101;
    expect((await run(telegram)).delivery).toMatchObject({
      status: 'degraded',
      reason: expect.stringMatching(/101 updates/),
    });
  });

  it('a revoked token → token down', async () => {
    const revoked = adapter({ apiBaseUrl: fake.url, botToken: '7000000001:AArevoked', clock });
    expect((await run(revoked)).token).toMatchObject({
      status: 'down',
      reason: expect.stringMatching(/AUTH_FAILED/),
    });
  });

  it('a Bot API outage is degraded, not a throw; no token is down', async () => {
    fake.failNext('*', { code: 500, description: 'Internal Server Error: restart' }, 3);
    const r = await run(adapter({ apiBaseUrl: fake.url, clock }));
    expect(Object.values(r).map((x) => x.status)).toEqual(['degraded', 'degraded', 'degraded']);
    const noToken = await run(adapter({ apiBaseUrl: fake.url, botToken: undefined, botId: BOT, clock }));
    expect(noToken.token?.status).toBe('down');
  });

  it('never reports the token when it is written into the webhook URL', async () => {
    fake.webhook.url = `https://example.com/hook/${BOT_TOKEN}`;
    const r = await run(adapter({ apiBaseUrl: fake.url, clock }));
    expect(JSON.stringify(r)).not.toContain(BOT_TOKEN.split(':')[1]);
  });

  it('inspectToken: valid for a working token (bot tokens never expire), invalid when revoked, throws when Telegram is down', async () => {
    expect(await adapter({ apiBaseUrl: fake.url }).inspectToken(BOT)).toEqual({
      valid: true,
      expiresAt: null,
      scopes: [],
    });
    const revoked = await adapter({ apiBaseUrl: fake.url, botToken: '7000000001:AArevoked' }).inspectToken(
      BOT,
    );
    expect(revoked).toMatchObject({ valid: false, reason: expect.stringMatching(/Unauthorized/) });
    fake.failNext('getMe', { code: 502, description: 'Bad Gateway' });
    await expect(adapter({ apiBaseUrl: fake.url }).inspectToken(BOT)).rejects.toMatchObject({
      code: 'TEMPORARY',
    });
  });

  it('resubscribe without a webhook URL or for another bot is INVALID_REQUEST', async () => {
    await expect(adapter({ apiBaseUrl: fake.url }).resubscribe(BOT)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(adapter({ apiBaseUrl: fake.url, webhookUrl: HOOK }).resubscribe('1')).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });
});
