import { describe, expect, it } from 'vitest';
import {
  type Alarm,
  type ChannelAdapter,
  type ChannelEvent,
  createLogger,
  createMemoryStore,
  type IncidentEvent,
  ManualClock,
  type Store,
} from '../src/index.js';
import { createFleetDetector, type FleetPoolHealth, poissonCdf } from '../src/watch/fleet.js';
import {
  createAlarmCenter,
  createWatch,
  escalationPacket,
  importTrafficHistory,
} from '../src/watch/index.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const START = Date.parse('2024-07-11T08:00:00Z');
const DAY = 24 * HOUR;

/** mulberry32: reproducible traffic. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface TestAccount {
  channel: string;
  accountId: string;
  appId: string;
  tenantId: string;
  perHour: number;
}

/** 20 busy accounts (2/min) and 280 quiet ones (2/h) per channel, 20 % of them on a second app. */
function drawFleet(channels: readonly string[]): TestAccount[] {
  const out: TestAccount[] = [];
  for (const channel of channels)
    for (let i = 0; i < 300; i++)
      out.push({
        channel,
        accountId: `${channel}-${i}`,
        appId: i % 5 === 0 ? 'app-b' : 'app-a',
        tenantId: `t${i % 30}`,
        perHour: i < 20 ? 120 : 2,
      });
  return out;
}

/** A watch over a fleet (no Graph side), traffic fed as the engine's ingest feeds it. */
async function fleetWorld(options: { channels?: string[]; seed?: number } = {}) {
  const accounts = drawFleet(options.channels ?? ['instagram']);
  const clock = new ManualClock(START);
  const store: Store = createMemoryStore();
  const logger = createLogger({ level: 'silent' });
  const byKey = new Map(accounts.map((a) => [`${a.channel}:${a.accountId}`, a]));
  const served = new Set(byKey.keys());
  const alarms = createAlarmCenter({ clock, logger, tenantOf: (c, a) => byKey.get(`${c}:${a}`)?.tenantId });
  for (const a of accounts) {
    const hours = [];
    for (let at = START - 14 * 24 * HOUR; at < START - HOUR; at += HOUR) hours.push({ at, count: a.perHour });
    await importTrafficHistory(store, { channel: a.channel, accountId: a.accountId, hours });
  }
  const channels = [...new Set(accounts.map((a) => a.channel))];
  const watch = createWatch(
    {
      adapters: channels.map(
        (channel) =>
          ({
            channel,
            accountIds: accounts.filter((a) => a.channel === channel).map((a) => a.accountId),
            limits: {},
            capabilities: { sendConfirmation: 'echo' },
          }) as unknown as ChannelAdapter,
      ),
      store,
      clock,
      logger,
      ingest: async () => ({ inserted: 0, duplicates: 0 }),
      countUnrecoverable: async () => {},
      alarms,
      serves: (c, a) => served.has(`${c}:${a}`),
      accountInfo: (c, a) => byKey.get(`${c}:${a}`),
    },
    { reconcile: { enabled: false }, probes: { enabled: false } },
  );
  const raised: Alarm[] = [];
  const cleared: Alarm[] = [];
  alarms.on((a) => {
    (a.state === 'raised' ? raised : cleared).push(a);
  });
  const incidentEvents: IncidentEvent[] = [];
  watch.incidents.on((e) => {
    incidentEvents.push(e);
  });
  await watch.start();
  const rand = prng(options.seed ?? 7);
  let seq = 0;
  /** Accounts whose webhooks do not arrive. */
  const dropped = new Set<string>();
  const event = (a: TestAccount, at: number, kind: 'inbound' | 'echo'): ChannelEvent => ({
    kind: 'message',
    channel: a.channel,
    key: `${a.channel}:msg:${seq}`,
    accountId: a.accountId,
    userId: 'u',
    conversationId: `${a.channel}:${a.accountId}:u`,
    timestamp: at,
    source: 'webhook',
    raw: {},
    messageId: `m${seq++}`,
    direction: kind === 'inbound' ? 'inbound' : 'outbound',
    ...(kind === 'echo' ? { echo: true } : {}),
    parts: [],
  });
  return {
    clock,
    store,
    watch,
    accounts,
    raised,
    cleared,
    incidentEvents,
    served,
    dropped,
    event,
    /** Runs the clock to `until` in 1 s steps, each account sending at its Poisson rate. */
    async run(until: number) {
      while (clock.now() < until) {
        const from = clock.now();
        await clock.advanceTo(from + SECOND);
        for (const a of accounts) {
          const key = `${a.channel}:${a.accountId}`;
          if (!served.has(key) || dropped.has(key)) continue;
          if (rand() < (a.perHour * SECOND) / HOUR)
            watch.observe(event(a, from + Math.floor(rand() * SECOND), 'inbound'), 'inserted');
        }
        if (watch.busy()) await watch.settled();
      }
    },
  };
}

