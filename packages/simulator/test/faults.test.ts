import { ManualClock } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MetaSimulator, startMetaSimulator } from '../src/index.js';
import type { Loose } from './helpers.js';
import { graph, messagingEvents, startReceiver, waValues } from './helpers.js';

const MINUTE = 60_000;
let sim: MetaSimulator;
let clock: ManualClock;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2024-07-11T15:50:00Z'));
  receiver = await startReceiver();
  sim = await startMetaSimulator({
    clock,
    seed: 5,
    webhooks: { messenger: receiver.url, instagram: receiver.url, whatsapp: receiver.url },
  });
});
afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}/_sim/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, Loose> };
}

describe('faults', () => {
  it('webhook outage "drop" on one account loses exactly its events (2024-07-11), others unaffected', async () => {
    const ig = sim.world.instagram[0]!.id;
    sim.faults.webhookOutage({ channel: 'instagram', accountId: ig, mode: 'drop', durationMs: 10 * MINUTE });
    const dropped = [
      sim.customerSends({ channel: 'instagram', accountId: ig, text: 'lost 1' }),
      sim.customerSends({ channel: 'instagram', accountId: ig, kind: 'image' }),
    ];
    const other = sim.customerSends({
      channel: 'instagram',
      accountId: sim.world.instagram[1]!.id,
      text: 'fine',
    });
    const messenger = sim.customerSends({ channel: 'messenger', text: 'fine too' });
    await clock.advance(10 * MINUTE);
    const after = sim.customerSends({ channel: 'instagram', accountId: ig, text: 'after' });
    await sim.idle();
    expect(dropped.every((r) => r.dropped === 'outage' && r.deliveredCount === 0)).toBe(true);
    expect([other, messenger, after].every((r) => r.deliveredCount === 1)).toBe(true);
    expect(sim.truth.lost().map((r) => r.id)).toEqual(dropped.map((r) => r.id));
    expect(sim.truth.summary({ channel: 'instagram' })).toMatchObject({
      generated: 4,
      delivered: 2,
      lost: 2,
      dropped: 2,
    });
  });

  it('webhook outage "hold" delivers late when the window ends', async () => {
    const id = sim.faults.webhookOutage({ channel: 'whatsapp', mode: 'hold' });
    const held = sim.customerSends({ channel: 'whatsapp', text: 'held' });
    await clock.advance(30 * MINUTE);
    await sim.idle();
    expect(held.deliveredCount).toBe(0);
    sim.faults.clear(id);
    await sim.idle();
    expect(held.deliveredAt).toBe(clock.now());
    expect(sim.truth.late(20 * MINUTE).map((r) => r.id)).toEqual([held.id]);
    expect(sim.truth.lost()).toEqual([]);
  });

  it('duplicates delivered batches at the given rate', async () => {
    sim.faults.duplicates({ rate: 1, channel: 'messenger' });
    const ev = sim.customerSends({ channel: 'messenger', text: 'twice' });
    const wa = sim.customerSends({ channel: 'whatsapp', text: 'once' });
    await sim.idle();
    expect(ev.deliveredCount).toBe(2);
    expect(wa.deliveredCount).toBe(1);
    expect(sim.truth.duplicated().map((r) => r.id)).toEqual([ev.id]);
    const bodies = receiver.received.filter((r) => r.json.object === 'page').map((r) => r.raw.toString());
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toBe(bodies[1]);
  });

  it('reorders events within a window, and adds latency', async () => {
    sim.faults.reorder({ windowMs: 60_000, channel: 'messenger' });
    const sent = Array.from({ length: 12 }, (_, i) =>
      sim.customerSends({ channel: 'messenger', text: `n${i}` }),
    );
    await clock.advance(60_000);
    await sim.idle();
    await clock.advance(1);
    await sim.idle();
    const order = messagingEvents(receiver.received).map((e) => e.message.text as string);
    expect(order.slice().sort()).toEqual(sent.map((_, i) => `n${i}`).sort());
    expect(order).not.toEqual(sent.map((_, i) => `n${i}`));
    sim.faults.clear();
    sim.faults.latency({ ms: 5000, channel: 'whatsapp' });
    const slow = sim.customerSends({ channel: 'whatsapp', text: 'slow' });
    await clock.advance(4999);
    await sim.idle();
    expect(slow.deliveredCount).toBe(0);
    await clock.advance(1);
    await sim.idle();
    expect(slow.deliveredAt! - slow.createdAt).toBe(5000);
  });

  it('send failures: any code/subcode, for a count, at a rate, for a window', async () => {
    const { accountId, token, customers } = sim.account('messenger');
    const post = () =>
      graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, {
        token,
        body: { recipient: { id: customers[0]!.userId }, message: { text: 'x' } },
      });
    sim.faults.sendFailures({ channel: 'messenger', code: 2, count: 2 });
    const first = await post();
    expect(first.status).toBe(500);
    expect(first.body.error).toMatchObject({ code: 2, is_transient: true });
    expect((await post()).body.error.code).toBe(2);
    expect((await post()).status).toBe(200);
    sim.faults.clear();
    sim.faults.sendFailures({ channel: 'messenger', code: 10, subcode: 2018108, durationMs: MINUTE });
    expect((await post()).body.error).toMatchObject({ code: 10, error_subcode: 2018108 });
    await clock.advance(MINUTE);
    expect((await post()).status).toBe(200);
    sim.faults.sendFailures({ code: 1, rate: 0.5 });
    const results = await Promise.all(Array.from({ length: 40 }, () => post()));
    const failed = results.filter((r) => r.status !== 200).length;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(35);
    sim.faults.clear();
    const wa = sim.account('whatsapp');
    sim.faults.sendFailures({ channel: 'whatsapp', code: 131056 });
    const waRes = await graph(sim.url, 'POST', `/v24.0/${wa.accountId}/messages`, {
      bearer: wa.token,
      body: { messaging_product: 'whatsapp', to: wa.customers[0]!.userId, type: 'text', text: { body: 'x' } },
    });
    expect(waRes.body.error).toMatchObject({ code: 131056, error_data: { messaging_product: 'whatsapp' } });
  });

  it('429 storm answers 613 / 130429 with usage headers at 100 %', async () => {
    const { accountId, token } = sim.account('messenger');
    sim.faults.rateLimitStorm({ channel: 'messenger', durationMs: 10 * MINUTE });
    const res = await graph(sim.url, 'GET', `/v24.0/${accountId}`, { token });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe(613);
    const usage = JSON.parse(res.headers.get('x-business-use-case-usage')!) as Record<
      string,
      Array<Record<string, number>>
    >;
    expect(usage[accountId]![0]).toMatchObject({ call_count: 100, estimated_time_to_regain_access: 10 });
    const wa = sim.account('whatsapp');
    expect((await graph(sim.url, 'GET', `/v24.0/${wa.accountId}`, { bearer: wa.token })).status).toBe(200);
    sim.faults.rateLimitStorm({ channel: 'whatsapp' });
    expect(
      (await graph(sim.url, 'GET', `/v24.0/${wa.accountId}`, { bearer: wa.token })).body.error.code,
    ).toBe(130429);
    await clock.advance(10 * MINUTE);
    expect((await graph(sim.url, 'GET', `/v24.0/${accountId}`, { token })).status).toBe(200);
  });

  it('token expiry and app unsubscribe', async () => {
    const { accountId, token } = sim.account('messenger');
    sim.faults.expireToken(token);
    expect((await graph(sim.url, 'GET', `/v24.0/${accountId}`, { token })).body.error).toMatchObject({
      code: 190,
      error_subcode: 463,
    });
    sim.faults.unsubscribeApp(sim.world.phoneNumbers[0]!.id);
    expect(sim.customerSends({ channel: 'whatsapp' }).dropped).toBe('unsubscribed');
    expect(sim.truth.alerts.at(-1)).toMatchObject({
      channel: 'whatsapp',
      accountId: sim.world.wabas[0]!.id,
      kind: 'unsubscribed',
    });
  });

  it('WhatsApp quality drop changes health, blocks sends and sends phone_number_quality_update', async () => {
    const wa = sim.account('whatsapp');
    sim.faults.whatsappQuality({
      phoneNumberId: wa.accountId,
      qualityRating: 'RED',
      canSendMessage: 'BLOCKED',
      messagingLimit: 'TIER_250',
    });
    const fields = await graph(sim.url, 'GET', `/v24.0/${wa.accountId}`, {
      bearer: wa.token,
      query: { fields: 'quality_rating,health_status,whatsapp_business_manager_messaging_limit' },
    });
    expect(fields.body).toMatchObject({
      quality_rating: 'RED',
      health_status: { can_send_message: 'BLOCKED' },
      whatsapp_business_manager_messaging_limit: 'TIER_250',
    });
    const send = await graph(sim.url, 'POST', `/v24.0/${wa.accountId}/messages`, {
      bearer: wa.token,
      body: { messaging_product: 'whatsapp', to: wa.customers[0]!.userId, type: 'text', text: { body: 'x' } },
    });
    expect(send.body.error.code).toBe(131048);
    await sim.idle();
    const change = receiver.received.flatMap(
      (r) =>
        (r.json.entry as Array<{ changes: Array<{ field: string; value: Record<string, unknown> }> }>)[0]!
          .changes,
    );
    expect(change[0]).toMatchObject({
      field: 'phone_number_quality_update',
      value: { event: 'FLAGGED', current_limit: 'TIER_250' },
    });
    expect(waValues(receiver.received)).toHaveLength(1);
  });

  it('control endpoints under /_sim/ drive the same faults, state and truth', async () => {
    const outage = await control('POST', 'faults', {
      type: 'webhook-outage',
      channel: 'messenger',
      mode: 'drop',
    });
    expect(outage.body.id).toMatch(/^fault_/);
    const ev = await control('POST', 'customer-sends', {
      channel: 'messenger',
      kind: 'text',
      text: 'via http',
    });
    expect(ev.body).toMatchObject({ channel: 'messenger', type: 'inbound', dropped: 'outage' });
    expect((await control('GET', 'faults')).body.data).toHaveLength(1);
    expect((await control('DELETE', `faults/${outage.body.id}`)).body).toEqual({ success: true });
    await control('POST', 'faults', { type: 'revoke-token', token: sim.account('messenger').token });
    expect(
      (await graph(sim.url, 'GET', '/v24.0/me', { token: sim.account('messenger').token })).body.error
        .error_subcode,
    ).toBe(467);
    await control('POST', 'faults', { type: 'unsubscribe', accountId: sim.world.pages[1]!.id });
    await control('POST', 'faults', {
      type: 'whatsapp-quality',
      phoneNumberId: sim.world.phoneNumbers[1]!.id,
      qualityRating: 'YELLOW',
      canSendMessage: 'LIMITED',
    });
    expect((await control('POST', 'faults', { type: 'nope' })).status).toBe(400);
    const state = await control('GET', 'state');
    expect(state.body.subscriptions[sim.world.pages[1]!.id]).toBeUndefined();
    expect(state.body.phoneHealth[sim.world.phoneNumbers[1]!.id]).toMatchObject({
      qualityRating: 'YELLOW',
      canSendMessage: 'LIMITED',
    });
    expect(JSON.stringify(state.body)).not.toContain(sim.world.app.secret);
    expect((await control('GET', 'state?secrets=1')).body.secrets.appSecret).toBe(sim.world.app.secret);
    const truth = await control('GET', 'truth?channel=messenger');
    expect(truth.body.summary).toMatchObject({ generated: 1, lost: 1 });
    expect((await control('GET', 'nothing')).status).toBe(404);
    const invalid = await control('POST', 'faults', { type: 'duplicates' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toContain('rate');
    expect((await control('POST', 'customer-sends', { channel: 'telegram' })).status).toBe(400);
    expect(
      (await control('POST', 'webhooks', { channel: 'instagram' })).body.webhooks.instagram,
    ).toBeUndefined();
    expect((await control('POST', 'customer-sends', { channel: 'instagram' })).body.dropped).toBe(
      'no-target',
    );
    expect((await control('POST', 'traffic', { perMinute: 60, channels: ['whatsapp'] })).body).toEqual({
      success: true,
    });
    await clock.advance(MINUTE);
    await sim.idle();
    expect(sim.truth.all({ channel: 'whatsapp', type: 'inbound' }).length).toBeGreaterThan(0);
    expect((await control('DELETE', 'traffic')).body).toEqual({ success: true });
    expect((await control('GET', 'sends')).body.data).toEqual([]);
  });
});
