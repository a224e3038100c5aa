import {
  accountRate,
  type BaselinePrior,
  type BaselineState,
  dispersionIndex,
  expectedEvents,
  rateAt,
  silenceWeight,
} from './baseline.js';
import { alarmThreshold, DAY_MS, HOUR_MS, silenceProbability } from './poisson.js';

/** Tuning of the silence alarm. */
export interface SilenceOptions {
  /** How often each account is checked (ms). Default 60 000. */
  checkIntervalMs: number;
  /** Allowed false alarms per account per `falseAlarmPeriodMs`. Default 1. */
  falseAlarmBudget: number;
  /** Default 30 days. */
  falseAlarmPeriodMs: number;
  /** Silences shorter than this never alarm, whatever the rate (latency, batching). Default 2 min. */
  minWindowMs: number;
  /** No alarm before the account's baseline has this many observed hours (the prior alone never alarms). Default 1. */
  minObservedHours: number;
}

export const DEFAULT_SILENCE: SilenceOptions = {
  checkIntervalMs: 60_000,
  falseAlarmBudget: 1,
  falseAlarmPeriodMs: 30 * DAY_MS,
  minWindowMs: 2 * 60_000,
  minObservedHours: 1,
};

/** The numbers behind one silence check, as `health()` shows them. */
export interface SilenceVerdict {
  /** Expected inbound events per hour right now (hour-of-week baseline). */
  ratePerHour: number;
  /** Start of the current silent window: the newest inbound event, or when watching began. */
  windowStart: number;
  windowMs: number;
  /** Events the baseline expected during the window. */
  expected: number;
  /** Index of dispersion of the account's traffic: 1 for independent messages, more when it is bursty. */
  dispersion: number;
  /** P(zero events in the window | baseline), bursts accounted for. */
  probability: number;
  /** Alarm when `probability < threshold`. */
  threshold: number;
  /** Hours of traffic the baseline has learned from. */
  observedHours: number;
  alarm: boolean;
  /** Why no alarm is possible yet (window too short, baseline too young), when that is the case. */
  note?: string;
}

/** Evaluates the silence since `windowStart` against the baseline. Pure. */
export function checkSilence(input: {
  state: BaselineState;
  prior: BaselinePrior;
  options: SilenceOptions;
  observedHours: number;
  windowStart: number;
  now: number;
}): SilenceVerdict {
  const { state, prior, options, now } = input;
  const windowStart = Math.min(input.windowStart, now);
  const windowMs = now - windowStart;
  const overall = accountRate(state, prior);
  const ratePerHour = rateAt(state, prior, now, overall);
  const expected = expectedEvents(state, prior, windowStart, now, overall);
  const weight = silenceWeight(state);
  const probability = silenceProbability(expected * weight);
  const threshold = alarmThreshold({
    // Silent stretches come between bursts, not between messages.
    ratePerMs: (ratePerHour * weight) / HOUR_MS,
    checkIntervalMs: options.checkIntervalMs,
    periodMs: options.falseAlarmPeriodMs,
    budget: options.falseAlarmBudget,
  });
  const base = {
    ratePerHour,
    windowStart,
    windowMs,
    expected,
    dispersion: dispersionIndex(state),
    probability,
    threshold,
    observedHours: input.observedHours,
  };
  if (input.observedHours < options.minObservedHours)
    return {
      ...base,
      alarm: false,
      note: `baseline has ${input.observedHours.toFixed(2)} h of history; alarms start at ${options.minObservedHours} h`,
    };
  if (windowMs < options.minWindowMs)
    return { ...base, alarm: false, note: `window shorter than ${options.minWindowMs} ms` };
  return { ...base, alarm: probability < threshold };
}