const pooled = (alarms: readonly Alarm[]) => alarms.filter((a) => a.type === 'platform_outage');

describe('pooled (fleet) detection', { timeout: 120_000 }, () => {
  it('P(X ≤ k) of a Poisson count', () => {
    expect(poissonCdf(0, 3)).toBeCloseTo(Math.exp(-3), 12);
    expect(poissonCdf(2, 3)).toBeCloseTo(Math.exp(-3) * (1 + 3 + 4.5), 12);
    expect(poissonCdf(5, 0)).toBe(1);
  });

  it('a fleet-wide stop raises platform_outage within a minute; traffic back clears it and closes the incident', async () => {
    const w = await fleetWorld();
    await w.run(START + 2 * HOUR);
    expect(pooled(w.raised)).toEqual([]);
    const stop = w.clock.now();
    for (const a of w.accounts) w.dropped.add(`${a.channel}:${a.accountId}`);
    await w.run(stop + 2 * MINUTE);
    const alarm = pooled(w.raised)[0];
    expect(alarm).toBeDefined();
    expect(alarm?.at).toBeLessThanOrEqual(stop + 60 * SECOND);
    expect(alarm?.data.scope).toBe('platform');
    expect(alarm?.channel).toBe('instagram');
    const incident = w.watch.incidents.list({ state: 'active' }).find((i) => i.kind === 'platform');
    expect(incident?.scope.accounts.length).toBeGreaterThan(200);
    // Both apps' accounts, the small app's pool included (too small to alarm alone): every tenant.
    expect(incident?.scope.accounts.length).toBeGreaterThan(290);
    expect(incident?.scope.tenants.length).toBe(30);
    expect(incident?.startedAt).toBeLessThanOrEqual(stop);
    // The escalation packet and a tenant's status say what stopped, since when, for whom.
    const packet = escalationPacket(incident as NonNullable<typeof incident>);
    expect(packet.json.appIds.sort()).toEqual(
      ['app-a', 'app-b'].filter((x) => incident?.scope.appIds.includes(x)),
    );
    expect(packet.json.accountsAffected).toBe(incident?.scope.accounts.length);
    expect(packet.markdown).toContain('Platform-wide webhook outage: instagram');
    expect(packet.markdown).toContain(new Date(incident?.startedAt as number).toISOString());
    const status = w.watch.incidents.statusText(incident?.id as string, 't3');
    expect(status).toMatch(/^Investigating: instagram is not delivering messages/);
    expect(w.watch.incidents.statusText(incident?.id as string, 'someone-else')).toMatch(/^No impact/);

    w.dropped.clear();
    await w.run(w.clock.now() + 5 * MINUTE);
    expect(pooled(w.cleared).length).toBeGreaterThan(0);
    await w.watch.check();
    const closed = w.watch.incidents.get(incident?.id as string);
    expect(closed?.state).toBe('closed');
    expect(w.incidentEvents.filter((e) => e.id === incident?.id).map((e) => e.transition)).toEqual(
      expect.arrayContaining(['opened', 'recovering', 'closed']),
    );
    // Persisted: a new watch on the same store (a restart) lists it, with its timeline.
    await w.watch.stop();
    const restarted = createWatch(
      {
        adapters: [],
        store: w.store,
        clock: w.clock,
        logger: createLogger({ level: 'silent' }),
        ingest: async () => ({ inserted: 0, duplicates: 0 }),
        countUnrecoverable: async () => {},
      },
      { reconcile: { enabled: false }, probes: { enabled: false } },
    );
    await restarted.start();
    const reloaded = restarted.incidents.get(incident?.id as string);
    expect(reloaded?.state).toBe('closed');
    expect(reloaded?.timeline.map((t) => t.what)).toEqual(closed?.timeline.map((t) => t.what));
    await restarted.stop();
  });

  it('one account silent, accounts leaving and joining: never a platform alarm', async () => {
    const w = await fleetWorld({ seed: 11 });
    await w.run(START + HOUR);
    // The busiest account stops, 40 quiet accounts are disconnected, 10 new ones appear.
    w.dropped.add('instagram:instagram-0');
    for (let i = 100; i < 140; i++) w.served.delete(`instagram:instagram-${i}`);
    for (let i = 0; i < 10; i++)
      w.watch.observe(
        w.event(
          { channel: 'instagram', accountId: `new-${i}`, appId: 'app-a', tenantId: 't1', perHour: 2 },
          w.clock.now(),
          'inbound',
        ),
        'inserted',
      );
    await w.run(START + 4 * HOUR);
    expect(pooled(w.raised)).toEqual([]);
    // The silent busy account gets its own alarm.
    expect(w.raised.some((a) => a.type === 'silence' && a.accountId === 'instagram-0')).toBe(true);
    await w.watch.stop();
  });

  it('one app silent while the other speaks: scope app', async () => {
    const w = await fleetWorld({ seed: 5 });
    await w.run(START + 2 * HOUR);
    const stop = w.clock.now();
    for (const a of w.accounts) if (a.appId === 'app-a') w.dropped.add(`${a.channel}:${a.accountId}`);
    await w.run(stop + 5 * MINUTE);
    const alarms = pooled(w.raised);
    expect(alarms.map((a) => [a.accountId, a.data.scope])).toEqual([['app:app-a', 'app']]);
    expect(w.watch.incidents.list({ state: 'active' }).find((i) => i.kind === 'app')?.scope.appIds).toEqual([
      'app-a',
    ]);
    await w.watch.stop();
  });

  it('sends on many accounts without echo webhooks: platform_outage on the outbound signal', async () => {
    const w = await fleetWorld({ seed: 3 });
    await w.run(START + 30 * MINUTE);
    const at = w.clock.now();
    for (let i = 0; i < 8; i++)
      w.watch.noteSent({ channel: 'instagram', accountId: `instagram-${i * 7}`, messageId: `s${i}`, at });
    // Inbound traffic keeps flowing: only the confirmations are missing.
    await w.run(at + 3 * MINUTE);
    const alarm = pooled(w.raised).find((a) => a.data.signal === 'outbound');
    expect(alarm?.message).toMatch(/got no echo \/ status webhook/);
    // An echo comes back: cleared.
    expect(alarm?.accountId).toBe('app:app-a');
    const a = w.accounts[7] as TestAccount;
    w.watch.observe({ ...w.event(a, w.clock.now(), 'echo'), messageId: 's1' } as ChannelEvent, 'inserted');
    await w.run(w.clock.now() + 20 * SECOND);
    expect(pooled(w.cleared).some((c) => c.id === alarm?.id)).toBe(true);
    await w.watch.stop();
  });

  it('quiet hours calibrated apart from busy ones: no alarm at night where the baselines overstate it, a stop at night still alarms', () => {
    // 300 accounts that really get 6 messages an hour by day (08–20 UTC) and 0.4 at night, with baselines
    // half that shape and half the daily mean (a quiet account's hour-of-week buckets are shrunk towards
    // its mean): summed, they overstate the night 4.5 times and understate the day.
    const d = createFleetDetector();
    const random = prng(11);
    const ids = Array.from({ length: 300 }, (_, i) => `a${i}`);
    for (const id of ids) d.track('x', 'app', id, null);
    const day = (t: number) => {
      const h = new Date(t).getUTCHours();
      return h >= 8 && h < 20;
    };
    let now = START;
    const info = () => ({
      weightedRatePerHour: 0.5 * (day(now) ? 6 : 0.4) + 0.5 * 3.2,
      observedHours: 500,
      watchingSince: 0,
      served: true,
      inAccountAlarm: false,
    });
    const run = (until: number, speaking: boolean) => {
      for (; now < until; now += 10 * SECOND) {
        const chance = 1 - Math.exp(-(day(now) ? 6 : 0.4) / 360);
        if (speaking) for (const id of ids) if (random() < chance) d.inbound('x', 'app', id, now);
        d.check(now, info);
      }
    };
    const pool = () => d.pools()[0] as FleetPoolHealth;
    run(START + 3 * DAY + 4 * HOUR, true);
    expect(pool().outage).toBeNull();
    const dayFactor = pool().calibration[4] as number;
    // Three nights: the night's level has learned its own, lower ratio.
    run(START + 3 * DAY + 18 * HOUR, true);
    expect(pool().outage).toBeNull();
    expect(pool().calibration[4] as number).toBeLessThan(0.5 * dayFactor);
    // Every account stops at 02:00: the night's own calibration still sees it, in minutes.
    const stop = now;
    run(stop + 30 * MINUTE, false);
    const outage = pool().outage;
    expect(outage).not.toBeNull();
    expect((outage?.raisedAt as number) - stop).toBeLessThanOrEqual(20 * MINUTE);
  });

  it('the detector alone: O(1) bookkeeping, a single account can never make a pool broad', () => {
    const d = createFleetDetector();
    const info = () => ({
      weightedRatePerHour: 600,
      observedHours: 100,
      watchingSince: 0,
      served: true,
      inAccountAlarm: false,
    });
    d.track('x', 'app', 'only', null);
    for (let t = START; t < START + HOUR; t += SECOND) {
      if (t < START + 30 * MINUTE) d.inbound('x', 'app', 'only', t);
      d.check(t, info);
    }
    // One account that spoke 10 times a minute, silent for 30 min: far below `minAccounts` speakers.
    expect(d.pools()[0]?.outage).toBeNull();
    expect(d.pools()[0]?.windows.every((v) => !v.broad)).toBe(true);
  });
});

