import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMemoryStore,
  createSwitchboard,
  type Switchboard,
  SwitchboardError,
  silentLogger,
} from '@switchboard/core';
import { type MetaSimulator, type SimAccount, startMetaSimulator } from '@switchboard/simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMessengerAdapter, type MessengerAdapter } from '../src/index.js';

let sim: MetaSimulator;
let account: SimAccount;
let adapter: MessengerAdapter;
let switchboard: Switchboard;

beforeEach(async () => {
  sim = await startMetaSimulator({ seed: 18 });
  account = sim.account('messenger');
  adapter = createMessengerAdapter({
    appSecret: sim.world.app.secret,
    verifyToken: sim.world.app.verifyToken,
    pageIds: [account.accountId],
    accessToken: account.token,
    graphBaseUrl: sim.url,
  });
  switchboard = createSwitchboard({
    adapters: [adapter],
    store: createMemoryStore(),
    logger: silentLogger,
    watch: false,
    tokens: false,
  });
  return () => sim.stop();
});

const to = () => ({
  channel: 'messenger',
  accountId: account.accountId,
  userId: account.customers[0]!.userId,
});

async function sendThroughOutbox(message: Parameters<Switchboard['send']>[0]) {
  const entry = await switchboard.send(message);
  await switchboard.drain();
  return (await switchboard.store.outbox.get(entry.id))!;
}

describe('personas', () => {
  it('create, list, send as one (persona_id), delete; an unknown persona is refused', async () => {
    const personas = adapter.personas(account.accountId);
    const ana = await personas.create({
      name: 'Ana from Support',
      pictureUrl: 'https://example.com/ana.png',
    });
    expect(ana).toMatchObject({ name: 'Ana from Support', pictureUrl: 'https://example.com/ana.png' });
    expect(await personas.list()).toEqual([ana]);
    expect(await personas.get(ana.id)).toEqual(ana);

    const sent = await sendThroughOutbox({
      to: to(),
      content: { type: 'text', text: 'Ana here, I will look into it.' },
      personaId: ana.id,
      notification: 'silent',
    });
    expect(sent.state).toBe('sent');
    const body = sim.businessSends({ userId: to().userId }).at(-1)?.body;
    expect(body).toMatchObject({ persona_id: ana.id, notification_type: 'SILENT_PUSH' });

    await personas.delete(ana.id);
    expect(await personas.list()).toEqual([]);
    const refused = await sendThroughOutbox({
      to: to(),
      content: { type: 'text', text: 'x' },
      personaId: ana.id,
    });
    expect(refused).toMatchObject({ state: 'failed', attempts: 1 });
    expect(SwitchboardError.fromJSON(refused.error ?? {}).code).toBe('INVALID_REQUEST');

    await expect(
      personas.create({ name: ' ', pictureUrl: 'https://example.com/a.png' }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(
      personas.create({ name: 'Bo', pictureUrl: 'http://example.com/a.png' }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });
});

describe('user_ref recipients (checkbox plugin)', () => {
  it('sends to a plugin reference through the outbox; the platform resolves the person', async () => {
    const { userRef, customer } = sim.people.checkboxOptIn(account.accountId);
    const sent = await sendThroughOutbox({
      to: { channel: 'messenger', accountId: account.accountId, userId: userRef, userIdType: 'user_ref' },
      content: { type: 'text', text: 'Thanks for subscribing to order updates' },
    });
    expect(sent.state).toBe('sent');
    const delivered = sim.businessSends({ userId: customer.userId });
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.body).toMatchObject({ recipient: { user_ref: userRef } });

    const unknown = await sendThroughOutbox({
      to: {
        channel: 'messenger',
        accountId: account.accountId,
        userId: 'cbx_unknown',
        userIdType: 'user_ref',
      },
      content: { type: 'text', text: 'x' },
    });
    expect(unknown).toMatchObject({ state: 'failed', attempts: 1 });
    expect(SwitchboardError.fromJSON(unknown.error ?? {}).code).toBe('RECIPIENT_UNAVAILABLE');
  });
});

describe('inbound attachment downloads', () => {
  let cdn: Server;
  let cdnUrl: string;
  const bytes = new Uint8Array(256 * 1024).map((_, i) => i % 251);
  beforeAll(async () => {
    cdn = createServer((req, res) => {
      if (req.url?.startsWith('/expired')) {
        res.writeHead(403, { 'content-type': 'text/plain' }).end('URL signature expired');
        return;
      }
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from(bytes));
    });
    await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
    cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => cdn.close(() => resolve())));

  it('downloads from an allowed host, capped; refuses other hosts before any request', async () => {
    const options = { mediaHosts: ['127.0.0.1'] };
    const file = await adapter.downloadAttachment(account.accountId, `${cdnUrl}/v/photo.jpg?oh=1`, options);
    expect(file).toMatchObject({ mimeType: 'image/jpeg', size: bytes.byteLength });
    expect(file.bytes).toEqual(bytes);

    const stream = await adapter.openAttachment(account.accountId, `${cdnUrl}/v/photo.jpg`, options);
    let streamed = 0;
    for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>)
      streamed += chunk.byteLength;
    expect(streamed).toBe(bytes.byteLength);

    await expect(
      adapter.downloadAttachment(account.accountId, `${cdnUrl}/v/photo.jpg`, { ...options, maxBytes: 1024 }),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    // Default hosts are Meta's CDNs only: a forged webhook cannot point the server elsewhere.
    await expect(
      adapter.downloadAttachment(account.accountId, `${cdnUrl}/v/photo.jpg`),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(
      adapter.downloadAttachment(account.accountId, 'http://scontent.xx.fbcdn.net/v/photo.jpg'),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(
      adapter.downloadAttachment(account.accountId, `${cdnUrl}/expired/photo.jpg`, options),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });
});
