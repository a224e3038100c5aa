/**
 * The fleet detector's calibration (`fleet.ts`): how the summed baselines of a pool relate to the
 * speakers it really sees, per window and per level of traffic.
 */

/**
 * The pool's own check of its baselines, per window and level: speakers observed against speakers
 * expected at past refreshes. Quiet accounts cannot learn their burstiness (a few messages a day) and
 * busy ones overstate it (bursts of bursts); a quiet account's hour-of-week buckets hold too little to
 * show its day, so its baseline is flatter than its traffic. How the sum of the baselines relates to
 * what the pool really sees therefore depends on how busy the hour is (in the fleet drill: 0.7 at night
 * against 2 at the peak, after one factor for all hours). The pool learns the ratio per window and per
 * level of expected speakers (half-octave bins: the hours of a day at the same level share what they learn)
 * and scales its expectation by it (between 0.25 and 2).
 */
export interface FleetCalibration {
  /** Per window, per level bin: Σ speakers observed. */
  observed: number[][];
  /** Per window, per level bin: Σ speakers expected before calibration. */
  expected: number[][];
}

/** Pseudo-observations per window and level at factor 1. */
const CALIBRATION_PRIOR = 10;
/**
 * Expected speakers a window's calibration must have accumulated at the current level (its nearest
 * bin) before that window may alarm: a pool first learns how its baselines compare with what it sees (hours
 * after a first start for busy hours, a night or more for quiet ones; the calibration is kept in the
 * store across restarts).
 */
const CALIBRATION_MIN = 200;
/** Old samples fade: each new one multiplies the window's sums (every level) by this (about a week of 5 min refreshes). */
const CALIBRATION_DECAY = 1 - 1 / 2016;
/** Level bins: half octaves of a window's expected speakers before calibration, from 2^-8 to 2^16. */
const LEVEL_BINS = 49;
const levelOf = (mu: number) => Math.min(LEVEL_BINS - 1, Math.max(0, 2 * Math.log2(mu) + 16));
export const emptyCalibration = (windows: number): FleetCalibration => ({
  observed: Array.from({ length: windows }, () => new Array<number>(LEVEL_BINS).fill(0)),
  expected: Array.from({ length: windows }, () => new Array<number>(LEVEL_BINS).fill(0)),
});

/**
 * The factor for window `w` at `mu` expected speakers: its nearest level bin's ratio, and whether that
 * bin has learned enough. Only the bin itself counts: a busy neighbour (the day's peak, sampled many
 * more times) would otherwise outweigh the quiet hours' own ratio.
 */
export const calibrationAt = (c: FleetCalibration, w: number, mu: number) => {
  const bin = Math.round(levelOf(mu));
  const o = c.observed[w]?.[bin] ?? 0;
  const e = c.expected[w]?.[bin] ?? 0;
  return {
    factor: Math.min(2, Math.max(0.25, (o + CALIBRATION_PRIOR) / (e + CALIBRATION_PRIOR))),
    learned: e >= CALIBRATION_MIN,
  };
};

/** Adds one sample of window `w`: `spoke` accounts where the baselines expected `raw` (decaying the old ones). */
export function sampleCalibration(c: FleetCalibration, w: number, raw: number, spoke: number): void {
  const observed = c.observed[w] as number[];
  const expected = c.expected[w] as number[];
  for (let b = 0; b < LEVEL_BINS; b++) {
    observed[b] = (observed[b] as number) * CALIBRATION_DECAY;
    expected[b] = (expected[b] as number) * CALIBRATION_DECAY;
  }
  // Split between the two nearest bins, so a level on a bins' border feeds both.
  const level = levelOf(raw);
  const lo = Math.floor(level);
  const share = level - lo;
  for (const [b, part] of [
    [lo, 1 - share],
    [Math.min(LEVEL_BINS - 1, lo + 1), share],
  ] as const) {
    observed[b] = (observed[b] as number) + part * spoke;
    expected[b] = (expected[b] as number) + part * raw;
  }
}

/** A persisted calibration of the current shape (`windows` × level bins of non-negative numbers). */
export function validCalibration(c: unknown, windows: number): c is FleetCalibration {
  const ok = (xss: unknown): xss is number[][] =>
    Array.isArray(xss) &&
    xss.length === windows &&
    xss.every(
      (xs) =>
        Array.isArray(xs) && xs.length === LEVEL_BINS && xs.every((x) => typeof x === 'number' && x >= 0),
    );
  const v = c as Partial<FleetCalibration> | undefined;
  return ok(v?.observed) && ok(v?.expected);
}
