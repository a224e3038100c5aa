import { ManualClock } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MetaSimulator, startMetaSimulator } from '../src/index.js';
import type { Loose } from './helpers.js';
import { graph, startReceiver } from './helpers.js';

let sim: MetaSimulator;
let clock: ManualClock;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-29T10:00:00Z'));
  receiver = await startReceiver();
  sim = await startMetaSimulator({ clock, webhooks: { whatsapp: receiver.url }, templateReviewMs: 60_000 });
});
afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

const waba = () => sim.world.wabas[0]!.id;
const token = () => sim.account('whatsapp').token;
const changes = () =>
  receiver.received.flatMap((r) =>
    (r.json.entry as Array<Record<string, Loose>>).flatMap((e) => e.changes as Array<Record<string, Loose>>),
  );
const create = (name: string, extra: Record<string, unknown> = {}) =>
  graph(sim.url, 'POST', `/v24.0/${waba()}/message_templates`, {
    bearer: token(),
    body: {
      name,
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}', example: { body_text: [['Ana']] } }],
      ...extra,
    },
  });
const sendTemplate = (name: string, bodyParams: string[]) => {
  const { accountId, customers } = sim.account('whatsapp');
  return graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, {
    bearer: token(),
    body: {
      messaging_product: 'whatsapp',
      to: customers[0]!.userId,
      type: 'template',
      template: {
        name,
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: bodyParams.map((text) => ({ type: 'text', text })) }],
      },
    },
  });
};

describe('WhatsApp message templates', () => {
  it('lists with Graph paging: cursors, a next link only while more remain, and filters', async () => {
    const first = await graph(sim.url, 'GET', `/v24.0/${waba()}/message_templates`, {
      bearer: token(),
      query: { limit: '2', fields: 'name,status,language' },
    });
    expect(first.body.data.map((t: Loose) => t.name)).toEqual(['hello_world', 'order_update']);
    expect(first.body.paging.next).toContain('after=');
    const next = await fetch(first.body.paging.next, { headers: { authorization: `Bearer ${token()}` } });
    const second = (await next.json()) as Loose;
    expect(second.data.map((t: Loose) => t.name)).toEqual(['spring_sale']);
    expect(second.paging.next).toBeUndefined();
    const filtered = await graph(sim.url, 'GET', `/v24.0/${waba()}/message_templates`, {
      bearer: token(),
      query: { category: 'MARKETING' },
    });
    expect(filtered.body.data).toHaveLength(1);
  });

  it('create → PENDING; sends refused with 132001 until approved after the review delay, with a status webhook', async () => {
    const created = await create('pickup_ready');
    expect(created.body).toEqual({
      id: expect.stringMatching(/^\d{16}$/),
      status: 'PENDING',
      category: 'UTILITY',
    });
    const refused = await sendTemplate('pickup_ready', ['Ana']);
    expect([refused.status, refused.body.error.code]).toEqual([400, 132001]);
    await clock.advance(60_000);
    await sim.idle();
    expect(changes()).toContainEqual({
      field: 'message_template_status_update',
      value: expect.objectContaining({
        event: 'APPROVED',
        message_template_id: Number(created.body.id),
        message_template_name: 'pickup_ready',
        message_template_language: 'en_US',
      }),
    });
    expect((await sendTemplate('pickup_ready', ['Ana'])).status).toBe(200);
    const mismatch = await sendTemplate('pickup_ready', []);
    expect(mismatch.body.error.code).toBe(132000);
  });

  it('refuses a duplicate name and language, and a body over 1024 characters', async () => {
    await create('dup_one');
    expect((await create('dup_one')).body.error).toMatchObject({ code: 100, error_subcode: 2388024 });
    const long = await create('too_long', { components: [{ type: 'BODY', text: 'x'.repeat(1025) }] });
    expect(long.body.error.code).toBe(100);
  });

  it('paused and disabled templates: sends get 132015 / 132016; DISABLED cannot be deleted; quality webhook', async () => {
    const id = sim.templates.list(waba()).find((t) => t.name === 'order_update')!.id;
    sim.templates.review(id, {
      event: 'PAUSED',
      otherInfo: { title: 'FIRST_PAUSE', description: '3 hours' },
    });
    expect((await sendTemplate('order_update', ['Kerry'])).body.error.code).toBe(132015);
    sim.templates.review(id, { event: 'DISABLED' });
    expect((await sendTemplate('order_update', ['Kerry'])).body.error.code).toBe(132016);
    const del = await graph(sim.url, 'DELETE', `/v24.0/${waba()}/message_templates`, {
      bearer: token(),
      query: { name: 'order_update' },
    });
    expect(del.status).toBe(400);
    sim.templates.rate(id, 'RED');
    await sim.idle();
    expect(changes().map((c) => [c.field, c.value.event ?? c.value.new_quality_score])).toEqual([
      ['message_template_status_update', 'PAUSED'],
      ['message_template_status_update', 'DISABLED'],
      ['message_template_quality_update', 'RED'],
    ]);
  });

  it('edit: approved templates keep their category, go back to review, and are edited once a day', async () => {
    const id = sim.templates.list(waba()).find((t) => t.name === 'hello_world')!.id;
    const category = await graph(sim.url, 'POST', `/v24.0/${id}`, {
      bearer: token(),
      body: { category: 'MARKETING' },
    });
    expect(category.body.error.error_subcode).toBe(2388026);
    const body = { components: [{ type: 'BODY', text: 'Hello again' }] };
    expect((await graph(sim.url, 'POST', `/v24.0/${id}`, { bearer: token(), body })).body).toEqual({
      success: true,
    });
    const read = await graph(sim.url, 'GET', `/v24.0/${id}`, {
      bearer: token(),
      query: { fields: 'status,components' },
    });
    expect(read.body).toMatchObject({ status: 'PENDING', components: [{ text: 'Hello again' }] });
    sim.templates.review(id, { event: 'APPROVED' });
    const again = await graph(sim.url, 'POST', `/v24.0/${id}`, { bearer: token(), body });
    expect(again.body.error.error_subcode).toBe(2388027);
  });

  it('delete by name removes every language; the control API lists and decides', async () => {
    const del = await graph(sim.url, 'DELETE', `/v24.0/${waba()}/message_templates`, {
      bearer: token(),
      query: { name: 'hello_world' },
    });
    expect(del.body).toEqual({ success: true });
    expect(sim.templates.list(waba()).some((t) => t.name === 'hello_world')).toBe(false);
    const listed = (await (await fetch(`${sim.url}/_sim/templates?wabaId=${waba()}`)).json()) as Loose;
    const spring = listed.data.find((t: Loose) => t.name === 'spring_sale');
    const decided = await fetch(`${sim.url}/_sim/templates/${spring.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'REJECTED', reason: 'PROMOTIONAL' }),
    });
    expect(((await decided.json()) as Loose).status).toBe('REJECTED');
  });
});
