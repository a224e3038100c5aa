import { ManualClock } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MetaSimulator, startMetaSimulator } from '../src/index.js';
import type { Loose } from './helpers.js';
import { graph, startReceiver } from './helpers.js';

let sim: MetaSimulator;
let clock: ManualClock;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let phone: string;
let token: string;

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-29T10:00:00Z'));
  receiver = await startReceiver();
  sim = await startMetaSimulator({ clock, webhooks: { whatsapp: receiver.url } });
  ({ accountId: phone, token } = sim.account('whatsapp'));
});
afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

/** Every change of a group field received so far: `[field, groups[0]]`. */
const groupChanges = () =>
  receiver.received.flatMap((r) =>
    (r.json.entry as Array<Record<string, Loose>>).flatMap((e) =>
      (e.changes as Array<Record<string, Loose>>)
        .filter((c) => String(c.field).startsWith('group_'))
        .map((c) => [c.field, c.value.groups[0]] as [string, Record<string, Loose>]),
    ),
  );

const post = (path: string, body: unknown) =>
  graph(sim.url, 'POST', `/v24.0${path}`, { bearer: token, body });

async function createGroup(subject = 'Launch'): Promise<string> {
  const res = await post(`/${phone}/groups`, { messaging_product: 'whatsapp', subject });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ messaging_product: 'whatsapp', request_id: expect.any(String) });
  await clock.advance(200);
  await sim.idle();
  const created = groupChanges().find(([, g]) => g.request_id === res.body.request_id);
  expect(created?.[0]).toBe('group_lifecycle_update');
  return created?.[1].group_id as string;
}

describe('simulated WhatsApp groups', () => {
  it('creation is asynchronous: the id and invite link come in group_lifecycle_update, not in the answer', async () => {
    const groupId = await createGroup();
    expect(groupChanges()[0]?.[1]).toMatchObject({
      type: 'group_create',
      group_id: groupId,
      subject: 'Launch',
      invite_link: expect.stringMatching(/^https:\/\/chat\.whatsapp\.com\//),
      join_approval_mode: 'auto_approve',
      timestamp: expect.stringMatching(/^\d+$/),
    });
    const info = await graph(sim.url, 'GET', `/v24.0/${groupId}`, {
      bearer: token,
      query: { fields: 'subject,participants,total_participant_count' },
    });
    expect(info.body).toEqual({
      messaging_product: 'whatsapp',
      id: groupId,
      subject: 'Launch',
      participants: [],
      total_participant_count: 0,
    });
    // Without fields: only the id.
    expect((await graph(sim.url, 'GET', `/v24.0/${groupId}`, { bearer: token })).body).toEqual({
      messaging_product: 'whatsapp',
      id: groupId,
    });
  });

  it('refuses a subject over 128 characters and a missing messaging_product', async () => {
    expect(
      (await post(`/${phone}/groups`, { messaging_product: 'whatsapp', subject: 'x'.repeat(129) })).body
        .error,
    ).toMatchObject({ code: 100 });
    expect((await post(`/${phone}/groups`, { subject: 'ok' })).body.error).toMatchObject({ code: 100 });
  });

  it('group sends: sent for the group, delivered and read per participant; no interactive; 131041 once deleted', async () => {
    const groupId = await createGroup();
    sim.groups.join(groupId, '16505551234');
    sim.groups.join(groupId, '16505559999');
    const send = (body: Record<string, unknown>) =>
      post(`/${phone}/messages`, {
        messaging_product: 'whatsapp',
        recipient_type: 'group',
        to: groupId,
        ...body,
      });
    const res = await send({ type: 'text', text: { body: 'hello all' } });
    expect(res.body).toMatchObject({ contacts: [{ input: groupId, wa_id: groupId }] });
    await clock.advance(10_000);
    await sim.idle();
    const statuses = receiver.received.flatMap((r) =>
      (r.json.entry as Array<Record<string, Loose>>).flatMap((e) =>
        (e.changes as Array<Record<string, Loose>>).flatMap((c) => (c.value.statuses ?? []) as Loose[]),
      ),
    );
    expect(statuses.map((s) => [s.status, s.recipient_type, s.recipient_participant_id])).toEqual([
      ['sent', 'group', undefined],
      ['delivered', 'group', '16505551234'],
      ['delivered', 'group', '16505559999'],
      ['read', 'group', '16505551234'],
      ['read', 'group', '16505559999'],
    ]);
    const interactive = await send({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Pick' },
        action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] },
      },
    });
    expect(interactive.body.error).toMatchObject({ code: 131051 });
    expect((await graph(sim.url, 'DELETE', `/v24.0/${groupId}`, { bearer: token })).body).toEqual({
      success: true,
    });
    expect((await send({ type: 'text', text: { body: 'gone?' } })).body.error).toMatchObject({
      code: 131041,
    });
  });

  it('a participant cannot join twice or past 8, and the group message names its group', async () => {
    const groupId = await createGroup();
    for (let i = 0; i < 8; i++) sim.groups.join(groupId, `1650555000${i}`);
    expect(() => sim.groups.join(groupId, '16505559999')).toThrow(/full/);
    expect(() => sim.groups.join(groupId, '16505550001')).toThrow(/already/);
    const record = sim.groups.send({ groupId, userId: '16505550001', text: 'hi' });
    expect(record.item).toMatchObject({ from: '16505550001', group_id: groupId, type: 'text' });
    expect(() => sim.groups.send({ groupId, userId: '19990000000', text: 'x' })).toThrow(/not a participant/);
  });
});

describe('Flows business public key', () => {
  it('is stored per number from a form field and read back; a non-RSA-2048 key is refused', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const form = new FormData();
    form.set('business_public_key', String(pem));
    const url = `${sim.url}/v24.0/${phone}/whatsapp_business_encryption`;
    const headers = { authorization: `Bearer ${token}` };
    expect(await (await fetch(url, { method: 'POST', body: form, headers })).json()).toEqual({
      success: true,
    });
    expect(await (await fetch(url, { headers })).json()).toEqual({
      data: [{ business_public_key: String(pem).trim(), business_public_key_signature_status: 'VALID' }],
    });
    const bad = new FormData();
    bad.set('business_public_key', 'not a key');
    expect((await (await fetch(url, { method: 'POST', body: bad, headers })).json()).error).toMatchObject({
      code: 100,
    });
  });
});
