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
import { recordEvent } from './baseline.js';
import { applyProbes, applyReconcile, deliveryTick, priorFor, silenceTick } from './checks.js';
import { createDeliveryWatch } from './delivery.js';
import { createLossLedger, type LossAccount } from './loss.js';
import { createAlarmNotifier } from './notifier.js';
import { isUnsubscribed, runAdapterProbes } from './probes.js';
import { canVerify, type ReconcileResult, reconcileAccount, type VerifyingAdapter } from './reconcile.js';
import { createSchedule } from './schedule.js';
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
import type { WatchAccountHealth, WatchOptions } from './types.js';

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
  /** The engine's loss report (counters, log); the watch records the conversation itself. */
  reportUnrecoverable(channel: string, gap: UnrecoverableGap): Promise<void>;
  /** For canaries. */
  send?(message: OutboundMessage): Promise<unknown>;
  /** Where alarms go (the engine's, shared with its own alarms); a new one when absent. */
  alarms?: AlarmCenter;
  /** Whether an account is served (`switchboard.accounts`): the silence of one that is not is expected. */
  serves?: (channel: string, accountId: string) => boolean;
}

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
  /** Records an unrecoverable gap against its account (called by the engine's `reportUnrecoverable`). */
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
  let stopping = new AbortController();
  const states = new Map<string, AccountState>();
  /** Accounts whose inbound traffic is watched for silence. */
  const traffic = new Set<AccountState>();
  if (options.notifier) alarms.on(createAlarmNotifier({ logger, ...options.notifier }));
  // Suspected loss: verify now instead of at the next period. Verification always starts where each
  // conversation was last verified, so the window reaches back before the earliest possible loss.
  alarms.on((alarm) => {
    if (alarm.state !== 'raised' || alarm.repeats > 0 || !SUSPECTS_LOSS.has(alarm.type)) return;
    if (deps.adapters.some((a) => a.channel === alarm.channel && canVerify(a)))
      void schedule.runNow('reconcile');
  });

  const confirmationOf = (channel: string) =>
    deps.adapters.find((a) => a.channel === channel)?.capabilities?.sendConfirmation ?? 'none';

  const state = (channel: string, accountId: string): AccountState => {
    const k = `${channel}:${accountId}`;
    let s = states.get(k);
    if (!s) {
      s = newAccountState(channel, accountId, clock.now());
      states.set(k, s);
    }
    return s;
  };

  const check = async () => {
    const now = clock.now();
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
        prior: priorFor(options.silence ?? {}, s.channel, s.accountId),
        options: silence,
        alarms,
        enabled: options.silence?.enabled !== false,
        now,
      });
    }
    if (options.delivery?.enabled !== false)
      deliveryTick(delivery.overdue(now), state, alarms, deadlineMs, now);
    await ledger.flush();
    for (const s of traffic) await saveBaseline(store, s, now);
  };

  const reconcile = async (): Promise<ReconcileResult[]> => {
    const jobs: Promise<ReconcileResult | undefined>[] = [];
    for (const adapter of deps.adapters) {
      if (!canVerify(adapter)) continue;
      for (const accountId of adapter.accountIds ?? []) jobs.push(reconcileOne(adapter, accountId));
    }
    return (await Promise.all(jobs)).filter((r): r is ReconcileResult => !!r);
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
        onUnrecoverable: (gap) => deps.reportUnrecoverable(adapter.channel, gap),
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
      for (const adapter of deps.adapters)
        for (const id of adapter.accountIds ?? []) {
          const s = state(adapter.channel, id);
          s.watchingSince = now;
          s.exposedUntil = now;
          s.block = { start: now, count: 0 };
          traffic.add(s);
          if (!(await loadAccount(store, s))) fresh.push(s);
        }
      const seen = await bootstrapFromEvents(store, fresh, now);
      if (seen) logger.info('traffic baselines seeded from stored events', { events: seen });
      schedule.every('check', silence.checkIntervalMs, check);
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
      if (event.source !== 'webhook') return;
      const now = clock.now();
      if (delivery.observe(event, now))
        alarms.clear(
          'delivery_pipeline',
          event.channel,
          event.accountId,
          `a send was confirmed by its ${event.kind} webhook again`,
        );
      if (!isInboundTraffic(event)) return;
      const s = state(event.channel, event.accountId);
      traffic.add(s);
      recordEvent(s.baseline, Math.min(event.timestamp, now));
      s.block.count++;
      s.lastInboundAt = Math.max(s.lastInboundAt ?? 0, Math.min(event.timestamp, now));
      alarms.clear('silence', s.channel, s.accountId, `inbound traffic again (${event.kind} ${event.key})`);
    },
    noteSent(send) {
      if (options.delivery?.enabled === false) return;
      // Only channels that confirm sends by webhook (an echo or a status) can be late doing so.
      if (confirmationOf(send.channel) === 'none') return;
      delivery.expect({
        channel: send.channel,
        accountId: send.accountId,
        messageId: send.messageId,
        sentAt: send.at,
        ...(send.outboxId ? { outboxId: send.outboxId } : {}),
      });
    },
    async recordUnrecoverable(channel, gap) {
      await ledger.unrecoverable(channel, gap.accountId, gap.conversationId, gap.missing, gap.messageIds);
    },
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
  };
}
