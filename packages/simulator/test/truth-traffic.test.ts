import { ManualClock } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type MetaSimulator, startMetaSimulator } from '../src/index.js';
import { startReceiver } from './helpers.js';

const MINUTE = 60_000;
const sims: MetaSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function trafficRun(seed: number, receiverUrl?: string) {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const sim = await startMetaSimulator({
    clock,
    seed,
    traffic: { perMinute: 6 },
    ...(receiverUrl
      ? { webhooks: { messenger: receiverUrl, instagram: receiverUrl, whatsapp: receiverUrl } }
      : {}),
  });
  sims.push(sim);
  for (let i = 0; i < 60; i++) {
    await clock.advance(MINUTE);
    await sim.idle();
  }
  sim.traffic.stop();
  return sim;
}

describe('traffic and ground truth', () => {
  it('generates Poisson traffic per account at the given rate, reproducible from the seed', async () => {
    const a = await trafficRun(11);
    const b = await trafficRun(11);
    const c = await trafficRun(12);
    const strip = (s: MetaSimulator) =>
      s.truth
        .all()
        .map((r) => [
          r.channel,
          r.accountId,
          r.kind,
          r.createdAt,
          JSON.stringify(r.item).replace(/127\.0\.0\.1:\d+/g, 'host'),
        ]);
    expect(strip(b)).toEqual(strip(a));
    expect(strip(c)).not.toEqual(strip(a));
    // 6 accounts × 6/min × 60 min = 2160 expected; Poisson spread is ±~47 (1 sigma).
    const total = a.truth.all({ type: 'inbound' }).length;
    expect(total).toBeGreaterThan(1900);
    expect(total).toBeLessThan(2420);
    for (const account of [...a.world.pages, ...a.world.instagram, ...a.world.phoneNumbers]) {
      const n = a.truth.all({ accountId: account.id }).length;
      expect(n).toBeGreaterThan(250);
      expect(n).toBeLessThan(480);
    }
    const kinds = a.truth.summary().byKind;
    for (const k of ['text', 'image', 'reaction', 'story_mention', 'location', 'postback', 'button_reply'])
      expect(kinds[k]).toBeGreaterThan(0);
    const texts = a.truth.all().map((r) => JSON.stringify(r.item));
    expect(texts.some((t) => /[\u0590-\u06ff]/.test(t))).toBe(true);
    expect(texts.some((t) => /\p{Extended_Pictographic}/u.test(t))).toBe(true);
    expect(texts.some((t) => t.includes('"reply_to":{"mid"'))).toBe(true);
    expect(texts.some((t) => t.includes('"context":{'))).toBe(true);
    // without webhook targets everything is recorded as never sent
    expect(a.truth.summary().lost).toBe(a.truth.summary().generated);
    expect(a.truth.all()[0]?.dropped).toBe('no-target');
  });

  it('counts delivered, lost, duplicated and late exactly', async () => {
    const receiver = await startReceiver();
    try {
      const clock = new ManualClock();
      const sim = await startMetaSimulator({
        clock,
        webhooks: { messenger: receiver.url, whatsapp: receiver.url },
      });
      sims.push(sim);
      sim.customerSends({ channel: 'messenger', text: 'ok' });
      const drop = sim.faults.webhookOutage({ channel: 'messenger', mode: 'drop' });
      sim.customerSends({ channel: 'messenger', text: 'lost a' });
      sim.customerSends({ channel: 'messenger', text: 'lost b' });
      sim.faults.clear(drop);
      sim.faults.duplicates({ rate: 1, channel: 'whatsapp' });
      sim.customerSends({ channel: 'whatsapp', text: 'dup' });
      await sim.idle();
      sim.faults.clear();
      sim.faults.latency({ ms: 10 * MINUTE, channel: 'messenger' });
      sim.customerSends({ channel: 'messenger', text: 'late' });
      sim.customerSends({ channel: 'instagram', text: 'no target' });
      await clock.advance(10 * MINUTE);
      await sim.idle();
      expect(sim.truth.summary()).toMatchObject({
        generated: 6,
        delivered: 3,
        lost: 3,
        duplicated: 1,
        dropped: 3,
        byType: { inbound: 6 },
      });
      expect(sim.truth.lost().map((r) => (r.item as { message?: { text?: string } }).message?.text)).toEqual([
        'lost a',
        'lost b',
        'no target',
      ]);
      expect(sim.truth.late(MINUTE)).toHaveLength(1);
      expect(sim.truth.duplicated()[0]?.channel).toBe('whatsapp');
      const seen = sim.truth
        .all()
        .filter((r) => r.deliveredCount > 0)
        .map((r) => r.messageId!);
      expect(sim.truth.missing(seen).length).toBe(3);
    } finally {
      await receiver.close();
    }
  });
});
