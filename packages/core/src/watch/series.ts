import type { Clock } from '../clock.js';
import type { Alarm, AlarmType } from './alarms.js';
import {
  accountRate,
  type BaselinePrior,
  type BaselineState,
  bucketRate,
  dispersionIndex,
  hourOfWeek,
} from './baseline.js';
import type { Incident } from './incidents.js';
import { HOUR_MS, MINUTE_MS } from './poisson.js';

/**
 * What the traffic charts read: inbound events received per bucket against the band the baselines
 * expect. The watch keeps, per account, a ring of counts (`hours` of `bucketMs` buckets, 4 bytes each);
 * the expected band is computed from the hour-of-week baselines the watch already learns.
 */
export interface TrafficSeriesOptions {
  /** Bucket length. Default 300 000 (5 min). */
  bucketMs: number;
  /** History kept per account and shown. Default 6. */
  hours: number;
}

export const DEFAULT_TRAFFIC_SERIES: TrafficSeriesOptions = { bucketMs: 5 * MINUTE_MS, hours: 6 };

/** Most alarm marks one series carries (newest kept): a fleet-wide outage raises thousands. */
const MAX_ALARM_MARKS = 200;

/** Which accounts a series sums: a channel, one (channel, app) pool, or one account. */
export interface TrafficQuery {
  channel: string;
  /** Only the accounts of this Meta app (a pool). */
  appId?: string;
  /** Only this account. */
  accountId?: string;
  /** Hours shown, at most the kept history. Default: all of it. */
  hours?: number;
}

/**
 * Inbound traffic per bucket against its expected band, column-wise (ready for a chart). Each array has
 * one entry per bucket, oldest first; the last bucket is the one in progress (its expectation covers
 * only the time elapsed).
 *
 * @example
 * const s = switchboard.watch?.traffic.series({ channel: 'instagram', appId: '1234' });
 * // s.times[i]: bucket start; s.observed[i] vs [s.low[i], s.high[i]]; s.alarms / s.incidents: marks
 */
export interface TrafficSeries {
  channel: string;
  appId: string | null;
  accountId: string | null;
  bucketMs: number;
  /** Accounts summed (served and watched now). */
  accounts: number;
  /** Bucket starts (epoch ms). */
  times: number[];
  /** Inbound (customer) webhook events received in the bucket; null before the watch kept history. */
  observed: Array<number | null>;
  /** Events the hour-of-week baselines expect in the bucket (0 before any account was watched). */
  expected: number[];
  /** 5 % and 95 % quantiles of the expected count (Poisson, widened by the traffic's burstiness). */
  low: number[];
  high: number[];
  /** Alarm events (raised / cleared) of these accounts in the shown period, oldest first. */
  alarms: Array<{ at: number; type: AlarmType; state: Alarm['state']; accountId: string; message: string }>;
  /** Alarm events left out beyond the newest 200. */
  alarmsOmitted: number;
  /** Incidents of these accounts that overlap the shown period. */
  incidents: Array<
    Pick<Incident, 'id' | 'kind' | 'state' | 'startedAt' | 'openedAt' | 'resumedAt' | 'closedAt'>
  >;
}

/** An account as the series sees it (from the watch's state). */
export interface TrafficAccount {
  channel: string;
  accountId: string;
  appId: string;
  baseline: BaselineState;
  prior: BaselinePrior;
  /** The account's silence before this says nothing (not watched). */
  watchingSince: number;
}

export interface TrafficSeriesKeeper {
  /** Counts one inbound event received at `at` (O(1)). */
  record(channel: string, accountId: string, at: number): void;
  series(query: TrafficQuery): TrafficSeries;
  /** One series per (channel, app) pool. */
  pools(options?: { hours?: number }): TrafficSeries[];
  /** One series per served account (of one channel when given), in one pass. */
  accounts(options?: { channel?: string; hours?: number }): TrafficSeries[];
}

/** Smallest k with P(X ≤ k) ≥ p for X ~ Poisson(mu); normal approximation for large means. */
export function poissonQuantile(p: number, mu: number): number {
  if (!(mu > 0)) return 0;
  if (mu > 200) {
    const z = Math.SQRT2 * inverseErf(2 * p - 1);
    return Math.max(0, Math.round(mu + z * Math.sqrt(mu)));
  }
  let term = Math.exp(-mu);
  let total = term;
  let k = 0;
  while (total < p && k < 10_000) {
    k++;
    term *= mu / k;
    total += term;
  }
  return k;
}

