import type { Clock } from '../clock.js';
import type { AlarmCenter, AlarmType } from './alarms.js';
import { type BaselinePrior, observedHours, rateAt, silenceWeight } from './baseline.js';
import type { FleetDetector, FleetInfo, FleetPoolHealth, FleetStatus, FleetTransition } from './fleet.js';
import type { AccountState } from './state.js';

/** Account alarms that explain an account's own silence (it then leaves the fleet pool). */
const ACCOUNT_ALARMS: readonly AlarmType[] = [
  'silence',
  'subscription',
  'token',
  'token_invalid',
  'webhook_gap',
];

/** Accounts (`channel:accountId`) with an account alarm raised: one pass over the few active alarms. */
export const accountsInAlarm = (alarms: AlarmCenter) =>
  new Set(
    alarms
      .active()
      .filter((a) => ACCOUNT_ALARMS.includes(a.type))
      .map((a) => `${a.channel}:${a.accountId}`),
  );

type Outage = FleetTransition['outage'];

/**
 * The pooled (fleet) check: feeds the detector each watched account's rate, and turns its transitions into
 * `platform_outage` alarms scoped to one app or the whole platform.
 */
export function createPooledCheck(deps: {
  fleet: FleetDetector;
  alarms: AlarmCenter;
  clock: Clock;
  /** The account's state (by `channel:accountId`) when its inbound traffic is watched. */
  watched(key: string): AccountState | undefined;
  prior(channel: string, accountId: string): BaselinePrior;
  serves?: (channel: string, accountId: string) => boolean;
  tenantOf(channel: string, accountId: string): string | undefined;
}): () => Promise<void> {
  const { fleet, alarms, clock } = deps;

  const status =
    (inAlarm: Set<string>): FleetStatus =>
    (channel, accountId, key) => ({
      served: deps.serves ? deps.serves(channel, accountId) : true,
      inAccountAlarm: inAlarm.has(key),
    });

  // The rate moves with the hour of week, observed hours by the hour: once per account and hour is enough.
  const hourly = new Map<AccountState, { hour: number; rate: number; observedHours: number }>();
  const info =
    (statusOf: FleetStatus): FleetInfo =>
    (channel, accountId, key) => {
      const s = deps.watched(key);
      if (!s) return undefined;
      const hour = Math.floor(clock.now() / 3_600_000);
      let cached = hourly.get(s);
      if (cached?.hour !== hour) {
        cached = {
          hour,
          rate: rateAt(s.baseline, deps.prior(channel, accountId), clock.now()) * silenceWeight(s.baseline),
          observedHours: observedHours(s.baseline),
        };
        hourly.set(s, cached);
      }
      return {
        weightedRatePerHour: cached.rate,
        observedHours: cached.observedHours,
        watchingSince: s.watchingSince,
        ...statusOf(channel, accountId, key),
      };
    };

  /**
   * One app when another app of the channel demonstrably still speaks (at least two of its accounts
   * received webhooks since the silence began); platform-wide otherwise, and as soon as two apps are down.
   */
  const scopeOf = (outage: Outage, pools: readonly FleetPoolHealth[]) => {
    const others = pools.filter((p) => p.channel === outage.channel && p.appId !== outage.appId);
    if (others.some((p) => p.outage)) return 'platform';
    const speaking = others.some((p) => fleet.speakersSince(p.channel, p.appId, outage.since) >= 2);
    return speaking ? 'app' : 'platform';
  };

  const raise = (outage: Outage, scope: 'app' | 'platform', repeat: boolean) => {
    const v = outage.verdict;
    // Platform-wide: every app's silent accounts are in scope, those of pools too small to alarm too.
    const silent =
      scope === 'platform' && outage.signal === 'inbound'
        ? fleet.silentSince(outage.channel, outage.since)
        : outage.silentAccounts;
    const tenants = new Set<string>();
    for (const a of silent) {
      const tenant = deps.tenantOf(outage.channel, a);
      if (tenant) tenants.add(tenant);
    }
    const where = scope === 'platform' ? 'platform-wide' : `app ${outage.appId}`;
    alarms.raise({
      type: 'platform_outage',
      channel: outage.channel,
      accountId: `app:${outage.appId}`,
      severity: 'critical',
      repeat,
      message: v
        ? `${where}: ${v.speakers} of ${v.expectedSpeakers.toFixed(1)} expected ${outage.channel} accounts spoke in the last ${v.windowMs / 1000} s ` +
          `(P = ${v.probability.toExponential(2)} < ${v.threshold.toExponential(2)}); ${outage.silentAccounts.length} of ${outage.pooled} accounts silent`
        : `${where}: sends on ${outage.silentAccounts.length} ${outage.channel} accounts got no echo / status webhook since ${new Date(outage.since).toISOString()}`,
      data: {
        scope,
        appId: outage.appId,
        signal: outage.signal,
        since: outage.since,
        ...(v ? { ...v } : {}),
        pooled: outage.pooled,
        silentAccounts: silent,
        tenants: tenants.size,
      },
    });
  };

  return async () => {
    const statusOf = status(accountsInAlarm(alarms));
    const transitions = fleet.check(clock.now(), info(statusOf), statusOf);
    if (transitions.length === 0) return;
    const pools = fleet.pools();
    for (const t of transitions) {
      const { outage } = t;
      if (t.type === 'cleared') {
        alarms.clear('platform_outage', outage.channel, `app:${outage.appId}`, t.reason);
        continue;
      }
      const scope = scopeOf(outage, pools);
      raise(outage, scope, false);
      // A second app of the channel down too: the ones raised as one app's problem are platform-wide.
      if (scope === 'platform')
        for (const p of pools)
          if (
            p.outage &&
            p.channel === outage.channel &&
            p.appId !== outage.appId &&
            alarms
              .active()
              .some((x) => x.id === `platform_outage:${p.channel}:app:${p.appId}` && x.data.scope === 'app')
          )
            raise(p.outage, 'platform', true);
    }
  };
}
