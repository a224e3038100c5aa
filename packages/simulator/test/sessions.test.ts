import { ManualClock } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type MetaSimulator, type SimWorld, startMetaSimulator, type TrafficOptions } from '../src/index.js';
import { startReceiver } from './helpers.js';

const MINUTE = 60_000;
const START = Date.parse('2026-01-01T00:00:00Z');
const sims: MetaSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function sessionRun(
  seed: number,
  traffic: (world: SimWorld) => Partial<TrafficOptions> = () => ({}),
  minutes = 120,
) {
  const clock = new ManualClock(START);
  const sim = await startMetaSimulator({ clock, seed, world: { customersPerAccount: 20 } });
  sims.push(sim);
  sim.traffic.start({ perMinute: 2, model: 'sessions', ...traffic(sim.world) });
  for (let i = 0; i < minutes; i++) {
    await clock.advance(MINUTE);
    await sim.idle();
  }
  sim.traffic.stop();
  return sim;
}

type Entry = { at: number; business: boolean; kind: string };

/** A conversation's customer messages and business answers, in order. */
function conversations(sim: MetaSimulator) {
  const byKey = new Map<string, Entry[]>();
  const add = (key: string, entry: Entry) => {
    const list = byKey.get(key) ?? [];
    list.push(entry);
    byKey.set(key, list);
  };
  for (const r of sim.truth.all({ type: 'inbound' }))
    add(`${r.channel}:${r.accountId}:${r.userId}`, { at: r.createdAt, business: false, kind: r.kind });
  for (const s of sim.businessSends())
    add(`${s.channel}:${s.accountId}:${s.userId}`, { at: s.at, business: true, kind: s.kind });
  for (const list of byKey.values()) list.sort((a, b) => a.at - b.at);
  return byKey;
}

describe('session traffic', () => {
  it('is reproducible from the seed', async () => {
    const strip = (s: MetaSimulator) =>
      s.truth.all().map((r) => [r.type, r.accountId, r.userId, r.kind, r.createdAt, r.messageId]);
    const a = await sessionRun(21, undefined, 30);
    const b = await sessionRun(21, undefined, 30);
    const c = await sessionRun(22, undefined, 30);
    expect(strip(a).length).toBeGreaterThan(50);
    expect(strip(b)).toEqual(strip(a));
    expect(strip(c)).not.toEqual(strip(a));
  });

  it('has customers write in bursts with pauses, the business answer, and follow-ups after the answer', async () => {
    const sim = await sessionRun(5);
    const convs = conversations(sim);
    const inbound = sim.truth.all({ type: 'inbound' });
    // 6 accounts × 2/min × 120 min = 1440 customer messages expected.
    expect(inbound.length).toBeGreaterThan(1100);
    expect(inbound.length).toBeLessThan(1800);
    expect(new Set(inbound.map((r) => r.kind))).toEqual(new Set(['text', 'image']));
    // Many conversations per account, not one busy customer.
    for (const account of [...sim.world.pages, ...sim.world.instagram, ...sim.world.phoneNumbers])
      expect([...convs.keys()].filter((k) => k.includes(`:${account.id}:`)).length).toBeGreaterThan(10);

    let bursts = 0;
    let answered = 0;
    let followUps = 0;
    for (const list of convs.values()) {
      for (let i = 1; i < list.length; i++) {
        const [prev, cur] = [list[i - 1], list[i]] as [Entry, Entry];
        // Messages of one customer are never within the same 2 s (the minimum pause).
        if (!prev.business && !cur.business) expect(cur.at - prev.at).toBeGreaterThanOrEqual(2_000);
        if (!prev.business && !cur.business && cur.at - prev.at < 5 * MINUTE) bursts++;
        if (cur.business) {
          // An answer always follows a customer message of the same conversation, at least 5 s later.
          expect(prev.business).toBe(false);
          expect(cur.at - prev.at).toBeGreaterThanOrEqual(5_000);
          answered++;
        }
        if (prev.business && !cur.business && cur.at - prev.at < 5 * MINUTE) followUps++;
      }
    }
    expect(bursts).toBeGreaterThan(300);
    expect(answered).toBeGreaterThan(150);
    expect(followUps).toBeGreaterThan(30);
    // The answers are real platform messages: echoes on Messenger / Instagram, statuses on WhatsApp.
    const echoes = sim.truth.all({ type: 'echo' });
    expect(echoes.length).toBe(sim.businessSends().filter((s) => s.channel !== 'whatsapp').length);
    expect(sim.truth.all({ type: 'status', channel: 'whatsapp' }).length).toBeGreaterThan(0);
  });

  it('follows per-account rates and the day shape', async () => {
    // The run starts at midnight UTC: hour 0 is off in this shape, the others are on.
    const shape = Array.from({ length: 24 }, (_, h) => (h === 0 ? 0 : 1));
    const sim = await sessionRun(3, (world) => ({
      perMinuteByAccount: { [world.pages[0]?.id as string]: 0, [world.pages[1]?.id as string]: 4 },
      dayShape: shape,
    }));
    const [quiet, busy] = [sim.world.pages[0]?.id, sim.world.pages[1]?.id];
    const inbound = sim.truth.all({ type: 'inbound' });
    expect(inbound.filter((r) => r.accountId === quiet)).toEqual([]);
    expect(inbound.filter((r) => r.createdAt < START + 60 * MINUTE)).toEqual([]);
    const busyCount = inbound.filter((r) => r.accountId === busy).length;
    const otherCount = inbound.filter((r) => r.accountId === sim.world.instagram[0]?.id).length;
    expect(otherCount).toBeGreaterThan(60);
    expect(busyCount).toBeGreaterThan(otherCount * 1.4);
  });

  it('tells which messages the Conversations API still details (the newest 20 of a conversation)', async () => {
    const sim = await startMetaSimulator({ clock: new ManualClock(START) });
    sims.push(sim);
    const ids = Array.from(
      { length: 25 },
      (_, i) => sim.customerSends({ channel: 'instagram', text: `line ${i}` }).messageId as string,
    );
    expect(ids.map((id) => sim.isDetailed(id))).toEqual(ids.map((_, i) => i >= 5));
  });

  it('delivers the business answers as echo webhooks the receiver can verify', async () => {
    const receiver = await startReceiver();
    try {
      const clock = new ManualClock(START);
      const sim = await startMetaSimulator({
        clock,
        seed: 8,
        webhooks: { messenger: receiver.url },
        traffic: { perMinute: 3, model: 'sessions', channels: ['messenger'], session: { replyChance: 1 } },
      });
      sims.push(sim);
      for (let i = 0; i < 20; i++) {
        await clock.advance(MINUTE);
        await sim.idle();
      }
      const echoes = sim.truth.all({ type: 'echo' });
      expect(echoes.length).toBeGreaterThan(0);
      expect(echoes.every((e) => e.deliveredCount === 1)).toBe(true);
      const bodies = receiver.received.map((r) => r.raw.toString());
      expect(bodies.some((b) => b.includes('"is_echo":true'))).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});
