import { HOUR_MS } from './poisson.js';

/** Hours in a week: the baseline keeps one bucket per hour of week (UTC, Monday 00:00 = 0). */
export const HOURS_PER_WEEK = 168;

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
}

export function emptyBaseline(): BaselineState {
  return {
    counts: new Array<number>(HOURS_PER_WEEK).fill(0),
    hours: new Array<number>(HOURS_PER_WEEK).fill(0),
  };
}

/** Accepts a stored value if it has the right shape, else starts empty. */
export function restoreBaseline(value: unknown): BaselineState {
  const v = value as Partial<BaselineState> | undefined;
  const ok = (a: unknown): a is number[] =>
    Array.isArray(a) && a.length === HOURS_PER_WEEK && a.every((x) => typeof x === 'number' && x >= 0);
  return v && ok(v.counts) && ok(v.hours) ? { counts: [...v.counts], hours: [...v.hours] } : emptyBaseline();
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

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Account-wide rate (events/hour): Gamma-Poisson posterior mean with the prior as pseudo-observations. */
export function accountRate(state: BaselineState, prior: BaselinePrior): number {
  return (prior.perHour * prior.weightHours + sum(state.counts)) / (prior.weightHours + sum(state.hours));
}

/** Rate (events/hour) for one hour-of-week bucket, shrunk towards the account-wide rate. */
export function bucketRate(state: BaselineState, prior: BaselinePrior, bucket: number): number {
  const overall = accountRate(state, prior);
  const n = state.counts[bucket] ?? 0;
  const e = state.hours[bucket] ?? 0;
  return (overall * prior.bucketWeightHours + n) / (prior.bucketWeightHours + e);
}

/** Rate (events/hour) expected at time `at`. */
export function rateAt(state: BaselineState, prior: BaselinePrior, at: number): number {
  return bucketRate(state, prior, hourOfWeek(at));
}

/** Events expected in `[from, to)`: the integral of the hour-of-week rate over the window. */
export function expectedEvents(state: BaselineState, prior: BaselinePrior, from: number, to: number): number {
  let total = 0;
  let t = from;
  const rates = new Map<number, number>();
  while (t < to) {
    const end = Math.min(to, (Math.floor(t / HOUR_MS) + 1) * HOUR_MS);
    const h = hourOfWeek(t);
    let r = rates.get(h);
    if (r === undefined) {
      r = bucketRate(state, prior, h);
      rates.set(h, r);
    }
    total += (r * (end - t)) / HOUR_MS;
    t = end;
  }
  return total;
}

/** Total hours observed so far. */
export function observedHours(state: BaselineState): number {
  return sum(state.hours);
}
