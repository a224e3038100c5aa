import type { Alarm } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { OUTAGE_START, PLANS, runPlan } from '../../../bench/drill/scenarios.js';

const MINUTE = 60_000;
/** Which alarms, for a failure message (`silence instagram ×20, …`). */
const kinds = (alarms: readonly Alarm[]) => {
  const counts = new Map<string, number>();
  for (const a of alarms)
    counts.set(`${a.type} ${a.channel}`, (counts.get(`${a.type} ${a.channel}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
};

describe('incident drill: 2024-07-11, Instagram webhooks dropped 15:56 → 00:00 UTC', () => {
  it('detects within 5 minutes, recovers every message within reach, reports the rest, delivers no duplicate', async () => {
    const r = await runPlan(PLANS.instagram);
    // Detected within 5 simulated minutes of the outage, and every account within 5 minutes of its first loss.
    expect(r.detectionMs).not.toBeNull();
    expect(r.detectionMs as number).toBeLessThanOrEqual(5 * MINUTE);
    for (const a of r.perAccount) {
      expect(a.firstLostAt, `account ${a.accountId} had traffic in the window`).not.toBeNull();
      expect(a.alarmAt, `account ${a.accountId} alarmed`).not.toBeNull();
      expect((a.alarmAt as number) - (a.firstLostAt as number)).toBeLessThanOrEqual(5 * MINUTE);
    }
    // The outage really cost webhooks, and backfill brought back everything the API still details.
    expect(r.sent).toBeGreaterThan(500);
    expect(r.missedByWebhook).toBe(r.sent);
    expect(r.recovered + r.lost).toBe(r.missedByWebhook);
    expect(r.lost).toBe(r.reportedUnrecoverable);
    expect(r.lostUnreported, `lost and unreported, by conversation:\n${r.unreported}`).toBe(0);
    // The burst of 30 messages in one conversation overflows the 20 the API details: 10 reported, not hidden.
    expect(r.lost).toBe(10);
    expect(r.unrecoverableConversations).toHaveLength(1);
    // Backfilled copies and redelivered webhooks never reach a handler twice.
    expect(r.duplicatesToHandlers).toBe(0);
    // No alarm in the 8 quiet hours before the outage, nor anywhere else.
    expect(r.quietHourAlarms, `alarms in the quiet hours: ${kinds(r.falseAlarms)}`).toBe(0);
    expect(r.falseAlarms).toEqual([]);
    expect(r.outageStart).toBe(OUTAGE_START);
  });

  it('finds a silently unsubscribed app, resubscribes it and backfills what the webhooks missed', async () => {
    const r = await runPlan(PLANS.unsubscribed);
    expect(r.detectionMs as number).toBeLessThanOrEqual(5 * MINUTE);
    expect(r.resubscribedAt).not.toBeNull();
    expect(r.missedByWebhook).toBeGreaterThan(0);
    expect(r.recovered).toBe(r.missedByWebhook);
    expect(r.duplicatesToHandlers).toBe(0);
    expect(r.falseAlarms, `false alarms: ${kinds(r.falseAlarms)}`).toEqual([]);
  });
});
