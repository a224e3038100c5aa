import { SwitchboardError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { telegramConfigFromEnv } from '../src/index.js';
import { adapter, BOT, bytes, headers, OLD_SECRET, SECRET } from './helpers.js';

const telegram = adapter();
const body = bytes('{"update_id":1}');
const check = (value?: string) =>
  telegram.verifySignature(
    body,
    headers(value === undefined ? {} : { 'x-telegram-bot-api-secret-token': value }),
  );

describe('verifySignature: X-Telegram-Bot-Api-Secret-Token', () => {
  it('accepts every configured token and says which one matched (rotation)', () => {
    expect(check(SECRET)).toEqual({ ok: true, secretIndex: 0 });
    expect(check(OLD_SECRET)).toEqual({ ok: true, secretIndex: 1 });
  });

  it('rejects missing, malformed and wrong tokens without throwing', () => {
    expect(check()).toMatchObject({ ok: false, reason: 'missing' });
    expect(check('')).toMatchObject({ ok: false, reason: 'missing' });
    expect(check('has space')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(check('a'.repeat(10_000))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(check(`${SECRET}x`)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(check(SECRET.slice(0, -1))).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(check(SECRET.toUpperCase())).toMatchObject({ ok: false, reason: 'mismatch' });
    const throwing = {
      get: () => {
        throw new Error('boom');
      },
    };
    expect(telegram.verifySignature(body, throwing).ok).toBe(false);
  });

  it('has no GET handshake', () => {
    expect(
      telegram.verifyChallenge(
        new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': SECRET, 'hub.challenge': '1' }),
      ),
    ).toBeNull();
  });
});

describe('config', () => {
  it('takes the account id from the token', () => {
    expect(telegram.accountIds).toEqual([BOT]);
    expect(telegram.capabilities).toEqual({ sendConfirmation: 'none', ackBody: 'OK', keptHeaders: [] });
  });

  it.each([
    [{ secretToken: 'with+plus=' }, 'secretToken'],
    [{ secretToken: 'x'.repeat(257) }, 'secretToken'],
    [{ botToken: 'not-a-token' }, 'botToken'],
    [{ botToken: undefined, botId: undefined }, 'botId'],
    [{ botId: '999' }, 'botId'],
  ])('refuses %j with INVALID_REQUEST naming the field, never the token', (override, field) => {
    let error: unknown;
    try {
      adapter(override as never);
    } catch (e) {
      error = e;
    }
    expect(SwitchboardError.is(error, 'INVALID_REQUEST')).toBe(true);
    expect((error as Error).message).toContain(field);
    expect((error as Error).message).not.toContain('AAfakeToken');
  });

  it('reads the environment', () => {
    expect(
      telegramConfigFromEnv({
        TELEGRAM_BOT_TOKEN: '1:AA',
        TELEGRAM_SECRET_TOKEN: 'new, old',
        TELEGRAM_WEBHOOK_URL: 'https://example.com/webhooks/telegram',
      }),
    ).toEqual({
      botToken: '1:AA',
      secretToken: ['new', 'old'],
      webhookUrl: 'https://example.com/webhooks/telegram',
    });
  });
});
