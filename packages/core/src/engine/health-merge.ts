import type { HealthStatus } from '../adapter.js';
import type { Alarm } from '../watch/alarms.js';
import type { WatchAccountHealth } from '../watch/types.js';
import type { AccountHealth, HealthReport } from './types.js';

const RANK: Record<HealthStatus, number> = { ok: 0, degraded: 1, down: 2 };
const worse = (a: HealthStatus, b: HealthStatus): HealthStatus => (RANK[b] > RANK[a] ? b : a);

/** What an active alarm does to an account's status: silence and gaps degrade, a lost subscription is down. */
export function statusOfAlarm(alarm: Alarm): HealthStatus {
  if (alarm.type === 'subscription' || alarm.type === 'token')
    return alarm.severity === 'critical' ? 'down' : 'degraded';
  return 'degraded';
}

/** Adds the watch's view to each account of a health report (and accounts only the watch knows). */
export function mergeWatchHealth(report: HealthReport, watch: readonly WatchAccountHealth[]): HealthReport {
  const accounts = new Map<string, AccountHealth>(
    report.accounts.map((a) => [`${a.channel}:${a.accountId}`, a]),
  );
  for (const w of watch) {
    const key = `${w.channel}:${w.accountId}`;
    let account = accounts.get(key);
    if (!account) {
      account = {
        channel: w.channel,
        accountId: w.accountId,
        status: 'ok',
        lastEventAt: null,
        lastEventAgeMs: null,
        outboxBacklog: 0,
        outboxOldestAgeMs: null,
        checks: [],
      };
      accounts.set(key, account);
    }
    account.watch = w;
    for (const alarm of w.alarms) account.status = worse(account.status, statusOfAlarm(alarm));
  }
  const list = [...accounts.values()].sort(
    (x, y) => x.channel.localeCompare(y.channel) || x.accountId.localeCompare(y.accountId),
  );
  return { ...report, status: list.reduce<HealthStatus>((s, a) => worse(s, a.status), 'ok'), accounts: list };
}
