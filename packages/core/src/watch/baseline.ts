import { HOUR_MS } from './poisson.js';

/** Hours in a week: the baseline keeps one bucket per hour of week (UTC, Monday 00:00 = 0). */
export const HOURS_PER_WEEK = 168;
const WEEK_MS = HOURS_PER_WEEK * HOUR_MS;

/** What a new account is assumed to receive before its own traffic is known. */
export interface BaselinePrior {
  /** Inbound events per hour assumed for an account with no history. Default 1. */
  perHour: number;
  /**
   * How many hours of observation the prior is worth. Small = the account's own traffic takes over
   * quickly. Default 1.
   */
  weightHours: number;
  /**
   * Hours of observation an hour-of-week bucket needs before its own rate outweighs the account-wide
   * rate (shrinkage). Default 2.
   */
  bucketWeightHours: number;
}

export const DEFAULT_PRIOR: BaselinePrior = { perHour: 1, weightHours: 1, bucketWeightHours: 2 };

/** The persisted state of one account's baseline (kept in `store.health`). */
export interface BaselineState {
  /** Inbound events counted per hour-of-week bucket. */
  counts: number[];
  /** Hours observed per bucket (time the engine was watching and the account was not in alarm). */
  hours: number[];
  /**
   * Over observed `DISPERSION_BLOCK_MS` blocks: Σ (count − expected)² and Σ expected. Their ratio is the
   * index of dispersion D (1 for independent arrivals, more when customers write in bursts).
   */
  dispersion: { squares: number; expected: number };
}

/** Block length over which the burstiness of traffic is measured: about the length of a silence alarm. */
export const DISPERSION_BLOCK_MS = 5 * 60_000;

/** Pseudo-observations at D = 1, in expected events: a new account is judged as if not bursty. */
const DISPERSION_PRIOR = 30;

export function emptyBaseline(): BaselineState {
  return {
    counts: new Array<number>(HOURS_PER_WEEK).fill(0),
    hours: new Array<number>(HOURS_PER_WEEK).fill(0),
    dispersion: { squares: 0, expected: 0 },
  };
}

/** Accepts a stored value if it has the right shape, else starts empty. */
export function restoreBaseline(value: unknown): BaselineState {
  const v = value as Partial<BaselineState> | undefined;
  const ok = (a: unknown): a is number[] =>
    Array.isArray(a) && a.length === HOURS_PER_WEEK && a.every((x) => typeof x === 'number' && x >= 0);
  if (!v || !ok(v.counts) || !ok(v.hours)) return emptyBaseline();
  const d = v.dispersion;
  const dispersion =
    d && Number.isFinite(d.squares) && Number.isFinite(d.expected) && d.squares >= 0 && d.expected >= 0
      ? { squares: d.squares, expected: d.expected }
      : { squares: 0, expected: 0 };
  return { counts: [...v.counts], hours: [...v.hours], dispersion };
}

/** Adds one observed block: `count` inbound events where the baseline expected `expected`. */
export function recordBlock(state: BaselineState, count: number, expected: number): void {
  state.dispersion.squares += (count - expected) ** 2;
  state.dispersion.expected += expected;
}

/** Index of dispersion of the account's traffic (≥ 1; regular traffic counts as independent). */
export function dispersionIndex(state: BaselineState): number {
  const { squares, expected } = state.dispersion;
  return Math.max(1, (squares + DISPERSION_PRIOR) / (expected + DISPERSION_PRIOR));
}

/**
 * How much of the expected count a silence is worth. Customers write in sessions, so a quiet stretch
 * between two sessions is likelier than independent arrivals would make it. Taking traffic as bursts
 * arriving independently (compound Poisson) with S messages each, P(no event) = exp(−expected / E[S]),
 * and D = E[S²] / E[S] ≥ E[S]: `1 / D` never overstates how unlikely a silence is.
 */
