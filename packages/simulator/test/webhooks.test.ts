import { ManualClock } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ALERT_AFTER_MS,
  type MetaSimulator,
  type MetaSimulatorOptions,
  startMetaSimulator,
  UNSUBSCRIBE_AFTER_MS,
} from '../src/index.js';
import { graph, messagingEvents, startReceiver, verifySignature } from './helpers.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
let sim: MetaSimulator | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;

afterEach(async () => {
  await sim?.stop();
  await receiver?.close();
});

async function setup(respond: Parameters<typeof startReceiver>[0], options: MetaSimulatorOptions = {}) {
  const clock = new ManualClock(Date.parse('2024-07-11T15:00:00Z'));
  receiver = await startReceiver(respond);
  sim = await startMetaSimulator({
    clock,
    webhooks: { messenger: receiver.url, instagram: receiver.url, whatsapp: receiver.url },
    ...options,
  });
  return { clock, sim, receiver };
}

/** Moves the manual clock in steps, letting each step's webhook POSTs finish. */
async function run(clock: ManualClock, s: MetaSimulator, totalMs: number, stepMs: number) {
  await s.idle();
  for (let t = 0; t < totalMs; t += stepMs) {
    await clock.advance(stepMs);
    await s.idle();
  }
}

describe('webhook delivery', () => {
  it('batches pending events into one POST with several entries, signed over Meta-serialized bytes', async () => {
    const { sim, receiver } = await setup(() => 200);
    const [p1, p2] = sim.world.pages;
    sim.customerSends({ channel: 'messenger', accountId: p1!.id, text: 'Grüße 👋 https://x.y/z' });
    sim.customerSends({ channel: 'messenger', accountId: p1!.id, kind: 'image' });
    sim.customerSends({ channel: 'messenger', accountId: p2!.id, text: 'שלום' });
    await sim.idle();
    expect(receiver.received).toHaveLength(1);
    const post = receiver.received[0]!;
    expect(post.json.object).toBe('page');
    expect(
      (post.json.entry as Array<{ id: string; messaging: unknown[] }>).map((e) => [e.id, e.messaging.length]),
    ).toEqual([
      [p1!.id, 2],
      [p2!.id, 1],
    ]);
    const raw = post.raw.toString('utf8');
    expect(raw).toMatch(/^[\x20-\x7e]*$/);
    expect(raw).toContain('Gr\\u00fc\\u00dfe \\ud83d\\udc4b https:\\/\\/x.y\\/z');
    expect(verifySignature(post.raw, post.headers['x-hub-signature-256'], sim.world.app.secret)).toBe(true);
    expect(verifySignature(post.raw, post.headers['x-hub-signature-256'], 'wrong-secret')).toBe(false);
    expect(post.headers['content-type']).toBe('application/json');
    expect(sim.truth.summary().delivered).toBe(3);
  });

  it('splits batches at maxEvents and merges events within a batch window on the clock', async () => {
    const { clock, sim, receiver } = await setup(() => 200, { batch: { windowMs: 1000, maxEvents: 2 } });
    sim.customerSends({ channel: 'instagram', text: 'a' });
    await clock.advance(400);
    sim.customerSends({ channel: 'instagram', text: 'b' });
    sim.customerSends({ channel: 'instagram', text: 'c' });
    await sim.idle();
    expect(receiver.received).toHaveLength(0);
    await clock.advance(600);
    await sim.idle();
    expect(receiver.received.map((r) => messagingEvents([r]).length)).toEqual([2, 1]);
  });

  it('delivers every Messenger/Instagram customer event kind', async () => {
    const { clock, sim, receiver } = await setup(() => 200);
    const { accountId, token, customers } = sim.account('messenger');
    const userId = customers[0]!.userId;
    await graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, {
      token,
      body: { recipient: { id: userId }, message: { text: 'from the page' } },
    });
    for (const kind of [
      'text',
      'image',
      'video',
      'audio',
      'file',
      'sticker',
      'reaction',
      'unreact',
      'postback',
      'quick_reply',
      'referral',
      'read',
      'edit',
      'share',
    ] as const) {
      sim.customerSends({ channel: 'messenger', userId, kind });
    }
    for (const kind of ['story_mention', 'story_reply', 'share', 'reaction', 'delete'] as const)
      sim.customerSends({ channel: 'instagram', kind });
    await clock.advance(50);
    await sim.idle();
    const events = messagingEvents(receiver.received);
    const keys = events.map((e) =>
      Object.keys(e).find((k) => !['sender', 'recipient', 'timestamp'].includes(k)),
    );
    expect(keys.filter((k) => k === 'message').length).toBe(12);
    for (const k of ['reaction', 'postback', 'referral', 'read', 'message_edit']) expect(keys).toContain(k);
    expect(events.find((e) => e.message?.sticker_id)).toBeDefined();
    expect(events.find((e) => e.message?.attachments?.[0]?.type === 'story_mention')).toBeDefined();
    expect(events.find((e) => e.message?.is_deleted)).toBeDefined();
    expect(events.find((e) => e.message?.reply_to?.story)).toBeDefined();
    expect(() => sim.customerSends({ channel: 'messenger', kind: 'order' })).toThrow(/not available/);
  });

  it('Messenger: quick retries, alert after 15 min, unsubscribe after 1 h, resubscribe restores delivery', async () => {
    let failing = true;
    const { clock, sim, receiver } = await setup(() => (failing ? 500 : 200));
    const start = clock.now();
    const lost = sim.customerSends({ channel: 'messenger', text: 'during the outage' });
    await run(clock, sim, 25_000, 500);
    expect(lost.attempts.length).toBeGreaterThanOrEqual(4);
    expect(lost.attempts[1]!.at - lost.attempts[0]!.at).toBeLessThanOrEqual(1500);
    expect(lost.attempts.every((a) => a.status === 500)).toBe(true);
    await run(clock, sim, 15 * MINUTE, 30_000);
    expect(sim.truth.alerts).toEqual([
      { at: start + ALERT_AFTER_MS, channel: 'messenger', accountId: lost.accountId, kind: 'failing-15min' },
    ]);
    await run(clock, sim, 45 * MINUTE, 30_000);
    const unsub = sim.truth.alerts.find((a) => a.kind === 'unsubscribed');
    expect(unsub).toEqual({
      at: start + UNSUBSCRIBE_AFTER_MS,
      channel: 'messenger',
      accountId: lost.accountId,
      kind: 'unsubscribed',
    });
    const attemptsAtUnsub = lost.attempts.length;
    expect(attemptsAtUnsub).toBeGreaterThan(10);
    const { token } = sim.account('messenger');
    expect(
      (await graph(sim.url, 'GET', `/v24.0/${lost.accountId}/subscribed_apps`, { token })).body.data,
    ).toEqual([]);
    failing = false;
    const whileUnsubscribed = sim.customerSends({ channel: 'messenger', text: 'nobody hears this' });
    await run(clock, sim, 10 * MINUTE, 60_000);
    expect(whileUnsubscribed.dropped).toBe('unsubscribed');
    expect(lost.attempts.length).toBe(attemptsAtUnsub);
    expect(lost.dropped).toBe('abandoned');
    expect(lost.deliveredCount).toBe(0);
    await graph(sim.url, 'POST', `/v24.0/${lost.accountId}/subscribed_apps`, {
      token,
      query: { subscribed_fields: 'messages' },
    });
    const after = sim.customerSends({ channel: 'messenger', text: 'after resubscribe' });
    await sim.idle();
    expect(after.deliveredCount).toBe(1);
    expect(sim.truth.lost({ channel: 'messenger' }).map((r) => r.id)).toEqual([
      lost.id,
      whileUnsubscribed.id,
    ]);
    expect(receiver.received.length).toBe(attemptsAtUnsub + 1);
  });

  it('Messenger: recovery within the hour delivers late and keeps the subscription', async () => {
    const { clock, sim } = await setup((n) => (n < 5 ? 503 : 200));
    const ev = sim.customerSends({ channel: 'instagram', text: 'eventually' });
    await run(clock, sim, 30 * MINUTE, 30_000);
    expect(ev.deliveredCount).toBe(1);
    expect(ev.attempts.map((a) => a.status)).toEqual([503, 503, 503, 503, 503, 200]);
    expect(sim.truth.late(60_000).map((r) => r.id)).toEqual([ev.id]);
    expect(sim.truth.alerts).toEqual([]);
  });

  it('WhatsApp: retries with decreasing frequency for 7 days, never unsubscribes', async () => {
    const { clock, sim } = await setup(() => 500);
    const ev = sim.customerSends({ channel: 'whatsapp', text: 'week-long outage' });
    await run(clock, sim, 8 * 24 * HOUR, HOUR / 2);
    const gaps = ev.attempts.slice(1).map((a, i) => a.at - ev.attempts[i]!.at);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThanOrEqual(gaps[i - 1]!);
    const last = ev.attempts.at(-1)!;
    expect(last.at - ev.createdAt).toBeLessThanOrEqual(7 * 24 * HOUR);
    expect(last.at - ev.createdAt).toBeGreaterThan(6 * 24 * HOUR);
    expect(ev.dropped).toBe('abandoned');
    expect(sim.truth.alerts.map((a) => a.kind)).toEqual(['failing-15min']);
    expect(sim.customerSends({ channel: 'whatsapp' }).dropped).toBeUndefined();
  });

  it('treats a receiver slower than the response timeout as a failure and retries', async () => {
    const { clock, sim } = await setup((n) => (n === 0 ? 'hang' : 200), { webhookTimeoutMs: 200 });
    const ev = sim.customerSends({ channel: 'messenger', text: 'slow' });
    await sim.idle();
    expect(ev.attempts.map((a) => a.status)).toEqual(['timeout']);
    await run(clock, sim, 2000, 1000);
    expect(ev.attempts.map((a) => a.status)).toEqual(['timeout', 200]);
  });
});
