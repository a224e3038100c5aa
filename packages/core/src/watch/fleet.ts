import {
  calibrationAt,
  emptyCalibration,
  type FleetCalibration,
  sampleCalibration,
  validCalibration,
} from './calibration.js';
import { alarmThreshold, DAY_MS, HOUR_MS, MINUTE_MS } from './poisson.js';

/**
 * Pooled (fleet) detection. One account's silence says little when it gets a few messages a day; the
 * accounts of one (channel, Meta app) together say a lot. Per pool, the detector counts how many of its
 * accounts spoke (sent at least one inbound event) in each of a few trailing windows and compares that
 * with how many were expected to, from each account's own hour-of-week baseline:
 *
 *   expected speakers μ_w = Σ_a (1 − exp(−λ_a · w / D_a))   (λ_a: the account's rate now, D_a: its burstiness)
 *
 * The number of speakers is a sum of independent Bernoulli trials; its lower tail is bounded by the
 * Poisson(μ_w) lower tail, which the alarm uses (conservative: it overstates how likely a dip is). An
 * alarm needs both:
 * - improbable: P(speakers ≤ observed) below the false-alarm threshold (same budget discipline as the
 *   per-account detector, split over the windows tried);
 * - broad: μ_w ≥ `minAccounts` and at most `maxSpeakingShare` of the expected speakers spoke. One
 *   account going silent lowers the count by at most one, so it can never raise the alarm alone.
 *
 * Cost: O(1) per event (a histogram of each pool's "last spoke" times in 10 s slots), O(pool) per
 * refresh (every `refreshMs` a look at who takes part; every member's rate again when the hour or the
 * membership changed), O(windows × slots) per check. No per-account timer.
 */
export interface FleetOptions {
  /** Default true. */
  enabled: boolean;
  /** How often each pool is checked. Default 10 000. */
  checkIntervalMs: number;
  /** Trailing windows tried at each check. Default 30 s, 1, 2, 5, 15 and 60 min. */
  windowsMs: readonly number[];
  /** No pooled alarm on fewer expected speakers than this. Default 5. */
  minAccounts: number;
  /** Broad: at most this share of the expected speakers spoke. Default 0.25. */
  maxSpeakingShare: number;
  /** Allowed false platform alarms per pool per `falseAlarmPeriodMs`. Default 1. */
  falseAlarmBudget: number;
  /**
   * Default 365 days: a platform alarm escalates to Meta and pages whoever runs the fleet, and a
   * platform runs several pools (channels × apps), so its budget is much tighter than an account's.
   */
  falseAlarmPeriodMs: number;
  /**
   * Membership (served, account alarms) is looked at this often, aligned to the clock (a divisor of an
   * hour), and a calibration sample taken; rates are recomputed hourly and when membership moved. Default 5 min.
   */
  refreshMs: number;
  /** An account takes part once its baseline has this many observed hours. Default 1. */
  minObservedHours: number;
  /**
   * Outbound signal: sends accepted by the platform whose echo / status did not come back within this
   * long, on at least `minAccounts` accounts of a pool with no confirmation at all since. Default 120 000.
   */
  confirmationDeadlineMs: number;
}

export const DEFAULT_FLEET: FleetOptions = {
  enabled: true,
  checkIntervalMs: 10_000,
  windowsMs: [30_000, MINUTE_MS, 2 * MINUTE_MS, 5 * MINUTE_MS, 15 * MINUTE_MS, 60 * MINUTE_MS],
  minAccounts: 5,
  maxSpeakingShare: 0.25,
  falseAlarmBudget: 1,
  falseAlarmPeriodMs: 365 * DAY_MS,
  refreshMs: 5 * MINUTE_MS,
  minObservedHours: 1,
  confirmationDeadlineMs: 120_000,
};