export function silenceWeight(state: BaselineState): number {
  return 1 / dispersionIndex(state);
}

/** Hour-of-week bucket of an epoch-ms time (UTC). 1970-01-01 was a Thursday. */
export function hourOfWeek(at: number): number {
  const hours = Math.floor(at / HOUR_MS);
  return (((hours + 3 * 24) % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK;
}

/** Counts one inbound event at time `at`. */
export function recordEvent(state: BaselineState, at: number, count = 1): void {
  const h = hourOfWeek(at);
  state.counts[h] = (state.counts[h] ?? 0) + count;
}

/** Adds observed time `[from, to)` to the buckets it spans. */
export function recordExposure(state: BaselineState, from: number, to: number): void {
  let t = from;
  while (t < to) {
    const end = Math.min(to, (Math.floor(t / HOUR_MS) + 1) * HOUR_MS);
    const h = hourOfWeek(t);
    state.hours[h] = (state.hours[h] ?? 0) + (end - t) / HOUR_MS;
    t = end;
  }
}

/** A plain loop: called for every account at every check (thousands of accounts). */
const sum = (xs: readonly number[]) => {
  let total = 0;
  for (let i = 0; i < xs.length; i++) total += xs[i] as number;
  return total;
};

/** Account-wide rate (events/hour): Gamma-Poisson posterior mean with the prior as pseudo-observations. */
export function accountRate(state: BaselineState, prior: BaselinePrior): number {
  return (prior.perHour * prior.weightHours + sum(state.counts)) / (prior.weightHours + sum(state.hours));
}

/**
 * Rate (events/hour) for one hour-of-week bucket, shrunk towards the account-wide rate (pass `overall`
 * when computing many buckets of one account: it sums every bucket).
 */
export function bucketRate(
  state: BaselineState,
  prior: BaselinePrior,
  bucket: number,
  overall = accountRate(state, prior),
): number {
  const n = state.counts[bucket] ?? 0;
  const e = state.hours[bucket] ?? 0;
  return (overall * prior.bucketWeightHours + n) / (prior.bucketWeightHours + e);
}

/** Rate (events/hour) expected at time `at`. */
export function rateAt(
  state: BaselineState,
  prior: BaselinePrior,
  at: number,
  overall = accountRate(state, prior),
): number {
  return bucketRate(state, prior, hourOfWeek(at), overall);
}

/** Events expected in `[from, to)`: the integral of the hour-of-week rate over the window. */
export function expectedEvents(
  state: BaselineState,
  prior: BaselinePrior,
  from: number,
  to: number,
  overall = accountRate(state, prior),
): number {
  // Called for every account at every check, over silences of days for quiet accounts: the account-wide
  // rate once (pass it when already known), and whole weeks at once (a week covers each hour-of-week
  // bucket for exactly one hour).
  let total = 0;
  let t = from;
  const weeks = Math.floor((to - from) / WEEK_MS);
  if (weeks > 0) {
    let perWeek = 0;
    for (let h = 0; h < HOURS_PER_WEEK; h++) perWeek += bucketRate(state, prior, h, overall);
    total += weeks * perWeek;
    t += weeks * WEEK_MS;
  }
  if (t >= to) return total;
  // Hour by hour, the bucket index stepping along (a quiet account's silence spans days of hours).
  const { counts, hours } = state;
  const k = prior.bucketWeightHours;
  const base = overall * k;
  let h = hourOfWeek(t);
  while (t < to) {
    const end = Math.min(to, (Math.floor(t / HOUR_MS) + 1) * HOUR_MS);
    total += (((base + (counts[h] ?? 0)) / (k + (hours[h] ?? 0))) * (end - t)) / HOUR_MS;
    t = end;
    h = h + 1 === HOURS_PER_WEEK ? 0 : h + 1;
  }
  return total;
}

/** Total hours observed so far. */
export function observedHours(state: BaselineState): number {
  return sum(state.hours);
}
