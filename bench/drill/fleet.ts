import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type Alarm,
  type ChannelAdapter,
  type ChannelEvent,
  createLogger,
  createMemoryStore,
  type Incident,
  ManualClock,
  type Watch,
} from '@switchboard/core';
import { createAlarmCenter, createWatch, importTrafficHistory } from '@switchboard/core/watch';
import { createPrng } from '@switchboard/simulator';
import { createFleetGraph, type FleetGraph, type FleetGraphResult } from './fleet-graph.js';
import {
  createFleetTraffic,
  drawFleet,
  FLEET_APPS,
  type FleetAccount,
  type FleetChannel,
  type FleetShape,
  fleetHistory,
} from './fleet-traffic.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 2024-07-11, the day every Instagram account went silent. */
const OUTAGE_DAY = Date.parse('2024-07-11T00:00:00Z');
const OUTAGE_START = OUTAGE_DAY + 15 * HOUR + 56 * MINUTE;

/** The fleet: 2,000 Instagram, 1,000 Messenger, 1,000 WhatsApp accounts, 300 tenants. */
export const FULL_FLEET: Omit<FleetShape, 'seed'> = {
  instagram: 2000,
  messenger: 1000,
  whatsapp: 1000,
  tenants: 300,
};
/**
 * The Graph limits of the drill's Meta app: BUC 4,800 calls per hour per Instagram account, and a
 * platform budget of 6,000 calls per hour for the app (200 × 30 daily users: a small app, so that
 * listing 2,000 accounts every 10 minutes is more than it allows and the usage headers pace the watch).
 */
export const GRAPH_LIMITS = { appCallsPerHour: 6_000, objectCallsPerHour: 4_800 };
/** Reconciliation period of the drill's engine (each pass lists every Instagram account once). */
export const RECONCILE_INTERVAL_MS = 10 * MINUTE;
/** A quarter of the fleet (`FLEET_FULL=0 npm run drill -- --fleet`): quicker runs while tuning. */
export const QUARTER_FLEET: Omit<FleetShape, 'seed'> = {
  instagram: 500,
  messenger: 250,
  whatsapp: 250,
  tenants: 75,
};

export type FleetVariant = 'instagram' | 'whatsapp' | 'app' | 'quiet';

export interface FleetDrillOptions {
  variant: FleetVariant;
  fleet?: Omit<FleetShape, 'seed'>;
  seed?: number;
  /** Days of the quiet variant (default 30). */
  quietDays?: number;
  /** Instagram variant: run the Graph side (reconciliation and backfill through the simulator). Default true. */
  graph?: boolean;
}

export interface FleetDrillResult {
  variant: FleetVariant;
  name: string;
  fleet: Omit<FleetShape, 'seed'>;
  /** First pooled alarm of the expected kind after the outage began (null: none, or no outage). */
  platformAlarmAfterMs: number | null;
  /** Accounts in the incident's scope / accounts the outage affected. */
  scopeAccounts: number;
  affected: number;
  /** Pooled alarms that should not have been raised (wrong channel, app or scope, or none expected). */
  falsePlatformAlarms: Alarm[];
  platformAlarms: Alarm[];
  /** Single-account problems injected (quiet variant) and account alarms raised on those accounts. */
  singleAccountProblems: number;
  singleAccountAlarmed: number;
  /** Account alarms raised in total. */
  accountAlarms: number;
  incidents: Incident[];
  packetMarkdown: string | null;
  /** Status text for one affected tenant. */
  statusText: string | null;
  /** Inbound messages the fleet sent / dropped. */
  messages: number;
  dropped: number;
  /** Messages the incidents estimated missed from the accounts' baselines (pooled ones; account ones in the quiet variant). */
  estimatedMissed: number;
  /** What the drill's watch itself recovered (backfilled) and named lost over the affected accounts. */
  engine: { recovered: number; named: number };
  /** The Graph side (Instagram variant): recovered, lost, named, duplicates, throttled calls, catch-up. */
  graph: FleetGraphResult | null;
  realMs: number;
  /** CPU time of this process (user + system): what the run costs on a machine shared with others. */
  cpuMs: number;
}

