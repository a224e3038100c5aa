import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeListener } from '../src/node.js';
import { body, sign } from './fake-adapter.js';
import { setup, uploadPastTheCap } from './helpers.js';

// The README's Express, Fastify and Hono mounting examples, run as written against the real frameworks.
const payload = body([{ type: 'message', id: 'f1', text: 'grüße \u{1F44B}', ts: 1 }]);
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function storedBodies(store: ReturnType<typeof setup>['store']): Promise<string[]> {
  const rows = await store.inbox.listByReceivedAt({ since: 0, until: Number.MAX_SAFE_INTEGER, limit: 10 });
  return rows.map((row) => new TextDecoder().decode(row.body));
}

async function exercise(base: string, store: ReturnType<typeof setup>['store']) {
  const ok = await fetch(`${base}/webhooks/fake`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(payload) },
    body: payload,
  });
  expect(ok.status).toBe(200);
  const forged = await fetch(`${base}/webhooks/fake`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(payload, 'wrong') },
    body: payload,
  });
  expect(forged.status).toBe(401);
  const handshake = await fetch(
    `${base}/webhooks/fake?hub.mode=subscribe&hub.verify_token=fake-verify-token&hub.challenge=42`,
  );
  expect([handshake.status, await handshake.text()]).toEqual([200, '42']);
  expect(await storedBodies(store)).toEqual([payload]);
}

describe('toNodeListener behind web frameworks (no body parser in front of the webhook route)', () => {
  it('Express: mounted before express.json(), the exact bytes are stored', async () => {
    const { switchboard, store } = setup();
    const app = express();
    app.all('/webhooks/:channel', toNodeListener(switchboard)); // before any body parser
    app.use(express.json()); // for your other routes
    app.post('/api/echo', (req, res) => {
      res.json(req.body);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    stops.push(() => new Promise((resolve) => server.close(() => resolve())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await exercise(base, store);
    const echo = await fetch(`${base}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"other":"route"}',
    });
    expect(await echo.json()).toEqual({ other: 'route' });
  });

  it('Express: a JSON parser in front makes the listener refuse instead of verifying re-serialized JSON', async () => {
    const { switchboard, store } = setup();
    const app = express();
    app.use(express.json());
    app.all('/webhooks/:channel', toNodeListener(switchboard));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    stops.push(() => new Promise((resolve) => server.close(() => resolve())));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/fake`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(payload) },
      body: payload,
    });
    expect(res.status).not.toBe(200);
    expect(await storedBodies(store)).toEqual([]);
  });

  it('Fastify: the onRequest hook hands the raw request over before Fastify parses it', async () => {
    const { switchboard, store } = setup();
    const fastify = Fastify();
    const listener = toNodeListener(switchboard);
    fastify.addHook('onRequest', (request, reply, done) => {
      if (!request.url.startsWith('/webhooks/')) return done();
      reply.hijack();
      listener(request.raw, reply.raw);
    });
    fastify.post('/api/echo', async (request) => request.body);
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    stops.push(() => fastify.close());
    const base = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
    await exercise(base, store);
    const echo = await fetch(`${base}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"other":"route"}',
    });
    expect(await echo.json()).toEqual({ other: 'route' });
  });
});

describe('handleWebhook behind a web-standard framework', () => {
  it('Hono on Node: the raw Request is verified and stored; a 413 reaches a client still uploading', async () => {
    const { switchboard, store } = setup();
    const app = new Hono();
    app.all('/webhooks/:channel', (c) => switchboard.handleWebhook(c.req.raw));
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    stops.push(() => new Promise((resolve) => server.close(() => resolve())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await exercise(base, store);
    // Cancelling the body at the cap would make @hono/node-server destroy the socket mid-upload.
    expect(await uploadPastTheCap(base)).toMatch(/HTTP\/1\.1 413[\s\S]*HTTP\/1\.1 200[\s\S]*again$/);
    expect(await storedBodies(store)).toEqual([payload]);
  });
});
