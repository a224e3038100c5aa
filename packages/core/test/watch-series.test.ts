import { describe, expect, it } from 'vitest';
import {
  type Alarm,
  type ChannelAdapter,
  type ChannelEvent,
  createLogger,
  createMemoryStore,
  ManualClock,
} from '../src/index.js';
import {
  DEFAULT_PRIOR,
  emptyBaseline,
  hourOfWeek,
  rateAt,
  recordEvent,
  recordExposure,
} from '../src/watch/baseline.js';
import { poissonCdf } from '../src/watch/fleet.js';
import { createAlarmCenter, createWatch, importTrafficHistory } from '../src/watch/index.js';
import {
  createTrafficSeries,
  expectedBand,
  poissonQuantile,
  type TrafficAccount,
} from '../src/watch/series.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// A Thursday, 08:00 UTC.
const START = Date.parse('2024-07-11T08:00:00Z');

/** A baseline learned over two weeks: `busy` events/h from 09:00 to 17:00 UTC, `quiet` otherwise. */
function officeHours(busy: number, quiet: number) {
  const b = emptyBaseline();
  for (let at = START - 14 * 24 * HOUR; at < START; at += HOUR) {
    const h = new Date(at).getUTCHours();
    recordEvent(b, at, h >= 9 && h < 17 ? busy : quiet);
    recordExposure(b, at, at + HOUR);
  }
  return b;
}

describe('expected band', () => {
  it('poissonQuantile is the smallest k whose CDF reaches p', () => {
    for (const mu of [0.2, 1, 4.5, 10, 60]) {
      const lo = poissonQuantile(0.05, mu);
      const hi = poissonQuantile(0.95, mu);
      expect(poissonCdf(lo, mu)).toBeGreaterThanOrEqual(0.05);
      if (lo > 0) expect(poissonCdf(lo - 1, mu)).toBeLessThan(0.05);
      expect(poissonCdf(hi, mu)).toBeGreaterThanOrEqual(0.95);
      if (hi > 0) expect(poissonCdf(hi - 1, mu)).toBeLessThan(0.95);
    }
    expect([poissonQuantile(0.05, 10), poissonQuantile(0.95, 10)]).toEqual([5, 15]);
    expect(poissonQuantile(0.5, 0)).toBe(0);
  });

  it('large means use the normal approximation (mu ± 1.645 √mu)', () => {
    expect(poissonQuantile(0.05, 10_000)).toBeCloseTo(10_000 - 164.5, -1);
    expect(poissonQuantile(0.95, 10_000)).toBeCloseTo(10_000 + 164.5, -1);
  });

  it('bursty traffic (dispersion D) widens the band around the same mean', () => {
    const plain = expectedBand(40, 1);
    const bursty = expectedBand(40, 4);
    expect(plain.low).toBeLessThan(40);
    expect(plain.high).toBeGreaterThan(40);
    expect(bursty.low).toBeLessThan(plain.low);
    expect(bursty.high).toBeGreaterThan(plain.high);
  });
});

