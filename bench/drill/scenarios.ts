import type { Alarm } from '@switchboard/core';
import type { SimChannel } from '@switchboard/simulator';
import { accountFor, describe, isMessage } from './accounting.js';
import { createDrillWorld, type DrillWorld } from './world.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const OUTAGE_START = Date.parse('2024-07-11T15:56:00Z');
export const OUTAGE_END = Date.parse('2024-07-12T00:00:00Z');

/** What one drill scenario measured. */
export interface DrillResult {
  name: string;
  channel: SimChannel;
  /** Accounts whose webhooks were cut. */
  affected: string[];
  outageStart: number;
  outageEnd: number;
  /** First alarm on an affected account after the outage began (ms after the start), or null. */
  detectionMs: number | null;
  detectedBy: string | null;
  /** Per affected account: first lost message and first alarm after it. */
  perAccount: Array<{
    accountId: string;
    firstLostAt: number | null;
    alarmAt: number | null;
    alarmType: string | null;
    silenceAt: number | null;
  }>;
  /** Messages customers and the business sent on the affected accounts during the outage. */
  sent: number;
  /** Of those, never delivered by webhook. */
  missedByWebhook: number;
  recovered: number;
  lost: number;
  /** Unrecoverable messages as the engine reported them, and in which conversations. */
  reportedUnrecoverable: number;
  unrecoverableConversations: string[];
  /** Lost messages neither held nor named (must be 0), and their ids by conversation. */
  lostUnreported: number;
  unreported: string;
  duplicatesToHandlers: number;
  /** Alarms raised on unaffected accounts, or outside the outage (+ one reconciliation period). */
  falseAlarms: Alarm[];
  /** Alarms raised before the outage began (the quiet hours). */
  quietHourAlarms: number;
  resubscribedAt: number | null;
  realMs: number;
  notes: string[];
}

interface Plan {
  name: string;
  channel: SimChannel;
  seed: number;
  quietHours: number;
  outageHours: number;
  peaks: { messenger: number[]; instagram: number[]; whatsapp: number[] };
  /** Which accounts of the channel are cut (indexes into the channel's accounts); default all. */
  affectedIndexes?: number[];
  fault: 'drop' | 'unsubscribe';
  /** A customer pasting many lines at once: more than the 20 messages the API details. */
  burst?: { at: number; count: number };
  afterMinutes?: number;
}

/** Peak customer messages per minute of each account (a mid-size brand's busy and quieter accounts). */
const REALISTIC = { messenger: [2, 1, 0.5], instagram: [3, 1.5, 0.8], whatsapp: [2.5, 1, 0.5] };

export const PLANS: Record<'instagram' | 'whatsapp' | 'quiet' | 'unsubscribed', Plan> = {
  instagram: {
    name: '2024-07-11 Instagram outage',
    channel: 'instagram',
    seed: 11,
    quietHours: 8,
    outageHours: (OUTAGE_END - OUTAGE_START) / HOUR,
    peaks: REALISTIC,
    fault: 'drop',
    burst: { at: Date.parse('2024-07-11T16:30:00Z'), count: 30 },
    afterMinutes: 10,
  },
  whatsapp: {
    name: 'WhatsApp outage (no history API)',
    channel: 'whatsapp',
    seed: 12,
    quietHours: 1,
    outageHours: 1,
    peaks: REALISTIC,
    fault: 'drop',
  },
  quiet: {
    name: 'Quiet Instagram account (6 messages/hour at peak)',
    channel: 'instagram',
    seed: 13,
    quietHours: 1,
    outageHours: 3,
    peaks: { messenger: [1], instagram: [0.1], whatsapp: [] },
    fault: 'drop',
  },
  unsubscribed: {
    name: 'Messenger app silently unsubscribed',
    channel: 'messenger',
    seed: 14,
    quietHours: 1,
    outageHours: 1,
    peaks: { messenger: [2, 1], instagram: [1], whatsapp: [] },
    affectedIndexes: [1],
    fault: 'unsubscribe',
    // A customer writing while the app is cut off (sessions can leave a quiet account silent for minutes).
    burst: { at: OUTAGE_START + MINUTE, count: 3 },
  },
};

