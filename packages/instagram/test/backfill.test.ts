import type { ChannelEvent, UnrecoverableGap } from '@switchboard/core';
import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstagramAdapter, type InstagramAdapter } from '../src/index.js';
import { startReceiver } from './receiver.js';

const MINUTE = 60_000;

describe('Instagram backfill after a simulated webhook outage (the 2024-07-11 scenario)', () => {
  let sim: MetaSimulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let adapter: InstagramAdapter;
  let igId: string;
  let customers: string[];
  const base = Date.now() - 60 * MINUTE;
  const outageStart = base + 10 * MINUTE;
  const outageEnd = base + 20 * MINUTE;

  beforeAll(async () => {
    const probe = await startMetaSimulator({ seed: 31 });
    const secret = probe.world.app.secret;
    await probe.stop();
    receiver = await startReceiver(createInstagramAdapter({ appSecret: secret, verifyToken: 'unused' }));
    sim = await startMetaSimulator({ seed: 31, webhooks: { instagram: receiver.url } });
    const linked = sim.world.instagram.find((a) => a.pageId)!;
    igId = linked.id;
    customers = sim.account('instagram', sim.world.instagram.indexOf(linked)).customers.map((c) => c.userId);
    adapter = createInstagramAdapter({
      appId: sim.world.app.id,
      appSecret: sim.world.app.secret,
      verifyToken: sim.world.app.verifyToken,
      instagramAccountIds: [igId],
      pageIdByInstagramAccountId: { [igId]: linked.pageId! },
      accessToken: linked.accessToken,
      graphBaseUrl: sim.url,
    });
  });

  afterAll(async () => {
    await sim?.stop();
    await receiver?.close();
  });

  it('backfills exactly the lost messages and counts the unrecoverable ones', async () => {
    const [busy, quiet] = customers as [string, string];
    const send = (userId: string, at: number, text: string) =>
      sim.customerSends({ channel: 'instagram', accountId: igId, userId, kind: 'text', text, at });
    send(quiet, base, 'before');
    await sim.idle();
    expect(receiver.events.filter((e) => e.kind === 'message')).toHaveLength(1);

    const outage = sim.faults.webhookOutage({ channel: 'instagram', mode: 'drop' });
    for (let i = 0; i < 23; i++) send(busy, outageStart + i * 1000, `busy ${i}`);
    send(quiet, outageStart + 30_000, 'during');
    await sim.idle();
    sim.faults.clear(outage);

    const lost = sim.truth.lost({ channel: 'instagram' });
    expect(lost).toHaveLength(24);
    const gaps: UnrecoverableGap[] = [];
    const events: ChannelEvent[] = [];
    for await (const e of adapter.backfill!({
      accountId: igId,
      since: outageStart,
      until: outageEnd,
      onUnrecoverable: (g) => gaps.push(g),
    }))
      events.push(e);

    const oldestThree = new Set(
      lost
        .filter((r) => r.userId === busy)
        .sort((a, b) => a.createdAt - b.createdAt)
        .slice(0, 3)
        .map((r) => r.messageId),
    );
    const expected = lost
      .filter((r) => !oldestThree.has(r.messageId))
      .map((r) => `instagram:msg:${r.messageId}`)
      .sort();
    expect(events.map((e) => e.key).sort()).toEqual(expected);
    expect(
      events.every((e) => e.source === 'backfill' && e.channel === 'instagram' && e.accountId === igId),
    ).toBe(true);
    expect(gaps).toEqual([
      expect.objectContaining({ conversationId: `instagram:${igId}:${busy}`, accountId: igId, missing: 3 }),
    ]);
  });

  it('userIds restricts the backfill to those customers', async () => {
    const [, quiet] = customers as [string, string];
    const events: ChannelEvent[] = [];
    for await (const e of adapter.backfill!({ accountId: igId, since: base, userIds: [quiet] }))
      events.push(e);
    expect(events.map((e) => (e.kind === 'message' ? e.text : undefined))).toEqual(['during', 'before']);
  });
});
