import type { Alarm } from '@switchboard/core';
import { createPrng, type TruthRecord } from '@switchboard/simulator';
import { accountFor, conversationOf, describe, isMessage, trackRecovery } from './accounting.js';
import { createDrillWorld, type DrillWorld } from './world.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
/** The engine defaults the drill runs with: a pass every 2 minutes over what is older than the 60 s grace. */
export const RECONCILE_INTERVAL_MS = 2 * MINUTE;
export const RECONCILE_GRACE_MS = MINUTE;
/** Busy hours of `DAY_SHAPE`: session traffic at its peak. */
const DAY = Date.parse('2024-07-11T13:00:00Z');
/** Clock steps between two looks at the books: the resolution of the measured times. */
const STEP_MS = 10 * SECOND;
const TAIL_MS = 4 * MINUTE;

/** One outage on one Messenger or Instagram account, starting at a seeded moment of the pass cycle. */
export interface OutageCase {
  channel: 'messenger' | 'instagram';
  lengthMs: number;
  seed: number;
  /** `drop` loses the webhooks, `hold` delivers them at the end, `unsubscribe` cuts the app off. */
  fault?: 'drop' | 'hold' | 'unsubscribe';
  /** Peak customer messages per minute of each account (default 3). */
  perMinute?: number;
  /** Customers per account (default 30). */
  customers?: number;
  /** Weeks of traffic history imported for the silence watch (default 4; 0 = none, faster). */
  historyWeeks?: number;
  /** Simulated time before the outage (default 20 min, plus up to one pass interval). */
  warmupMs?: number;
  /** Simulated time after the outage (default 15 min). */
  afterMs?: number;
}

export interface OutageResult {
  name: string;
  case: OutageCase;
  /** When the outage began, in ms after the engine's first reconciliation tick of its cycle. */
  phaseMs: number;
  /** Messages (customer and business) dropped on the affected account. */
  dropped: TruthRecord[];
  /** Dropped messages followed by a delivered one in their conversation (invisible to time comparison). */
  masked: TruthRecord[];
  held: number;
  named: number;
  countedByConversation: number;
  unreported: TruthRecord[];
  notRecovered: TruthRecord[];
  duplicatesToHandlers: number;
  /** First alarm on the affected account after the outage began, and its type. */
  detectionMs: number | null;
  detectedBy: string | null;
  /** From the outage's end until every dropped message was held or named (null: never). */
  recoveryMs: number | null;
  /** `webhook_gap` clears that came while a message of their window was neither held nor named. */
  earlyClears: Array<{ alarm: Alarm; open: TruthRecord[] }>;
  realMs: number;
}

export const OUTAGE_LENGTHS_MS = [
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  60 * MINUTE,
  8 * 60 * MINUTE,
];

/** The drill's outage variants, 30 s to 8 h (as on 2024-07-11): every length on Messenger and on Instagram. */
export const OUTAGE_VARIANTS: OutageCase[] = (['messenger', 'instagram'] as const).flatMap((channel, c) =>
  OUTAGE_LENGTHS_MS.map((lengthMs, i) => ({ channel, lengthMs, seed: 200 + c * 10 + i })),
);

/** The failure message for lost-and-unreported messages: how many were masked, and their ids. */
export function unreportedMessage(r: OutageResult): string {
  const masked = r.unreported.filter((m) => r.masked.includes(m)).length;
  return `${r.name}: ${r.unreported.length} lost and unreported (${masked} masked by a later delivered message in their conversation), by conversation:\n${describe(r.unreported)}`;
}

export const lengthLabel = (ms: number) =>
  ms < MINUTE ? `${ms / SECOND} s` : ms < 60 * MINUTE ? `${ms / MINUTE} min` : `${ms / (60 * MINUTE)} h`;

