import { describe, expect, it } from 'vitest';
import {
  accountRate,
  bucketRate,
  DEFAULT_PRIOR,
  DISPERSION_BLOCK_MS,
  dispersionIndex,
  emptyBaseline,
  expectedEvents,
  hourOfWeek,
  observedHours,
  recordBlock,
  recordEvent,
  recordExposure,
  restoreBaseline,
} from '../src/watch/baseline.js';
import {
  alarmThreshold,
  DAY_MS,
  expectedFalseAlarms,
  HOUR_MS,
  MINUTE_MS,
  silenceProbability,
  windowForThreshold,
} from '../src/watch/poisson.js';
import { checkSilence, DEFAULT_SILENCE } from '../src/watch/silence.js';

const MONDAY = Date.parse('2024-07-08T00:00:00Z');

/** mulberry32: a seeded PRNG so the Monte Carlo test is reproducible. */
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

describe('poisson maths', () => {
  it('per-check threshold is 1/(30·24·60) for accounts slower than one event per check', () => {
    const p = alarmThreshold({
      ratePerMs: 0.5 / MINUTE_MS,
      checkIntervalMs: MINUTE_MS,
      periodMs: 30 * DAY_MS,
      budget: 1,
    });
    expect(p).toBeCloseTo(1 / (30 * 24 * 60), 12);
    // At one event per minute the silence must last ln(43200) ≈ 10.7 minutes.
    expect(windowForThreshold(1 / MINUTE_MS, p) / MINUTE_MS).toBeCloseTo(Math.log(43_200), 6);
  });

  it('busier accounts get a stricter threshold: one per silent stretch, not per check', () => {
    const rate = 10 / MINUTE_MS;
    const p = alarmThreshold({
      ratePerMs: rate,
      checkIntervalMs: MINUTE_MS,
      periodMs: 30 * DAY_MS,
      budget: 1,
    });
    expect(p).toBeCloseTo(1 / (10 * 30 * 24 * 60), 14);
    const windowMs = windowForThreshold(rate, p);
    expect(
      expectedFalseAlarms({ ratePerMs: rate, windowMs, checkIntervalMs: MINUTE_MS, periodMs: 30 * DAY_MS }),
    ).toBeLessThanOrEqual(1.000001);
  });

  it('exp(-λw) is the probability of an empty window', () => {
    expect(silenceProbability(0)).toBe(1);
    expect(silenceProbability(Math.log(2))).toBeCloseTo(0.5, 12);
  });

  it('a seeded Poisson account checked every minute for a year stays within one false alarm per 30 days', () => {
    const rand = prng(42);
    const ratePerMin = 2;
    const state = emptyBaseline();
    recordExposure(state, MONDAY - 14 * DAY_MS, MONDAY);
    for (let h = 0; h < 14 * 24; h++) recordEvent(state, MONDAY - 14 * DAY_MS + h * HOUR_MS, ratePerMin * 60);
    const observed = observedHours(state);
    // The verdict only grows with the window: a gap between two events alarms iff the last check
    // inside it alarms. Checks run on every whole minute.
    let last = MONDAY;
    let alarms = 0;
    const days = 365;
    const end = MONDAY + days * DAY_MS;
    while (last < end) {
      const next = last + (-Math.log(1 - rand()) / ratePerMin) * MINUTE_MS;
      const lastCheck = Math.floor(next / MINUTE_MS) * MINUTE_MS;
      if (lastCheck - last >= DEFAULT_SILENCE.minWindowMs) {
        const v = checkSilence({
          state,
          prior: DEFAULT_PRIOR,
          options: DEFAULT_SILENCE,
          observedHours: observed,
          windowStart: last,
          now: lastCheck,
        });
        if (v.alarm) alarms++;
      }
      last = next;
    }
    // Budget: one per 30 days, i.e. about 12 a year on average.
    expect(alarms).toBeLessThanOrEqual(days / 30);
  });

  it('customers writing in sessions do not make quiet stretches between sessions look like an outage', () => {
    // Sessions start at 0.5/min; each is 1–6 messages with pauses of ~25 s: 1.75 messages/min on average.
    const rand = prng(7);
    const exp = (meanMs: number) => -Math.log(1 - rand()) * meanMs;
    const times: number[] = [];
    const days = 97;
    for (let t = MONDAY; t < MONDAY + days * DAY_MS; t += exp(2 * MINUTE_MS)) {
      let at = t;
      const size = 1 + Math.floor(rand() * 6);
      for (let i = 0; i < size; i++, at += 2_000 + exp(25_000)) times.push(at);
    }
    times.sort((a, b) => a - b);
    const perHour = (times.length / (days * 24)) | 0;
    const learned = emptyBaseline();
    recordExposure(learned, MONDAY - 14 * DAY_MS, MONDAY);
    for (let h = 0; h < 14 * 24; h++) recordEvent(learned, MONDAY - 14 * DAY_MS + h * HOUR_MS, perHour);
    const naive = restoreBaseline(JSON.parse(JSON.stringify(learned)));
    // The first week teaches the burstiness: counts of 5-minute blocks against the expected count.
    const week = MONDAY + 7 * DAY_MS;
    let i = 0;
    for (let block = MONDAY; block < week; block += DISPERSION_BLOCK_MS) {
      const from = i;
      while (i < times.length && (times[i] as number) < block + DISPERSION_BLOCK_MS) i++;
      const count = i - from;
      recordBlock(learned, count, expectedEvents(learned, DEFAULT_PRIOR, block, block + DISPERSION_BLOCK_MS));
    }
    expect(dispersionIndex(learned)).toBeGreaterThan(2.5);
    const falseAlarms = (state: typeof learned) => {
      let alarms = 0;
      for (let k = i; k + 1 < times.length; k++) {
        const last = times[k] as number;
        const lastCheck = Math.floor((times[k + 1] as number) / MINUTE_MS) * MINUTE_MS;
        if (lastCheck - last < DEFAULT_SILENCE.minWindowMs) continue;
        const v = checkSilence({
          state,
          prior: DEFAULT_PRIOR,
          options: DEFAULT_SILENCE,
          observedHours: observedHours(state),
          windowStart: last,
          now: lastCheck,
        });
        if (v.alarm) alarms++;
      }
      return alarms;
    };
    // 90 days checked: a budget of 3. Taken as independent messages, the same traffic alarms far more.
    expect(falseAlarms(learned)).toBeLessThanOrEqual(3);
    expect(falseAlarms(naive)).toBeGreaterThan(30);
  });
});

