/**
 * The arithmetic behind silence detection. Inbound traffic of one account is modelled as a Poisson
 * process with rate λ(t) (events per ms, by hour of week). The probability of seeing no event during a
 * window is `exp(-Λ)`, where `Λ = ∫ λ(t) dt` over the window is the number of events expected in it.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** P(no event in a window where `expected` events were expected). */
export function silenceProbability(expected: number): number {
  return Math.exp(-Math.max(0, expected));
}

/**
 * Probability threshold under which a silence alarm fires, so that false alarms stay within
 * `budget` per `periodMs` for an account whose rate is `ratePerMs`.
 *
 * Two ways to count false alarms over the period must both stay within the budget:
 * - per check: a check runs every `checkIntervalMs`; each may fire with probability `p`
 *   → `p · periodMs / checkIntervalMs ≤ budget` (the brief's bound: `p ≲ 1/(30·24·60)` for 1-minute
 *   checks and one alarm per 30 days);
 * - per silent stretch: an alarm *episode* starts whenever a gap between two events exceeds the window;
 *   there are `λ · period` gaps and each exceeds the window with probability `p`
 *   → `p · λ · periodMs ≤ budget`. This one is stricter for accounts busier than one event per check.
 */
export function alarmThreshold(options: {
  ratePerMs: number;
  checkIntervalMs: number;
  periodMs: number;
  budget: number;
}): number {
  const checks = options.periodMs / options.checkIntervalMs;
  const gaps = options.ratePerMs * options.periodMs;
  return options.budget / Math.max(checks, gaps, 1);
}

/** Shortest silence (ms) after which `exp(-λ·w)` drops below `threshold` at a constant rate. */
export function windowForThreshold(ratePerMs: number, threshold: number): number {
  if (!(ratePerMs > 0)) return Number.POSITIVE_INFINITY;
  return -Math.log(threshold) / ratePerMs;
}

/**
 * Expected false alarms per `periodMs` of an account with constant rate `ratePerMs`, checked every
 * `checkIntervalMs`, alarming after `windowMs` of silence: the number of silent stretches longer than
 * the window (checks cannot alarm more often than they run).
 */
export function expectedFalseAlarms(options: {
  ratePerMs: number;
  windowMs: number;
  checkIntervalMs: number;
  periodMs: number;
}): number {
  const p = silenceProbability(options.ratePerMs * options.windowMs);
  const stretches = options.ratePerMs * options.periodMs * p;
  const checks = (options.periodMs / options.checkIntervalMs) * p;
  return Math.min(stretches, checks);
}
