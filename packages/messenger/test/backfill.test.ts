import type { ChannelEvent, UnrecoverableGap } from '@switchboard/core';
import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessengerAdapter } from '../src/index.js';
import { startReceiver } from './receiver.js';

const MINUTE = 60_000;

describe('Messenger backfill after a simulated webhook outage', () => {
  let sim: MetaSimulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let adapter: ReturnType<typeof createMessengerAdapter>;
  let pageId: string;
  let customers: string[];
  const base = Date.now() - 60 * MINUTE;
  const outageStart = base + 10 * MINUTE;
  const outageEnd = base + 20 * MINUTE;

  beforeAll(async () => {
    // The receiver needs the adapter and the simulator's secret: start the simulator without a target first.
    // The world (ids, secrets) is deterministic from the seed: learn the secret, then start the real one.
    const probe = await startMetaSimulator({ seed: 21 });
    const secret = probe.world.app.secret;
    await probe.stop();
    receiver = await startReceiver(createMessengerAdapter({ appSecret: secret, verifyToken: 'unused' }));
    sim = await startMetaSimulator({ seed: 21, webhooks: { messenger: receiver.url } });
    const account = sim.account('messenger');
    pageId = account.accountId;
    customers = account.customers.map((c) => c.userId);
    adapter = createMessengerAdapter({
      appId: sim.world.app.id,
      appSecret: sim.world.app.secret,
      verifyToken: sim.world.app.verifyToken,
      pageIds: [pageId],
      accessToken: account.token,
      graphBaseUrl: sim.url,
    });
  });

  afterAll(async () => {
    await sim?.stop();
    await receiver?.close();
  });

  it('returns exactly the lost messages and reports the conversation that lost more than 20', async () => {
    expect(customers.length).toBeGreaterThanOrEqual(2);
    const [busy, quiet] = customers as [string, string];
    const send = (userId: string, at: number, text: string) =>
      sim.customerSends({ channel: 'messenger', accountId: pageId, userId, kind: 'text', text, at });
    send(busy, base, 'before the outage');
    send(quiet, base + 1000, 'before the outage too');
    await sim.idle();
    expect(receiver.events.filter((e) => e.kind === 'message')).toHaveLength(2);

    const outage = sim.faults.webhookOutage({ channel: 'messenger', mode: 'drop' });
    for (let i = 0; i < 25; i++) send(busy, outageStart + i * 2000, `busy ${i}`);
    for (let i = 0; i < 3; i++) send(quiet, outageStart + 5000 + i * 3000, `quiet ${i}`);
    await sim.idle();
    sim.faults.clear(outage);

    const lost = sim.truth.lost({ channel: 'messenger' });
    expect(lost).toHaveLength(28);

    const gaps: UnrecoverableGap[] = [];
    const backfilled: ChannelEvent[] = [];
    for await (const event of adapter.backfill!({
      accountId: pageId,
      since: outageStart,
      until: outageEnd,
      onUnrecoverable: (g) => gaps.push(g),
    })) {
      backfilled.push(event);
    }
    expect(backfilled.every((e) => e.source === 'backfill' && e.kind === 'message')).toBe(true);
    // The busy thread got 25 messages: only the newest 20 are detailed; the 5 oldest are unrecoverable.
    const expected = lost
      .filter(
        (r) =>
          !(
            r.userId === busy &&
            Number(
              /busy (\d+)/.exec(String((r.item as { message?: { text?: string } }).message?.text))?.[1],
            ) < 5
          ),
      )
      .map((r) => `messenger:msg:${r.messageId}`)
      .sort();
    expect(backfilled.map((e) => e.key).sort()).toEqual(expected);
    expect(gaps).toEqual([
      {
        conversationId: `messenger:${pageId}:${busy}`,
        accountId: pageId,
        missing: 5,
        messageIds: lost
          .filter((r) => r.userId === busy)
          .slice(0, 5)
          .map((r) => r.messageId)
          .reverse(),
        reason: expect.stringContaining('newest 20'),
      },
    ]);

    // Nothing delivered by webhook is in the window, and keys match the webhook twins' scheme.
    const webhookKeys = new Set(receiver.events.map((e) => e.key));
    expect(backfilled.some((e) => webhookKeys.has(e.key))).toBe(false);
  });

  it('older webhook-delivered messages come back with the same keys, or are reported when beyond the newest 20', async () => {
    const [busy, quiet] = customers as [string, string];
    const keys: string[] = [];
    const gaps: UnrecoverableGap[] = [];
    for await (const event of adapter.backfill!({
      accountId: pageId,
      since: base,
      until: base + 2000,
      onUnrecoverable: (g) => gaps.push(g),
    })) {
      keys.push(event.key);
    }
    const delivered = (userId: string) =>
      receiver.events.filter((e) => e.kind === 'message' && e.userId === userId).map((e) => e.key);
    expect(keys).toEqual(delivered(quiet));
    // The busy thread's first message is now its 26th newest: the API no longer details it.
    expect(gaps).toEqual([
      expect.objectContaining({ conversationId: `messenger:${pageId}:${busy}`, missing: 1 }),
    ]);
  });

  it('listConversations lists the conversations updated since a time, newest first', async () => {
    const list = [];
    for await (const c of adapter.listConversations({ accountId: pageId, since: outageStart })) list.push(c);
    expect(list.length).toBe(2);
    expect(list[0]!.updatedAt).toBeGreaterThanOrEqual(list[1]!.updatedAt);
    expect(list.map((c) => c.userId).sort()).toEqual(customers.slice(0, 2).sort());
  });
});