/** What the detector asks about each account at refresh time (`key` is `channel:accountId`). */
export type FleetInfo = (channel: string, accountId: string, key: string) => FleetAccountInfo | undefined;
/** The part of `FleetInfo` that can change within the hour: asked at every refresh between the hourly ones. */
export type FleetStatus = (
  channel: string,
  accountId: string,
  key: string,
) => Pick<FleetAccountInfo, 'served' | 'inAccountAlarm'>;

/** What the detector needs to know about an account at refresh time. */
export interface FleetAccountInfo {
  /** Expected inbound events per hour now, already divided by the account's burstiness. */
  weightedRatePerHour: number;
  observedHours: number;
  /** Watched since (the account's silence before that says nothing). */
  watchingSince: number;
  /** Connected and served; a disconnected or paused account is out of the pool. */
  served: boolean;
  /** Already in an account-level alarm before this window (its silence is explained). */
  inAccountAlarm: boolean;
}

/** One pool's numbers at a check, for one window. */
export interface FleetWindowVerdict {
  windowMs: number;
  /** Accounts expected to speak in the window. */
  expectedSpeakers: number;
  /** Accounts that spoke. */
  speakers: number;
  /** P(speakers ≤ observed | baselines). */
  probability: number;
  threshold: number;
  improbable: boolean;
  broad: boolean;
}

/** The state of one (channel, app) pool, as `fleet()` shows it. */
export interface FleetPoolHealth {
  channel: string;
  appId: string;
  /** Accounts known in the pool / taking part in detection. */
  accounts: number;
  pooled: number;
  /** Expected inbound events per hour across the pool now (burstiness-weighted). */
  ratePerHour: number;
  lastInboundAt: number | null;
  lastConfirmationAt: number | null;
  /** The windows at the last check. */
  windows: FleetWindowVerdict[];
  /** Accounts with sends older than the deadline and no echo / status since. */
  unconfirmedAccounts: number;
  /** Set while the pool is in a pooled alarm. */
  outage: FleetOutage | null;
  /** Per window: the factor applied to the summed baselines at the current level (observed ÷ expected speakers learned there). */
  calibration: number[];
}

/** A pooled outage as the detector saw it when it raised. */
export interface FleetOutage {
  channel: string;
  appId: string;
  signal: 'inbound' | 'outbound';
  raisedAt: number;
  /** Earliest moment the silence can have begun (start of the window that alarmed). */
  since: number;
  verdict: FleetWindowVerdict | null;
  /** Pooled accounts silent in the window (ids). */
  silentAccounts: string[];
  pooled: number;
}

/** What a check reports for one pool. */
export type FleetTransition =
  | { type: 'raised'; outage: FleetOutage }
  | { type: 'cleared'; outage: FleetOutage; at: number; reason: string };

interface Member {
  accountId: string;
  /** `channel:accountId`, built once: the refresh asks about every member every few minutes. */
  key: string;
  lastInboundAt: number | null;
  /** Events per ms, burstiness-weighted, at the last refresh; null = not pooled. */
  rate: number | null;
  /** Its baseline can be pooled (observed long enough, a rate above zero), at the last rebuild. */
  rated: boolean;
  watchingSince: number;
  /** Ring slot counted for this member's last inbound, or null when not counted. */
  slot: number | null;
  unconfirmedSince: number | null;
  /** P(the member speaks in each window) at `chanceRate`: recomputed only when its rate moves (hourly). */
  chances: number[];
  chanceRate: number | null;
}

interface Pool {
  channel: string;
  appId: string;
  members: Map<string, Member>;
  pooled: number;
  ratePerMs: number;
  /** Expected speakers per window (by index of `windowsMs`), at the last refresh. */
  expected: number[];
  /** Pooled members whose last inbound fell in each slot of the ring. */
  ring: Int32Array;
  /** Newest slot the ring covers; older slots than `head - ring.length` are gone. */
  head: number;
  lastInboundAt: number | null;
  /** Newest inbound event of a pooled account (the pool's silence starts there). */
  lastPooledInboundAt: number | null;
  lastConfirmationAt: number | null;
  windows: FleetWindowVerdict[];
  outage: FleetOutage | null;
  /** When the last outage cleared: windows reaching back before it would see the outage again. */
  clearedAt: number | null;
  dirty: boolean;
  calibration: FleetCalibration;
  /** Expected speakers per window before calibration, at the last refresh (compared at the next). */
  rawExpected: number[];
  /** Per window: the calibration factor at the last refresh's level, and whether that level has learned. */
  factors: number[];
  learned: boolean[];
  /** Per window: every pooled account was watched over the whole window at the last refresh. */
  complete: boolean[];
  refreshedAt: number | null;
}