describe('traffic baseline', () => {
  it('maps times to hours of week from Monday 00:00 UTC', () => {
    expect(hourOfWeek(MONDAY)).toBe(0);
    expect(hourOfWeek(MONDAY + 25 * HOUR_MS + 5)).toBe(25);
    expect(hourOfWeek(MONDAY + 7 * DAY_MS - 1)).toBe(167);
    expect(hourOfWeek(Date.parse('2024-07-11T15:56:00Z'))).toBe(3 * 24 + 15);
  });

  it('splits exposure across hour buckets', () => {
    const s = emptyBaseline();
    recordExposure(s, MONDAY + 30 * MINUTE_MS, MONDAY + 2 * HOUR_MS);
    expect(s.hours[0]).toBeCloseTo(0.5);
    expect(s.hours[1]).toBeCloseTo(1);
    expect(observedHours(s)).toBeCloseTo(1.5);
  });

  it('starts from the prior and learns the account rate and its hourly shape', () => {
    const s = emptyBaseline();
    expect(accountRate(s, DEFAULT_PRIOR)).toBe(DEFAULT_PRIOR.perHour);
    // Busy 09:00 hours, quiet 03:00 hours, for two weeks.
    for (let d = 0; d < 14; d++) {
      const day = MONDAY + d * DAY_MS;
      recordExposure(s, day + 3 * HOUR_MS, day + 4 * HOUR_MS);
      recordExposure(s, day + 9 * HOUR_MS, day + 10 * HOUR_MS);
      recordEvent(s, day + 3 * HOUR_MS, 2);
      recordEvent(s, day + 9 * HOUR_MS, 120);
    }
    const nine = bucketRate(s, DEFAULT_PRIOR, hourOfWeek(MONDAY + 9 * HOUR_MS));
    const three = bucketRate(s, DEFAULT_PRIOR, hourOfWeek(MONDAY + 3 * HOUR_MS));
    // Two observed hours per bucket weigh as much as the account-wide rate (bucketWeightHours 2).
    expect(nine).toBeCloseTo((accountRate(s, DEFAULT_PRIOR) * 2 + 240) / 4, 6);
    expect(three).toBeCloseTo((accountRate(s, DEFAULT_PRIOR) * 2 + 4) / 4, 6);
    expect(nine).toBeGreaterThan(2.5 * three);
    // An hour never observed falls back to the account-wide rate.
    expect(bucketRate(s, DEFAULT_PRIOR, hourOfWeek(MONDAY + 12 * HOUR_MS))).toBeCloseTo(
      accountRate(s, DEFAULT_PRIOR),
    );
    expect(expectedEvents(s, DEFAULT_PRIOR, MONDAY + 9 * HOUR_MS, MONDAY + 9.5 * HOUR_MS)).toBeCloseTo(
      nine / 2,
    );
  });

  it('expected events over a silence of weeks: whole weeks at once give the hour-by-hour sum', () => {
    const s = emptyBaseline();
    recordExposure(s, MONDAY - 14 * DAY_MS, MONDAY);
    for (let h = 0; h < 14 * 24; h++) recordEvent(s, MONDAY - 14 * DAY_MS + h * HOUR_MS, (h * 7) % 23);
    const from = MONDAY + 5.25 * HOUR_MS;
    const to = from + 17 * DAY_MS + 3.5 * HOUR_MS;
    let hourByHour = 0;
    for (let t = from; t < to; ) {
      const end = Math.min(to, (Math.floor(t / HOUR_MS) + 1) * HOUR_MS);
      hourByHour += (bucketRate(s, DEFAULT_PRIOR, hourOfWeek(t)) * (end - t)) / HOUR_MS;
      t = end;
    }
    expect(expectedEvents(s, DEFAULT_PRIOR, from, to)).toBeCloseTo(hourByHour, 8);
  });

  it('restores only well-formed stored state', () => {
    const s = emptyBaseline();
    recordEvent(s, MONDAY, 3);
    expect(restoreBaseline(JSON.parse(JSON.stringify(s))).counts[0]).toBe(3);
    expect(restoreBaseline({ counts: [1, 2] }).counts[0]).toBe(0);
    expect(restoreBaseline(undefined).hours).toHaveLength(168);
  });
});

