import { alarmThreshold, DEFAULT_FLEET } from '@switchboard/core/watch';
import { drawFleet } from './fleet-traffic.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Messages per session in the drill's traffic: an account speaks at its session rate. */
const SESSION_MEAN = 3;

/**
 * Silence before the pooled alarm fires for a pool of `accounts` accounts drawn like the drill's fleet,
 * at a share `shape` of the peak rate: the shortest w where no account speaking is less likely than the
 * threshold, i.e. exp(−μ(w)) < threshold / (windows + 1), with μ(w) = Σ 1 − exp(−rate·w), and at least
 * `minAccounts` expected speakers. Null when no window up to an hour suffices.
 */
export function timeToDetect(accounts: number, shape: number, seed = 19): number | null {
  const fleet = drawFleet({ instagram: accounts, messenger: 0, whatsapp: 0, tenants: 100, seed });
  const rates = fleet.map((a) => (a.peakPerDay * shape) / SESSION_MEAN / DAY);
  const tests = DEFAULT_FLEET.windowsMs.length + 1;
  for (let w = 10_000; w <= 60 * MINUTE; w += 10_000) {
    let mu = 0;
    for (const r of rates) mu += 1 - Math.exp(-r * w);
    const threshold =
      alarmThreshold({
        ratePerMs: mu / w,
        checkIntervalMs: DEFAULT_FLEET.checkIntervalMs,
        periodMs: DEFAULT_FLEET.falseAlarmPeriodMs,
        budget: DEFAULT_FLEET.falseAlarmBudget,
      }) / tests;
    if (mu >= DEFAULT_FLEET.minAccounts && Math.exp(-mu) < threshold) return w;
  }
  return null;
}

/** The promise table (markdown): pool size × time of day → silence before the platform alarm. */
export function promiseTable(): string {
  const sizes = [100, 250, 500, 1000, 2000, 5000];
  const shapes: Array<[string, number]> = [
    ['peak (13–18 UTC)', 1],
    ['morning (08 UTC, 60 %)', 0.6],
    ['night (03 UTC, 12 %)', 0.12],
  ];
  const cell = (ms: number | null) =>
    ms === null ? '> 60 min' : ms < 2 * MINUTE ? `${ms / 1000} s` : `${(ms / MINUTE).toFixed(0)} min`;
  return [
    `| accounts in the pool (one channel, one app) | ${shapes.map(([label]) => label).join(' | ')} |`,
    `| ---: | ${shapes.map(() => '---:').join(' | ')} |`,
    ...sizes.map((n) => `| ${n} | ${shapes.map(([, s]) => cell(timeToDetect(n, s))).join(' | ')} |`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(promiseTable());