export async function runOutage(c: OutageCase): Promise<OutageResult> {
  const started = performance.now();
  const rng = createPrng(c.seed);
  const perMinute = c.perMinute ?? 3;
  const world = await createDrillWorld({
    seed: c.seed,
    start: DAY,
    peaks: {
      messenger: [c.channel === 'messenger' ? perMinute : perMinute / 2],
      instagram: [c.channel === 'instagram' ? perMinute : perMinute / 2],
      whatsapp: [],
    },
    customersPerAccount: c.customers ?? 30,
    historyWeeks: c.historyWeeks ?? 4,
  });
  try {
    const account = world.sim.account(c.channel);
    const scope = { channel: c.channel, accountId: account.accountId };
    const affected = (r: TruthRecord) => r.channel === c.channel && r.accountId === account.accountId;
    const tracker = trackRecovery(world, affected, RECONCILE_GRACE_MS);
    world.startTraffic();
    const phaseMs = rng.int(0, RECONCILE_INTERVAL_MS - 1);
    const start = DAY + (c.warmupMs ?? 20 * MINUTE) + phaseMs;
    const end = start + c.lengthMs;
    // Issue 20's pattern, in every run: "hi" before, lost during, "hello??" after the outage.
    const customer = rng.pick(account.customers);
    const say = (at: number, text: string) =>
      world.clock.setTimeout(() => {
        world.sim.customerSends({ ...scope, userId: customer.userId, kind: 'text', text });
      }, at - world.clock.now());
    say(start - 20 * SECOND, 'hi');
    say(start + c.lengthMs / 2, 'is anyone there?');
    say(end + 20 * SECOND, 'hello??');

    const step = async (target: number) => {
      while (world.clock.now() < target) {
        await world.runUntil(Math.min(target, world.clock.now() + STEP_MS));
        await tracker.check();
      }
    };
    await step(start);
    // The outage ends by itself (a held one then delivers what it held); an unsubscribed app stays
    // cut off until the engine's probes resubscribe it.
    if (c.fault === 'unsubscribe') world.sim.faults.unsubscribeApp(account.accountId);
    else world.sim.faults.webhookOutage({ ...scope, mode: c.fault ?? 'drop', durationMs: c.lengthMs });
    await step(end + (c.afterMs ?? 15 * MINUTE));
    // A quiet tail: passes for what was dropped last (an unsubscribed app the engine could not fix
    // keeps losing until the traffic stops).
    world.stopTraffic();
    await step(world.clock.now() + TAIL_MS);
    return await measure(world, c, {
      accountId: account.accountId,
      affected,
      phaseMs,
      start,
      end,
      tracker,
      started,
    });
  } finally {
    await world.close();
  }
}

async function measure(
  world: DrillWorld,
  c: OutageCase,
  run: {
    accountId: string;
    affected: (r: TruthRecord) => boolean;
    phaseMs: number;
    start: number;
    end: number;
    tracker: ReturnType<typeof trackRecovery>;
    started: number;
  },
): Promise<OutageResult> {
  const messages = world.sim.truth.all().filter((r) => isMessage(r) && run.affected(r));
  const dropped = messages.filter((r) => r.dropped !== undefined && r.deliveredCount === 0);
  const masked = dropped.filter((d) =>
    messages.some(
      (m) => conversationOf(m) === conversationOf(d) && m.createdAt > d.createdAt && m.deliveredCount > 0,
    ),
  );
  const a = await accountFor(world, dropped);
  const alarm = world.alarms.find(
    (x) =>
      x.state === 'raised' && x.channel === c.channel && x.accountId === run.accountId && x.at >= run.start,
  );
  const settled = run.tracker.settledAt;
  return {
    name: `${c.channel === 'messenger' ? 'Messenger' : 'Instagram'} ${c.fault ?? 'drop'} ${lengthLabel(c.lengthMs)}`,
    case: c,
    phaseMs: run.phaseMs,
    dropped,
    masked,
    held: a.held.length,
    named: a.named.length,
    countedByConversation: a.countedByConversation.length,
    unreported: a.unreported,
    notRecovered: a.notRecovered,
    duplicatesToHandlers: [...world.handled.values()].filter((n) => n > 1).length,
    detectionMs: alarm ? alarm.at - run.start : null,
    detectedBy: alarm?.type ?? null,
    recoveryMs: dropped.length === 0 ? 0 : settled === null ? null : Math.max(0, settled - run.end),
    earlyClears: run.tracker.earlyClears,
    realMs: performance.now() - run.started,
  };
}