describe('reconciliation budget for a fleet', () => {
  it('spreads passes over the accounts, urgent ones first, and reports coverage', async () => {
    const clock = new ManualClock(START);
    const store = createMemoryStore();
    const logger = createLogger({ level: 'silent' });
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const listed: string[] = [];
    const adapter = {
      channel: 'instagram',
      accountIds: ids,
      limits: { backfillPerSecond: 2 },
      // No conversation moved: the listing is the Graph call the budget spreads.
      listConversations(request: { accountId: string }): AsyncIterable<never> {
        listed.push(request.accountId);
        return {
          [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined as never }) }),
        };
      },
      conversationMessages: async () => ({ messages: [], complete: true }),
    } as unknown as ChannelAdapter;
    const alarms = createAlarmCenter({ clock, logger });
    const watch = createWatch(
      {
        adapters: [adapter],
        store,
        clock,
        logger,
        ingest: async () => ({ inserted: 0, duplicates: 0 }),
        countUnrecoverable: async () => {},
        alarms,
      },
      {
        reconcile: { maxAccountsPerPass: 2, intervalMs: HOUR },
        probes: { enabled: false },
        fleet: { enabled: false },
      },
    );
    await watch.start();
    expect(watch.coverage()).toEqual([
      {
        channel: 'instagram',
        accounts: 5,
        neverReconciled: 5,
        oldestAgeMs: null,
        fullRoundMs: 3 * HOUR,
      },
    ]);
    // 'e' goes silent: from then on it is reconciled first, whatever else waits.
    alarms.raise({
      type: 'silence',
      channel: 'instagram',
      accountId: 'e',
      severity: 'critical',
      message: 'quiet',
    });
    await watch.settled();
    await clock.advance(5 * MINUTE);
    listed.length = 0;
    await watch.reconcile();
    expect(listed).toHaveLength(2);
    expect(listed).toContain('e');
    alarms.clear('silence', 'instagram', 'e', 'back');
    // Two accounts a pass: the others follow in the next passes, the never checked first.
    for (let pass = 0; pass < 2; pass++) {
      listed.length = 0;
      await clock.advance(MINUTE);
      await watch.reconcile();
      expect(listed).toHaveLength(2);
    }
    const coverage = watch.coverage()[0];
    expect(coverage?.neverReconciled).toBe(0);
    expect(coverage?.oldestAgeMs).toBeLessThanOrEqual(3 * MINUTE);
    await watch.stop();
  });
});
