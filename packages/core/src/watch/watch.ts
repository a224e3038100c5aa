import type { ChannelAdapter, UnrecoverableGap } from '../adapter.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { ChannelEvent } from '../model/events.js';
import type { OutboundMessage } from '../model/outbound.js';
import type { Store } from '../store/types.js';
import {
  type Alarm,
  type AlarmCenter,
  type AlarmHandler,
  type AlarmType,
  createAlarmCenter,
} from './alarms.js';
import {
  accountRate,
  type BaselinePrior,
  DEFAULT_PRIOR,
  dispersionIndex,
  expectedEvents,
  recordEvent,
} from './baseline.js';
import { type CallBudgetBucket, createCallBudget } from './budget.js';
import type { FleetCalibration } from './calibration.js';
import { applyProbes, applyReconcile, deliveryTick, priorFor, silenceTick } from './checks.js';
import { confirmedIds, createDeliveryWatch } from './delivery.js';
import { createFleetDetector, DEFAULT_FLEET, type FleetPoolHealth } from './fleet.js';
import {
  createIncidentManager,
  escalationPacket,
  type Incident,
  type IncidentHandler,
  incidentStatusText,
} from './incidents.js';
import { createLossLedger, type LossAccount } from './loss.js';
import { createAlarmNotifier } from './notifier.js';
import { accountsInAlarm, createPooledCheck } from './pooled.js';
import { isUnsubscribed, runAdapterProbes } from './probes.js';
import { canVerify, type ReconcileResult, reconcileAccount, type VerifyingAdapter } from './reconcile.js';
import { createSchedule } from './schedule.js';
import { createTrafficSeries, type TrafficQuery, type TrafficSeries } from './series.js';
import { DEFAULT_SILENCE } from './silence.js';
import {
  type AccountState,
  bootstrapFromEvents,
  isInboundTraffic,
  loadAccount,
  newAccountState,
  saveBaseline,
  saveReconcile,
} from './state.js';
import type { ReconcileCoverage, WatchAccountHealth, WatchOptions } from './types.js';

/** Alarms after which messages may be missing: a reconciliation pass runs at once. */
const SUSPECTS_LOSS = new Set<AlarmType>(['silence', 'delivery_pipeline', 'subscription', 'probe']);

/** What the watch needs from the engine. */
export interface WatchDeps {
  adapters: readonly ChannelAdapter[];
  store: Store;
  clock: Clock;
  logger: Logger;
  /** The engine's ingest: dedup, persistence and dispatch of backfilled events. */
  ingest(
    events: readonly ChannelEvent[],
    options: { source: 'backfill' },
  ): Promise<{ inserted: number; duplicates: number }>;
  /**
   * The engine's count of a loss (metrics, counter, log), called after the watch recorded the gap
   * against its account. It must not call back into the watch: the engine depends on the watch, not
   * the other way round.
   */
  countUnrecoverable(channel: string, gap: UnrecoverableGap): Promise<void>;
  /** For canaries. */
  send?(message: OutboundMessage): Promise<unknown>;
  /** Where alarms go (the engine's, shared with its own alarms); a new one when absent. */
  alarms?: AlarmCenter;
  /** Whether an account is served (`switchboard.accounts`): the silence of one that is not is expected. */
  serves?: (channel: string, accountId: string) => boolean;
  /** Accounts of a channel connected at runtime (`switchboard.accounts`, active), watched beside the configured ones. */
  accountsOf?: (channel: string) => Iterable<string>;
  /** The registry's record of an account: its Meta app (pooled detection) and tenant (incidents). */
  accountInfo?: (
    channel: string,
    accountId: string,
  ) => { appId?: string | null; tenantId?: string | null } | undefined;
}

const FLEET_KEY = 'watch:fleet:calibration';
/** A baseline is written at most this often (and on stop): a crash loses at most this much learning. */
const BASELINE_SAVE_MS = 60 * 60_000;
/**
 * An account that received nothing since its last save has learned only time observed, which a crash
 * can lose for longer: most accounts of a fleet are quiet most hours.
 */
