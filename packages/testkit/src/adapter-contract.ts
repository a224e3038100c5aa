import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  type ChannelAdapter,
  ChannelEvent,
  type OutboundContent,
  type OutboundContentType,
  SwitchboardError,
  type WebhookHeaders,
} from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** One sample of every outbound content type, for the NOT_SUPPORTED check. */
const CONTENT_SAMPLES: Record<OutboundContentType, OutboundContent> = {
  text: { type: 'text', text: 'hello' },
  image: { type: 'image', url: 'https://example.com/a.png' },
  video: { type: 'video', url: 'https://example.com/a.mp4' },
  audio: { type: 'audio', url: 'https://example.com/a.m4a' },
  file: { type: 'file', url: 'https://example.com/a.pdf' },
  sticker: { type: 'sticker', mediaId: '369239263222822' },
  quick_replies: {
    type: 'quick_replies',
    text: 'pick',
    replies: [{ kind: 'text', title: 'A', payload: 'A' }],
  },
  buttons: { type: 'buttons', text: 'pick', buttons: [{ type: 'postback', title: 'A', payload: 'A' }] },
  list: { type: 'list', text: 'pick', buttonText: 'Open', sections: [{ rows: [{ id: '1', title: 'One' }] }] },
  cards: { type: 'cards', cards: [{ title: 'Card' }] },
  template: { type: 'template', name: 'order_update', language: 'en_US', components: [] },
  reaction: { type: 'reaction', messageId: 'mid.1', emoji: '👍' },
  location: { type: 'location', latitude: 52.52, longitude: 13.405 },
  contacts: { type: 'contacts', contacts: [{ name: { formattedName: 'Ann Example' } }] },
  sender_action: { type: 'sender_action', action: 'typing_on', messageId: 'mid.1' },
};

export interface AdapterContractOptions {
  /** Suite title; defaults to the adapter's channel. */
  name?: string;
  /** Builds the adapter under test, pointing its Graph calls at `graphBaseUrl` (a local server that counts requests). */
  createAdapter(options: { graphBaseUrl: string }): ChannelAdapter;
  /** Directory of webhook body fixtures (`*.json`, one payload kind per file). */
  fixturesDir: string;
  /** Secret the adapter verifies signatures with. */
  appSecret: string;
  /** Verify token the adapter accepts in the GET handshake. */
  verifyToken: string;
  /** Account and user used for send checks. */
  recipient: { accountId: string; userId: string };
  /** Bodies whose items the adapter cannot model: each must yield `unsupported` events, never throw. */
  unknownItemBodies: readonly unknown[];
}