describe('traffic series (manual clock)', () => {
  const world = (history: Alarm[] = []) => {
    const clock = new ManualClock(START);
    const accounts: TrafficAccount[] = [
      {
        channel: 'instagram',
        accountId: 'a',
        appId: 'app-1',
        baseline: officeHours(60, 2),
        prior: DEFAULT_PRIOR,
        watchingSince: START,
      },
      {
        channel: 'instagram',
        accountId: 'b',
        appId: 'app-1',
        baseline: officeHours(12, 0),
        prior: DEFAULT_PRIOR,
        watchingSince: START,
      },
      {
        channel: 'instagram',
        accountId: 'c',
        appId: 'app-2',
        baseline: officeHours(6, 6),
        prior: DEFAULT_PRIOR,
        watchingSince: START,
      },
      {
        channel: 'messenger',
        accountId: 'm',
        appId: 'app-1',
        baseline: officeHours(6, 6),
        prior: DEFAULT_PRIOR,
        watchingSince: START,
      },
    ];
    const keeper = createTrafficSeries({
      clock,
      options: { bucketMs: 15 * MINUTE, hours: 3 },
      accounts: (channel) => accounts.filter((a) => channel === undefined || a.channel === channel),
      alarmHistory: () => history,
      incidents: () => [],
    });
    return { clock, accounts, keeper };
  };

  it('counts received events per bucket and expects what the hour of week expects', async () => {
    const { clock, keeper, accounts } = world();
    // 08:00–10:00: account a receives 2 events per 15 min before 09:00, 15 after.
    for (let t = START; t < START + 2 * HOUR; t += 15 * MINUTE) {
      const n = t < START + HOUR ? 2 : 15;
      for (let i = 0; i < n; i++) keeper.record('instagram', 'a', t + i * 1000);
    }
    await clock.advanceTo(START + 2 * HOUR + 5 * MINUTE);
    const s = keeper.series({ channel: 'instagram', accountId: 'a' });
    expect(s.bucketMs).toBe(15 * MINUTE);
    expect(s.times).toHaveLength(12);
    expect(s.times[s.times.length - 1]).toBe(START + 2 * HOUR);
    // Before the keeper started: no history (null), no expectation (not watched).
    const first = s.times.indexOf(START);
    expect(s.observed.slice(0, first)).toEqual(new Array(first).fill(null));
    expect(s.expected.slice(0, first)).toEqual(new Array(first).fill(0));
    expect(s.observed.slice(first)).toEqual([2, 2, 2, 2, 15, 15, 15, 15, 0]);
    // 08:00 is a quiet hour, 09:00 a busy one: a quarter of each hour's learned rate per bucket.
    const a = accounts[0] as TrafficAccount;
    expect(s.expected[first]).toBeCloseTo(rateAt(a.baseline, a.prior, START) / 4, 9);
    expect(s.expected[first + 4]).toBeCloseTo(rateAt(a.baseline, a.prior, START + HOUR) / 4, 9);
    expect(s.expected[first + 4]).toBeGreaterThan(3 * (s.expected[first] as number));
    // The bucket in progress expects only the 5 minutes elapsed.
    expect(s.expected[first + 8]).toBeCloseTo((s.expected[first + 7] as number) / 3, 5);
    for (let i = first; i < s.times.length; i++) {
      expect(s.low[i]).toBeLessThanOrEqual(s.expected[i] as number);
      expect(s.high[i]).toBeGreaterThanOrEqual(s.expected[i] as number);
    }
    expect(hourOfWeek(START)).toBe(3 * 24 + 8);
  });

  it('a pool sums its own accounts only; a channel sums every app', async () => {
    const { clock, keeper } = world();
    keeper.record('instagram', 'a', START + MINUTE);
    keeper.record('instagram', 'b', START + MINUTE);
    keeper.record('instagram', 'c', START + MINUTE);
    keeper.record('messenger', 'm', START + MINUTE);
    await clock.advanceTo(START + 10 * MINUTE);
    const pool = keeper.series({ channel: 'instagram', appId: 'app-1' });
    const channel = keeper.series({ channel: 'instagram' });
    expect(pool.accounts).toBe(2);
    expect(channel.accounts).toBe(3);
    expect(pool.observed.at(-1)).toBe(2);
    expect(channel.observed.at(-1)).toBe(3);
    expect(channel.expected.at(-1)).toBeGreaterThan(pool.expected.at(-1) as number);
    const pools = keeper.pools();
    expect(pools.map((p) => `${p.channel}/${p.appId}/${p.accounts}`)).toEqual([
      'instagram/app-1/2',
      'instagram/app-2/1',
      'messenger/app-1/1',
    ]);
  });

  it("marks a pool's own alarms (its accounts' and its app's platform_outage), at most the newest 200", async () => {
    const alarm = (at: number, type: Alarm['type'], channel: string, accountId: string): Alarm => ({
      id: `${type}:${channel}:${accountId}`,
      type,
      state: 'raised',
      severity: 'critical',
      channel,
      accountId,
      message: type,
      data: {},
      raisedAt: at,
      at,
      repeats: 0,
    });
    const history = [
      alarm(START - 4 * HOUR, 'silence', 'instagram', 'a'),
      alarm(START + MINUTE, 'platform_outage', 'instagram', 'app:app-1'),
      alarm(START + MINUTE, 'platform_outage', 'instagram', 'app:app-2'),
      alarm(START + 2 * MINUTE, 'silence', 'instagram', 'b'),
      alarm(START + 2 * MINUTE, 'silence', 'instagram', 'c'),
      alarm(START + 2 * MINUTE, 'silence', 'messenger', 'm'),
    ];
    const { clock, keeper } = world(history);
    await clock.advanceTo(START + 10 * MINUTE);
    const pool = keeper.series({ channel: 'instagram', appId: 'app-1' });
    // Not the one before the shown period, not the other app's, not another channel's.
    expect(pool.alarms.map((a) => `${a.type}:${a.accountId}`)).toEqual([
      'platform_outage:app:app-1',
      'silence:b',
    ]);
    expect(keeper.series({ channel: 'instagram', accountId: 'c' }).alarms.map((a) => a.accountId)).toEqual([
      'c',
    ]);
    for (let i = 0; i < 250; i++) history.push(alarm(START + 3 * MINUTE + i, 'silence', 'instagram', 'a'));
    const capped = keeper.series({ channel: 'instagram', appId: 'app-1' });
    expect(capped.alarms).toHaveLength(200);
    expect(capped.alarmsOmitted).toBe(52);
    expect(capped.alarms.at(-1)?.at).toBe(START + 3 * MINUTE + 249);
  });

  it('accounts() gives one series per served account, as series() does for each', async () => {
    const { clock, keeper } = world();
    keeper.record('instagram', 'a', START + MINUTE);
    keeper.record('messenger', 'm', START + MINUTE);
    await clock.advanceTo(START + 10 * MINUTE);
    const all = keeper.accounts();
    expect(all.map((s) => `${s.channel}:${s.accountId}`)).toEqual([
      'instagram:a',
      'instagram:b',
      'instagram:c',
      'messenger:m',
    ]);
    expect(all[0]).toEqual(keeper.series({ channel: 'instagram', accountId: 'a' }));
    expect(keeper.accounts({ channel: 'messenger' }).map((s) => s.accountId)).toEqual(['m']);
  });

  it('keeps a bounded history: events older than `hours` fall out of the ring', async () => {
    const { clock, keeper } = world();
    keeper.record('instagram', 'c', START + MINUTE);
    await clock.advanceTo(START + 3 * HOUR + 30 * MINUTE);
    keeper.record('instagram', 'c', clock.now());
    const s = keeper.series({ channel: 'instagram', accountId: 'c' });
    expect(s.times[0]).toBeGreaterThan(START);
    expect(s.observed.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(1);
    // `hours` narrows what is shown.
    expect(keeper.series({ channel: 'instagram', accountId: 'c', hours: 1 }).times).toHaveLength(4);
  });
});

describe('watch.traffic through the watch', () => {
  it('shows received inbound events, the expected band, and the alarms and incidents to mark', async () => {
    const clock = new ManualClock(START);
    const store = createMemoryStore();
    const logger = createLogger({ level: 'silent' });
    const alarms = createAlarmCenter({ clock, logger });
    const ids = ['p1', 'p2', 'p3'];
    for (const id of ids) {
      const hours = [];
      for (let at = START - 7 * 24 * HOUR; at < START; at += HOUR) hours.push({ at, count: 30 });
      await importTrafficHistory(store, { channel: 'instagram', accountId: id, hours });
    }
    const watch = createWatch(
      {
        adapters: [
          {
            channel: 'instagram',
            accountIds: ids,
            limits: {},
            capabilities: { sendConfirmation: 'echo' },
          } as unknown as ChannelAdapter,
        ],
        store,
        clock,
        logger,
        ingest: async () => ({ inserted: 0, duplicates: 0 }),
        countUnrecoverable: async () => {},
        alarms,
        accountInfo: () => ({ appId: 'app-9', tenantId: 't1' }),
      },
      {
        reconcile: { enabled: false },
        probes: { enabled: false },
        fleet: { enabled: false },
        series: { bucketMs: 10 * MINUTE, hours: 2 },
      },
    );
    await watch.start();
    let seq = 0;
    const inbound = (accountId: string, direction: 'inbound' | 'outbound' = 'inbound'): ChannelEvent => ({
      kind: 'message',
      channel: 'instagram',
      key: `k${seq}`,
      accountId,
      userId: 'u',
      conversationId: `instagram:${accountId}:u`,
      timestamp: clock.now(),
      source: 'webhook',
      raw: {},
      messageId: `m${seq++}`,
      direction,
      parts: [],
    });
    for (let i = 0; i < 5; i++) watch.observe(inbound('p1'), 'inserted');
    watch.observe(inbound('p2'), 'inserted');
    // Echoes, duplicates and backfilled copies are not inbound traffic received.
    watch.observe(inbound('p2', 'outbound'), 'inserted');
    watch.observe(inbound('p2'), 'duplicate');
    watch.observe({ ...inbound('p3'), source: 'backfill' }, 'inserted');
    await clock.advanceTo(START + 30 * MINUTE);
    alarms.raise({
      type: 'silence',
      channel: 'instagram',
      accountId: 'p3',
      severity: 'warning',
      message: 'p3 silent',
    });
    alarms.raise({
      type: 'silence',
      channel: 'messenger',
      accountId: 'x',
      severity: 'warning',
      message: 'other',
    });
    await watch.settled();

    const [pool] = watch.traffic.pools();
    expect(pool?.appId).toBe('app-9');
    expect(pool?.accounts).toBe(3);
    expect(pool?.bucketMs).toBe(10 * MINUTE);
    expect(pool?.times).toHaveLength(12);
    const first = pool?.times.indexOf(START) as number;
    expect(pool?.observed[first]).toBe(6);
    // 3 accounts × about 30/h (the quiet half hour just watched lowers it a little) → about 15 per bucket.
    expect(pool?.expected[first]).toBeGreaterThan(12);
    expect(pool?.expected[first]).toBeLessThan(16);
    expect(pool?.low[first]).toBeLessThan(15);
    expect(pool?.high[first]).toBeGreaterThan(15);
    expect(pool?.alarms.map((a) => `${a.type}:${a.accountId}:${a.state}`)).toEqual(['silence:p3:raised']);
    const incident = watch.incidents.list()[0];
    expect(incident).toBeDefined();
    expect(pool?.incidents.map((i) => i.id)).toEqual([incident?.id]);

    const p1 = watch.traffic.series({ channel: 'instagram', accountId: 'p1' });
    expect(p1.observed[first]).toBe(5);
    expect(p1.alarms).toEqual([]);
    expect(p1.incidents).toEqual([]);
    expect(watch.traffic.series({ channel: 'instagram', accountId: 'p3' }).incidents).toHaveLength(1);
    await watch.stop();
  });
});
