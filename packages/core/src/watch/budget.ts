import type { UsageBucket } from '../adapter.js';
import type { Clock } from '../clock.js';
import { RollingWindow } from '../rolling-window.js';

/** How the watch's platform calls (reconciliation, probes) slow down as the platform's usage climbs. */
export interface CallBudgetOptions {
  /** Above this share of a bucket (percent) the pace is stretched. Default 75. */
  stretchAbovePercent: number;
  /** The window the platform counts calls over (Meta: a rolling hour). Default 3 600 000. */
  windowMs: number;
  /**
   * At this share (counting calls not reported yet) a call waits until the oldest call the budget let
   * through leaves the window: the bucket never fills from the watch's own calls. Default 95.
   */
  holdAbovePercent: number;
  /** Pause when a bucket is full and the platform gives no time to regain access. Default 300 000. */
  fullPauseMs: number;
}

/**
 * Calls let through per channel before the platform has answered one of them: a pass starting thousands
 * of accounts at once must not spend a third of the hour before the first usage header comes back.
 */
const MAX_UNREPORTED = 50;
/** How long calls wait for an answer to the unreported ones before the next few go anyway. */
const UNREPORTED_WAIT_MS = 1_000;
/** A reading lower than the running estimate replaces it after this long. */
const REBASE_AFTER_MS = 60_000;

export const DEFAULT_CALL_BUDGET: CallBudgetOptions = {
  stretchAbovePercent: 75,
  windowMs: 3_600_000,
  holdAbovePercent: 95,
  fullPauseMs: 300_000,
};

/** One rate-limit bucket as the budget sees it (`watch.budget()`). */
export interface CallBudgetBucket {
  id: string;
  shared: boolean;
  /** Last reported share used (0..100) and when. */
  percent: number;
  reportedAt: number;
  /** Calls the budget let through in the last window. */
  admitted: number;
  /** No call before this time (the platform's regain estimate, or a pause at 100 %). */
  pausedUntil: number | null;
  /** Spacing between calls now (0: not stretched). */
  gapMs: number;
}

export interface CallBudget {
  /** Records what the platform reported with the result of a call for this account. */
  report(channel: string, accountId: string, usage: readonly UsageBucket[]): void;
  /** Resolves when a call for this account may go out now (waits on the clock; rejects when aborted). */
  admit(channel: string, accountId: string, signal?: AbortSignal): Promise<void>;
  /** Time `calls` more calls of the channel take at the current pace (null when no bucket slows it). */
  etaMs(channel: string, calls: number): number | null;
  /** Until when a full app-wide bucket stops the channel's calls (null: not stopped). */
  stoppedUntil(channel: string): number | null;
  buckets(): CallBudgetBucket[];
}

interface BucketState {
  id: string;
  shared: boolean;
  percent: number;
  reportedAt: number;
  regainUntil: number;
  lastAdmitAt: number;
  /** The bucket's size in calls per window, estimated at the last report (null: not known yet). */
  limit: number | null;
  /** Calls of `log` in the window at the last report: the difference since is not in `percent` yet. */
  countAtReport: number;
  /** The calls that draw from it: the channel's (shared) or the account's. */
  log: RollingWindow;
}

/**
 * The engine's Graph call budget, fed by the usage the adapters report on their results. Below
 * `stretchAbovePercent` it adds nothing (the adapters' own per-account limits pace the calls). Above, it
 * estimates the bucket's hourly limit from the calls it let through and the share the platform reported,
 * and spaces calls at that sustainable rate scaled down by how close the bucket is to full
 * (`(100 − stretch) / (100 − percent)`): at 75 % exactly the sustainable rate, at 95 % a fifth of it.
 * From `holdAbovePercent` a call waits for the oldest call let through to leave the window; a full bucket
 * stops every call drawing from it until the platform's `regainAfterMs`, or `fullPauseMs`.
 * Calls are admitted first come, first served, so the order in which the watch asks is the priority.
 */