const QUIET_BASELINE_SAVE_MS = 6 * BASELINE_SAVE_MS;

/** App of accounts the registry names no app for. */
export const DEFAULT_APP = 'default';

/** The silence watch of an engine. Created by `createSwitchboard`; usable alone in tests. */
export interface Watch {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Feeds every event the engine stored (`inserted`) or dropped as a duplicate. */
  observe(event: ChannelEvent, outcome: 'inserted' | 'duplicate'): void;
  /** Feeds every send the platform accepted: its echo / status is now awaited. */
  noteSent(send: {
    channel: string;
    accountId: string;
    messageId: string;
    at: number;
    outboxId?: string;
  }): void;
  /** Records an unrecoverable gap against its account, then counts it (`WatchDeps.countUnrecoverable`). */
  recordUnrecoverable(channel: string, gap: UnrecoverableGap): Promise<void>;
  on(handler: AlarmHandler): () => void;
  /** Raised alarms. */
  alarms(): Alarm[];
  /** Every alarm event so far (raised and cleared), oldest first. */
  alarmHistory(): Alarm[];
  /** Runs the silence / delivery checks now. */
  check(): Promise<void>;
  /** Runs a reconciliation pass now (all Messenger/Instagram accounts). */
  reconcile(): Promise<ReconcileResult[]>;
  /** Runs the probes now (resubscribing if configured). */
  probe(): Promise<void>;
  health(): Promise<WatchAccountHealth[]>;
  loss(): Promise<LossAccount[]>;
  /** Resolves when no watch task is running (tests, drills). */
  settled(): Promise<void>;
  /** True while a watch task (check, reconciliation, probes, canary) runs: drills step the clock finely then. */
  busy(): boolean;
  /** Reconciliation coverage per verifiable channel (`reconcile.maxAccountsPerPass` spreads it over passes). */
  coverage(): ReconcileCoverage[];
  /** The platform call budget's buckets: usage reported, pace, pauses. */
  budget(): CallBudgetBucket[];
  /** Runs the pooled (fleet) check now. */
  checkFleet(): Promise<void>;
  /** Pooled detection per (channel, app): rates, windows, outages. */
  fleet(): FleetPoolHealth[];
  incidents: {
    /** Newest first; `active` = open or recovering. */
    list(options?: { state?: Incident['state'] | 'active' }): Incident[];
    get(id: string): Incident | undefined;
    on(handler: IncidentHandler): () => void;
    /** The escalation packet for the platform's support (JSON + Markdown). */
    packet(id: string): ReturnType<typeof escalationPacket> | undefined;
    /** Plain-language status of an incident for one tenant. */
    statusText(id: string, tenantId: string): string | undefined;
  };
  /** Inbound traffic per bucket against the band the baselines expect, with alarms and incidents to mark. */
  traffic: {
    /** A channel's served accounts, narrowed to one app (a pool) or one account. */
    series(query: TrafficQuery): TrafficSeries;
    /** One series per (channel, app) pool. */
    pools(options?: { hours?: number }): TrafficSeries[];
    /** One series per served account (of one channel when given). */
    accounts(options?: { channel?: string; hours?: number }): TrafficSeries[];
  };
}

/**
 * Creates the watch: traffic baselines and silence alarms, reconciliation with automatic backfill,
 * echo/status deadlines (channels whose `capabilities.sendConfirmation` is not `'none'`) and canaries, scheduled probes with optional resubscription, loss accounting.
 */