describe('silence verdict', () => {
  const learned = () => {
    const s = emptyBaseline();
    recordExposure(s, MONDAY, MONDAY + 10 * HOUR_MS);
    for (let h = 0; h < 10; h++) recordEvent(s, MONDAY + h * HOUR_MS, 180); // 3 per minute
    return s;
  };
  const verdict = (windowMs: number, observed?: number) => {
    const state = learned();
    return checkSilence({
      state,
      prior: DEFAULT_PRIOR,
      options: DEFAULT_SILENCE,
      observedHours: observed ?? observedHours(state),
      windowStart: MONDAY + 10 * HOUR_MS,
      now: MONDAY + 10 * HOUR_MS + windowMs,
    });
  };

  it('alarms once zero events in the window is less likely than the threshold, with the numbers', () => {
    const quiet = verdict(3 * MINUTE_MS);
    expect(quiet.alarm).toBe(false);
    const silent = verdict(5 * MINUTE_MS);
    expect(silent.alarm).toBe(true);
    // Hour 10 was never observed: the account-wide rate (1 prior + 1800 events over 1 + 10 hours).
    expect(silent.ratePerHour).toBeCloseTo(1801 / 11, 6);
    expect(silent.probability).toBeLessThan(silent.threshold);
    expect(silent.expected).toBeCloseTo((silent.ratePerHour * 5) / 60, 6);
  });

  it('never alarms on a window shorter than the minimum, nor before the baseline has history', () => {
    expect(verdict(MINUTE_MS).note).toMatch(/window shorter/);
    const young = verdict(60 * MINUTE_MS, 0.5);
    expect(young.alarm).toBe(false);
    expect(young.note).toMatch(/history/);
  });
});