export async function runPlan(plan: Plan): Promise<DrillResult> {
  const started = performance.now();
  const start = OUTAGE_START - plan.quietHours * HOUR;
  const end = OUTAGE_START + plan.outageHours * HOUR;
  const world = await createDrillWorld({ seed: plan.seed, start, peaks: plan.peaks });
  try {
    const channelAccounts = world.accounts.filter((a) => a.channel === plan.channel).map((a) => a.accountId);
    const affected = plan.affectedIndexes
      ? plan.affectedIndexes.map((i) => channelAccounts[i] as string)
      : channelAccounts;
    world.startTraffic();
    await world.runUntil(OUTAGE_START);
    const faults: string[] = [];
    if (plan.fault === 'drop') {
      for (const accountId of affected)
        faults.push(world.sim.faults.webhookOutage({ channel: plan.channel, accountId, mode: 'drop' }));
    } else {
      for (const accountId of affected) world.sim.faults.unsubscribeApp(accountId);
    }
    if (plan.burst) scheduleBurst(world, plan.channel, affected[0] as string, plan.burst);
    await world.runUntil(end);
    for (const id of faults) world.sim.faults.clear(id);
    await world.runUntil(end + (plan.afterMinutes ?? 10) * MINUTE);
    world.stopTraffic();
    return await measure(world, plan, affected, end, performance.now() - started);
  } finally {
    await world.close();
  }
}

function scheduleBurst(
  world: DrillWorld,
  channel: SimChannel,
  accountId: string,
  burst: { at: number; count: number },
) {
  const customer = world.sim.world.customers.find((c) => c.channel === channel && c.accountId === accountId);
  if (!customer) return;
  for (let i = 0; i < burst.count; i++)
    world.clock.setTimeout(
      () => {
        world.sim.customerSends({
          channel,
          accountId,
          userId: customer.userId,
          kind: 'text',
          text: `line ${i + 1} of a long story`,
        });
      },
      burst.at + i * 1_000 - world.clock.now(),
    );
}

async function measure(
  world: DrillWorld,
  plan: Plan,
  affected: string[],
  end: number,
  realMs: number,
): Promise<DrillResult> {
  const isAffected = (a: { channel: string; accountId: string }) =>
    a.channel === plan.channel && affected.includes(a.accountId);
  const raised = world.alarms.filter((a) => a.state === 'raised');
  const incidentEnd = end + 5 * MINUTE;
  const relevant = raised.filter((a) => isAffected(a) && a.at >= OUTAGE_START && a.at <= incidentEnd);
  const falseAlarms = raised.filter((a) => !relevant.includes(a));
  const first = relevant[0];
  // Customer messages and business answers (sessions) in the window.
  const inWindow = world.sim.truth
    .all({ channel: plan.channel, since: OUTAGE_START, until: end })
    .filter((r) => isMessage(r) && affected.includes(r.accountId));
  const missed = inWindow.filter((r) => r.deliveredAt === undefined);
  const accounting = await accountFor(world, missed);
  const loss = (await world.loss()).filter(isAffected);
  const unrecoverableConversations = loss.flatMap((a) => Object.keys(a.unrecoverableConversations));
  const reportedUnrecoverable = loss.reduce((n, a) => n + a.unrecoverable, 0);
  const perAccount = affected.map((accountId) => {
    const firstLost = missed
      .filter((r) => r.accountId === accountId)
      .sort((a, b) => a.createdAt - b.createdAt)[0];
    const alarm = relevant.find((a) => a.accountId === accountId || a.accountId === undefined);
    const silence = relevant.find((a) => a.accountId === accountId && a.type === 'silence');
    return {
      accountId,
      firstLostAt: firstLost?.createdAt ?? null,
      alarmAt: alarm?.at ?? null,
      alarmType: alarm?.type ?? null,
      silenceAt: silence?.at ?? null,
    };
  });
  const resubscription = world.alarms.find((a) => a.type === 'subscription' && a.data.resubscribed);
  return {
    name: plan.name,
    channel: plan.channel,
    affected,
    outageStart: OUTAGE_START,
    outageEnd: end,
    detectionMs: first ? first.at - OUTAGE_START : null,
    detectedBy: first ? first.type : null,
    perAccount,
    sent: inWindow.length,
    missedByWebhook: missed.length,
    recovered: accounting.held.length,
    lost: missed.length - accounting.held.length,
    reportedUnrecoverable,
    unrecoverableConversations,
    lostUnreported: accounting.unreported.length,
    unreported: describe(accounting.unreported),
    duplicatesToHandlers: [...world.handled.values()].filter((n) => n > 1).length,
    falseAlarms,
    quietHourAlarms: raised.filter((a) => a.at < OUTAGE_START).length,
    resubscribedAt: resubscription ? resubscription.at : null,
    realMs,
    notes: [],
  };
}
