import {
  createLogger,
  createMemoryRateLimiter,
  createMemoryStore,
  createSwitchboard,
  ManualClock,
} from '@switchboard/core';
import { createInstagramAdapter } from '@switchboard/instagram';
import { startMetaSimulator } from '@switchboard/simulator';
import { describe, expect, it } from 'vitest';
import { countHttpRequests } from '../../../bench/drill/fleet-graph.js';

const T0 = Date.parse('2024-07-11T12:00:00Z');
const MINUTE = 60_000;

describe('usage-header pacing against the simulator', { timeout: 300_000 }, () => {
  it('reconciliation slows as X-App-Usage climbs past 75 %, and no Graph call is throttled', async () => {
    const clock = new ManualClock(T0);
    // 40 Instagram accounts listed every minute want 2,400 calls an hour; the app may make 600.
    const sim = await startMetaSimulator({
      clock,
      seed: 7,
      rateLimits: { appCallsPerHour: 600 },
      world: {
        pages: 40,
        linkedInstagram: 40,
        unlinkedInstagram: 0,
        phoneNumbers: 1,
        customersPerAccount: 2,
      },
    });
    const w = sim.world;
    const linked = w.instagram.filter((a) => a.pageId);
    const silent = createLogger({ level: 'silent' });
    const limiter = createMemoryRateLimiter({ clock });
    const instagram = createInstagramAdapter({
      appId: w.app.id,
      appSecret: w.app.secret,
      verifyToken: 'v',
      graphBaseUrl: sim.url,
      clock,
      logger: silent,
      limiter,
      apiFlavour: 'facebook-login',
      instagramAccountIds: linked.map((a) => a.id),
      pageIdByInstagramAccountId: Object.fromEntries(linked.map((a) => [a.id, a.pageId as string])),
      accessTokens: Object.fromEntries(linked.map((a) => [a.id, a.accessToken])),
    });
    const switchboard = createSwitchboard({
      adapters: [instagram],
      store: createMemoryStore(),
      clock,
      limiter,
      logger: silent,
      watch: {
        reconcile: { intervalMs: MINUTE },
        probes: { enabled: false },
        delivery: { enabled: false },
        silence: { enabled: false },
      },
    });
    await switchboard.start();
    const inFlight = countHttpRequests();
    const calls: number[] = [];
    const usage: number[] = [];
    try {
      for (let minute = 1; minute <= 180; minute++) {
        for (let s = 0; s < 60; s++) {
          await clock.advance(1000);
          for (let turns = 0; turns < 8 || inFlight.count > 0; turns++)
            await new Promise((resolve) => setImmediate(resolve));
        }
        if (minute % 10 === 0) {
          const u = sim.graphUsage();
          calls.push(u.calls);
          usage.push(switchboard.watch?.budget().find((b) => b.shared)?.percent ?? 0);
        }
      }
    } finally {
      inFlight.stop();
      await switchboard.stop();
      await sim.stop();
    }
    const perWindow = calls.map((c, i) => c - (calls[i - 1] ?? 0));
    const summary = sim.graphUsage();
    // Unpaced, the first ten minutes make ~400 calls (40 accounts a minute) until the budget sees 75 %;
    // then each ten minutes fewer calls as the app's usage climbs (first hour: nothing leaves the window).
    expect(perWindow[0]).toBeGreaterThan(300);
    const firstHour = perWindow.slice(0, 5);
    for (let i = 1; i < firstHour.length; i++) {
      expect(firstHour[i]).toBeLessThan(firstHour[i - 1] as number);
      expect(usage[i]).toBeGreaterThanOrEqual(usage[i - 1] as number);
    }
    // Never a throttled call, never a full bucket, never more calls in an hour than the app may make.
    expect(summary.throttledCalls).toBe(0);
    expect(summary.peakAppPercent).toBeLessThanOrEqual(96);
    for (let h = 0; h + 6 <= perWindow.length; h++)
      expect(perWindow.slice(h, h + 6).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(600);
    // And the watch kept going at what the hour allows: the budget holds the app near, not under, its limit.
    expect(summary.calls).toBeGreaterThan(1_200);
  });
});
