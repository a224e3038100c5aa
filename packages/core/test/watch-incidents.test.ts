import { describe, expect, it } from 'vitest';
import {
  type ChannelAdapter,
  type ChannelEvent,
  createLogger,
  createMemoryStore,
  ManualClock,
} from '../src/index.js';
import { createAlarmCenter, createWatch, importTrafficHistory } from '../src/watch/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = Date.parse('2024-07-11T15:00:00Z');

interface PlatformMessage {
  id: string;
  accountId: string;
  ts: number;
  /** Listed by the platform but no longer detailed: beyond its reach. */
  old?: boolean;
}

/**
 * A watch (memory store, manual clock) over Instagram-like accounts whose platform keeps every message:
 * webhooks are stored and observed as the engine's ingest does, unless dropped; reconciliation lists one
 * conversation per account and recovers what the store lacks (or names it, for `old` messages).
 */
async function world(ids: readonly string[], options: { history?: boolean; perHour?: number } = {}) {
  const clock = new ManualClock(START);
  const store = createMemoryStore();
  const logger = createLogger({ level: 'silent' });
  const platform: PlatformMessage[] = [];
  const second = (ms: number) => Math.floor(ms / 1000) * 1000;
  const toEvent = (m: PlatformMessage, source: 'webhook' | 'backfill'): ChannelEvent => ({
    kind: 'message',
    channel: 'instagram',
    key: `instagram:msg:${m.id}`,
    accountId: m.accountId,
    userId: 'customer',
    conversationId: `instagram:${m.accountId}:customer`,
    timestamp: m.ts,
    source,
    raw: {},
    messageId: m.id,
    direction: 'inbound',
    parts: [],
  });
  const history = {
    async *listConversations({ accountId, since }: { accountId: string; since: number }) {
      const mine = platform.filter((m) => m.accountId === accountId);
      const updatedAt = second(Math.max(0, ...mine.map((m) => m.ts)));
      if (mine.length > 0 && updatedAt >= second(since))
        yield {
          platformId: `t_${accountId}`,
          userId: 'customer',
          conversationId: `instagram:${accountId}:customer`,
          updatedAt,
        };
    },
    async conversationMessages(request: { accountId: string; since: number; until: number }) {
      const inWindow = platform.filter(
        (m) =>
          m.accountId === request.accountId &&
          second(m.ts) >= second(request.since) &&
          second(m.ts) <= request.until,
      );
      return {
        events: inWindow.filter((m) => !m.old).map((m) => toEvent(m, 'backfill')),
        unretrievable: inWindow
          .filter((m) => m.old)
          .map((m) => ({ messageId: m.id, key: `instagram:msg:${m.id}`, timestamp: second(m.ts) })),
        reason: 'older than the newest 20',
      };
    },
  };
  const adapter = {
    channel: 'instagram',
    accountIds: [...ids],
    limits: { backfillPerSecond: 2 },
    ...(options.history === false ? {} : history),
  } as unknown as ChannelAdapter;
  if (options.perHour)
    for (const accountId of ids) {
      const hours = [];
      for (let at = START - 14 * 24 * HOUR; at < START - HOUR; at += HOUR)
        hours.push({ at, count: options.perHour });
      await importTrafficHistory(store, { channel: 'instagram', accountId, hours });
    }
  const alarms = createAlarmCenter({ clock, logger });
  const stored = async (events: readonly ChannelEvent[]) => {
    const results = await store.events.insertMany(events, {
      inboxId: null,
      owner: 'test',
      leaseMs: MINUTE,
      now: clock.now(),
    });
    let inserted = 0;
    for (const [k, r] of results.entries()) {
      const outcome = r.result === 'inserted' ? 'inserted' : 'duplicate';
      if (outcome === 'inserted') inserted++;
      watch.observe(events[k] as ChannelEvent, outcome);
    }
    return { inserted, duplicates: events.length - inserted };
  };
  const watch = createWatch(
    {
      adapters: [adapter],
      store,
      clock,
      logger,
      alarms,
      accountInfo: () => ({ tenantId: 't1' }),
      ingest: (events) => stored(events),
      countUnrecoverable: async () => {},
    },
    {
      fleet: { enabled: false },
      silence: { enabled: false },
      probes: { enabled: false },
      delivery: { enabled: false },
      reconcile: { intervalMs: 24 * HOUR },
    },
  );
  await watch.start();
  let seq = 0;
  return {
    clock,
    watch,
    alarms,
    /** A customer writes to `accountId` at `ts`: kept by the platform, its webhook delivered unless dropped. */
    async sends(accountId: string, ts: number, delivery: 'webhook' | 'dropped' | 'dropped-old') {
      const m: PlatformMessage = {
        id: `m${++seq}`,
        accountId,
        ts,
        ...(delivery === 'dropped-old' ? { old: true } : {}),
      };
      platform.push(m);
      if (delivery === 'webhook') await stored([toEvent(m, 'webhook')]);
      return m;
    },
    /** The pooled alarm as the fleet detector raises it: `silent` are the accounts silent since `since`. */
    outage(silent: string[], since: number) {
      alarms.raise({
        type: 'platform_outage',
        channel: 'instagram',
        accountId: 'app:default',
        severity: 'critical',
        message: 'platform-wide: the fleet is silent',
        data: { scope: 'platform', appId: 'default', signal: 'inbound', since, silentAccounts: silent },
      });
    },
    resume() {
      alarms.clear('platform_outage', 'instagram', 'app:default', 'traffic again');
    },
  };
}

