import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createWhatsAppAdapter,
  WHATSAPP_LIMITS,
  type WhatsAppAdapterConfig,
  whatsAppConfigFromEnv,
} from '../src/index.js';
import { APP_SECRET, P1, parserAdapter, rawFixture, signedHeaders, VERIFY_TOKEN } from './helpers.js';

describe('handshake and signature', () => {
  const adapter = parserAdapter();

  it('answers the challenge only to our verify token', () => {
    const q = (token: string) =>
      new URLSearchParams({
        'hub.mode': 'subscribe',
        'hub.verify_token': token,
        'hub.challenge': '1158201444',
      });
    expect(adapter.verifyChallenge(q(VERIFY_TOKEN))).toBe('1158201444');
    expect(adapter.verifyChallenge(q('wrong'))).toBeNull();
  });

  it('verifies X-Hub-Signature-256 over the raw bytes, with several secrets', () => {
    const raw = rawFixture('text');
    expect(adapter.verifySignature(raw, signedHeaders(raw))).toEqual({ ok: true, secretIndex: 0 });
    expect(adapter.verifySignature(raw, signedHeaders(raw, 'other-secret')).ok).toBe(false);
    expect(adapter.verifySignature(raw, new Headers())).toMatchObject({ ok: false, reason: 'missing' });
    const rotated = createWhatsAppAdapter({
      appSecrets: ['new-secret', APP_SECRET],
      verifyToken: VERIFY_TOKEN,
    });
    expect(rotated.verifySignature(raw, signedHeaders(raw))).toEqual({ ok: true, secretIndex: 1 });
  });
});

describe('configuration', () => {
  it('reads WHATSAPP_* variables', () => {
    expect(
      whatsAppConfigFromEnv({
        WHATSAPP_APP_SECRET: 'a, b',
        WHATSAPP_VERIFY_TOKEN: 'v',
        WHATSAPP_ACCESS_TOKEN: 'EAAtoken',
        WHATSAPP_PHONE_NUMBER_IDS: '1,2',
        WHATSAPP_WABA_IDS: '3',
        WHATSAPP_APP_ID: '4',
        WHATSAPP_GRAPH_BASE_URL: 'http://127.0.0.1:9',
        WHATSAPP_GRAPH_VERSION: 'v25.0',
        WHATSAPP_EXPECTED_CALLBACK_URL: 'https://hooks.example.com/webhooks/whatsapp',
        WHATSAPP_MEDIA_MAX_BYTES: '1000',
      }),
    ).toEqual({
      appSecrets: ['a', 'b'],
      verifyToken: 'v',
      accessToken: 'EAAtoken',
      phoneNumberIds: ['1', '2'],
      wabaIds: ['3'],
      appId: '4',
      graphBaseUrl: 'http://127.0.0.1:9',
      graphVersion: 'v25.0',
      expectedCallbackUrl: 'https://hooks.example.com/webhooks/whatsapp',
      mediaMaxBytes: 1000,
    });
  });

  it('rejects a config without secret or verify token, naming the option and not the values', () => {
    const attempt = (config: Record<string, unknown>) => {
      try {
        createWhatsAppAdapter(config as WhatsAppAdapterConfig);
        return undefined;
      } catch (e) {
        return e as { code: string; message: string };
      }
    };
    expect(attempt({ verifyToken: 'v' })).toMatchObject({
      code: 'PAYLOAD_INVALID',
      message: expect.stringContaining('appSecret'),
    });
    const noToken = attempt({ appSecret: 'super-secret-value' });
    expect(noToken).toMatchObject({
      code: 'PAYLOAD_INVALID',
      message: expect.stringContaining('verifyToken'),
    });
    expect(noToken?.message).not.toContain('super-secret-value');
  });

  it('parses without an access token; sending without one is AUTH_FAILED', async () => {
    const adapter = parserAdapter();
    expect(adapter.parseWebhook(rawFixture('text')).events).toHaveLength(1);
    await expect(
      adapter.send({
        to: { channel: 'whatsapp', accountId: P1, userId: '1' },
        content: { type: 'text', text: 'x' },
      }),
    ).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('declares limits and no backfill', () => {
    const adapter = parserAdapter();
    expect(adapter.channel).toBe('whatsapp');
    expect(adapter.limits).toBe(WHATSAPP_LIMITS);
    expect(adapter.limits).toMatchObject({
      textMaxLength: 4096,
      buttonsMax: 3,
      windowHours: 24,
      sendPerSecond: 80,
    });
    expect(adapter.limits.supportedContent).not.toContain('cards');
    expect('backfill' in adapter).toBe(false);
    expect(adapter.accountIds).toEqual([P1, '110200345501442']);
  });
});

describe('configuration convention (same as Messenger and Instagram)', () => {
  it('never reads process.env by itself: the environment comes only through whatsAppConfigFromEnv', () => {
    const saved = { ...process.env };
    process.env.WHATSAPP_VERIFY_TOKEN = 'token-from-env';
    process.env.WHATSAPP_APP_SECRET = 'secret-from-env';
    try {
      const adapter = createWhatsAppAdapter({ appSecrets: [APP_SECRET], verifyToken: VERIFY_TOKEN });
      const q = (token: string) =>
        new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': 'c' });
      expect(adapter.verifyChallenge(q('token-from-env'))).toBeNull();
      const raw = rawFixture('text');
      expect(adapter.verifySignature(raw, signedHeaders(raw, 'secret-from-env')).ok).toBe(false);
      expect(() => createWhatsAppAdapter({ appSecrets: [APP_SECRET] } as WhatsAppAdapterConfig)).toThrow(
        /verifyToken/,
      );
      expect(createWhatsAppAdapter(whatsAppConfigFromEnv()).verifyChallenge(q('token-from-env'))).toBe('c');
    } finally {
      process.env = saved;
    }
  });

  it('accepts several verify tokens, and reads APP_SECRETS and the WABA of each number from the environment', () => {
    const adapter = createWhatsAppAdapter({ appSecrets: [APP_SECRET], verifyToken: ['old', 'new'] });
    for (const token of ['old', 'new'])
      expect(
        adapter.verifyChallenge(
          new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': 'c' }),
        ),
      ).toBe('c');
    expect(
      whatsAppConfigFromEnv({
        WHATSAPP_APP_SECRETS: 'a,b',
        WHATSAPP_VERIFY_TOKEN: 'old,new',
        WHATSAPP_WABA_ID_BY_PHONE_NUMBER_ID: '111:900, 222:901',
      }),
    ).toEqual({
      appSecrets: ['a', 'b'],
      verifyToken: ['old', 'new'],
      wabaIdByPhoneNumberId: { '111': '900', '222': '901' },
    });
    const linked = createWhatsAppAdapter({
      appSecrets: [APP_SECRET],
      verifyToken: VERIFY_TOKEN,
      phoneNumberIds: ['333'],
      wabaIdByPhoneNumberId: { '111': '900', '222': '901' },
    });
    expect(linked.accountIds).toEqual(['333', '111', '222']);
  });

  it('the README documents exactly the variables whatsAppConfigFromEnv reads', () => {
    const source = readFileSync(new URL('../src/config.ts', import.meta.url), 'utf8');
    const read = [...new Set(source.match(/env\.WHATSAPP_[A-Z_]+/g)?.map((v) => v.slice(4)))].sort();
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Webhook route'));
    expect([...new Set(section.match(/WHATSAPP_[A-Z_]+/g))].sort()).toEqual(read);
    expect(read).toHaveLength(16);
  });
});