export function createWatch(deps: WatchDeps, options: WatchOptions = {}): Watch {
  const { store, clock, logger } = deps;
  const silence = { ...DEFAULT_SILENCE, ...options.silence };
  const reconcileInterval = options.reconcile?.intervalMs ?? 120_000;
  const graceMs = options.reconcile?.graceMs ?? 60_000;
  const deadlineMs = options.delivery?.deadlineMs ?? 120_000;
  const alarms = deps.alarms ?? createAlarmCenter({ clock, logger });
  const delivery = createDeliveryWatch({ deadlineMs });
  const ledger = createLossLedger({ store, logger, clock });
  const schedule = createSchedule({ clock, logger });
  const budget = createCallBudget({ clock }, options.budget);
  let stopping = new AbortController();
  const states = new Map<string, AccountState>();
  /** Accounts whose inbound traffic is watched for silence. */
  const traffic = new Set<AccountState>();
  /** When each baseline was last written to the store. */
  const savedAt = new Map<AccountState, number>();
  const fleetOptions = { ...DEFAULT_FLEET, ...options.fleet };
  const fleet = createFleetDetector(fleetOptions);
  /** An account's baseline prior: one shared object unless the account has a prior of its own. */
  const sharedPrior: BaselinePrior = { ...DEFAULT_PRIOR, ...options.silence?.prior };
  const priorOf = (channel: string, accountId: string) =>
    options.silence?.priors?.[`${channel}:${accountId}`]
      ? priorFor(options.silence, channel, accountId)
      : sharedPrior;
  const appOf = (channel: string, accountId: string) =>
    deps.accountInfo?.(channel, accountId)?.appId ?? DEFAULT_APP;
  const incidents = createIncidentManager({
    store,
    clock,
    logger,
    sources: {
      tenantOf: (channel, accountId) => deps.accountInfo?.(channel, accountId)?.tenantId ?? undefined,
      appOf,
      evidence: (channel, accountIds, since) => {
        const lastWebhookAt: Record<string, number | null> = {};
        const probes = { ok: 0, degraded: 0, down: 0, reasons: [] as string[] };
        for (const id of accountIds) {
          const s = states.get(`${channel}:${id}`);
          lastWebhookAt[id] = s?.lastInboundAt ?? null;
          for (const p of s?.probes ?? []) {
            probes[p.status]++;
            if (p.status !== 'ok' && probes.reasons.length < 10) probes.reasons.push(`${id}: ${p.reason}`);
          }
        }
        const pools = fleet.pools().filter((p) => p.channel === channel);
        const confirmedAt = Math.max(0, ...pools.map((p) => p.lastConfirmationAt ?? 0));
        const awaiting = pools.some((p) => p.unconfirmedAccounts > 0);
        return {
          lastWebhookAt,
          probes,
          graphReachable:
            probes.ok + probes.degraded + probes.down === 0 ? null : probes.ok + probes.degraded > 0,
          sendsConfirmed: confirmedAt >= since ? true : awaiting ? false : null,
        };
      },
      expected: (channel, accountIds, from, to) => {
        let total = 0;
        for (const id of accountIds) {
          const s = states.get(`${channel}:${id}`);
          if (s && traffic.has(s)) total += expectedEvents(s.baseline, priorOf(channel, id), from, to);
        }
        return total;
      },
      catchUp: (channel, accountIds, through) => {
        const adapter = deps.adapters.find((a) => a.channel === channel);
        if (!adapter || !canVerify(adapter) || options.reconcile?.enabled === false) return null;
        const pending = accountIds.filter(
          (id) => (states.get(`${channel}:${id}`)?.reconcile?.verifiedThrough ?? 0) < through,
        ).length;
        const perPass = options.reconcile?.maxAccountsPerPass ?? Number.POSITIVE_INFINITY;
        // Each pass verifies up to `perPass` accounts; a pass covers what is older than the grace period.
        const passes =
          pending === 0 ? 0 : Number.isFinite(perPass) ? Math.ceil(pending / Math.max(1, perPass)) : 1;
        if (passes === 0) return { pending, etaMs: 0 };
        // A slowed call budget: the calls still due at its pace, account by account.
        const now = clock.now();
        let calls = 0;
        for (const id of accountIds) {
          const s = states.get(`${channel}:${id}`);
          if ((s?.reconcile?.verifiedThrough ?? 0) < through) calls += callsDue(s, now);
        }
        const paced = budget.etaMs(channel, calls) ?? 0;
        return { pending, etaMs: Math.max(passes * reconcileInterval + graceMs, paced) };
      },
      caughtUp: (channel, accountIds, through) => {
        const adapter = deps.adapters.find((a) => a.channel === channel);
        // Nothing to catch up without a history API (WhatsApp) or with reconciliation off.
        if (!adapter || !canVerify(adapter) || options.reconcile?.enabled === false) return true;
        const served = new Set(watchedIds(adapter));
        return accountIds.every(
          (id) =>
            !served.has(id) || (states.get(`${channel}:${id}`)?.reconcile?.verifiedThrough ?? 0) >= through,
        );
      },
    },
  });
  if (options.notifier) {
    const notify = createAlarmNotifier({ logger, ...options.notifier });
    alarms.on(notify);
    incidents.on(notify);
  }
  alarms.on((alarm) => incidents.onAlarm(alarm));
  // Suspected loss: verify now instead of at the next period. Verification always starts where each
  // conversation was last verified, so the window reaches back before the earliest possible loss.
  alarms.on((alarm) => {
    if (alarm.state !== 'raised' || alarm.repeats > 0 || !SUSPECTS_LOSS.has(alarm.type)) return;
    if (deps.adapters.some((a) => a.channel === alarm.channel && canVerify(a)))
      void schedule.runNow('reconcile');
  });

  const recordUnrecoverable = async (channel: string, gap: UnrecoverableGap) => {
    const { counted, named } = await ledger.unrecoverable(
      channel,
      gap.accountId,
      gap.conversationId,
      gap.missing,
      gap.messageIds,
    );
    incidents.lost(channel, gap.accountId, counted, named);
    await deps.countUnrecoverable(channel, gap);
  };

  const confirmationOf = (channel: string) =>
    deps.adapters.find((a) => a.channel === channel)?.capabilities?.sendConfirmation ?? 'none';

  const state = (channel: string, accountId: string): AccountState => {
    const k = `${channel}:${accountId}`;
    let s = states.get(k);
    if (!s) {
      s = newAccountState(channel, accountId, clock.now());
      states.set(k, s);
      fleet.track(channel, appOf(channel, accountId), accountId, null);
    }
    return s;
  };

  const series = createTrafficSeries({
    clock,
    ...(options.series ? { options: options.series } : {}),
    *accounts(channel) {
      for (const s of traffic)
        if (
          (channel === undefined || s.channel === channel) &&
          (deps.serves?.(s.channel, s.accountId) ?? true)
        )
          yield {
            channel: s.channel,
            accountId: s.accountId,
            appId: appOf(s.channel, s.accountId),
            baseline: s.baseline,
            prior: priorOf(s.channel, s.accountId),
            watchingSince: s.watchingSince,
          };
    },
    alarmHistory: () => alarms.history(),
    incidents: () => incidents.list(),
  });

  /**
   * Graph calls a pending account's next pass makes: listing pages (25 conversations each), one per
   * conversation moved since it was verified, and those a pass left over. After a long outage most of
   * them are the conversations that moved meanwhile: the baseline's expected messages since the account
   * was verified, as conversations at the rate the account's own passes found them per expected message
   * (customers write several messages per conversation), or as sessions (messages / the mean burst the
   * dispersion index implies) for an account never reconciled.
   */
  const callsDue = (s: AccountState | undefined, now: number) => {
    const r = s?.reconcile;
    if (!s || !r) return 1;
    const prior = priorOf(s.channel, s.accountId);
    const messages = expectedEvents(s.baseline, prior, r.verifiedThrough, now);
    const span = (r.lastRunAt ?? r.startedAt) - r.startedAt;
    const seen = (accountRate(s.baseline, prior) * span) / 3_600_000;
    // Geometric bursts of mean m have D = 2m − 1.
    const perMessage =
      r.passes > 0 && seen >= 1
        ? Math.min(1, r.conversationsVerified / seen)
        : 2 / (dispersionIndex(s.baseline) + 1);
    const moved = messages * perMessage + r.pending;
    return Math.max(1, Math.ceil(moved / 25)) + moved;
  };

  const checkFleet = createPooledCheck({
    fleet,
    alarms,
    clock,
    watched: (key) => {
      const s = states.get(key);
      return s && traffic.has(s) ? s : undefined;
    },
    prior: priorOf,
    serves: deps.serves,
    tenantOf: (channel, accountId) => deps.accountInfo?.(channel, accountId)?.tenantId ?? undefined,
  });

  const check = async () => {
    const now = clock.now();
    const inOutage = new Set(
      incidents
        .list({ state: 'open' })
        .filter((i) => i.kind !== 'account')
        .flatMap((i) => i.scope.accounts.map((id) => `${i.scope.channel}:${id}`)),
    );
    for (const s of traffic) {
      if (deps.serves && !deps.serves(s.channel, s.accountId)) {
        alarms.clear(
          'silence',
          s.channel,
          s.accountId,
          'the account is not connected: its silence is expected',
        );
        continue;
      }
      silenceTick({
        state: s,
        prior: priorOf(s.channel, s.accountId),
        options: silence,
        alarms,
        enabled: options.silence?.enabled !== false,
        inOutage: inOutage.size > 0 && inOutage.has(`${s.channel}:${s.accountId}`),
        now,
      });
    }
    if (options.delivery?.enabled !== false)
      deliveryTick(delivery.overdue(now), state, alarms, deadlineMs, now);
    await ledger.flush();
    // Every baseline at most every BASELINE_SAVE_MS, spread over the checks (thousands of accounts); one
    // that received nothing since its last save only every QUIET_BASELINE_SAVE_MS (it learned only time).
    for (const s of traffic) {
      const saved = savedAt.get(s);
      if (saved !== undefined) {
        const spoke = (s.lastInboundAt ?? Number.NEGATIVE_INFINITY) >= saved;
        if (now - saved < (spoke ? BASELINE_SAVE_MS : QUIET_BASELINE_SAVE_MS)) continue;
      }
      // The first save at once; later ones staggered so that not every account is written at one check.
      savedAt.set(s, saved === undefined ? now - ((savedAt.size * 7_919) % BASELINE_SAVE_MS) : now);
      await saveBaseline(store, s, now);
    }
    await store.health.set(FLEET_KEY, fleet.calibrations(), now);
    await incidents.tick();
  };

  /**
   * Order of reconciliation when a pass cannot cover every account (`reconcile.maxAccountsPerPass`):
   * accounts in an alarm or an open incident first (just gone silent), then those never checked, then
   * the longest unchecked, busiest first among equals. Unpicked accounts wait for the next pass.
   */
  const reconcileOrder = (channel: string, ids: readonly string[]) => {
    const incidentAccounts = new Set(
      incidents
        .list({ state: 'active' })
        .filter((i) => i.scope.channel === channel)
        .flatMap((i) => i.scope.accounts),
    );
    const inAlarm = accountsInAlarm(alarms);
    const keyed = ids.map((id) => {
      const s = states.get(`${channel}:${id}`);
      const urgent = incidentAccounts.has(id) || inAlarm.has(`${channel}:${id}`);
      const lastRunAt = s?.reconcile?.lastRunAt ?? null;
      return {
        id,
        rank: urgent ? 0 : lastRunAt === null ? 1 : 2,
        lastRunAt: lastRunAt ?? 0,
        rate: s?.silence?.ratePerHour ?? 0,
      };
    });
    keyed.sort((a, b) => a.rank - b.rank || a.lastRunAt - b.lastRunAt || b.rate - a.rate);
    return keyed.map((k) => k.id);
  };

  /** The adapter's configured accounts and those connected at runtime: every one is reconciled. */
  const watchedIds = (adapter: ChannelAdapter): string[] => [
    ...new Set([...(adapter.accountIds ?? []), ...(deps.accountsOf?.(adapter.channel) ?? [])]),
  ];

  const reconcile = async (): Promise<ReconcileResult[]> => {
    const jobs: Promise<ReconcileResult | undefined>[] = [];
    const perPass = options.reconcile?.maxAccountsPerPass;
    for (const adapter of deps.adapters) {
      if (!canVerify(adapter)) continue;
      // Started in priority order: the call budget admits calls first come, first served.
      const picked = reconcileOrder(adapter.channel, watchedIds(adapter)).slice(0, perPass);
      for (const accountId of picked) jobs.push(reconcileOne(adapter, accountId));
    }
    return (await Promise.all(jobs)).filter((r): r is ReconcileResult => !!r);
  };

  /** How recently every account of each verifiable channel was reconciled, and how long a full round takes. */
  const coverage = (): ReconcileCoverage[] => {
    const now = clock.now();
    const perPass = options.reconcile?.maxAccountsPerPass;
    return deps.adapters.filter(canVerify).map((adapter) => {
      const ids = watchedIds(adapter);
      let never = 0;
      let oldest = 0;
      for (const id of ids) {
        const at = states.get(`${adapter.channel}:${id}`)?.reconcile?.lastRunAt ?? null;
        if (at === null) never++;
        else oldest = Math.max(oldest, now - at);
      }
      const passes = perPass === undefined ? 1 : Math.max(1, Math.ceil(ids.length / Math.max(1, perPass)));
      return {
        channel: adapter.channel,
        accounts: ids.length,
        neverReconciled: never,
        oldestAgeMs: never > 0 ? null : oldest,
        fullRoundMs: passes * reconcileInterval,
      };
    });
  };

  const reconcileOne = async (adapter: VerifyingAdapter, accountId: string) => {
    const s = state(adapter.channel, accountId);
    const now = clock.now();
    s.reconcile ??= {
      startedAt: s.watchingSince,
      lastRunAt: null,
      verifiedThrough: Math.floor(s.watchingSince / 1000) * 1000,
      behindMs: 0,
      pending: 0,
      passes: 0,
      conversationsVerified: 0,
      gapsFound: 0,
      maskedGaps: 0,
      backfilled: 0,
      unrecoverable: 0,
      lastError: null,
    };
    const callsPerPass = (reconcileInterval / 1000) * (adapter.limits.backfillPerSecond ?? 2);
    try {
      const result = await reconcileAccount({
        adapter,
        accountId,
        store,
        verifiedThrough: s.reconcile.verifiedThrough,
        verified: s.verified,
        now,
        graceMs,
        maxConversations: options.reconcile?.maxConversationsPerPass ?? Math.floor(callsPerPass * 0.75),
        ingest: (events) => deps.ingest(events, { source: 'backfill' }),
        onUnrecoverable: (gap) => recordUnrecoverable(adapter.channel, gap),
        pacer: {
          admit: () => budget.admit(adapter.channel, accountId, stopping.signal),
          report: (usage) => budget.report(adapter.channel, accountId, usage),
        },
        signal: stopping.signal,
      });
      applyReconcile(s, result, alarms);
      await saveReconcile(store, s, clock.now());
      return result;
    } catch (error) {
      s.reconcile.lastError = error instanceof Error ? error.message : String(error);
      logger.warn('reconciliation pass failed; the next pass covers the same period', {
        channel: adapter.channel,
        accountId,
        error: s.reconcile.lastError,
      });
      return undefined;
    }
  };

  const probe = async () => {
    await Promise.all(
      deps.adapters.map(async (adapter) => {
        // The app's Graph budget is exhausted: probing now would only extend the platform's throttle.
        const stopped = budget.stoppedUntil(adapter.channel);
        if (stopped !== null) {
          logger.warn('probes skipped: the platform call budget is stopped', {
            channel: adapter.channel,
            until: new Date(stopped).toISOString(),
          });
          return;
        }
        const results = await runAdapterProbes(adapter, clock);
        const byAccount = new Map<string, typeof results>();
        for (const r of results) {
          const id = r.accountId ?? '*';
          byAccount.set(id, [...(byAccount.get(id) ?? []), r]);
        }
        for (const [accountId, list] of byAccount) {
          const s = state(adapter.channel, accountId);
          s.probes = list;
          let resubscribed: { ok: boolean; error?: string } | undefined;
          if (
            options.autoResubscribe &&
            adapter.resubscribe &&
            accountId !== '*' &&
            list.some(isUnsubscribed)
          ) {
            resubscribed = await resubscribe(adapter, accountId, s);
          }
          applyProbes(adapter, accountId, list, alarms, resubscribed);
        }
      }),
    );
  };

  const resubscribe = async (adapter: ChannelAdapter, accountId: string, s: AccountState) => {
    const at = clock.now();
    try {
      await adapter.resubscribe?.(accountId);
      s.resubscriptions.push({ at, ok: true });
      logger.warn('app found unsubscribed; resubscribed it', { channel: adapter.channel, accountId });
    } catch (error) {
      s.resubscriptions.push({
        at,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    s.resubscriptions = s.resubscriptions.slice(-20);
    await store.health.set(`watch:resubscribed:${adapter.channel}:${accountId}`, s.resubscriptions, at);
    const last = s.resubscriptions[s.resubscriptions.length - 1] as { ok: boolean; error?: string };
    // Webhooks missed while unsubscribed: reconcile right away rather than at the next period.
    if (last.ok && canVerify(adapter)) void schedule.runNow('reconcile');
    return last;
  };

  const canary = async () => {
    for (const c of options.delivery?.canaries ?? []) {
      try {
        await deps.send?.({
          to: { channel: c.channel, accountId: c.accountId, userId: c.userId },
          content: { type: 'text', text: c.text ?? 'switchboard canary' },
          idempotencyKey: `canary:${c.channel}:${c.accountId}:${clock.now()}`,
        });
      } catch (error) {
        logger.warn('canary send failed', {
          channel: c.channel,
          accountId: c.accountId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  };

  return {
    async start() {
      stopping = new AbortController();
      const now = clock.now();
      const fresh: AccountState[] = [];
      await incidents.load();
      const calibrations = await store.health.get<Record<string, FleetCalibration>>(FLEET_KEY);
      if (calibrations && typeof calibrations === 'object') fleet.restoreCalibrations(calibrations);
      for (const adapter of deps.adapters)
        for (const id of watchedIds(adapter)) {
          const s = state(adapter.channel, id);
          s.watchingSince = now;
          s.exposedUntil = now;
          s.block = { start: now, count: 0 };
          traffic.add(s);
          if (!(await loadAccount(store, s))) fresh.push(s);
        }
      const seen = await bootstrapFromEvents(store, fresh, now);
      if (seen) logger.info('traffic baselines seeded from stored events', { events: seen });
      for (const s of traffic)
        fleet.track(s.channel, appOf(s.channel, s.accountId), s.accountId, s.lastInboundAt);
      schedule.every('check', silence.checkIntervalMs, check);
      if (fleetOptions.enabled) schedule.every('fleet', fleetOptions.checkIntervalMs, checkFleet);
      if (options.reconcile?.enabled !== false)
        schedule.every('reconcile', reconcileInterval, async () => {
          await reconcile();
        });
      if (options.probes?.enabled !== false)
        schedule.every('probes', options.probes?.intervalMs ?? 300_000, probe);
      if (options.delivery?.enabled !== false && options.delivery?.canaries?.length) {
        const every = Math.min(...options.delivery.canaries.map((c) => c.intervalMs ?? 15 * 60_000));
        schedule.every('canary', every, canary);
      }
    },
    async stop() {
      schedule.stop();
      // A pass waiting on the clock (rate limiter) must not hold up shutdown: abort it instead.
      stopping.abort(new Error('switchboard stopping'));
      await ledger.flush();
      const now = clock.now();
      for (const s of traffic) await saveBaseline(store, s, now);
    },
    observe(event, outcome) {
      if (outcome === 'duplicate') {
        ledger.add(
          event.channel,
          event.accountId,
          event.source === 'backfill' ? 'refetched' : 'duplicates',
          1,
        );
        return;
      }
      ledger.add(event.channel, event.accountId, event.source === 'backfill' ? 'backfilled' : 'received', 1);
      if (event.source === 'backfill') incidents.recovered(event.channel, event.accountId, 1);
      if (event.source !== 'webhook') return;
      const now = clock.now();
      const app = appOf(event.channel, event.accountId);
      // Any echo / status shows the platform's confirmations flow for the pool, matched to a send or not.
      if (confirmedIds(event).length > 0) fleet.confirmed(event.channel, app, event.accountId, now);
      if (delivery.observe(event, now)) {
        alarms.clear(
          'delivery_pipeline',
          event.channel,
          event.accountId,
          `a send was confirmed by its ${event.kind} webhook again`,
        );
      }
      if (!isInboundTraffic(event)) return;
      const s = state(event.channel, event.accountId);
      traffic.add(s);
      const at = Math.min(event.timestamp, now);
      fleet.inbound(event.channel, app, event.accountId, at);
      series.record(event.channel, event.accountId, now);
      incidents.inbound(event.channel, event.accountId, at, now);
      recordEvent(s.baseline, at);
      s.block.count++;
      s.lastInboundAt = Math.max(s.lastInboundAt ?? 0, Math.min(event.timestamp, now));
      alarms.clear('silence', s.channel, s.accountId, `inbound traffic again (${event.kind} ${event.key})`);
    },
    noteSent(send) {
      if (options.delivery?.enabled === false) return;
      // Only channels that confirm sends by webhook (an echo or a status) can be late doing so.
      if (confirmationOf(send.channel) === 'none') return;
      // Nothing to await for a send that names no platform object (sender actions, moderation).
      if (!send.messageId) return;
      fleet.sent(send.channel, appOf(send.channel, send.accountId), send.accountId, send.at);
      delivery.expect({
        channel: send.channel,
        accountId: send.accountId,
        messageId: send.messageId,
        sentAt: send.at,
        ...(send.outboxId ? { outboxId: send.outboxId } : {}),
      });
    },
    recordUnrecoverable,
    on: (handler) => alarms.on(handler),
    alarms: () => alarms.active(),
    alarmHistory: () => alarms.history(),
    check,
    reconcile,
    probe,
    async health() {
      const loss = await ledger.snapshot();
      const lossOf = (channel: string, accountId: string): LossAccount =>
        loss.find((l) => l.channel === channel && l.accountId === accountId) ?? {
          channel,
          accountId,
          received: 0,
          duplicates: 0,
          refetched: 0,
          backfilled: 0,
          unrecoverable: 0,
          unrecoverableConversations: {},
          unrecoverableMessageIds: {},
        };
      const active = alarms.active();
      return [...states.values()].map((s) => ({
        channel: s.channel,
        accountId: s.accountId,
        silence: s.silence,
        lastInboundAt: s.lastInboundAt,
        reconciliation: s.reconcile
          ? { ...s.reconcile, behindMs: Math.max(0, clock.now() - s.reconcile.verifiedThrough) }
          : null,
        delivery: {
          awaiting: delivery.pending(s.channel, s.accountId),
          overdue: s.deliveryOverdue,
          lastOverdueAt: s.lastOverdueAt,
        },
        probes: s.probes,
        resubscriptions: [...s.resubscriptions],
        loss: lossOf(s.channel, s.accountId),
        alarms: active.filter((a) => a.channel === s.channel && a.accountId === s.accountId),
      }));
    },
    loss: () => ledger.snapshot(),
    settled: () => schedule.settled(),
    busy: () => schedule.busy(),
    checkFleet,
    coverage,
    budget: () => budget.buckets(),
    fleet: () => fleet.pools(),
    traffic: {
      series: (query) => series.series(query),
      pools: (o) => series.pools(o),
      accounts: (o) => series.accounts(o),
    },
    incidents: {
      list: (o) => incidents.list(o),
      get: (id) => incidents.get(id),
      on: (handler) => incidents.on(handler),
      packet(id) {
        const i = incidents.get(id);
        return i ? escalationPacket(i) : undefined;
      },
      statusText(id, tenantId) {
        const i = incidents.get(id);
        return i ? incidentStatusText(i, tenantId, clock.now()) : undefined;
      },
    },
  };
}
