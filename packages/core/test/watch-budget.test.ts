import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/index.js';
import { createCallBudget } from '../src/watch/budget.js';

const T0 = Date.parse('2024-07-11T15:56:00Z');
const HOUR = 3_600_000;

/** Admits one call and says how long (simulated) it had to wait. */
async function timedAdmit(
  clock: ManualClock,
  budget: ReturnType<typeof createCallBudget>,
  accountId = 'ig1',
): Promise<number> {
  const before = clock.now();
  let done = false;
  const admitted = budget.admit('instagram', accountId).then(() => {
    done = true;
  });
  await clock.advance(0);
  while (!done) await clock.advance(100);
  await admitted;
  return clock.now() - before;
}

/** Lets `n` calls through, moving the clock while the budget holds them (no usage reported meanwhile). */
async function spend(clock: ManualClock, budget: ReturnType<typeof createCallBudget>, n: number) {
  for (let i = 0; i < n; i++) await timedAdmit(clock, budget);
}

describe('call budget: usage headers slow the watch before the platform throttles', () => {
  it('adds nothing below 75 %, then spaces calls further apart the closer the app is to full', async () => {
    const clock = new ManualClock(T0);
    const budget = createCallBudget({ clock });
    // 300 calls made, the app reports 30 %: its bucket holds about 1,000 calls an hour.
    await spend(clock, budget, 300);
    budget.report('instagram', 'ig1', [{ id: 'app:1', shared: true, percent: 30 }]);
    expect(await timedAdmit(clock, budget)).toBe(0);

    const gaps: number[] = [];
    for (const percent of [80, 85, 90]) {
      budget.report('instagram', 'ig1', [{ id: 'app:1', shared: true, percent }]);
      await timedAdmit(clock, budget);
      gaps.push(await timedAdmit(clock, budget));
    }
    // Sustainable pace of a ~1,000-call bucket: 3.6 s a call; at 80 % × 25/20, at 85 % × 25/15, at 90 % × 25/10.
    const [at80, at85, at90] = gaps as [number, number, number];
    expect(at80).toBeGreaterThan(4_000);
    expect(at85).toBeGreaterThan(1.2 * at80);
    expect(at90).toBeGreaterThan(1.4 * at85);
    expect(budget.buckets()[0]).toMatchObject({ id: 'app:1', shared: true, percent: 90 });
    expect(budget.buckets()[0]?.gapMs).toBeGreaterThan(0);
    // At 95 % a call waits until the oldest one let through leaves the hour (the 300 made at T0).
    budget.report('instagram', 'ig1', [{ id: 'app:1', shared: true, percent: 95 }]);
    const before = clock.now();
    expect(await timedAdmit(clock, budget)).toBeGreaterThanOrEqual(T0 + HOUR - before);
  });

  it("stops until the platform's estimated_time_to_regain_access when a bucket is full", async () => {
    const clock = new ManualClock(T0);
    const budget = createCallBudget({ clock });
    budget.report('instagram', 'ig1', [
      { id: 'buc:ig1', shared: false, percent: 100, regainAfterMs: 7 * 60_000 },
    ]);
    expect(await timedAdmit(clock, budget)).toBeGreaterThanOrEqual(7 * 60_000);
    // Another account's calls do not draw from ig1's business bucket.
    budget.report('instagram', 'ig1', [
      { id: 'buc:ig1', shared: false, percent: 100, regainAfterMs: 7 * 60_000 },
    ]);
    expect(await timedAdmit(clock, budget, 'ig2')).toBe(0);
  });

  it('a one-minute estimate means one minute, not the 5-minute pause kept for readings without one', async () => {
    const clock = new ManualClock(T0);
    const budget = createCallBudget({ clock });
    budget.report('instagram', 'ig1', [{ id: 'app:1', shared: true, percent: 100, regainAfterMs: 60_000 }]);
    expect(budget.stoppedUntil('instagram')).toBe(T0 + 60_000);
    const waited = await timedAdmit(clock, budget);
    expect(waited).toBeGreaterThanOrEqual(60_000);
    expect(waited).toBeLessThan(5 * 60_000);
  });

  it('a full app-wide bucket stops every account of the channel, for 5 min without an estimate', async () => {
    const clock = new ManualClock(T0);
    const budget = createCallBudget({ clock });
    budget.report('instagram', 'ig1', [{ id: 'app:1', shared: true, percent: 100 }]);
    expect(budget.stoppedUntil('instagram')).toBe(T0 + 5 * 60_000);
    expect(budget.stoppedUntil('messenger')).toBeNull();
    expect(await timedAdmit(clock, budget, 'ig2')).toBeGreaterThanOrEqual(5 * 60_000);
  });

  it('counts the calls let through since the last reading: a burst stops short of the limit', async () => {
    const clock = new ManualClock(T0);
    const budget = createCallBudget({ clock });
    await spend(clock, budget, 100);
    // 100 calls = 10 %: a 1,000-call bucket. A burst of 2,000 calls at the same instant would be 210 %.
    budget.report('instagram', 'ig1', [{ id: 'app:1', shared: true, percent: 10 }]);
    let admitted = 0;
    const burst = Array.from({ length: 2000 }, () =>
      budget.admit('instagram', `ig${Math.random()}`).then(() => {
        admitted++;
      }),
    );
    await clock.advance(0);
    // No more than 50 go before the platform answers one of them.
    expect(admitted).toBe(50);
    // Unanswered, 50 a second up to 75 %, then spaced, then held at 95 %: fewer than the 900 calls left.
    await clock.advance(20_000);
    expect(admitted).toBeGreaterThan(600);
    // Until the burst's calls leave the hour, the bucket's 900 free calls are never all used.
    await clock.advance(HOUR - 30_000);
    expect(admitted).toBeLessThan(900);
    await clock.advance(10 * HOUR);
    await Promise.all(burst);
  });

  it('estimates how long calls still due take at the current pace', async () => {
    const clock = new ManualClock(T0);
    const budget = createCallBudget({ clock });
    expect(budget.etaMs('instagram', 100)).toBeNull();
    await spend(clock, budget, 800);
    budget.report('instagram', 'ig1', [{ id: 'app:1', shared: true, percent: 80 }]);
    // 1,000 calls an hour, at 80 %: 4.5 s a call.
    expect(budget.etaMs('instagram', 100)).toBeCloseTo(100 * 4_500, -3);
  });
});