export function createCallBudget(
  deps: { clock: Clock },
  options: Partial<CallBudgetOptions> = {},
): CallBudget {
  const { clock } = deps;
  const opts = { ...DEFAULT_CALL_BUDGET, ...options };
  const buckets = new Map<string, BucketState>();
  /** Buckets each account's calls were reported against; shared buckets by channel. */
  const byAccount = new Map<string, Set<BucketState>>();
  const sharedByChannel = new Map<string, Set<BucketState>>();

  /** Calls admitted per channel and per account, before any usage was reported too. */
  const logs = new Map<string, RollingWindow>();
  const logOf = (key: string) => {
    let log = logs.get(key);
    if (!log) {
      log = new RollingWindow(opts.windowMs);
      logs.set(key, log);
    }
    return log;
  };

  /** The share used once the calls admitted since the last report are counted too. */
  const projected = (b: BucketState) =>
    b.limit === null ? b.percent : b.percent + ((b.log.count(clock.now()) - b.countAtReport) / b.limit) * 100;

  const gapOf = (b: BucketState): number => {
    const p = projected(b);
    if (p <= opts.stretchAbovePercent || p >= opts.holdAbovePercent || b.limit === null) return 0;
    return (opts.windowMs / b.limit) * ((100 - opts.stretchAbovePercent) / (100 - p));
  };

  // Full (or about to be, counting the calls not reported yet): nothing until the platform's estimate
  // given with the last reading, or `fullPauseMs` after a reading that came without one.
  const pausedUntil = (b: BucketState) => {
    const p = projected(b);
    if (p >= 100) return b.regainUntil >= b.reportedAt ? b.regainUntil : b.reportedAt + opts.fullPauseMs;
    if (p >= opts.holdAbovePercent) {
      const oldest = b.log.oldest(clock.now());
      // Our own calls leaving the window free the bucket; a reading that climbs anyway comes with the next call.
      return Math.max(b.regainUntil, oldest === null ? 0 : oldest + opts.windowMs);
    }
    return b.regainUntil;
  };
  const readyAt = (b: BucketState): number => Math.max(pausedUntil(b), b.lastAdmitAt + gapOf(b));

  const relevant = (channel: string, accountId: string): BucketState[] => [
    ...new Set([
      ...(sharedByChannel.get(channel) ?? []),
      ...(byAccount.get(`${channel}:${accountId}`) ?? []),
    ]),
  ];

  /** Per channel: calls let through since the last usage report, and when the first of them went. */
  const unreported = new Map<string, { calls: number; since: number }>();
  const unreportedUntil = (channel: string, now: number) => {
    const u = unreported.get(channel);
    if (!u || u.calls < MAX_UNREPORTED) return now;
    return Math.max(now, u.since + UNREPORTED_WAIT_MS);
  };

  /** Calls waiting, in the order they asked; one timer wakes the queue when the first of them may go. */
  const waiting: Array<{
    channel: string;
    accountId: string;
    signal: AbortSignal | undefined;
    resolve: () => void;
    reject: (reason: unknown) => void;
  }> = [];
  /** One abort listener per signal (thousands of calls wait on the same one), not one per call. */
  const watchedSignals = new WeakSet<AbortSignal>();
  const watchSignal = (signal: AbortSignal) => {
    if (watchedSignals.has(signal)) return;
    watchedSignals.add(signal);
    signal.addEventListener(
      'abort',
      () => {
        for (const w of waiting.filter((x) => x.signal === signal)) {
          waiting.splice(waiting.indexOf(w), 1);
          w.reject(signal.reason);
        }
      },
      { once: true },
    );
  };
  let wake: { at: number; cancel: () => void } | null = null;

  const grant = (channel: string, accountId: string, now: number) => {
    for (const b of sharedByChannel.get(channel) ?? []) b.lastAdmitAt = now;
    for (const b of byAccount.get(`${channel}:${accountId}`) ?? []) b.lastAdmitAt = now;
    const u = unreported.get(channel);
    if (!u || u.calls === 0 || now >= u.since + UNREPORTED_WAIT_MS)
      unreported.set(channel, { calls: 1, since: now });
    else u.calls++;
    logOf(channel).add(now);
    logOf(`${channel}:${accountId}`).add(now);
  };

  /** Lets through every waiting call that may go now, in order; a blocked account does not hold up others. */
  const pump = () => {
    wake = null;
    const now = clock.now();
    let next = Number.POSITIVE_INFINITY;
    // An app-wide bucket blocks every call of its channel: checked once per channel and pass.
    const sharedReady = new Map<string, number>();
    for (let i = 0; i < waiting.length; ) {
      const w = waiting[i] as (typeof waiting)[number];
      let shared = sharedReady.get(w.channel);
      if (shared === undefined) {
        shared = Math.max(
          unreportedUntil(w.channel, now),
          ...[...(sharedByChannel.get(w.channel) ?? [])].map(readyAt),
        );
        sharedReady.set(w.channel, shared);
      }
      // Thousands of calls wait during a fleet-wide pass: the account's own buckets, without allocating.
      let at = shared;
      if (at <= now)
        for (const b of byAccount.get(`${w.channel}:${w.accountId}`) ?? []) at = Math.max(at, readyAt(b));
      if (at > now) {
        next = Math.min(next, at);
        i++;
        continue;
      }
      waiting.splice(i, 1);
      grant(w.channel, w.accountId, now);
      sharedReady.delete(w.channel);
      w.resolve();
    }
    if (waiting.length > 0 && Number.isFinite(next)) schedule(next);
  };

  const schedule = (at: number) => {
    if (wake && wake.at <= at) return;
    wake?.cancel();
    wake = { at, cancel: clock.setTimeout(pump, Math.max(0, at - clock.now())) };
  };

  return {
    report(channel, accountId, usage) {
      if (usage.length === 0) return;
      const now = clock.now();
      unreported.delete(channel);
      const key = `${channel}:${accountId}`;
      for (const u of usage) {
        let b = buckets.get(u.id);
        if (!b) {
          b = {
            id: u.id,
            shared: u.shared,
            percent: 0,
            reportedAt: now,
            regainUntil: 0,
            lastAdmitAt: Number.NEGATIVE_INFINITY,
            limit: null,
            countAtReport: 0,
            log: logOf(u.shared ? channel : key),
          };
          buckets.set(u.id, b);
        }
        // A response reports the calls served before it, not those let through since: a lower reading
        // than the running estimate is taken only once the burst it came from has long been answered.
        const accept = u.percent >= projected(b) || now - b.reportedAt >= REBASE_AFTER_MS || b.limit === null;
        if (u.regainAfterMs && u.regainAfterMs > 0)
          b.regainUntil = Math.max(b.regainUntil, now + u.regainAfterMs);
        if (!accept) continue;
        b.percent = u.percent;
        b.reportedAt = now;
        // Calls the budget let through make up `percent` of the bucket (others count too: sends, other
        // instances), so this estimate of its size errs small, on the slow side.
        const seen = b.log.count(now);
        b.countAtReport = seen;
        b.limit = u.percent > 0 && seen > 0 ? Math.max(1, seen / (u.percent / 100)) : b.limit;
        if (u.shared) {
          const set = sharedByChannel.get(channel) ?? new Set();
          set.add(b);
          sharedByChannel.set(channel, set);
        } else {
          const set = byAccount.get(key) ?? new Set();
          set.add(b);
          byAccount.set(key, set);
        }
      }
      if (waiting.length > 0) schedule(now);
    },
    async admit(channel, accountId, signal) {
      if (signal?.aborted) throw signal.reason;
      const now = clock.now();
      const list = relevant(channel, accountId);
      if (waiting.length === 0 && Math.max(unreportedUntil(channel, now), ...list.map(readyAt)) <= now) {
        grant(channel, accountId, now);
        return;
      }
      if (signal) watchSignal(signal);
      await new Promise<void>((resolve, reject) => {
        waiting.push({ channel, accountId, signal, resolve, reject });
        schedule(clock.now());
      });
    },
    etaMs(channel, calls) {
      const now = clock.now();
      const list = [...(sharedByChannel.get(channel) ?? [])];
      if (list.length === 0 || calls <= 0) return null;
      // Calls go unpaced until the bucket reaches the stretch threshold, then at the pace it settles at:
      // p* = 100² / (200 − stretch) (80 % for 75), where a call takes window / size × (100 − s) / (100 − p*).
      const settled = 10_000 / (200 - opts.stretchAbovePercent);
      const waits = list.map((b) => {
        if (b.limit === null) return Math.max(0, readyAt(b) - now);
        const free = Math.max(0, ((opts.stretchAbovePercent - projected(b)) / 100) * b.limit);
        const perCall = (opts.windowMs / b.limit) * ((100 - opts.stretchAbovePercent) / (100 - settled));
        return Math.max(0, readyAt(b) - now) + Math.max(0, calls - free) * perCall;
      });
      const longest = Math.max(...waits);
      return longest > 0 ? longest : null;
    },
    stoppedUntil(channel) {
      const at = Math.max(0, ...[...(sharedByChannel.get(channel) ?? [])].map(pausedUntil));
      return at > clock.now() ? at : null;
    },
    buckets() {
      const now = clock.now();
      return [...buckets.values()].map((b) => ({
        id: b.id,
        shared: b.shared,
        percent: b.percent,
        reportedAt: b.reportedAt,
        admitted: b.log.count(now),
        pausedUntil: pausedUntil(b) > now ? pausedUntil(b) : null,
        gapMs: gapOf(b),
      }));
    },
  };
}