describe('incident counts', () => {
  it('count what the engine recovered and lost while the incident was open, for accounts that join late too', async () => {
    const w = await world(['a', 'b', 'c']);
    // `c` spoke in the last seconds before the cut: it is not among the pooled alarm's silent accounts.
    for (const id of ['a', 'b', 'c']) await w.sends(id, START + MINUTE, 'webhook');
    await w.sends('c', START + 4 * MINUTE + 50_000, 'webhook');
    await w.clock.advanceTo(START + 5 * MINUTE);
    w.outage(['a', 'b'], START + 4 * MINUTE);
    for (const id of ['a', 'b', 'c'])
      for (let k = 0; k < 3; k++) await w.sends(id, START + (6 + k) * MINUTE, 'dropped');
    const old = await w.sends('c', START + 9 * MINUTE, 'dropped-old');
    await w.clock.advanceTo(START + 15 * MINUTE);
    // The pass recovers c's messages, then raises c's webhook_gap: only then does c join the incident.
    await w.watch.reconcile();
    await w.watch.check();
    const [incident] = w.watch.incidents.list();
    expect(incident?.scope.accounts.sort()).toEqual(['a', 'b', 'c']);
    expect(incident?.counts).toMatchObject({ recovered: 9, lost: 1, named: 1 });
    expect(incident?.evidence.sampleLostIds).toEqual([old.id]);

    // A message dropped just before traffic resumed is recovered during the catch-up: still counted.
    await w.sends('c', START + 20 * MINUTE, 'dropped');
    await w.clock.advanceTo(START + 21 * MINUTE);
    w.resume();
    await w.clock.advanceTo(START + 30 * MINUTE);
    await w.watch.reconcile();
    await w.watch.check();
    const closed = w.watch.incidents.get(incident?.id as string);
    expect(closed?.state).toBe('closed');
    expect(closed?.counts).toMatchObject({ recovered: 10, lost: 1, named: 1 });
    expect(closed?.timeline.at(-1)?.what).toContain('10 recovered, 1 lost, 1 named');

    // After it closed, an account's own later loss is not the incident's.
    await w.sends('a', START + 35 * MINUTE, 'dropped');
    await w.clock.advanceTo(START + 45 * MINUTE);
    await w.watch.reconcile();
    await w.watch.check();
    expect(w.watch.incidents.get(incident?.id as string)?.counts.recovered).toBe(10);
    await w.watch.stop();
  });

  it('on a channel without a history API, the incident estimates the missed messages from the baselines', async () => {
    // Two accounts at 120 messages an hour, silent for 30 minutes: about 120 messages missed.
    const w = await world(['a', 'b'], { history: false, perHour: 120 });
    await w.clock.advanceTo(START + 10 * MINUTE);
    w.outage(['a', 'b'], START + 10 * MINUTE);
    await w.clock.advanceTo(START + 25 * MINUTE);
    await w.watch.check();
    const open = w.watch.incidents.list()[0];
    expect(open?.counts.estimatedMissed).toBeGreaterThanOrEqual(54);
    expect(open?.counts.estimatedMissed).toBeLessThanOrEqual(66);
    expect(w.watch.incidents.statusText(open?.id as string, 't1')).toMatch(
      /^Investigating: .*, about \d+ messages across the 2 affected accounts \(an estimate from their usual traffic\) so far\./,
    );
    await w.clock.advanceTo(START + 40 * MINUTE);
    w.resume();
    await w.clock.advanceTo(START + 50 * MINUTE);
    await w.watch.check();
    const closed = w.watch.incidents.get(open?.id as string);
    expect(closed?.state).toBe('closed');
    // Frozen at the resumption: the 30 silent minutes, not the 40 until the check.
    expect(closed?.counts.estimatedMissed).toBeGreaterThanOrEqual(108);
    expect(closed?.counts.estimatedMissed).toBeLessThanOrEqual(132);
    expect(closed?.counts).toMatchObject({ recovered: 0, lost: 0, named: 0 });
    expect(w.watch.incidents.statusText(open?.id as string, 't1')).toContain(
      `could not be fetched (the platform offers no history): about ${closed?.counts.estimatedMissed} messages across the 2 affected accounts (an estimate from their usual traffic).`,
    );
    const packet = w.watch.incidents.packet(open?.id as string);
    expect(packet?.json.counts.estimatedMissed).toBe(closed?.counts.estimatedMissed);
    expect(packet?.markdown).toContain(`about ${closed?.counts.estimatedMissed} inbound messages (estimate`);
    await w.watch.stop();
  });
});