/** Inverse error function (Giles' single-precision approximation: enough for quantiles of a band). */
function inverseErf(x: number): number {
  let w = -Math.log((1 - x) * (1 + x));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503])
      p = c + p * w;
    for (const c of [-0.00417768164, 0.246640727, 1.50140941]) p = c + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613])
      p = c + p * w;
    for (const c of [0.00943887047, 1.00167406, 2.83297682]) p = c + p * w;
  }
  return p * x;
}

/**
 * Band of a count with mean `mu` and index of dispersion `d`: bursts arriving as Poisson(mu / d) of
 * about d events each (the compound Poisson the silence detector assumes).
 */
export function expectedBand(mu: number, d: number): { low: number; high: number } {
  const disp = Math.max(1, d);
  return {
    low: poissonQuantile(0.05, mu / disp) * disp,
    high: poissonQuantile(0.95, mu / disp) * disp,
  };
}

interface Ring {
  counts: Uint32Array;
  /** Newest bucket index written (absolute: floor(time / bucketMs)). */
  head: number;
}

export function createTrafficSeries(deps: {
  clock: Clock;
  options?: Partial<TrafficSeriesOptions>;
  /** Served, watched accounts of a channel (all channels when omitted). */
  accounts(channel?: string): Iterable<TrafficAccount>;
  alarmHistory(): Alarm[];
  incidents(): Incident[];
}): TrafficSeriesKeeper {
  const o = { ...DEFAULT_TRAFFIC_SERIES, ...deps.options };
  const size = Math.max(1, Math.ceil((o.hours * HOUR_MS) / o.bucketMs));
  const keptSince = Math.floor(deps.clock.now() / o.bucketMs);
  const rings = new Map<string, Ring>();

  const advance = (ring: Ring, bucket: number) => {
    if (bucket <= ring.head) return;
    if (bucket - ring.head >= size) ring.counts.fill(0);
    else for (let b = ring.head + 1; b <= bucket; b++) ring.counts[b % size] = 0;
    ring.head = bucket;
  };

  const countAt = (ring: Ring | undefined, bucket: number) =>
    ring && bucket <= ring.head && bucket > ring.head - size ? (ring.counts[bucket % size] ?? 0) : 0;

  /** Expected events of one account per bucket `[first, last]`, with the hour rates computed once each. */
  const expectedOf = (a: TrafficAccount, first: number, last: number, now: number): number[] => {
    const overall = accountRate(a.baseline, a.prior);
    let cachedHour = Number.NaN;
    let cachedRate = 0;
    // Buckets are visited in time order: one rate per hour shown.
    const rate = (hour: number) => {
      if (hour !== cachedHour) {
        cachedHour = hour;
        cachedRate = bucketRate(a.baseline, a.prior, hourOfWeek(hour * HOUR_MS), overall);
      }
      return cachedRate;
    };
    const out: number[] = [];
    for (let b = first; b <= last; b++) {
      let t = Math.max(b * o.bucketMs, a.watchingSince);
      const end = Math.min((b + 1) * o.bucketMs, now);
      let total = 0;
      while (t < end) {
        const hour = Math.floor(t / HOUR_MS);
        const stop = Math.min(end, (hour + 1) * HOUR_MS);
        total += (rate(hour) * (stop - t)) / HOUR_MS;
        t = stop;
      }
      out.push(total);
    }
    return out;
  };

  /** The alarm log and incidents, read once per call however many series it builds. */
  const context = () => ({ history: deps.alarmHistory(), incidents: deps.incidents() });

  const build = (
    query: TrafficQuery,
    members: readonly TrafficAccount[],
    ctx: ReturnType<typeof context>,
  ): TrafficSeries => {
    const now = deps.clock.now();
    const last = Math.floor(now / o.bucketMs);
    const shown = Math.min(size, Math.max(1, Math.ceil(((query.hours ?? o.hours) * HOUR_MS) / o.bucketMs)));
    const first = last - shown + 1;
    const times: number[] = [];
    const observed: Array<number | null> = [];
    const expected = new Array<number>(shown).fill(0);
    // Variance of a sum of compound Poisson counts: Σ mu_a · D_a; its D is that over Σ mu_a.
    const spread = new Array<number>(shown).fill(0);
    for (let b = first; b <= last; b++) {
      times.push(b * o.bucketMs);
      observed.push(b < keptSince ? null : 0);
    }
    for (const a of members) {
      const ring = rings.get(`${a.channel}:${a.accountId}`);
      if (ring) advance(ring, last);
      const mu = expectedOf(a, first, last, now);
      const d = dispersionIndex(a.baseline);
      for (let i = 0; i < shown; i++) {
        const seen = observed[i];
        if (seen !== null && seen !== undefined) observed[i] = seen + countAt(ring, first + i);
        expected[i] = (expected[i] ?? 0) + (mu[i] ?? 0);
        spread[i] = (spread[i] ?? 0) + (mu[i] ?? 0) * d;
      }
    }
    const bands = expected.map((mu, i) => expectedBand(mu, mu > 0 ? (spread[i] ?? 0) / mu : 1));
    const from = first * o.bucketMs;
    const ids = new Set(members.map((a) => a.accountId));
    const ownAlarm = (alarm: Alarm) =>
      alarm.channel === query.channel &&
      alarm.at >= from &&
      (query.accountId !== undefined
        ? alarm.accountId === query.accountId
        : query.appId === undefined || ids.has(alarm.accountId) || alarm.accountId === `app:${query.appId}`);
    const marks = ctx.history.filter(ownAlarm);
    const kept = marks.slice(-MAX_ALARM_MARKS);
    const incidents = ctx.incidents
      .filter(
        (i) =>
          i.scope.channel === query.channel &&
          (i.closedAt ?? now) >= from &&
          // Account incidents name no app: they belong to a pool through their accounts.
          (query.appId === undefined ||
            i.scope.appIds.includes(query.appId) ||
            i.scope.accounts.some((id) => ids.has(id))) &&
          (query.accountId === undefined || i.scope.accounts.includes(query.accountId)),
      )
      .map(({ id, kind, state, startedAt, openedAt, resumedAt, closedAt }) => ({
        id,
        kind,
        state,
        startedAt,
        openedAt,
        resumedAt,
        closedAt,
      }))
      .sort((a, b) => a.openedAt - b.openedAt);
    return {
      channel: query.channel,
      appId: query.appId ?? null,
      accountId: query.accountId ?? null,
      bucketMs: o.bucketMs,
      accounts: members.length,
      times,
      observed,
      expected,
      low: bands.map((b) => b.low),
      high: bands.map((b) => b.high),
      alarms: kept.map((a) => ({
        at: a.at,
        type: a.type,
        state: a.state,
        accountId: a.accountId,
        message: a.message,
      })),
      alarmsOmitted: marks.length - kept.length,
      incidents,
    };
  };

  return {
    record(channel, accountId, at) {
      const key = `${channel}:${accountId}`;
      let ring = rings.get(key);
      const bucket = Math.floor(at / o.bucketMs);
      if (!ring) {
        ring = { counts: new Uint32Array(size), head: bucket };
        rings.set(key, ring);
      }
      advance(ring, bucket);
      if (bucket > ring.head - size) ring.counts[bucket % size] = (ring.counts[bucket % size] ?? 0) + 1;
    },
    series(query) {
      const members = [...deps.accounts(query.channel)].filter(
        (a) =>
          (query.appId === undefined || a.appId === query.appId) &&
          (query.accountId === undefined || a.accountId === query.accountId),
      );
      return build(query, members, context());
    },
    pools(options = {}) {
      const ctx = context();
      const byPool = new Map<string, TrafficAccount[]>();
      for (const a of deps.accounts()) {
        const k = `${a.channel}\u0000${a.appId}`;
        const list = byPool.get(k);
        if (list) list.push(a);
        else byPool.set(k, [a]);
      }
      return [...byPool.values()]
        .map((members) => {
          const { channel, appId } = members[0] as TrafficAccount;
          return build({ channel, appId, ...(options.hours ? { hours: options.hours } : {}) }, members, ctx);
        })
        .sort((a, b) => a.channel.localeCompare(b.channel) || (a.appId ?? '').localeCompare(b.appId ?? ''));
    },
    accounts(options = {}) {
      const ctx = context();
      return [...deps.accounts(options.channel)].map((a) =>
        build(
          {
            channel: a.channel,
            accountId: a.accountId,
            ...(options.hours ? { hours: options.hours } : {}),
          },
          [a],
          ctx,
        ),
      );
    },
  };
}