const sign = (body: Uint8Array, secret: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
/**
 * Headers as the contract promises them (`WebhookHeaders`: `get` only, the view the Node bridge
 * passes), not a full web `Headers`: an adapter that calls `has()` or iterates must fail here, not in
 * production behind node:http.
 */
const headersWith = (signature?: string): WebhookHeaders => {
  const raw: Record<string, string> = signature === undefined ? {} : { 'x-hub-signature-256': signature };
  return Object.freeze({ get: (name: string) => raw[name.toLowerCase()] ?? null });
};

/**
 * The conformance suite every channel adapter passes: signatures never throw, the handshake, fixtures
 * parse into valid events with deterministic keys and ms timestamps, unknown items become `unsupported`,
 * and content the channel cannot carry fails with `NOT_SUPPORTED` before any network call.
 *
 * @example
 * adapterContract({
 *   createAdapter: ({ graphBaseUrl }) => createMessengerAdapter({ appSecret, verifyToken, pageIds: [PAGE], accessToken, graphBaseUrl }),
 *   fixturesDir: fileURLToPath(new URL('../fixtures/', import.meta.url)),
 *   appSecret, verifyToken, recipient: { accountId: PAGE, userId: PSID }, unknownItemBodies: [body],
 * });
 */
export function adapterContract(options: AdapterContractOptions): void {
  const fixtures = readdirSync(options.fixturesDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  let graphBaseUrl = '';
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res
      .writeHead(500, { 'content-type': 'application/json' })
      .end('{"error":{"message":"contract: no network expected","code":1}}');
  });
  let adapter: ChannelAdapter;

  describe(`adapter contract: ${options.name ?? 'channel adapter'}`, () => {
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      graphBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      adapter = options.createAdapter({ graphBaseUrl });
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('has fixtures and sane limits', () => {
      expect(fixtures.length).toBeGreaterThan(0);
      expect(adapter.channel).toMatch(/^[a-z][a-z0-9_-]+$/);
      expect(adapter.limits.textMaxLength).toBeGreaterThan(0);
      expect(adapter.limits.windowHours).toBeGreaterThan(0);
      expect(adapter.limits.supportedContent.length).toBeGreaterThan(0);
    });

    it('verifySignature accepts the right signature and never throws on garbage', () => {
      const body = new TextEncoder().encode('{"object":"x","entry":[]}');
      expect(adapter.verifySignature(body, headersWith(sign(body, options.appSecret))).ok).toBe(true);
      const garbage: Array<[Uint8Array, WebhookHeaders]> = [
        [body, headersWith()],
        [body, headersWith('')],
        [body, headersWith('sha256=')],
        [body, headersWith('sha256=zz')],
        [body, headersWith(`sha1=${createHmac('sha1', options.appSecret).update(body).digest('hex')}`)],
        [body, headersWith(sign(body, `${options.appSecret}x`))],
        [new Uint8Array(), headersWith(sign(body, options.appSecret))],
        [new Uint8Array([0xff, 0xfe, 0x00, 0x80]), headersWith('sha256=00')],
        [body, headersWith(`sha256=${'a'.repeat(10_000)}`)],
      ];
      for (const [raw, headers] of garbage) {
        let result: ReturnType<ChannelAdapter['verifySignature']> | undefined;
        expect(() => {
          result = adapter.verifySignature(raw, headers);
        }).not.toThrow();
        expect(result?.ok).toBe(false);
      }
    });

    it('verifyChallenge echoes the challenge only for the right token and mode', () => {
      const q = (mode: string, token: string) =>
        new URLSearchParams({ 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': '1158201444' });
      expect(adapter.verifyChallenge(q('subscribe', options.verifyToken))).toBe('1158201444');
      expect(adapter.verifyChallenge(q('subscribe', `${options.verifyToken}-wrong`))).toBeNull();
      expect(adapter.verifyChallenge(q('unsubscribe', options.verifyToken))).toBeNull();
      expect(adapter.verifyChallenge(new URLSearchParams())).toBeNull();
    });

    it.each(fixtures)('%s parses with no problems into valid, deterministic events', (file) => {
      const raw = new Uint8Array(readFileSync(join(options.fixturesDir, file)));
      const first = adapter.parseWebhook(raw);
      expect(first.problems).toEqual([]);
      expect(first.events.length).toBeGreaterThan(0);
      for (const event of first.events) {
        const check = ChannelEvent.safeParse(event);
        expect(check.success, check.success ? '' : JSON.stringify(check.error.issues)).toBe(true);
        expect(event.channel).toBe(adapter.channel);
        // Epoch ms: after 2001-09-09, before 2286. Seconds would be ~1.7e9.
        expect(event.timestamp).toBeGreaterThan(1e12);
        expect(event.timestamp).toBeLessThan(1e13);
        if ('userId' in event && event.userId !== undefined) {
          expect(event.conversationId).toBe(`${event.channel}:${event.accountId}:${event.userId}`);
        }
      }
      const second = adapter.parseWebhook(raw.slice());
      expect(second.events.map((e) => e.key)).toEqual(first.events.map((e) => e.key));
      expect(new Set(first.events.map((e) => e.key)).size).toBe(first.events.length);
    });

    it('unknown item kinds become unsupported events, not exceptions', () => {
      expect(options.unknownItemBodies.length).toBeGreaterThan(0);
      for (const body of options.unknownItemBodies) {
        const raw = new TextEncoder().encode(JSON.stringify(body));
        const parsed = adapter.parseWebhook(raw);
        expect(parsed.events.some((e) => e.kind === 'unsupported')).toBe(true);
        for (const e of parsed.events) expect(ChannelEvent.safeParse(e).success).toBe(true);
      }
    });

    it('content the channel cannot carry fails with NOT_SUPPORTED before any network call', async () => {
      const supported = new Set<string>(adapter.limits.supportedContent);
      const unsupported = (Object.keys(CONTENT_SAMPLES) as OutboundContentType[]).filter(
        (t) => !supported.has(t),
      );
      const before = requests;
      for (const type of unsupported) {
        const error = await adapter
          .send({ to: { channel: adapter.channel, ...options.recipient }, content: CONTENT_SAMPLES[type] })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(SwitchboardError.is(error, 'NOT_SUPPORTED'), `${type}: ${String(error)}`).toBe(true);
      }
      expect(requests).toBe(before);
    });
  });
}
