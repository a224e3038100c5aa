import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/index.js';
import { toNodeListener } from '../src/node.js';
import { body, sign } from './fake-adapter.js';
import { setup, uploadPastTheCap } from './helpers.js';

let server: Server | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const payload = body([{ type: 'message', id: 'n1', text: 'über', ts: 1 }]);

describe('toNodeListener with node:http', () => {
  it('stores the exact raw bytes and answers 200', async () => {
    const { switchboard, store } = setup();
    const base = await listen(toNodeListener(switchboard));
    const res = await fetch(`${base}/webhooks/fake`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': sign(payload) },
      body: payload,
    });
    expect(res.status).toBe(200);
    const [row] = await store.inbox.listByReceivedAt({ since: 0, until: Number.MAX_SAFE_INTEGER, limit: 1 });
    expect(new TextDecoder().decode(row?.body)).toBe(payload);
  });

  it('answers the handshake and rejects bad signatures and unknown channels', async () => {
    const { switchboard, store } = setup();
    const base = await listen(toNodeListener(switchboard));
    const get = await fetch(
      `${base}/webhooks/fake?hub.mode=subscribe&hub.verify_token=fake-verify-token&hub.challenge=abc`,
    );
    expect([get.status, await get.text()]).toEqual([200, 'abc']);
    const forged = await fetch(`${base}/webhooks/fake`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': sign(payload, 'x') },
      body: payload,
    });
    expect(forged.status).toBe(401);
    expect((await fetch(`${base}/webhooks/nope`, { method: 'POST', body: payload })).status).toBe(404);
    expect((await store.inbox.count()).pending).toBe(0);
  });

  it('stops reading at the cap: a chunked 10 MB body gets 413 and nothing is stored', async () => {
    const { switchboard, store, lines } = setup();
    const base = await listen(toNodeListener(switchboard));
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= 10) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${base}/webhooks/fake`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': sign('x') },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    const declared = await fetch(`${base}/webhooks/fake`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': sign('x') },
      body: new Uint8Array(5 * 1024 * 1024),
    });
    expect(declared.status).toBe(413);
    expect((await store.inbox.count()).pending).toBe(0);
    expect(lines.filter((l) => l.reason === 'too_large')).toHaveLength(2);
  });

  it('keeps the connection open after a 413 so a client still uploading can finish and reuse it', async () => {
    const { switchboard } = setup();
    const base = await listen(toNodeListener(switchboard));
    const received = await uploadPastTheCap(base);
    expect(received).toMatch(/HTTP\/1\.1 413[\s\S]*HTTP\/1\.1 200[\s\S]*again$/);
  });

  it('accepts a body an express.raw()-style parser kept as bytes', async () => {
    const { switchboard, store } = setup();
    const listener = toNodeListener(switchboard);
    const base = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        (req as typeof req & { body?: unknown }).body = Buffer.concat(chunks);
        listener(req, res);
      });
    });
    const res = await fetch(`${base}/webhooks/fake`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': sign(payload) },
      body: payload,
    });
    expect(res.status).toBe(200);
    expect((await store.inbox.count()).pending).toBe(1);
  });

  it('answers 503 when the store fails', async () => {
    const store = createMemoryStore();
    const { switchboard } = setup({ store });
    store.setUnavailable(true);
    const base = await listen(toNodeListener(switchboard));
    const res = await fetch(`${base}/webhooks/fake`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': sign(payload) },
      body: payload,
    });
    expect(res.status).toBe(503);
  });

  it('works as Express-style middleware (originalUrl, next) and refuses, with a logged 500, a body a JSON parser already consumed', async () => {
    const { switchboard, store, lines } = setup();
    const listener = toNodeListener(switchboard);
    const errors: unknown[] = [];
    const base = await listen((req, res) => {
      const r = req as typeof req & { originalUrl?: string; body?: unknown };
      r.originalUrl = r.url;
      r.url = '/';
      if (r.headers['x-parsed']) {
        r.body = { parsed: true };
        r.resume();
        r.on('end', () =>
          listener(r, res, (error) => {
            errors.push(error);
            res.writeHead(500).end();
          }),
        );
        return;
      }
      listener(r, res, (error) => errors.push(error));
    });
    const ok = await fetch(`${base}/webhooks/fake`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': sign(payload) },
      body: payload,
    });
    expect(ok.status).toBe(200);
    const parsed = await fetch(`${base}/webhooks/fake`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': sign(payload), 'x-parsed': '1' },
      body: payload,
    });
    expect(parsed.status).toBe(500);
    expect(await parsed.text()).toContain('mount the Switchboard listener before express.json()');
    // Answered by the listener itself, and logged: nothing for the app's error handler to swallow.
    expect(errors).toEqual([]);
    const logged = lines.filter((l) => l.reason === 'body_consumed');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'error', status: 500, channel: 'fake' });
    expect(String(logged[0]?.msg)).toContain('body parser');
    expect((await store.inbox.count()).pending).toBe(1);
  });
});