/** A channel's accounts as the watch sees an adapter: only the channel and the account ids matter here. */
const adapterOf = (channel: FleetChannel, ids: string[]) =>
  ({ channel, accountIds: ids, limits: {} }) as unknown as ChannelAdapter;

/**
 * The fleet drill: the engine's watch over a simulated fleet, traffic fed as the engine's ingest feeds it
 * (one `observe` per stored webhook event), the manual clock stepped second by second around outages.
 * The per-account Graph side (reconciliation, backfill) is not part of this drill.
 */
export async function runFleetDrill(options: FleetDrillOptions): Promise<FleetDrillResult> {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const fleetShape = options.fleet ?? FULL_FLEET;
  const seed = options.seed ?? 19;
  const variant = options.variant;
  const quiet = variant === 'quiet';
  const accounts = drawFleet({ ...fleetShape, seed });
  const rng = createPrng(seed + 1);
  // Quiet variant: some accounts join later, some leave, some have their own outages.
  const joinAt = new Map<FleetAccount, number>();
  const leaveAt = new Map<FleetAccount, number>();
  const start = quiet ? OUTAGE_DAY - 30 * DAY : OUTAGE_DAY + 11 * HOUR;
  const days = options.quietDays ?? 30;
  const end = quiet
    ? start + days * DAY
    : variant === 'instagram'
      ? OUTAGE_DAY + 24 * HOUR + 30 * MINUTE
      : OUTAGE_START + (variant === 'app' ? 2.5 : 1.5) * HOUR;
  const problems: Array<{ account: FleetAccount; from: number; to: number; kind: 'webhooks' | 'token' }> = [];
  if (quiet) {
    for (const a of accounts) {
      const r = rng.next();
      if (r < 0.05) joinAt.set(a, start + rng.next() * days * DAY);
      else if (r < 0.1) leaveAt.set(a, start + rng.next() * days * DAY);
    }
    // Each day, in business hours: two single-account webhook outages (3 h) and one expiring token (the
    // account stops receiving until the next day), on accounts busy enough for their own silence alarm.
    const busy = accounts.filter((a) => a.peakPerDay > 1000 && !joinAt.has(a) && !leaveAt.has(a));
    for (let d = 1; d < days; d++) {
      for (let k = 0; k < 2; k++) {
        const from = start + d * DAY + 8 * HOUR + rng.next() * 8 * HOUR;
        problems.push({ account: rng.pick(busy), from, to: from + 3 * HOUR, kind: 'webhooks' });
      }
      const from = start + d * DAY + 8 * HOUR + rng.next() * 8 * HOUR;
      problems.push({ account: rng.pick(busy), from, to: start + (d + 1) * DAY, kind: 'token' });
    }
  }
  const problemsOf = new Map<FleetAccount, typeof problems>();
  for (const p of problems) problemsOf.set(p.account, [...(problemsOf.get(p.account) ?? []), p]);
  const outage = (a: FleetAccount, at: number) => {
    if (variant === 'instagram')
      return a.channel === 'instagram' && at >= OUTAGE_START && at < OUTAGE_DAY + DAY;
    if (variant === 'whatsapp')
      return a.channel === 'whatsapp' && at >= OUTAGE_START && at < OUTAGE_START + HOUR;
    if (variant === 'app')
      return (
        a.appId === FLEET_APPS[1] &&
        a.channel !== 'whatsapp' &&
        at >= OUTAGE_START &&
        at < OUTAGE_START + 2 * HOUR
      );
    return problemsOf.get(a)?.some((p) => at >= p.from && at < p.to) ?? false;
  };
  const connected = (a: FleetAccount, at: number) =>
    (joinAt.get(a) ?? Number.NEGATIVE_INFINITY) <= at && (leaveAt.get(a) ?? Number.POSITIVE_INFINITY) > at;
  // The watch asks these for every account at every check: by channel, then id (no key to build).
  const byChannel = new Map<string, Map<string, FleetAccount>>();
  for (const a of accounts)
    byChannel.set(a.channel, (byChannel.get(a.channel) ?? new Map()).set(a.accountId, a));
  const lookUp = (channel: string, accountId: string) => byChannel.get(channel)?.get(accountId);

  const clock = new ManualClock(start);
  const store = createMemoryStore();
  const logger = createLogger({ level: 'silent' });
  const alarms = createAlarmCenter({
    clock,
    logger,
    tenantOf: (channel, accountId) => lookUp(channel, accountId)?.tenantId,
  });
  for (const a of accounts)
    if (!joinAt.has(a))
      await importTrafficHistory(store, {
        channel: a.channel,
        accountId: a.accountId,
        hours: fleetHistory(a, start, 2),
      });
  const channels: FleetChannel[] = ['instagram', 'messenger', 'whatsapp'];
  const watch: Watch = createWatch(
    {
      adapters: channels.map((c) =>
        adapterOf(
          c,
          accounts.filter((a) => a.channel === c && !joinAt.has(a)).map((a) => a.accountId),
        ),
      ),
      store,
      clock,
      logger,
      ingest: async () => ({ inserted: 0, duplicates: 0 }),
      countUnrecoverable: async () => {},
      alarms,
      serves: (channel, accountId) => {
        const a = lookUp(channel, accountId);
        return !!a && connected(a, clock.now());
      },
      accountInfo: lookUp,
    },
    {
      reconcile: { enabled: false },
      probes: { enabled: false },
      delivery: { enabled: false },
      // Thousands of accounts over days: the per-account check every 5 min (15 over the quiet month)
      // keeps the drill short (its threshold follows the interval; the pooled check runs every 10 s).
      silence: { checkIntervalMs: quiet ? 15 * MINUTE : 5 * MINUTE },
    },
  );
  const raised: Alarm[] = [];
  alarms.on((a) => {
    if (a.state === 'raised' && a.repeats === 0) raised.push(a);
  });
  await watch.start();
  // The Graph side's engine joins two hours before the outage (its own baselines are imported): the
  // hours before only cost Graph calls (and real time) without anything to recover.
  const graphFrom = variant === 'instagram' && options.graph !== false ? OUTAGE_START - 2 * HOUR : null;
  let graph: FleetGraph | null = null;
  const traffic = createFleetTraffic(accounts, seed + 2);
  let messages = 0;
  let dropped = 0;
  const feed = (from: number, to: number, graph: FleetGraph | null) => {
    for (const m of traffic.between(from, to, (a) => connected(a, from))) {
      messages++;
      const lost = outage(m.account, m.at);
      if (graph && m.account.channel === 'instagram') graph.deliver(m, lost);
      if (lost) {
        dropped++;
        continue;
      }
      const { channel, accountId } = m.account;
      const event: ChannelEvent = {
        kind: 'message',
        channel,
        key: `${channel}:msg:${m.id}`,
        accountId,
        userId: 'customer',
        conversationId: `${channel}:${accountId}:customer`,
        timestamp: m.at,
        source: 'webhook',
        raw: {},
        messageId: m.id,
        direction: 'inbound',
        parts: [],
      };
      watch.observe(event, 'inserted');
    }
  };
  // Fine steps around the outage (detection time), coarse ones elsewhere.
  const fine = (t: number) => !quiet && t >= OUTAGE_START - MINUTE && t < OUTAGE_START + 5 * MINUTE;
  let t = start;
  // The Graph side goes on until the catch-up is done (or 6 h past the drill's end).
  const outageEnd = OUTAGE_DAY + DAY;
  const until = () =>
    graph && !graph.caughtUp(outageEnd) ? Math.min(end + 6 * HOUR, Math.max(end, t + SECOND)) : end;
  while (t < until()) {
    if (graphFrom !== null && !graph && t >= graphFrom)
      graph = await createFleetGraph({
        clock,
        accounts: accounts.filter((a) => a.channel === 'instagram'),
        seed,
        rateLimits: GRAPH_LIMITS,
        reconcileIntervalMs: RECONCILE_INTERVAL_MS,
      });
    // The limiter's and budget's waits fire at their own times inside a step; 2 s steps while the engine
    // talks to the Graph API let each step's calls land before the clock moves on.
    const step = fine(t) ? SECOND : graph?.busy() ? 2 * SECOND : quiet ? 10 * SECOND : 5 * SECOND;
    const next = Math.min(until(), t + step);
    if (graph?.busy()) await graph.advanceTo(next);
    else await clock.advanceTo(next);
    if (watch.busy()) await watch.settled();
    feed(t, next, graph);
    await graph?.flush();
    await graph?.settle();
    t = next;
  }
  await watch.check();
  await watch.stop();
  const graphSide = graph as FleetGraph | null;
  const graphResult = graphSide ? await graphSide.result({ outageEnd }) : null;
  await graphSide?.close();

  const pooled = raised.filter((a) => a.type === 'platform_outage');
  const expected = (a: Alarm) => {
    if (quiet || a.at < OUTAGE_START) return false;
    if (variant === 'instagram') return a.channel === 'instagram' && a.data.scope === 'platform';
    if (variant === 'whatsapp') return a.channel === 'whatsapp' && a.data.scope === 'platform';
    return a.channel !== 'whatsapp' && a.data.appId === FLEET_APPS[1] && a.data.scope === 'app';
  };
  const first = pooled.find(expected);
  const affectedAccounts = quiet
    ? []
    : accounts.filter((a) =>
        variant === 'instagram'
          ? a.channel === 'instagram'
          : variant === 'whatsapp'
            ? a.channel === 'whatsapp'
            : a.channel !== 'whatsapp' && a.appId === FLEET_APPS[1],
      );
  const incidents = watch.incidents.list();
  // One incident per channel: the app variant has two (Messenger and Instagram).
  const pooledIncidents = incidents.filter(
    (i) => i.alarmTypes.includes('platform_outage') && i.kind !== 'account',
  );
  const main = pooledIncidents[0];
  const problemKeys = new Set(problems.map((p) => `${p.account.channel}:${p.account.accountId}`));
  const accountAlarms = raised.filter((a) => a.type !== 'platform_outage');
  const tenant = main?.scope.tenants[0];
  const affectedKeys = new Set(affectedAccounts.map((a) => `${a.channel}:${a.accountId}`));
  const engine = { recovered: 0, named: 0 };
  for (const l of await watch.loss())
    if (quiet || affectedKeys.has(`${l.channel}:${l.accountId}`)) {
      engine.recovered += l.backfilled;
      engine.named += Object.values(l.unrecoverableMessageIds).flat().length;
    }
  return {
    variant,
    name: {
      instagram: 'Instagram fleet-wide 15:56–00:00',
      whatsapp: 'WhatsApp fleet-wide 1 h',
      app: 'one app unsubscribed 2 h',
      quiet: `${days} quiet days with churn`,
    }[variant],
    fleet: fleetShape,
    platformAlarmAfterMs: first ? first.at - OUTAGE_START : null,
    scopeAccounts: pooledIncidents.reduce((n, i) => n + i.scope.accounts.length, 0),
    affected: affectedAccounts.length,
    falsePlatformAlarms: pooled.filter((a) => !expected(a)),
    platformAlarms: pooled,
    singleAccountProblems: problemKeys.size,
    singleAccountAlarmed: new Set(
      accountAlarms.map((a) => `${a.channel}:${a.accountId}`).filter((k) => problemKeys.has(k)),
    ).size,
    accountAlarms: accountAlarms.length,
    incidents,
    packetMarkdown: main ? (watch.incidents.packet(main.id)?.markdown ?? null) : null,
    statusText: main && tenant ? (watch.incidents.statusText(main.id, tenant) ?? null) : null,
    messages,
    dropped,
    engine,
    estimatedMissed: (quiet ? incidents : pooledIncidents).reduce((n, i) => n + i.counts.estimatedMissed, 0),
    graph: graphResult,
    realMs: performance.now() - started,
    cpuMs: (({ user, system }) => (user + system) / 1000)(process.cpuUsage(cpuAtStart)),
  };
}

