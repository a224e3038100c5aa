import { ManualClock } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MetaSimulator, startMetaSimulator } from '../src/index.js';
import type { Loose } from './helpers.js';
import { graph, startReceiver, verifySignature, waValues } from './helpers.js';

const HOUR = 3_600_000;
let sim: MetaSimulator;
let clock: ManualClock;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-29T10:00:00Z'));
  receiver = await startReceiver();
  sim = await startMetaSimulator({ clock, webhooks: { whatsapp: receiver.url } });
});
afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

const statuses = () =>
  waValues(receiver.received).flatMap((v) => (v.statuses ?? []) as Array<Record<string, Loose>>);

describe('WhatsApp send', () => {
  it('answers Meta’s shape and sends sent → delivered → read with biz_opaque_callback_data', async () => {
    const { accountId, token, customers } = sim.account('whatsapp');
    const to = customers[0]!.userId;
    const res = await graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, {
      bearer: token,
      body: {
        messaging_product: 'whatsapp',
        to: `+${to}`,
        type: 'text',
        text: { body: 'Olá 👋' },
        biz_opaque_callback_data: 'outbox:7',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: `+${to}`, wa_id: to }],
      messages: [{ id: expect.stringMatching(/^wamid\./) }],
    });
    await clock.advance(6000);
    await sim.idle();
    const s = statuses();
    expect(s.map((x) => x.status)).toEqual(['sent', 'delivered', 'read']);
    for (const x of s)
      expect(x).toMatchObject({
        id: res.body.messages[0].id,
        recipient_id: to,
        biz_opaque_callback_data: 'outbox:7',
        timestamp: expect.stringMatching(/^\d+$/),
      });
    const value = waValues(receiver.received)[0]!;
    expect(value.metadata.phone_number_id).toBe(accountId);
    expect(receiver.received[0]!.json.entry).toMatchObject([{ id: sim.world.wabas[0]!.id }]);
    for (const r of receiver.received)
      expect(verifySignature(r.raw, r.headers['x-hub-signature-256'], sim.world.app.secret)).toBe(true);
  });

  it('reactions only get a sent status; outside the window non-templates fail with 131047; unknown numbers 131026', async () => {
    const { accountId, token, customers } = sim.account('whatsapp');
    const to = customers[0]!.userId;
    const inbound = sim.customerSends({ channel: 'whatsapp', userId: to, text: 'hello' });
    const post = (body: Record<string, unknown>) =>
      graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, {
        bearer: token,
        body: { messaging_product: 'whatsapp', ...body },
      });
    const reaction = await post({
      to,
      type: 'reaction',
      reaction: { message_id: inbound.messageId, emoji: '👍' },
    });
    expect(reaction.status).toBe(200);
    await clock.advance(6000);
    await sim.idle();
    expect(
      statuses()
        .filter((s) => s.id === reaction.body.messages[0].id)
        .map((s) => s.status),
    ).toEqual(['sent']);
    await clock.advance(25 * HOUR);
    const late = await post({ to, type: 'text', text: { body: 'late' } });
    expect(late.status).toBe(200);
    const template = await post({
      to,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    expect(template.body.messages[0]).toMatchObject({ message_status: 'accepted' });
    const stranger = await post({
      to: '4400000000',
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    await clock.advance(6000);
    await sim.idle();
    const failed = statuses().find((s) => s.id === late.body.messages[0].id);
    expect(failed).toMatchObject({
      status: 'failed',
      errors: [{ code: 131047, title: 'Re-engagement message', error_data: { details: expect.any(String) } }],
    });
    expect(
      statuses()
        .filter((s) => s.id === template.body.messages[0].id)
        .map((s) => s.status),
    ).toEqual(['sent', 'delivered', 'read']);
    expect(statuses().find((s) => s.id === stranger.body.messages[0].id)?.errors?.[0]?.code).toBe(131026);
    expect(
      sim.businessSends({ channel: 'whatsapp' }).find((s) => s.messageId === late.body.messages[0].id)?.failed
        ?.code,
    ).toBe(131047);
  });

  it('rejects invalid requests with WhatsApp error objects', async () => {
    const { accountId, token, customers } = sim.account('whatsapp');
    const to = customers[0]!.userId;
    const post = (body: Record<string, unknown>, t = token) =>
      graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, { bearer: t, body });
    const wa = (body: Record<string, unknown>) => post({ messaging_product: 'whatsapp', to, ...body });
    expect((await post({ to, text: { body: 'x' } })).body.error.code).toBe(100);
    const long = await wa({ type: 'text', text: { body: 'x'.repeat(4097) } });
    expect(long.body.error).toMatchObject({
      code: 100,
      error_data: { messaging_product: 'whatsapp', details: expect.any(String) },
    });
    expect((await wa({ type: 'text', text: { body: 'x'.repeat(4096) } })).status).toBe(200);
    expect((await wa({ type: 'image' })).body.error.code).toBe(131008);
    expect((await wa({ type: 'image', image: { id: '123' } })).body.error.code).toBe(131009);
    expect(
      (await wa({ type: 'image', image: { link: 'https://example.com/a.jpg', caption: 'c' } })).status,
    ).toBe(200);
    expect(
      (await wa({ type: 'template', template: { name: 'nope', language: { code: 'en_US' } } })).body.error
        .code,
    ).toBe(132001);
    expect(
      (
        await wa({
          type: 'interactive',
          interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [1, 2, 3, 4] } },
        })
      ).body.error.code,
    ).toBe(131009);
    expect(
      (
        await wa({
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: 'b' },
            action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] },
          },
        })
      ).status,
    ).toBe(200);
    expect((await wa({ type: 'location', location: { latitude: 1, longitude: 2 } })).status).toBe(200);
    expect((await wa({ type: 'contacts', contacts: [{ name: { formatted_name: 'A' } }] })).status).toBe(200);
    expect((await wa({ type: 'bogus' })).body.error.code).toBe(100);
    const pageToken = sim.account('messenger').token;
    expect(
      (await post({ messaging_product: 'whatsapp', to, text: { body: 'x' } }, pageToken)).body.error,
    ).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('marks inbound messages as read', async () => {
    const { accountId, token, customers } = sim.account('whatsapp');
    const inbound = sim.customerSends({ channel: 'whatsapp', userId: customers[1]!.userId, kind: 'image' });
    const ok = await graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, {
      bearer: token,
      body: {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: inbound.messageId,
        typing_indicator: { type: 'text' },
      },
    });
    expect(ok.body).toEqual({ success: true });
    const bad = await graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, {
      bearer: token,
      body: { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.nope' },
    });
    expect(bad.body.error.code).toBe(131009);
  });

  it('uploads, describes, downloads and deletes media', async () => {
    const { accountId, token } = sim.account('whatsapp');
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'image/png');
    form.set('file', new Blob([new Uint8Array([137, 80, 78, 71, 1, 2, 3])], { type: 'image/png' }), 'a.png');
    const up = await fetch(`${sim.url}/v24.0/${accountId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const { id } = (await up.json()) as { id: string };
    expect(id).toMatch(/^\d+$/);
    const info = await graph(sim.url, 'GET', `/v24.0/${id}`, { bearer: token });
    expect(info.body).toMatchObject({
      messaging_product: 'whatsapp',
      mime_type: 'image/png',
      file_size: 7,
      id,
      sha256: expect.any(String),
    });
    const anon = await fetch(info.body.url);
    expect(anon.status).toBe(401);
    const dl = await fetch(info.body.url, { headers: { authorization: `Bearer ${token}` } });
    expect(new Uint8Array(await dl.arrayBuffer())).toEqual(new Uint8Array([137, 80, 78, 71, 1, 2, 3]));
    // The URL lives 5 minutes; then 404, and GET /{media-id} hands out a fresh one.
    await clock.advance(5 * 60_000);
    const stale = await fetch(info.body.url, { headers: { authorization: `Bearer ${token}` } });
    expect([stale.status, await stale.text()]).toEqual([404, 'URL signature expired']);
    const fresh = await graph(sim.url, 'GET', `/v24.0/${id}`, { bearer: token });
    expect(fresh.body.url).not.toBe(info.body.url);
    const again = await fetch(fresh.body.url, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200);
    const send = await graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, {
      bearer: token,
      body: {
        messaging_product: 'whatsapp',
        to: sim.account('whatsapp').customers[0]!.userId,
        type: 'image',
        image: { id },
      },
    });
    expect(send.status).toBe(200);
    expect((await graph(sim.url, 'DELETE', `/v24.0/${id}`, { bearer: token })).body).toEqual({
      success: true,
    });
    expect((await graph(sim.url, 'GET', `/v24.0/${id}`, { bearer: token })).body.error.code).toBe(100);
    const gone = await fetch(fresh.body.url, { headers: { authorization: `Bearer ${token}` } });
    expect(gone.status).toBe(404);
    const noFile = new FormData();
    noFile.set('messaging_product', 'whatsapp');
    const bad = await fetch(`${sim.url}/v24.0/${accountId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: noFile,
    });
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(100);
  });

  it('serves phone number fields, WABA phone numbers and health status', async () => {
    const { accountId, token } = sim.account('whatsapp');
    const phone = await graph(sim.url, 'GET', `/v24.0/${accountId}`, {
      bearer: token,
      query: {
        fields:
          'status,quality_rating,whatsapp_business_manager_messaging_limit,throughput,health_status,display_phone_number',
      },
    });
    expect(phone.body).toMatchObject({
      id: accountId,
      status: 'CONNECTED',
      quality_rating: 'GREEN',
      whatsapp_business_manager_messaging_limit: 'TIER_2K',
      throughput: { level: 'STANDARD' },
      health_status: {
        can_send_message: 'AVAILABLE',
        entities: expect.arrayContaining([
          expect.objectContaining({ entity_type: 'PHONE_NUMBER', id: accountId }),
        ]),
      },
    });
    const waba = sim.world.wabas[0]!.id;
    const list = await graph(sim.url, 'GET', `/v24.0/${waba}/phone_numbers`, { bearer: token });
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual(sim.world.phoneNumbers.map((p) => p.id));
    const health = await graph(sim.url, 'GET', `/v24.0/${waba}`, {
      bearer: token,
      query: { fields: 'health_status' },
    });
    expect(health.body.health_status.can_send_message).toBe('AVAILABLE');
  });

  it('delivers inbound messages of every kind with contacts and context', async () => {
    const { accountId, customers } = sim.account('whatsapp');
    const userId = customers[0]!.userId;
    const first = sim.customerSends({ channel: 'whatsapp', userId, text: 'مرحبا' });
    for (const kind of [
      'image',
      'video',
      'audio',
      'file',
      'sticker',
      'location',
      'contacts',
      'button_reply',
      'list_reply',
      'button',
      'order',
      'unsupported',
      'reaction',
    ] as const) {
      sim.customerSends({ channel: 'whatsapp', userId, kind });
    }
    sim.customerSends({ channel: 'whatsapp', userId, text: 'reply', replyTo: first.messageId });
    await sim.idle();
    const messages = waValues(receiver.received).flatMap((v) => v.messages ?? []);
    expect(messages.map((m: { type: string }) => m.type)).toEqual([
      'text',
      'image',
      'video',
      'audio',
      'document',
      'sticker',
      'location',
      'contacts',
      'interactive',
      'interactive',
      'button',
      'order',
      'unsupported',
      'reaction',
      'text',
    ]);
    expect(messages[0]).toMatchObject({
      from: userId,
      text: { body: 'مرحبا' },
      timestamp: expect.stringMatching(/^\d+$/),
    });
    expect(messages.at(-1)).toMatchObject({ context: { id: first.messageId } });
    const value = waValues(receiver.received)[0]!;
    expect(value.contacts[0]).toMatchObject({ wa_id: userId, profile: { name: customers[0]!.name } });
    expect(value.metadata.phone_number_id).toBe(accountId);
    expect(receiver.received[0]!.raw.toString()).toContain('\\u0645');
  });
});
