import type { ChannelAdapter, Switchboard } from '@switchboard/core';
import type { MetaSimulator } from '@switchboard/simulator';
import type { AccountWatchView, HealthView } from '../shared/types.js';
import type { createChaos } from './chaos.js';
import { alarmView, type createRecovery } from './recovery.js';

export interface HealthDeps {
  switchboard: Switchboard;
  adapters: readonly ChannelAdapter[];
  recovery: ReturnType<typeof createRecovery>;
  /** Reconciliation interval and grace in force (ms), null when the watch is off. */
  reconcile: { intervalMs: number; graceMs: number } | null;
  chaos: ReturnType<typeof createChaos> | undefined;
  simulator: MetaSimulator | undefined;
  accountLabel: (channel: string, accountId: string) => string;
}

/** Alarm events the page lists. */
const HISTORY = 12;

/** How long one health report is reused, so many open tabs do not multiply the Graph probes. */
const CACHE_MS = 1_500;

/** Everything the channel health page shows, in one JSON document. */
export function createHealthView(deps: HealthDeps) {
  let cached: { at: number; view: Promise<HealthView> } | undefined;
  const build = async (): Promise<HealthView> => {
    const { switchboard } = deps;
    const store = switchboard.store;
    const [report, counters, deadLetters, backlog, failed, runs] = await Promise.all([
      switchboard.health(),
      store.counters.list(),
      store.deadLetters.count(),
      store.outbox.backlog(),
      store.outbox.list({ state: 'failed', limit: 10_000 }),
      deps.recovery.list(),
    ]);
    const label = deps.accountLabel;
    const watch = switchboard.watch;
    return {
      status: report.status,
      checkedAt: report.checkedAt,
      accounts: [...report.accounts].sort(byChannel).map((a) => ({
        channel: a.channel,
        accountId: a.accountId,
        label: a.accountId === '*' ? 'App-wide checks' : deps.accountLabel(a.channel, a.accountId),
        messaging:
          a.lastEventAt !== null ||
          a.outboxBacklog > 0 ||
          Boolean(deps.adapters.find((x) => x.channel === a.channel)?.accountIds?.includes(a.accountId)),
        status: a.status,
        lastEventAt: a.lastEventAt,
        lastEventAgeMs: a.lastEventAgeMs,
        outboxBacklog: a.outboxBacklog,
        outboxOldestAgeMs: a.outboxOldestAgeMs,
        checks: a.checks.map((c) => ({
          probe: c.probe,
          status: c.status,
          reason: c.reason,
          checkedAt: c.checkedAt,
        })),
        watch: a.watch ? watchView(a.watch, label) : null,
      })),
      counters,
      deadLetters,
      outbox: { pending: backlog.reduce((n, b) => n + b.pending, 0), failed: failed.length },
      backfillChannels: watch
        ? deps.adapters.filter((a) => a.backfill && a.listConversations).map((a) => a.channel)
        : [],
      watching: watch !== null,
      reconcile: deps.reconcile,
      recoveryRuns: runs,
      alarms: (watch?.alarms() ?? []).map((x) => alarmView(x, label)),
      alarmHistory: (watch?.alarmHistory() ?? [])
        .slice(-HISTORY)
        .reverse()
        .map((x) => alarmView(x, label)),
      simulator: deps.simulator
        ? {
            url: deps.simulator.url,
            faults: deps.chaos?.faults() ?? [],
            truth: deps.simulator.truth.summary(),
          }
        : null,
    };
  };
  return {
    get(fresh = false): Promise<HealthView> {
      const now = Date.now();
      if (fresh || !cached || now - cached.at > CACHE_MS) {
        const view = build();
        cached = { at: now, view };
        view.catch(() => {
          if (cached?.view === view) cached = undefined;
        });
      }
      return cached.view;
    },
  };
}

type EngineWatch = NonNullable<Awaited<ReturnType<Switchboard['health']>>['accounts'][number]['watch']>;

function watchView(w: EngineWatch, label: HealthDeps['accountLabel']): AccountWatchView {
  const r = w.reconciliation;
  return {
    silence: w.silence ? { ...w.silence } : null,
    lastInboundAt: w.lastInboundAt,
    reconciliation: r
      ? {
          lastRunAt: r.lastRunAt,
          passes: r.passes,
          verifiedThrough: r.verifiedThrough,
          behindMs: r.behindMs,
          pending: r.pending,
          conversationsVerified: r.conversationsVerified,
          gapsFound: r.gapsFound,
          maskedGaps: r.maskedGaps,
          backfilled: r.backfilled,
          unrecoverable: r.unrecoverable,
          lastError: r.lastError,
        }
      : null,
    delivery: { ...w.delivery },
    resubscriptions: w.resubscriptions.map((x) => ({ ...x })),
    loss: {
      received: w.loss.received,
      duplicates: w.loss.duplicates,
      refetched: w.loss.refetched,
      backfilled: w.loss.backfilled,
      unrecoverable: w.loss.unrecoverable,
      unrecoverableConversations: { ...w.loss.unrecoverableConversations },
      unrecoverableMessageIds: { ...w.loss.unrecoverableMessageIds },
    },
    alarms: w.alarms.map((x) => alarmView(x, label)),
  };
}

const CHANNEL_ORDER = ['messenger', 'instagram', 'whatsapp'];

/** Channels in a fixed order; within one, accounts with traffic first and app-wide checks last. */
function byChannel(
  a: { channel: string; accountId: string; lastEventAt: number | null },
  b: typeof a,
): number {
  const rank = (x: typeof a) => {
    const i = CHANNEL_ORDER.indexOf(x.channel);
    return i < 0 ? CHANNEL_ORDER.length : i;
  };
  const kind = (x: typeof a) => (x.accountId === '*' ? 2 : x.lastEventAt === null ? 1 : 0);
  return rank(a) - rank(b) || kind(a) - kind(b) || a.accountId.localeCompare(b.accountId);
}
