import type { ChannelAdapter, Switchboard } from '@switchboard/core';
import type { MetaSimulator } from '@switchboard/simulator';
import type { HealthView } from '../shared/types.js';
import type { createBackfill } from './backfill.js';
import type { createChaos } from './chaos.js';

export interface HealthDeps {
  switchboard: Switchboard;
  adapters: readonly ChannelAdapter[];
  backfill: ReturnType<typeof createBackfill>;
  chaos: ReturnType<typeof createChaos> | undefined;
  simulator: MetaSimulator | undefined;
  accountLabel: (channel: string, accountId: string) => string;
}

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
      deps.backfill.list(),
    ]);
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
      })),
      counters,
      deadLetters,
      outbox: { pending: backlog.reduce((n, b) => n + b.pending, 0), failed: failed.length },
      backfillChannels: deps.backfill.channels,
      backfillRuns: runs,
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