/**
 * Runs a variant in a second process (`node --import tsx`), beside whatever this one does: on two cores
 * the Instagram variant with its Graph side and the three others take the time of the longer, not the sum.
 */
export function forkFleetDrill(options: FleetDrillOptions): Promise<FleetDrillResult> {
  return new Promise((resolve, reject) => {
    const child = fork(
      fileURLToPath(new URL('./fleet-child.ts', import.meta.url)),
      [JSON.stringify(options)],
      {
        execArgv: ['--import', 'tsx'],
        serialization: 'advanced',
      },
    );
    child.once('message', (r) => resolve(r as FleetDrillResult));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`fleet drill ${options.variant} exited with ${code}`)));
  });
}

/**
 * The one line per variant. Without a history API (WhatsApp) nothing dropped is within reach:
 * recovered 0/0, every dropped message lost, none named (the engine cannot know their ids). The app and
 * quiet variants drop Messenger / Instagram messages the history API would reach, but run no Graph side:
 * their dropped count stands alone. Duplicates are handler calls beyond the first per event; only the
 * Graph side has handlers (the other variants feed the watch directly), so elsewhere they are 0.
 */
export function fleetLine(r: FleetDrillResult): string {
  const after = r.platformAlarmAfterMs === null ? 'none' : (r.platformAlarmAfterMs / 1000).toFixed(0);
  const g = r.graph;
  const estimate = `incident estimated ~${r.estimatedMissed}`;
  const graph = g
    ? `recovered ${g.recovered}/${g.reachable}, lost ${g.lost} (named ${g.named}; ${estimate}), duplicates ${g.duplicates}`
    : r.variant === 'whatsapp'
      ? `recovered ${r.engine.recovered}/0 (no history API), lost ${r.dropped - r.engine.recovered} (named ${r.engine.named}; ${estimate}), duplicates 0`
      : `dropped ${r.dropped}, not reconciled (no Graph side; ${estimate}), duplicates 0`;
  return `fleet drill ${r.variant}: platform alarm after ${after} s, scope ${r.scopeAccounts}/${r.affected}, ${graph}, false platform alarms ${r.falsePlatformAlarms.length}, real ${(r.realMs / 1000).toFixed(1)} s`;
}

/** The run's CPU time and the Graph side's own figures: calls, throttling, budget, catch-up against the incident's estimate. */
export function fleetGraphLine(r: FleetDrillResult): string {
  const g = r.graph;
  const cpu = `cpu ${(r.cpuMs / 1000).toFixed(1)} s`;
  if (!g) return `fleet drill ${r.variant}: ${cpu}, no Graph side`;
  const min = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 60_000).toFixed(1)} min`);
  return `fleet drill ${r.variant}: ${cpu}, ${g.graphCalls} Graph calls, throttled ${g.usage.throttledCalls}, app usage peak ${g.usage.peakAppPercent} % (budget saw ${g.budgetPeakPercent} %), catch-up ${min(g.catchUpMs)} (${min(g.resumeToCloseMs)} from the resumption; ETA at resume ${min(g.etaAtResumeMs)})`;
}
