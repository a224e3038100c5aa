import diagnostics from 'node:diagnostics_channel';
import {
  type ChannelEvent,
  createLogger,
  createMemoryRateLimiter,
  createMemoryStore,
  createSwitchboard,
  type Incident,
  type IncidentEvent,
  type ManualClock,
  type Switchboard,
} from '@switchboard/core';
import { importTrafficHistory } from '@switchboard/core/watch';
import { createInstagramAdapter } from '@switchboard/instagram';
import {
  type GraphRateLimits,
  type MetaSimulator,
  type SimGraphUsage,
  startMetaSimulator,
  type TruthRecord,
} from '@switchboard/simulator';
import { type FleetAccount, type FleetMessage, fleetHistory } from './fleet-traffic.js';

const MINUTE = 60_000;

/** The Graph side of the Instagram fleet outage: what the engine recovered, lost and named, and how fast. */
export interface FleetGraphResult {
  /** Inbound messages the outage dropped. */
  dropped: number;
  /**
   * Dropped messages within the API's reach: recovered, or still detailed at the end (among the newest
   * 20 of their conversation) without being recovered (`reachableMissed`).
   */
  reachable: number;
  /** Dropped messages the engine holds at the end (backfilled). */
  recovered: number;
  /** Reachable messages the engine does not hold (must be 0). */
  reachableMissed: number;
  /** Dropped messages not held: beyond the API's reach. */
  lost: number;
  /** Lost messages the engine named by id in its loss ledger. */
  named: number;
  /** Handler calls beyond the first for one event key. */
  duplicates: number;
  /** Graph calls answered with a throttling error, by code. */
  usage: SimGraphUsage;
  /** From the end of the outage until every account was verified past it (the incident closed). */
  catchUpMs: number | null;
  /** The incident's catch-up estimate when traffic resumed. */
  etaAtResumeMs: number | null;
  /** From the moment the engine saw traffic resume (when it made that estimate) until the incident closed. */
  resumeToCloseMs: number | null;
  /** Highest app usage the call budget saw, and how long it spent stopped or stretched. */
  budgetPeakPercent: number;
  graphCalls: number;
  /** The engine's platform incident over the Instagram accounts: when it opened, resumed, closed; its timeline. */
  incident: Pick<Incident, 'openedAt' | 'resumedAt' | 'closedAt' | 'counts' | 'timeline'> | null;
}

export interface FleetGraphOptions {
  clock: ManualClock;
  /** The fleet's Instagram accounts, in fleet order. */
  accounts: readonly FleetAccount[];
  seed: number;
  /** Customers per account (each session is written by one of them). Default 20. */
  customersPerAccount?: number;
  rateLimits: GraphRateLimits;
  reconcileIntervalMs: number;
}

export interface FleetGraph {
  switchboard: Switchboard;
  sim: MetaSimulator;
  /** A customer of the fleet writes: the message exists on the platform; its webhook arrives unless dropped. */
  deliver(message: FleetMessage, dropped: boolean): void;
  /** Hands the webhooks of the step to the engine (parsed by the Instagram adapter, ingested with dedup). */
  flush(): Promise<void>;
  busy(): boolean;
  /** Whether every account is verified past `through` (the catch-up is done). */
  caughtUp(through: number): boolean;
  /** Lets in-flight Graph calls land (real HTTP) before the clock moves on. */
  settle(): Promise<void>;
  /**
   * Moves the clock to `target` in quarter-second steps, letting every Graph call land before the next:
   * a call reaches the simulator at the simulated time the limiter and the budget let it go.
   */
  advanceTo(target: number): Promise<void>;
  result(window: { outageEnd: number }): Promise<FleetGraphResult>;
  close(): Promise<void>;
}

/**
 * One engine (`createSwitchboard`, real Instagram adapter, memory store) over the fleet's Instagram
 * accounts on the simulator, which keeps every conversation and enforces the Graph rate limits. Webhooks
 * are parsed by the adapter and handed to `switchboard.ingest` in-process (the HTTP ack path is measured by
 * the ack benchmarks); reconciliation and backfill go over real HTTP to the simulator.
 */