const SLOT_MS = 10_000;

/** P(X ≤ k) for X ~ Poisson(mu). */
export function poissonCdf(k: number, mu: number): number {
  if (mu <= 0) return 1;
  let term = Math.exp(-mu);
  let total = term;
  for (let i = 1; i <= k; i++) {
    term *= mu / i;
    total += term;
  }
  return Math.min(1, total);
}

export interface FleetDetector {
  /** An inbound (customer) event of an account: O(1). */
  inbound(channel: string, appId: string, accountId: string, at: number): void;
  /** A send the platform accepted. */
  sent(channel: string, appId: string, accountId: string, at: number): void;
  /** An echo / status webhook: the platform confirmed a send. */
  confirmed(channel: string, appId: string, accountId: string, at: number): void;
  /** Adds an account to its pool (idempotent); moving apps moves it. */
  track(channel: string, appId: string, accountId: string, lastInboundAt: number | null): void;
  /**
   * Recomputes expected rates where due and evaluates every pool. `info` is asked about every member
   * when the hour changes (rates are per hour of week) or the pool changed; at the refreshes between,
   * `status` only (when given), and `info` again if some member's part in the pool moved.
   */
  check(now: number, info: FleetInfo, status?: FleetStatus): FleetTransition[];
  pools(): FleetPoolHealth[];
  /** Calibration per pool (`channel\u0000appId`), to persist across restarts. */
  calibrations(): Record<string, FleetCalibration>;
  restoreCalibrations(saved: Record<string, FleetCalibration>): void;
  /** Pooled accounts of a pool that spoke at or after `since`. */
  speakersSince(channel: string, appId: string, since: number): number;
  /** Pooled accounts of every pool of the channel silent since `since` (a platform-wide outage's scope). */
  silentSince(channel: string, since: number): string[];
  /** The pool of an account, if tracked. */
  poolOf(channel: string, accountId: string): { channel: string; appId: string } | undefined;
}

