import { describe, expect, it } from 'vitest';
import { createMemoryStore, createSwitchboard } from '../src/index.js';
import { body, createFakeAdapter, SECRET, sign, signedRequest, VERIFY_TOKEN } from './fake-adapter.js';
import { setup } from './helpers.js';

const valid = body([{ type: 'message', id: 'm1', text: 'hi', ts: 1 }]);

describe('handleWebhook: the ack path', () => {
  it('stores the raw bytes and the signature header, then answers 200', async () => {
    const { switchboard, store } = setup();
    const response = await switchboard.handleWebhook(signedRequest(valid));
    expect(response.status).toBe(200);
    const [row] = await store.inbox.listByReceivedAt({ since: 0, until: Number.MAX_SAFE_INTEGER, limit: 10 });
    expect(new TextDecoder().decode(row?.body)).toBe(valid);
    expect(row?.headers['x-hub-signature-256']).toBe(sign(valid));
    expect(row?.channel).toBe('fake');
  });

  it("acks with the adapter's declared body and keeps its declared headers; without a declaration, 'OK' and the generic headers only", async () => {
    const declared = setup();
    declared.fake.adapter.capabilities = {
      sendConfirmation: 'none',
      ackBody: 'THANKS',
      keptHeaders: ['X-Hub-Signature-256', 'x-request-id'],
    };
    const request = signedRequest(valid);
    request.headers.set('x-request-id', 'r-1');
    request.headers.set('x-other', 'dropped');
    const response = await declared.switchboard.handleWebhook(request);
    expect(await response.text()).toBe('THANKS');
    const [row] = await declared.store.inbox.listByReceivedAt({
      since: 0,
      until: Number.MAX_SAFE_INTEGER,
      limit: 1,
    });
    expect(row?.headers).toEqual({
      'x-hub-signature-256': sign(valid),
      'x-request-id': 'r-1',
      'content-type': 'application/json',
    });

    const plain = setup();
    delete plain.fake.adapter.capabilities;
    const ack = await plain.switchboard.handleWebhook(signedRequest(valid));
    expect([ack.status, await ack.text()]).toEqual([200, 'OK']);
    const [kept] = await plain.store.inbox.listByReceivedAt({
      since: 0,
      until: Number.MAX_SAFE_INTEGER,
      limit: 1,
    });
    expect(kept?.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('refuses, at creation, an adapter that asks to keep a header carrying a secret', () => {
    for (const name of ['authorization', 'x-telegram-bot-api-secret-token', 'cookie', 'x-api-key']) {
      const fake = createFakeAdapter();
      fake.adapter.capabilities = { sendConfirmation: 'none', keptHeaders: ['x-request-id', name] };
      expect(() => createSwitchboard({ adapters: [fake.adapter], store: createMemoryStore() })).toThrow(
        `asks to keep header "${name}", which carries a secret`,
      );
    }
  });

  it('acks garbage bytes, truncated JSON and wrong shapes that are correctly signed (parsing is not on the ack path)', async () => {
    const { switchboard, store } = setup();
    const bodies = [
      new Uint8Array([0xff, 0xfe, 0x00, 0x81]),
      valid.slice(0, 20),
      JSON.stringify({ hello: 'world' }),
    ];
    for (const b of bodies) expect((await switchboard.handleWebhook(signedRequest(b))).status).toBe(200);
    expect((await store.inbox.count()).pending).toBe(3);
  });

  it('answers the GET handshake with the challenge, or 403', async () => {
    const { switchboard, lines } = setup();
    const ok = await switchboard.handleWebhook(
      new Request(
        `http://127.0.0.1/webhooks/fake?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=12345`,
      ),
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('12345');
    const bad = await switchboard.handleWebhook(
      new Request('http://127.0.0.1/webhooks/fake?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1'),
    );
    expect(bad.status).toBe(403);
    expect(lines.some((l) => l.level === 'warn' && l.reason === 'challenge_failed')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(VERIFY_TOKEN);
  });

  it.each([
    ['missing', null],
    ['forged', sign(valid, 'another-secret')],
    ['malformed', 'sha1=abc'],
  ])('rejects a %s signature with 401, stores nothing, logs why', async (reason, signature) => {
    const { switchboard, store, lines } = setup();
    const response = await switchboard.handleWebhook(signedRequest(valid, { signature }));
    expect(response.status).toBe(401);
    expect((await store.inbox.count()).pending).toBe(0);
    const line = lines.find((l) => l.reason === 'signature');
    expect(line?.msg).toContain('signature');
    expect(line?.msg).toContain(reason === 'forged' ? 'mismatch' : reason);
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it('answers 404 for an unknown channel and stores nothing', async () => {
    const { switchboard, store, lines } = setup();
    expect((await switchboard.handleWebhook(signedRequest(valid, { channel: 'telegram' }))).status).toBe(404);
    expect(
      (
        await switchboard.handleWebhook(
          new Request('http://127.0.0.1/other', { method: 'POST', body: valid }),
        )
      ).status,
    ).toBe(404);
    expect((await store.inbox.count()).pending).toBe(0);
    expect(lines.filter((l) => l.reason === 'unknown_channel')).toHaveLength(2);
  });

  it('answers 413 for a 10 MB body (default cap 4 MiB), streamed without a length, and keeps earlier rows', async () => {
    const { switchboard, store, lines } = setup();
    await switchboard.handleWebhook(signedRequest(valid));
    const big = new Uint8Array(10 * 1024 * 1024).fill(0x61);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(big.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
        controller.close();
      },
    });
    const request = new Request('http://127.0.0.1/webhooks/fake', {
      method: 'POST',
      headers: { 'x-hub-signature-256': sign(big) },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect((await switchboard.handleWebhook(request)).status).toBe(413);
    expect((await switchboard.handleWebhook(signedRequest(big))).status).toBe(413);
    expect((await store.inbox.count()).pending).toBe(1);
    expect(lines.filter((l) => l.reason === 'too_large')).toHaveLength(2);
  });

  it('honours a configured cap', async () => {
    const { switchboard } = setup({ maxBodyBytes: 10 });
    expect((await switchboard.handleWebhook(signedRequest(valid))).status).toBe(413);
  });

  it('answers 503, never 200, when the store fails, and logs an error', async () => {
    const store = createMemoryStore();
    const { switchboard, lines } = setup({ store });
    store.setUnavailable(true);
    const response = await switchboard.handleWebhook(signedRequest(valid));
    expect(response.status).toBe(503);
    expect(lines.some((l) => l.level === 'error' && l.reason === 'store_unavailable')).toBe(true);
    store.setUnavailable(false);
    expect((await switchboard.handleWebhook(signedRequest(valid))).status).toBe(200);
  });

  it('counts received, acked and rejected requests in the metrics', async () => {
    const { switchboard } = setup();
    await switchboard.handleWebhook(signedRequest(valid));
    await switchboard.handleWebhook(signedRequest(valid, { signature: null }));
    const text = await switchboard.metrics();
    expect(text).toContain('switchboard_webhooks_received_total{channel="fake"} 2');
    expect(text).toContain('switchboard_webhooks_acked_total{channel="fake"} 1');
    expect(text).toContain('switchboard_webhooks_rejected_total{channel="fake",reason="signature"} 1');
  });

  it('counts every unknown channel under one metrics label, however many names are tried', async () => {
    const { switchboard } = setup();
    for (let i = 0; i < 50; i++) {
      await switchboard.handleWebhook(signedRequest(valid, { channel: `probe${i}` }));
    }
    const text = await switchboard.metrics();
    expect(text).toContain(
      'switchboard_webhooks_rejected_total{channel="(unknown)",reason="unknown_channel"} 50',
    );
    expect(text).not.toContain('probe');
  });

  it('answers 404 to malformed percent-encoding in the path, logged and counted like any unknown route', async () => {
    const { switchboard, lines } = setup();
    const response = await switchboard.handleWebhook(
      new Request('http://127.0.0.1/webhooks/%E0%A4%A', { method: 'POST', body: valid }),
    );
    expect(response.status).toBe(404);
    expect(lines.some((l) => l.reason === 'unknown_channel' && l.status === 404)).toBe(true);
    expect(await switchboard.metrics()).toContain(
      'switchboard_webhooks_rejected_total{channel="(unknown)",reason="unknown_channel"} 1',
    );
  });

  it('logs stray requests (4xx) as warnings and only our own failures (5xx) as errors', async () => {
    const store = createMemoryStore();
    const { switchboard, lines } = setup({ store });
    await switchboard.handleWebhook(new Request('http://127.0.0.1/', { method: 'POST', body: valid }));
    await switchboard.handleWebhook(signedRequest(valid, { signature: null }));
    store.setUnavailable(true);
    await switchboard.handleWebhook(signedRequest(valid));
    const rejected = lines.filter((l) => l.msg.startsWith('webhook rejected'));
    expect(rejected.map((l) => [l.status, l.level])).toEqual([
      [404, 'warn'],
      [401, 'warn'],
      [503, 'error'],
    ]);
  });
});
