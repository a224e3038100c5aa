import { describe, expect, it } from 'vitest';
import { describeClears, describe as describeIds } from '../../../bench/drill/accounting.js';
import { lengthLabel, OUTAGE_VARIANTS, runOutage, unreportedMessage } from '../../../bench/drill/outages.js';

const MINUTE = 60_000;

describe('outages of every length (session traffic, manual clock, seeded start in the pass cycle)', () => {
  it.each(OUTAGE_VARIANTS.map((c) => [`${c.channel} ${lengthLabel(c.lengthMs)}`, c] as const))(
    '%s: every dropped message recovered or named, alarm cleared only once its window is verified',
    async (_, c) => {
      const r = await runOutage(c);
      // Every run has issue 20's customer: a message lost between two delivered ones.
      expect(r.dropped.length).toBeGreaterThan(0);
      expect(r.masked.length).toBeGreaterThan(0);
      // Soft: one run shows every broken promise at once.
      expect
        .soft(
          r.unreported.map((m) => m.messageId),
          unreportedMessage(r),
        )
        .toEqual([]);
      expect
        .soft(
          r.notRecovered.map((m) => m.messageId),
          `within the newest 20 but not recovered\n${describeIds(r.notRecovered)}`,
        )
        .toEqual([]);
      expect.soft(r.duplicatesToHandlers).toBe(0);
      expect
        .soft(
          describeClears(r.earlyClears),
          'webhook_gap cleared while a message of its window was neither held nor named',
        )
        .toEqual([]);
      // Detected and fully recovered within a few reconciliation passes of the outage's end.
      expect(r.detectionMs).not.toBeNull();
      expect(r.detectionMs as number).toBeLessThanOrEqual(c.lengthMs + 10 * MINUTE);
      expect(r.recoveryMs).not.toBeNull();
      expect(r.recoveryMs as number).toBeLessThanOrEqual(10 * MINUTE);
    },
  );
});
