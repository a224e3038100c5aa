import type { AccountRegistry } from '../accounts/registry.js';
import type { ChannelAdapter, HealthStatus } from '../adapter.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/types.js';
import { runAdapterProbes } from '../watch/probes.js';
import type { EngineMetrics } from './metrics.js';
import type { AccountHealth, HealthReport } from './types.js';

const RANK: Record<HealthStatus, number> = { ok: 0, degraded: 1, down: 2 };
const worst = (statuses: HealthStatus[]): HealthStatus =>
  statuses.reduce<HealthStatus>((a, b) => (RANK[b] > RANK[a] ? b : a), 'ok');

/** Oldest pending send older than this makes the account `degraded`. */
const BACKLOG_DEGRADED_MS = 5 * 60_000;

/** A simple health view: probes + last inbound age + outbox backlog, per channel account. */
export async function computeHealth(
  adapters: readonly ChannelAdapter[],
  store: Store,
  clock: Clock,
  metrics: EngineMetrics,
  registry: Pick<AccountRegistry, 'entries'>,
): Promise<HealthReport> {
  const now = clock.now();
  const backlog = await store.outbox.backlog();
  const accounts = new Map<string, AccountHealth>();
  const account = (channel: string, accountId: string): AccountHealth => {
    const key = `${channel}:${accountId}`;
    let a = accounts.get(key);
    if (!a) {
      a = {
        channel,
        accountId,
        status: 'ok',
        lastEventAt: null,
        lastEventAgeMs: null,
        outboxBacklog: 0,
        outboxOldestAgeMs: null,
        checks: [],
      };
      accounts.set(key, a);
    }
    return a;
  };

  for (const known of registry.entries())
    if (known.status !== 'disconnected') account(known.channel, known.accountId);
  for (const adapter of adapters) {
    for (const id of adapter.accountIds ?? []) account(adapter.channel, id);
    const results = await runAdapterProbes(adapter, clock);
    for (const result of results) account(adapter.channel, result.accountId ?? '*').checks.push(result);
  }
  for (const row of backlog) {
    const a = account(row.channel, row.accountId);
    a.outboxBacklog = row.pending;
    a.outboxOldestAgeMs = Math.max(0, now - row.oldestCreatedAt);
  }
  const stored = await store.health.list('last-event:');
  for (const a of accounts.values()) {
    const seen = metrics.lastEventAt.get(`${a.channel}:${a.accountId}`)?.at;
    const persisted = stored.find((s) => s.key === `last-event:${a.channel}:${a.accountId}`)?.value as
      | { at?: number }
      | undefined;
    const at = Math.max(seen ?? -1, persisted?.at ?? -1);
    if (at >= 0) {
      a.lastEventAt = at;
      a.lastEventAgeMs = Math.max(0, now - at);
    }
    const statuses = a.checks.map((c) => c.status);
    if (a.outboxOldestAgeMs !== null && a.outboxOldestAgeMs > BACKLOG_DEGRADED_MS) statuses.push('degraded');
    a.status = worst(statuses);
  }
  const list = [...accounts.values()].sort(
    (x, y) => x.channel.localeCompare(y.channel) || x.accountId.localeCompare(y.accountId),
  );
  return { status: worst(list.map((a) => a.status)), checkedAt: now, accounts: list };
}

/**
 * Tags every account of a report with its tenant and registry status; with `tenantId`, keeps only that
 * tenant's accounts (adapter-wide checks belong to no tenant) and rates the report on them alone.
 */
export function scopeHealth(
  report: HealthReport,
  registry: Pick<AccountRegistry, 'peek'>,
  tenantId?: string,
): HealthReport {
  const tagged = report.accounts.map((a) => {
    const known = registry.peek(a.channel, a.accountId);
    return known
      ? { ...a, accountStatus: known.status, ...(known.tenantId ? { tenantId: known.tenantId } : {}) }
      : a;
  });
  const accounts = tenantId === undefined ? tagged : tagged.filter((a) => a.tenantId === tenantId);
  const status = tenantId === undefined ? report.status : worst(accounts.map((a) => a.status));
  return { ...report, status, accounts, ...(tenantId !== undefined ? { tenantId } : {}) };
}
