import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createChallengeRequest,
  createWebhookRequest,
  metaEscapedJson,
  signWebhookBody,
} from '../src/index.js';

const SECRET = 'test-app-secret';
const hmac = (bytes: Uint8Array | string) => createHmac('sha256', SECRET).update(bytes).digest('hex');

describe('createWebhookRequest', () => {
  it('POSTs the exact text with a matching X-Hub-Signature-256', async () => {
    const body = '{"object":"page","entry":[]}';
    const request = createWebhookRequest({ channel: 'messenger', body, appSecret: SECRET });
    expect(request.method).toBe('POST');
    expect(new URL(request.url).pathname).toBe('/webhooks/messenger');
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('x-hub-signature-256')).toBe(`sha256=${hmac(body)}`);
    expect(request.headers.get('x-hub-signature')).toMatch(/^sha1=[0-9a-f]{40}$/);
    expect(await request.text()).toBe(body);
  });

  it('serializes objects like Meta (\\uXXXX and \\/) and signs those bytes', async () => {
    const request = createWebhookRequest({
      channel: 'whatsapp',
      body: { text: 'äö 😀 https://x.example/a' },
      appSecret: SECRET,
      baseUrl: 'http://127.0.0.1:3000/',
    });
    const text = await request.clone().text();
    expect(text).toBe('{"text":"\\u00e4\\u00f6 \\ud83d\\ude00 https:\\/\\/x.example\\/a"}');
    expect(request.url).toBe('http://127.0.0.1:3000/webhooks/whatsapp');
    expect(request.headers.get('x-hub-signature-256')).toBe(`sha256=${hmac(text)}`);
    expect(JSON.parse(text)).toEqual({ text: 'äö 😀 https://x.example/a' });
  });

  it('sends raw bytes untouched', async () => {
    const bytes = new TextEncoder().encode('{"text":"grüße"}');
    const request = createWebhookRequest({ channel: 'instagram', body: bytes, appSecret: SECRET });
    expect(new Uint8Array(await request.arrayBuffer())).toEqual(bytes);
    expect(request.headers.get('x-hub-signature-256')).toBe(`sha256=${hmac(bytes)}`);
  });

  it('can omit or replace the signature and add headers, for rejection tests', () => {
    const missing = createWebhookRequest({
      channel: 'messenger',
      body: '{}',
      appSecret: SECRET,
      signature: null,
    });
    expect(missing.headers.has('x-hub-signature-256')).toBe(false);
    const forged = createWebhookRequest({
      channel: 'messenger',
      body: '{}',
      appSecret: SECRET,
      signature: 'sha1=abc',
      headers: { 'x-request-id': 'r1' },
      path: 'hooks/fb',
    });
    expect(forged.headers.get('x-hub-signature-256')).toBe('sha1=abc');
    expect(forged.headers.get('x-request-id')).toBe('r1');
    expect(new URL(forged.url).pathname).toBe('/hooks/fb');
  });
});

describe('createChallengeRequest', () => {
  it('builds the GET handshake with hub.* parameters', () => {
    const request = createChallengeRequest({ channel: 'whatsapp', verifyToken: 'v t' });
    const url = new URL(request.url);
    expect(request.method).toBe('GET');
    expect(url.pathname).toBe('/webhooks/whatsapp');
    expect(url.searchParams.get('hub.mode')).toBe('subscribe');
    expect(url.searchParams.get('hub.verify_token')).toBe('v t');
    expect(url.searchParams.get('hub.challenge')).toBe('1158201444');
    const custom = createChallengeRequest({
      channel: 'x',
      verifyToken: 't',
      challenge: 'c',
      mode: 'unsubscribe',
    });
    expect(new URL(custom.url).searchParams.get('hub.mode')).toBe('unsubscribe');
  });
});

describe('helpers', () => {
  it('signWebhookBody and metaEscapedJson', () => {
    expect(signWebhookBody('abc', SECRET)).toBe(`sha256=${hmac('abc')}`);
    expect(metaEscapedJson({ a: 'é/' })).toBe('{"a":"\\u00e9\\/"}');
    expect(metaEscapedJson(undefined)).toBe('null');
  });
});