export function createFleetDetector(options: Partial<FleetOptions> = {}): FleetDetector {
  const o: FleetOptions = { ...DEFAULT_FLEET, ...options };
  const windows = [...o.windowsMs].sort((a, b) => a - b);
  const longest = windows[windows.length - 1] ?? MINUTE_MS;
  const span = Math.ceil((windows[windows.length - 1] ?? MINUTE_MS) / SLOT_MS) + 2;
  const pools = new Map<string, Pool>();
  const poolByAccount = new Map<string, Pool>();
  let lastRefreshSlot = Number.NaN;
  let lastRefreshHour = Number.NaN;

  const poolFor = (channel: string, appId: string): Pool => {
    const k = `${channel}\u0000${appId}`;
    let p = pools.get(k);
    if (!p) {
      p = {
        channel,
        appId,
        members: new Map(),
        pooled: 0,
        ratePerMs: 0,
        expected: windows.map(() => 0),
        ring: new Int32Array(span),
        head: 0,
        lastInboundAt: null,
        lastPooledInboundAt: null,
        lastConfirmationAt: null,
        windows: [],
        outage: null,
        clearedAt: null,
        dirty: true,
        calibration: emptyCalibration(windows.length),
        rawExpected: windows.map(() => 0),
        factors: windows.map(() => 1),
        learned: windows.map(() => false),
        complete: windows.map(() => false),
        refreshedAt: null,
      };
      pools.set(k, p);
    }
    return p;
  };

  /** Moves the ring's head to `slot`, emptying the slots that fall out of it. */
  const advance = (p: Pool, slot: number) => {
    if (slot <= p.head) return;
    if (slot - p.head >= span) p.ring.fill(0);
    else for (let s = p.head + 1; s <= slot; s++) p.ring[s % span] = 0;
    p.head = slot;
  };
  const live = (p: Pool, slot: number) => slot > p.head - span && slot <= p.head;

  const uncount = (p: Pool, m: Member) => {
    if (m.slot !== null && live(p, m.slot)) p.ring[m.slot % span] = (p.ring[m.slot % span] ?? 0) - 1;
    m.slot = null;
  };
  const count = (p: Pool, m: Member) => {
    if (m.rate === null || m.lastInboundAt === null) return;
    const slot = Math.floor(m.lastInboundAt / SLOT_MS);
    if (!live(p, slot)) return;
    p.ring[slot % span] = (p.ring[slot % span] ?? 0) + 1;
    m.slot = slot;
  };

  const member = (channel: string, appId: string, accountId: string): [Pool, Member] => {
    const key = `${channel}\u0000${accountId}`;
    let p = poolByAccount.get(key);
    if (p && p.appId !== appId) {
      const m = p.members.get(accountId);
      if (m) {
        uncount(p, m);
        p.members.delete(accountId);
      }
      p.dirty = true;
      p = undefined;
    }
    if (!p) {
      p = poolFor(channel, appId);
      poolByAccount.set(key, p);
    }
    let m = p.members.get(accountId);
    if (!m) {
      m = {
        accountId,
        key: `${channel}:${accountId}`,
        lastInboundAt: null,
        rate: null,
        rated: false,
        watchingSince: 0,
        slot: null,
        unconfirmedSince: null,
        chances: [],
        chanceRate: null,
      };
      p.members.set(accountId, m);
      p.dirty = true;
    }
    return [p, m];
  };

  /** Pooled members that spoke in the last `ms` (slot resolution: a little generous, i.e. conservative). */
  const speakers = (p: Pool, now: number, ms: number) => {
    const from = Math.floor((now - ms) / SLOT_MS);
    let n = 0;
    for (let s = Math.max(from, p.head - span + 1); s <= p.head; s++) n += p.ring[s % span] ?? 0;
    return n;
  };

  /** `speakers` for every window at once: one pass over the ring, newest slot first. */
  const speakersPerWindow = (p: Pool, now: number): number[] => {
    const out: number[] = [];
    let n = 0;
    let s = p.head;
    const oldest = p.head - span + 1;
    for (const ms of windows) {
      const from = Math.max(Math.floor((now - ms) / SLOT_MS), oldest);
      for (; s >= from; s--) n += p.ring[s % span] ?? 0;
      out.push(n);
    }
    return out;
  };

  /** Every member's rate, chances and ring slot from `info`: the pool's expected speakers before calibration. */
  const rebuildMembers = (p: Pool, now: number, info: FleetInfo) => {
    p.ring.fill(0);
    p.lastPooledInboundAt = null;
    p.pooled = 0;
    p.ratePerMs = 0;
    p.expected = windows.map(() => 0);
    p.complete = windows.map(() => true);
    for (const m of p.members.values()) {
      m.slot = null;
      const i = info(p.channel, m.accountId, m.key);
      m.rated = !!i && i.observedHours >= o.minObservedHours && i.weightedRatePerHour > 0;
      // During an outage the pool is frozen: the account alarms it causes must not shrink it.
      m.rate =
        i && m.rated && i.served && (!i.inAccountAlarm || p.outage !== null)
          ? i.weightedRatePerHour / 3_600_000
          : null;
      if (m.rate === null || !i) continue;
      m.watchingSince = i.watchingSince;
      p.pooled++;
      p.ratePerMs += m.rate;
      if (m.lastInboundAt !== null)
        p.lastPooledInboundAt = Math.max(p.lastPooledInboundAt ?? 0, m.lastInboundAt);
      if (m.chanceRate !== m.rate) {
        const rate = m.rate;
        m.chances = windows.map((ms) => 1 - Math.exp(-rate * ms));
        m.chanceRate = rate;
      }
      for (let w = 0; w < windows.length; w++) {
        // Only accounts watched over the whole window are expected to have spoken in it.
        if (i.watchingSince <= now - (windows[w] as number))
          p.expected[w] = (p.expected[w] ?? 0) + (m.chances[w] as number);
        else p.complete[w] = false;
      }
      count(p, m);
    }
    p.rawExpected = [...p.expected];
  };

  /** Whether a member joined or left the pooled set (served, account alarm) since the last rebuild. */
  const membershipMoved = (p: Pool, status: FleetStatus) => {
    for (const m of p.members.values()) {
      const s = status(p.channel, m.accountId, m.key);
      const pooled = s.served && (!s.inAccountAlarm || p.outage !== null) && m.rated;
      if (pooled !== (m.rate !== null)) return true;
    }
    return false;
  };

  /**
   * A calibration sample, then (`rebuild`) every member's rate, chances and ring slot again, then the
   * expected speakers at the calibration of their level.
   */
  const refresh = (p: Pool, now: number, info: FleetInfo, rebuild: boolean) => {
    advance(p, Math.floor(now / SLOT_MS));
    // One calibration sample per window, unless an outage (recent enough to be in a window) or a
    // membership change spoiled it.
    const quietSince = p.clearedAt === null ? true : now - p.clearedAt > longest;
    if (
      p.refreshedAt !== null &&
      !p.outage &&
      !p.dirty &&
      quietSince &&
      now - p.refreshedAt <= o.refreshMs + o.checkIntervalMs
    )
      for (let w = 0; w < windows.length; w++) {
        // Observed speakers count every pooled account: compare only when all were expected too.
        const raw = p.rawExpected[w] as number;
        if (!p.complete[w] || !(raw > 0)) continue;
        sampleCalibration(p.calibration, w, raw, speakers(p, now, windows[w] as number));
      }
    if (rebuild) rebuildMembers(p, now, info);
    for (let w = 0; w < windows.length; w++) {
      const { factor, learned } = calibrationAt(p.calibration, w, p.rawExpected[w] as number);
      p.factors[w] = factor;
      p.learned[w] = learned;
      p.expected[w] = (p.rawExpected[w] as number) * factor;
    }
    p.refreshedAt = now;
    p.dirty = false;
  };

  /** Whether the window `ms` (for the pool's silence: the windows around it) has learned its calibration. */
  const calibrated = (p: Pool, ms: number) => {
    const hi = windows.findIndex((x) => x >= ms);
    const lo = windows[hi] === ms ? hi : hi - 1;
    return [lo, hi].every((w) => w < 0 || p.learned[w] === true);
  };

  /** Expected speakers over any window, interpolated between the windows (μ is concave: an underestimate). */
  const expectedOver = (p: Pool, ms: number) => {
    let i = 0;
    while (i < windows.length - 1 && (windows[i + 1] as number) <= ms) i++;
    const lo = windows[i] as number;
    const hi = windows[i + 1];
    const a = p.expected[i] ?? 0;
    if (hi === undefined || ms <= lo) return a;
    return a + (((p.expected[i + 1] ?? 0) - a) * (ms - lo)) / (hi - lo);
  };

  /**
   * The windows, plus the pool's current silence (since its last pooled account spoke) as one more
   * window: a fleet-wide stop is seen as soon as the silence is long enough, not when a window fits it.
   */
  const evaluate = (p: Pool, now: number): FleetWindowVerdict[] => {
    const tests = [...windows];
    const counts = speakersPerWindow(p, now);
    const silentFor = p.lastPooledInboundAt === null ? 0 : now - p.lastPooledInboundAt;
    if (silentFor > (windows[0] as number) && silentFor < longest && !windows.includes(silentFor))
      tests.push(silentFor);
    return tests.map((ms, w) => {
      const silence = w >= windows.length;
      const mu = silence ? expectedOver(p, ms) : (p.expected[w] ?? 0);
      const spoke = silence ? 0 : (counts[w] ?? 0);
      const probability = poissonCdf(spoke, mu);
      const threshold =
        alarmThreshold({
          // Speaker turnover in this window: the episodes a false alarm could start from.
          ratePerMs: mu / ms,
          checkIntervalMs: o.checkIntervalMs,
          periodMs: o.falseAlarmPeriodMs,
          budget: o.falseAlarmBudget,
        }) /
        (windows.length + 1);
      return {
        windowMs: ms,
        expectedSpeakers: mu,
        speakers: spoke,
        probability,
        threshold,
        improbable: probability < threshold && calibrated(p, ms),
        broad: mu >= o.minAccounts && spoke <= o.maxSpeakingShare * mu,
      };
    });
  };

  const silentIds = (p: Pool, since: number) => {
    const ids: string[] = [];
    for (const m of p.members.values())
      if (m.rate !== null && (m.lastInboundAt === null || m.lastInboundAt < since)) ids.push(m.accountId);
    return ids;
  };

  const outboundStalled = (p: Pool, now: number) => {
    const deadline = now - o.confirmationDeadlineMs;
    if (p.lastConfirmationAt !== null && p.lastConfirmationAt >= deadline) return [];
    const ids: string[] = [];
    for (const m of p.members.values())
      if (m.unconfirmedSince !== null && m.unconfirmedSince < deadline) ids.push(m.accountId);
    return ids.length >= o.minAccounts ? ids : [];
  };

  return {
    inbound(channel, appId, accountId, at) {
      const [p, m] = member(channel, appId, accountId);
      if (m.lastInboundAt !== null && at <= m.lastInboundAt) return;
      m.lastInboundAt = at;
      p.lastInboundAt = Math.max(p.lastInboundAt ?? 0, at);
      if (m.rate !== null) p.lastPooledInboundAt = Math.max(p.lastPooledInboundAt ?? 0, at);
      advance(p, Math.floor(at / SLOT_MS));
      uncount(p, m);
      count(p, m);
    },
    sent(channel, appId, accountId, at) {
      const [, m] = member(channel, appId, accountId);
      m.unconfirmedSince ??= at;
    },
    confirmed(channel, appId, accountId, at) {
      const [p, m] = member(channel, appId, accountId);
      m.unconfirmedSince = null;
      p.lastConfirmationAt = Math.max(p.lastConfirmationAt ?? 0, at);
    },
    track(channel, appId, accountId, lastInboundAt) {
      const [p, m] = member(channel, appId, accountId);
      if (lastInboundAt !== null && (m.lastInboundAt === null || lastInboundAt > m.lastInboundAt)) {
        m.lastInboundAt = lastInboundAt;
        p.lastInboundAt = Math.max(p.lastInboundAt ?? 0, lastInboundAt);
      }
    },
    check(now, info, status) {
      // Aligned to the clock, so every hour starts a refresh (the rates are per hour of week).
      const slot = Math.floor(now / o.refreshMs);
      const due = slot !== lastRefreshSlot;
      lastRefreshSlot = slot;
      const hour = Math.floor(now / HOUR_MS);
      const newHour = hour !== lastRefreshHour;
      lastRefreshHour = hour;
      const out: FleetTransition[] = [];
      for (const p of pools.values()) {
        if (due || p.dirty) {
          // Rates move with the hour; within it only membership does (and, after a start or a join,
          // the windows that are not yet complete).
          const rebuild =
            newHour || p.dirty || !status || !p.complete.every(Boolean) || membershipMoved(p, status);
          refresh(p, now, info, rebuild);
        }
        advance(p, Math.floor(now / SLOT_MS));
        p.windows = evaluate(p, now);
        if (!o.enabled) continue;
        if (!p.outage) {
          const hit = p.windows.find(
            (v) => v.improbable && v.broad && (p.clearedAt === null || now - v.windowMs >= p.clearedAt),
          );
          if (hit) {
            p.outage = {
              channel: p.channel,
              appId: p.appId,
              signal: 'inbound',
              raisedAt: now,
              since: now - hit.windowMs,
              verdict: hit,
              silentAccounts: silentIds(p, now - hit.windowMs),
              pooled: p.pooled,
            };
            out.push({ type: 'raised', outage: p.outage });
            continue;
          }
          const stalled = outboundStalled(p, now);
          if (stalled.length > 0) {
            p.outage = {
              channel: p.channel,
              appId: p.appId,
              signal: 'outbound',
              raisedAt: now,
              since: Math.min(...stalled.map((id) => p.members.get(id)?.unconfirmedSince ?? now)),
              verdict: null,
              silentAccounts: stalled,
              pooled: p.pooled,
            };
            out.push({ type: 'raised', outage: p.outage });
          }
          continue;
        }
        const outage = p.outage;
        if (outage.signal === 'outbound') {
          if ((p.lastConfirmationAt ?? 0) > outage.raisedAt - o.confirmationDeadlineMs) {
            p.outage = null;
            p.clearedAt = now;
            out.push({ type: 'cleared', outage, at: now, reason: 'sends are confirmed by webhooks again' });
          }
          continue;
        }
        // Traffic resumed: the shortest window that expects enough speakers has at least half of them.
        const probe = p.windows.find((v) => v.expectedSpeakers >= o.minAccounts);
        if (probe && probe.speakers >= 0.5 * probe.expectedSpeakers) {
          p.outage = null;
          p.clearedAt = now;
          out.push({
            type: 'cleared',
            outage,
            at: now,
            reason: `${probe.speakers} of ${probe.expectedSpeakers.toFixed(1)} expected accounts spoke in the last ${probe.windowMs / 1000} s`,
          });
        }
      }
      return out;
    },
    pools: () =>
      [...pools.values()].map((p) => {
        let unconfirmed = 0;
        for (const m of p.members.values()) if (m.unconfirmedSince !== null) unconfirmed++;
        return {
          channel: p.channel,
          appId: p.appId,
          accounts: p.members.size,
          pooled: p.pooled,
          ratePerHour: p.ratePerMs * 3_600_000,
          lastInboundAt: p.lastInboundAt,
          lastConfirmationAt: p.lastConfirmationAt,
          windows: p.windows,
          unconfirmedAccounts: unconfirmed,
          outage: p.outage,
          calibration: [...p.factors],
        };
      }),
    calibrations: () =>
      Object.fromEntries(
        [...pools].map(([k, p]) => [
          k,
          {
            observed: p.calibration.observed.map((xs) => [...xs]),
            expected: p.calibration.expected.map((xs) => [...xs]),
          },
        ]),
      ),
    restoreCalibrations(saved) {
      for (const [k, c] of Object.entries(saved)) {
        const [channel, appId] = k.split('\u0000');
        // Calibrations saved before the levels (one number per window) are dropped: the pool learns again.
        if (!channel || appId === undefined || !validCalibration(c, windows.length)) continue;
        poolFor(channel, appId).calibration = {
          observed: c.observed.map((xs) => [...xs]),
          expected: c.expected.map((xs) => [...xs]),
        };
      }
    },
    speakersSince(channel, appId, since) {
      let n = 0;
      for (const m of pools.get(`${channel}\u0000${appId}`)?.members.values() ?? [])
        if (m.rate !== null && m.lastInboundAt !== null && m.lastInboundAt >= since) n++;
      return n;
    },
    silentSince(channel, since) {
      const ids: string[] = [];
      for (const p of pools.values()) if (p.channel === channel) ids.push(...silentIds(p, since));
      return ids;
    },
    poolOf(channel, accountId) {
      const p = poolByAccount.get(`${channel}\u0000${accountId}`);
      return p ? { channel: p.channel, appId: p.appId } : undefined;
    },
  };
}
