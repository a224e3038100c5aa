import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHmac,
  generateKeyPairSync,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFlowEndpoint,
  decryptFlowRequest,
  encryptFlowResponse,
  FlowEndpointError,
  type FlowRequest,
  generateFlowKeyPair,
} from '../src/index.js';

const APP_SECRET = 'flow-app-secret';
const keys = generateFlowKeyPair();

/**
 * Meta's client, written from the published steps only (not with the code under test): a fresh AES-128
 * key wrapped with RSA-OAEP SHA-256, the body AES-GCM encrypted with the tag appended; the response is
 * decrypted with the same key and the bit-inverted IV.
 */
function metaClient(publicKey: string) {
  const aesKey = randomBytes(16);
  const iv = randomBytes(12);
  return {
    encrypt(payload: unknown) {
      const cipher = createCipheriv('aes-128-gcm', aesKey, iv);
      const data = Buffer.concat([
        cipher.update(JSON.stringify(payload), 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      return {
        encrypted_flow_data: data.toString('base64'),
        encrypted_aes_key: publicEncrypt(
          { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
          aesKey,
        ).toString('base64'),
        initial_vector: iv.toString('base64'),
      };
    },
    decrypt(body: string): unknown {
      const raw = Buffer.from(body, 'base64');
      const inverted = Buffer.from(iv.map((b) => b ^ 0xff));
      const decipher = createDecipheriv('aes-128-gcm', aesKey, inverted);
      decipher.setAuthTag(raw.subarray(-16));
      return JSON.parse(
        Buffer.concat([decipher.update(raw.subarray(0, -16)), decipher.final()]).toString('utf8'),
      );
    },
  };
}

const sign = (body: string, secret = APP_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function post(url: string, body: string, signature: string | null = sign(body)) {
  return new Request(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      ...(signature ? { 'x-hub-signature-256': signature } : {}),
    },
  });
}

describe('Flow request encryption', () => {
  it('round-trips with an independent client: decrypts the request, encrypts the response with the inverted IV', () => {
    const client = metaClient(keys.publicKey);
    const sent = {
      version: '3.0',
      action: 'data_exchange',
      screen: 'BOOK',
      data: { slot: '10:00 ✓' },
      flow_token: 'ft-1',
    };
    const { request, session } = decryptFlowRequest(client.encrypt(sent), keys.privateKey);
    expect(request).toEqual(sent);
    const body = encryptFlowResponse({ screen: 'DONE', data: { ok: true } }, session);
    expect(body).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(client.decrypt(body)).toEqual({ screen: 'DONE', data: { ok: true } });
  });

  it('refuses another key pair and altered data with 421, a non-Flow body with 400', () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const payload = metaClient(other.publicKey).encrypt({ version: '3.0', action: 'ping' });
    expect(() => decryptFlowRequest(payload, keys.privateKey)).toThrow(
      expect.objectContaining({ status: 421 }),
    );
    const good = metaClient(keys.publicKey).encrypt({ version: '3.0', action: 'ping' });
    const data = Buffer.from(good.encrypted_flow_data, 'base64');
    data[0] = (data[0] ?? 0) ^ 1;
    expect(() =>
      decryptFlowRequest({ ...good, encrypted_flow_data: data.toString('base64') }, keys.privateKey),
    ).toThrow(expect.objectContaining({ status: 421 }));
    expect(() => decryptFlowRequest({ hello: 'world' }, keys.privateKey)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it('opens a passphrase-protected private key', () => {
    const locked = generateFlowKeyPair('s3cret');
    expect(locked.privateKey).toContain('ENCRYPTED PRIVATE KEY');
    const payload = metaClient(locked.publicKey).encrypt({ version: '3.0', action: 'ping' });
    expect(decryptFlowRequest(payload, locked.privateKey, 's3cret').request.action).toBe('ping');
  });
});

describe('createFlowEndpoint', () => {
  const seen: Array<{ request: FlowRequest; tenant: string }> = [];
  const clientErrors: FlowRequest[] = [];
  const tenantKeys = new Map([
    ['acme', keys],
    ['globex', generateFlowKeyPair()],
  ]);
  const endpoint = createFlowEndpoint({
    // One endpoint, a key pair per tenant: the tenant is in the endpoint URL.
    privateKey: ({ url }) => {
      const pair = tenantKeys.get(url.pathname.split('/').at(-1) ?? '');
      if (!pair) throw new FlowEndpointError(421, 'unknown tenant');
      return pair.privateKey;
    },
    appSecrets: ['new-secret', APP_SECRET],
    handle(request, { url }) {
      seen.push({ request, tenant: url.pathname.split('/').at(-1) ?? '' });
      if (request.flow_token === 'expired') throw new FlowEndpointError(427, 'This booking link expired');
      if (request.action === 'INIT') return { screen: 'SLOTS', data: { slots: ['10:00', '11:00'] } };
      return {
        screen: 'SUCCESS',
        data: { extension_message_response: { params: { flow_token: request.flow_token } } },
      };
    },
    onClientError: (request) => void clientErrors.push(request),
  });

  const call = async (
    tenant: string,
    payload: unknown,
    options: { signature?: string | null; tamper?: boolean } = {},
  ) => {
    const client = metaClient(tenantKeys.get(tenant)?.publicKey ?? keys.publicKey);
    const envelope = client.encrypt(payload);
    if (options.tamper) envelope.initial_vector = randomBytes(12).toString('base64');
    const body = JSON.stringify(envelope);
    const response = await endpoint.fetch(
      post(
        `https://app.example/flows/${tenant}`,
        body,
        options.signature === undefined ? sign(body) : options.signature,
      ),
    );
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), text, client };
  };

  it('passes INIT and data_exchange to the handler with the tenant, and answers in plain-text base64', async () => {
    seen.length = 0;
    const init = await call('globex', { version: '3.0', action: 'INIT', flow_token: 'ft-9' });
    expect(init.status).toBe(200);
    expect(init.type).toContain('text/plain');
    expect(init.client.decrypt(init.text)).toEqual({ screen: 'SLOTS', data: { slots: ['10:00', '11:00'] } });
    const done = await call('acme', {
      version: '3.0',
      action: 'data_exchange',
      screen: 'SLOTS',
      data: { slot: '10:00' },
      flow_token: 'ft-1',
    });
    expect(done.client.decrypt(done.text)).toMatchObject({ screen: 'SUCCESS' });
    expect(seen.map((s) => [s.tenant, s.request.action])).toEqual([
      ['globex', 'INIT'],
      ['acme', 'data_exchange'],
    ]);
  });

  it('answers pings and acknowledges client errors without the handler', async () => {
    seen.length = 0;
    const ping = await call('acme', { version: '3.0', action: 'ping' });
    expect(ping.client.decrypt(ping.text)).toEqual({ data: { status: 'active' } });
    const reported = await call('acme', {
      version: '3.0',
      action: 'data_exchange',
      flow_token: 'ft-1',
      data: { error: 'invalid-screen-transition', error_message: 'bad' },
    });
    expect(reported.client.decrypt(reported.text)).toEqual({ data: { acknowledged: true } });
    expect(seen).toEqual([]);
    expect(clientErrors.map((r) => r.data?.error)).toEqual(['invalid-screen-transition']);
  });

  it("answers Meta's documented statuses and dispatches nothing on bad requests", async () => {
    seen.length = 0;
    // Wrong or missing signature: 432.
    expect(
      (await call('acme', { version: '3.0', action: 'ping' }, { signature: sign('x', 'other') })).status,
    ).toBe(432);
    expect((await call('acme', { version: '3.0', action: 'ping' }, { signature: null })).status).toBe(432);
    // Tampered IV, or encrypted for the other tenant's key: 421 (the client re-fetches the key).
    expect((await call('acme', { version: '3.0', action: 'INIT' }, { tamper: true })).status).toBe(421);
    const wrongKey = metaClient(tenantKeys.get('globex')!.publicKey).encrypt({
      version: '3.0',
      action: 'INIT',
    });
    const body = JSON.stringify(wrongKey);
    expect((await endpoint.fetch(post('https://app.example/flows/acme', body))).status).toBe(421);
    // An expired flow_token: 427 with the message for the user.
    const expired = await call('acme', { version: '3.0', action: 'INIT', flow_token: 'expired' });
    expect([expired.status, JSON.parse(expired.text)]).toEqual([
      427,
      { error_msg: 'This booking link expired' },
    ]);
    // Not JSON: 400.
    expect((await endpoint.fetch(post('https://app.example/flows/acme', 'not json'))).status).toBe(400);
    expect(seen.map((s) => s.request.flow_token)).toEqual(['expired']);
  });

  describe('mounted', () => {
    let server: http.Server;
    let base: string;
    beforeAll(async () => {
      const hono = new Hono();
      hono.post('/hono/flows/:tenant', (c) => endpoint.fetch(c.req.raw));
      server = http.createServer((req, res) => {
        if (req.url?.startsWith('/hono/')) {
          void (async () => {
            const chunks: Buffer[] = [];
            for await (const chunk of req) chunks.push(chunk as Buffer);
            const response = await hono.fetch(
              new Request(`http://x${req.url}`, {
                method: req.method,
                headers: req.headers as HeadersInit,
                body: Buffer.concat(chunks),
              }),
            );
            res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? '' });
            res.end(Buffer.from(await response.arrayBuffer()));
          })();
          return;
        }
        endpoint.node(req, res);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('works on node:http and in Hono', async () => {
      for (const path of ['/flows/acme', '/hono/flows/acme']) {
        const client = metaClient(keys.publicKey);
        const body = JSON.stringify(client.encrypt({ version: '3.0', action: 'ping' }));
        const response = await fetch(`${base}${path}`, {
          method: 'POST',
          body,
          headers: { 'x-hub-signature-256': sign(body), 'content-type': 'application/json' },
        });
        expect(response.status).toBe(200);
        expect(client.decrypt(await response.text())).toEqual({ data: { status: 'active' } });
      }
    });
  });
});