export async function createFleetGraph(options: FleetGraphOptions): Promise<FleetGraph> {
  const { clock } = options;
  const appSecret = 'fleet-app-secret-0123456789abcdef';
  const sim = await startMetaSimulator({
    clock,
    seed: options.seed,
    rateLimits: options.rateLimits,
    world: {
      pages: options.accounts.length,
      linkedInstagram: options.accounts.length,
      unlinkedInstagram: 0,
      phoneNumbers: 1,
      customersPerAccount: options.customersPerAccount ?? 20,
      appSecret,
      verifyToken: 'fleet-verify-token',
    },
  });
  const w = sim.world;
  const linked = w.instagram.filter((a) => a.pageId);
  const simIndex = new Map(options.accounts.map((a, i) => [a, i]));
  const customers = linked.map((_, i) => sim.account('instagram', i).customers);
  const silent = createLogger({ level: 'silent' });
  const limiter = createMemoryRateLimiter({ clock });
  const instagram = createInstagramAdapter({
    appId: w.app.id,
    appSecret,
    verifyToken: 'fleet-verify-token',
    graphBaseUrl: sim.url,
    clock,
    logger: silent,
    limiter,
    apiFlavour: 'facebook-login',
    instagramAccountIds: linked.map((a) => a.id),
    pageIdByInstagramAccountId: Object.fromEntries(linked.map((a) => [a.id, a.pageId as string])),
    accessTokens: Object.fromEntries(linked.map((a) => [a.id, a.accessToken])),
  });
  const store = createMemoryStore();
  const start = clock.now();
  for (const [i, a] of options.accounts.entries())
    await importTrafficHistory(store, {
      channel: 'instagram',
      accountId: (linked[i] as { id: string }).id,
      hours: fleetHistory(a, start, 2),
    });
  const switchboard = createSwitchboard({
    adapters: [instagram],
    store,
    clock,
    limiter,
    logger: silent,
    random: () => 0.5,
    processor: { pollIntervalMs: 60 * MINUTE },
    outbox: { pollIntervalMs: 60 * MINUTE },
    watch: {
      probes: { enabled: false },
      delivery: { enabled: false },
      reconcile: { intervalMs: options.reconcileIntervalMs },
      silence: { checkIntervalMs: 5 * MINUTE },
    },
  });
  const handled = new Map<string, number>();
  switchboard.on('*', (event: ChannelEvent) => {
    handled.set(event.key, (handled.get(event.key) ?? 0) + 1);
  });
  let etaAtResumeMs: number | null = null;
  let resumedAt: number | null = null;
  let closedAt: number | null = null;
  switchboard.on('incident', (i: IncidentEvent) => {
    if (i.kind !== 'platform') return;
    if (i.transition === 'recovering') resumedAt = i.at;
    if (resumedAt !== null && etaAtResumeMs === null && i.evidence.catchUp)
      etaAtResumeMs = i.evidence.catchUp.etaMs;
    if (i.transition === 'closed') closedAt = i.at;
  });
  await switchboard.start();
  const watch = switchboard.watch;
  if (!watch) throw new Error('the fleet drill needs the engine watch');

  const inFlight = countHttpRequests();
  const dropped: TruthRecord[] = [];
  let queue: TruthRecord[] = [];
  let budgetPeakPercent = 0;
  let budgetReadAt = Number.NEGATIVE_INFINITY;
  const settle = async () => {
    // The budget's reading moves with each usage header: sampled every simulated 10 s, not every step.
    if (clock.now() - budgetReadAt >= 10_000) {
      budgetReadAt = clock.now();
      for (const b of watch.budget())
        if (b.shared) budgetPeakPercent = Math.max(budgetPeakPercent, b.percent);
    }
    // The clock stands still while Graph calls are on the wire: a call takes no simulated time, the
    // pace is the limiter's and the budget's alone (not this machine's HTTP latency).
    for (let turns = 0; turns < 8 || inFlight.count > 0; turns++)
      await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    switchboard,
    sim,
    deliver(m, isDropped) {
      const i = simIndex.get(m.account);
      const list = i === undefined ? undefined : customers[i];
      if (i === undefined || !list?.length)
        throw new Error(`account ${m.account.accountId} is not in the simulator`);
      const customer = list[m.session % list.length] as (typeof list)[number];
      const record = sim.customerSends({
        channel: 'instagram',
        accountId: customer.accountId,
        userId: customer.userId,
        kind: 'text',
        at: m.at,
      });
      (isDropped ? dropped : queue).push(record);
    },
    async flush() {
      if (queue.length === 0) return;
      const entries = new Map<string, unknown[]>();
      for (const r of queue) entries.set(r.accountId, [...(entries.get(r.accountId) ?? []), r.item]);
      queue = [];
      const body = {
        object: 'instagram',
        entry: [...entries].map(([id, messaging]) => ({ id, time: clock.now(), messaging })),
      };
      const parsed = instagram.parseWebhook(new TextEncoder().encode(JSON.stringify(body)));
      if (parsed.problems.length > 0)
        throw new Error(`webhook problems: ${JSON.stringify(parsed.problems[0])}`);
      await switchboard.ingest(parsed.events, { source: 'webhook' });
    },
    busy: () => watch.busy(),
    caughtUp: (through) => closedAt !== null && closedAt >= through,
    async advanceTo(target) {
      while (clock.now() < target) {
        await clock.advanceTo(Math.min(target, clock.now() + 250));
        await settle();
      }
    },
    settle,
    async result({ outageEnd }) {
      const lostIds = new Set<string>();
      for (const l of await watch.loss())
        for (const ids of Object.values(l.unrecoverableMessageIds)) for (const id of ids) lostIds.add(id);
      let recovered = 0;
      let reachableMissed = 0;
      let lost = 0;
      let named = 0;
      for (const r of dropped) {
        const id = r.messageId as string;
        const held = (await store.events.getByKey(`instagram:msg:${id}`)) !== undefined;
        const detailed = sim.isDetailed(id);
        if (held) recovered++;
        else if (detailed) reachableMissed++;
        else {
          lost++;
          if (lostIds.has(id)) named++;
        }
      }
      const usage = sim.graphUsage();
      const incident = watch.incidents.list().find((i) => i.kind === 'platform');
      return {
        incident: incident
          ? {
              openedAt: incident.openedAt,
              resumedAt: incident.resumedAt,
              closedAt: incident.closedAt,
              counts: incident.counts,
              timeline: incident.timeline,
            }
          : null,
        dropped: dropped.length,
        reachable: recovered + reachableMissed,
        recovered,
        reachableMissed,
        lost,
        named,
        duplicates: [...handled.values()].reduce((n, c) => n + Math.max(0, c - 1), 0),
        usage,
        catchUpMs: closedAt === null ? null : closedAt - outageEnd,
        resumeToCloseMs: closedAt === null || resumedAt === null ? null : closedAt - resumedAt,
        etaAtResumeMs,
        budgetPeakPercent,
        graphCalls: usage.calls,
      };
    },
    async close() {
      inFlight.stop();
      await switchboard.stop();
      await sim.stop();
      await store.close();
    },
  };
}

/** Outgoing HTTP requests of this process not yet answered (the adapter's Graph calls). */
export function countHttpRequests() {
  const state = { count: 0, stop: () => {} };
  const started = () => {
    state.count++;
  };
  const ended = () => {
    state.count = Math.max(0, state.count - 1);
  };
  diagnostics.subscribe('http.client.request.start', started);
  diagnostics.subscribe('http.client.response.finish', ended);
  diagnostics.subscribe('http.client.request.error', ended);
  state.stop = () => {
    diagnostics.unsubscribe('http.client.request.start', started);
    diagnostics.unsubscribe('http.client.response.finish', ended);
    diagnostics.unsubscribe('http.client.request.error', ended);
  };
  return state;
}
