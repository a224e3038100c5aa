import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';
import type { Alarm, AlarmType } from './alarms.js';

/**
 * An incident: what an alarm (or a pooled `platform_outage` with the account alarms it explains) means
 * for the business, from the first alarm until traffic resumed and the catch-up is done.
 * Persisted in `store.health` (`watch:incident:<id>`); every transition is emitted.
 */
export interface Incident {
  id: string;
  /** `platform`: every app of the channel silent (Meta side); `app`: one app; `account`: one account. */
  kind: 'platform' | 'app' | 'account';
  /** `recovering`: the alarms cleared, the catch-up (reconciliation past the resumption) is not done yet. */
  state: 'open' | 'recovering' | 'closed';
  /** Earliest moment the loss can have begun (start of the alarming window). */
  startedAt: number;
  /** When the first alarm raised. */
  openedAt: number;
  /** When the alarms cleared (traffic resumed). */
  resumedAt: number | null;
  closedAt: number | null;
  scope: {
    channel: string;
    appIds: string[];
    /** Accounts affected (silent in the alarming window, or alarmed). */
    accounts: string[];
    tenants: string[];
  };
  evidence: IncidentEvidence;
  counts: {
    /** Messages of the affected accounts brought back by backfill while the incident was open or recovering. */
    recovered: number;
    /** Messages known lost (beyond the platform's history API), found while the incident was open or recovering. */
    lost: number;
    /** Of those, named by message id. */
    named: number;
    /** Webhooks for the incident's window that came late (the platform's retries delivering what it held). */
    deliveredLate: number;
    /**
     * Inbound messages the affected accounts' baselines expected from the start until traffic resumed (or
     * now): an estimate of what went missing. On a channel without a history API (WhatsApp) nothing can be
     * recovered or named, and this is the only measure of the loss.
     */
    estimatedMissed: number;
  };
  /** Alarm ids currently raised in this incident. */
  alarms: string[];
  /** Alarm types seen, e.g. `platform_outage`, `silence`. */
  alarmTypes: AlarmType[];
  timeline: Array<{ at: number; what: string }>;
}

export interface IncidentEvidence {
  /** The detector's numbers when it raised (alarm data). */
  detector: Record<string, unknown>;
  /** Newest inbound webhook per affected account (first 500 accounts). */
  lastWebhookAt: Record<string, number | null>;
  /** Health probes of the affected accounts when the incident opened / was last updated. */
  probes: { ok: number; degraded: number; down: number; reasons: string[] };
  /** Whether the Graph API answered probes (null: no probe ran). */
  graphReachable: boolean | null;
  /** Whether sends were still confirmed by echo / status webhooks after the start (null: no send). */
  sendsConfirmed: boolean | null;
  /** Sample lost message ids (named), for the escalation packet. */
  sampleLostIds: string[];
  /**
   * Backfill of the affected accounts: how many are not yet verified up to now (or the resumption) and
   * how long reconciliation needs for them at its budget. Null on channels without a history API.
   */
  catchUp: { pending: number; etaMs: number } | null;
}

/** An incident transition, as `on('incident')` and the notifier receive it. */
export interface IncidentEvent extends Incident {
  transition: 'opened' | 'updated' | 'recovering' | 'closed';
  at: number;
}

export type IncidentHandler = (event: IncidentEvent) => void | Promise<void>;

/** What the manager asks the watch about the affected accounts. */
export interface IncidentSources {
  tenantOf(channel: string, accountId: string): string | undefined;
  /** The Meta app an account is served by (an app incident takes only its own accounts' alarms). */
  appOf(channel: string, accountId: string): string;
  evidence(
    channel: string,
    accountIds: readonly string[],
    since: number,
  ): Omit<IncidentEvidence, 'detector' | 'sampleLostIds' | 'catchUp'>;
  /** Inbound messages the accounts' baselines expect in `[from, to)`. */
  expected(channel: string, accountIds: readonly string[], from: number, to: number): number;
  /** Accounts not yet verified up to `through`, and how long reconciliation needs for them (null: no history API). */
  catchUp(
    channel: string,
    accountIds: readonly string[],
    through: number,
  ): { pending: number; etaMs: number } | null;
  /** True when every account's messages up to `through` were verified (or the channel has no history API). */
  caughtUp(channel: string, accountIds: readonly string[], through: number): boolean;
}

const KEY = 'watch:incident:';
/** Closed incidents are kept (in memory and in the store) this long. */
const RETAIN_CLOSED_MS = 90 * 24 * 3_600_000;
const TIMELINE_MAX = 200;
const LAST_WEBHOOK_MAX = 500;
const SAMPLE_LOST_MAX = 20;
/** Alarms that open (or join) an incident. */
const OPENS = new Set<AlarmType>([
  'platform_outage',
  'silence',
  'webhook_gap',
  'delivery_pipeline',
  'subscription',
  'token',
  'token_invalid',
]);

export interface IncidentManager {
  /** Feeds every alarm event. */
  onAlarm(alarm: Alarm): Promise<void>;
  /** Refreshes counts, closes incidents whose catch-up is done. */
  tick(): Promise<void>;
  /** A webhook event arrived for `accountId` with this event time (late deliveries are counted). */
  inbound(channel: string, accountId: string, at: number, now: number): void;
  /** Backfill stored `count` new events of the account (counted by the active incidents covering it). */
  recovered(channel: string, accountId: string, count: number): void;
  /** Messages of the account found beyond the platform's reach (`named`: the ids newly named among them). */
  lost(channel: string, accountId: string, count: number, named: readonly string[]): void;
  list(options?: { state?: Incident['state'] | 'active' }): Incident[];
  get(id: string): Incident | undefined;
  on(handler: IncidentHandler): () => void;
  load(): Promise<void>;
}

export function createIncidentManager(deps: {
  store: Store;
  clock: Clock;
  logger: Logger;
  sources: IncidentSources;
}): IncidentManager {
  const { store, clock, logger, sources } = deps;
  const incidents = new Map<string, Incident>();
  /** Each incident's `scope.accounts` as a set: recoveries are attributed per event, across thousands of accounts. */
  const scopes = new Map<string, Set<string>>();
  /** Counts as last emitted or persisted: a tick reports a change. */
  const reported = new Map<string, string>();
  const handlers = new Set<IncidentHandler>();
  let seq = 0;

  const active = () => [...incidents.values()].filter((i) => i.state !== 'closed');
  const persist = (i: Incident) => store.health.set(`${KEY}${i.id}`, i, clock.now());
  const note = (i: Incident, what: string) => {
    i.timeline.push({ at: clock.now(), what });
    if (i.timeline.length > TIMELINE_MAX) i.timeline.splice(1, 1);
  };
  const emit = async (i: Incident, transition: IncidentEvent['transition']) => {
    await persist(i);
    const event: IncidentEvent = structuredClone({ ...i, transition, at: clock.now() });
    logger[transition === 'opened' ? 'warn' : 'info'](`incident ${transition}`, {
      incident: i.id,
      kind: i.kind,
      channel: i.scope.channel,
      accounts: i.scope.accounts.length,
    });
    for (const handler of handlers)
      Promise.resolve()
        .then(() => handler(event))
        .catch((error: unknown) =>
          logger.error('incident handler failed', {
            incident: i.id,
            error: error instanceof Error ? error.message : String(error),
          }),
        );
  };

  const scopeOf = (i: Incident) => {
    let set = scopes.get(i.id);
    if (!set) {
      set = new Set(i.scope.accounts);
      scopes.set(i.id, set);
    }
    return set;
  };
  const addAccounts = (i: Incident, ids: readonly string[]) => {
    const known = scopeOf(i);
    const fresh = ids.filter((id) => !known.has(id));
    if (fresh.length === 0) return false;
    for (const id of fresh) known.add(id);
    i.scope.accounts.push(...fresh);
    const tenants = new Set(i.scope.tenants);
    for (const id of fresh) {
      const t = sources.tenantOf(i.scope.channel, id);
      if (t) tenants.add(t);
    }
    i.scope.tenants = [...tenants].sort();
    return true;
  };
  /**
   * The active incidents a recovery or loss of this account belongs to: those whose scope holds it, and
   * the platform (or app) incidents of its channel (app), which take it into their scope. Counting as it
   * happens, rather than as a difference of the ledger since the account joined, keeps the recoveries of
   * an account that joins late (its own gap alarm follows the backfill that found the gap).
   */
  const covering = (channel: string, accountId: string) =>
    active().filter((i) => {
      if (i.scope.channel !== channel) return false;
      if (scopeOf(i).has(accountId)) return true;
      if (i.kind === 'account') return false;
      if (i.kind === 'app' && !i.scope.appIds.includes(sources.appOf(channel, accountId))) return false;
      addAccounts(i, [accountId]);
      return true;
    });

  const refreshEvidence = (i: Incident) => {
    const e = sources.evidence(i.scope.channel, i.scope.accounts.slice(0, LAST_WEBHOOK_MAX), i.startedAt);
    i.evidence = { ...i.evidence, ...e };
  };

  const open = async (alarm: Alarm, kind: Incident['kind'], accounts: string[], startedAt: number) => {
    const now = clock.now();
    const i: Incident = {
      id: `inc_${now.toString(36)}_${(seq++).toString(36)}_${alarm.channel}`,
      kind,
      state: 'open',
      startedAt,
      openedAt: now,
      resumedAt: null,
      closedAt: null,
      scope: { channel: alarm.channel, appIds: [], accounts: [], tenants: [] },
      evidence: {
        detector: alarm.data,
        lastWebhookAt: {},
        probes: { ok: 0, degraded: 0, down: 0, reasons: [] },
        graphReachable: null,
        sendsConfirmed: null,
        sampleLostIds: [],
        catchUp: null,
      },
      counts: { recovered: 0, lost: 0, named: 0, deliveredLate: 0, estimatedMissed: 0 },
      alarms: [alarm.id],
      alarmTypes: [alarm.type],
      timeline: [],
    };
    const appId = alarm.data.appId;
    if (typeof appId === 'string') i.scope.appIds.push(appId);
    incidents.set(i.id, i);
    reported.set(i.id, JSON.stringify(i.counts));
    addAccounts(i, accounts);
    refreshEvidence(i);
    note(i, `${alarm.type} raised: ${alarm.message}`);
    await emit(i, 'opened');
  };

  const join = async (i: Incident, alarm: Alarm, accounts: readonly string[]) => {
    if (!i.alarms.includes(alarm.id)) i.alarms.push(alarm.id);
    if (!i.alarmTypes.includes(alarm.type)) i.alarmTypes.push(alarm.type);
    const appId = alarm.data.appId;
    if (typeof appId === 'string' && !i.scope.appIds.includes(appId)) i.scope.appIds.push(appId);
    if (alarm.type === 'platform_outage' && alarm.data.scope === 'platform' && i.kind !== 'platform') {
      i.kind = 'platform';
      note(i, `now platform-wide: ${alarm.message}`);
    }
    const grew = addAccounts(i, accounts);
    if (i.state === 'recovering') {
      i.state = 'open';
      i.resumedAt = null;
      note(i, `${alarm.type} raised again: ${alarm.message}`);
      await emit(i, 'updated');
      return;
    }
    // Account alarms explained by a pooled outage are not each a timeline entry (thousands of them).
    if (alarm.type === 'platform_outage') note(i, `${alarm.type} raised: ${alarm.message}`);
    if (grew || alarm.type === 'platform_outage') await emit(i, 'updated');
  };

  return {
    async onAlarm(alarm) {
      if (!OPENS.has(alarm.type)) return;
      const pooled = alarm.type === 'platform_outage';
      const accounts = pooled
        ? ((alarm.data.silentAccounts as string[] | undefined) ?? [])
        : [alarm.accountId];
      if (alarm.state === 'raised') {
        if (alarm.repeats > 0 && !pooled) return;
        const covering = active().find(
          (i) =>
            i.scope.channel === alarm.channel &&
            (i.alarms.includes(alarm.id) ||
              (pooled && i.kind !== 'account') ||
              (!pooled &&
                i.state === 'open' &&
                (i.kind === 'platform' ||
                  (i.kind === 'app' &&
                    i.scope.appIds.includes(sources.appOf(alarm.channel, alarm.accountId))))) ||
              (!pooled && i.kind === 'account' && i.scope.accounts[0] === alarm.accountId)),
        );
        if (covering) return join(covering, alarm, accounts);
        const kind = pooled ? (alarm.data.scope === 'platform' ? 'platform' : 'app') : 'account';
        const since = typeof alarm.data.since === 'number' ? alarm.data.since : alarm.raisedAt;
        return open(alarm, kind, accounts, Math.min(since, alarm.raisedAt));
      }
      const i = active().find((x) => x.alarms.includes(alarm.id));
      if (!i) return;
      i.alarms = i.alarms.filter((id) => id !== alarm.id);
      if (pooled || i.kind === 'account') note(i, `${alarm.type} cleared: ${alarm.message}`);
      const pooledLeft = i.alarms.some((id) => id.startsWith('platform_outage:'));
      // A pooled incident resumes when the pooled alarms clear; the account alarms it absorbed follow.
      if (i.state === 'open' && (i.alarms.length === 0 || (i.kind !== 'account' && !pooledLeft && pooled))) {
        i.state = 'recovering';
        i.resumedAt = clock.now();
        note(i, 'traffic resumed; catching up');
        await emit(i, 'recovering');
      }
    },
    async tick() {
      for (const i of [...incidents.values()])
        if (i.state === 'closed' && (i.closedAt ?? 0) < clock.now() - RETAIN_CLOSED_MS) {
          incidents.delete(i.id);
          scopes.delete(i.id);
          reported.delete(i.id);
          await store.health.delete(`${KEY}${i.id}`);
        }
      for (const i of active()) {
        const c = i.counts;
        c.estimatedMissed = Math.round(
          sources.expected(i.scope.channel, i.scope.accounts, i.startedAt, i.resumedAt ?? clock.now()),
        );
        const { recovered, lost, named } = c;
        i.evidence.catchUp = sources.catchUp(i.scope.channel, i.scope.accounts, i.resumedAt ?? clock.now());
        refreshEvidence(i);
        if (
          i.state === 'recovering' &&
          i.resumedAt !== null &&
          sources.caughtUp(i.scope.channel, i.scope.accounts, i.resumedAt)
        ) {
          i.state = 'closed';
          i.closedAt = clock.now();
          note(
            i,
            `closed: catch-up done (${recovered} recovered, ${lost} lost, ${named} named, ${i.counts.deliveredLate} delivered late)`,
          );
          await emit(i, 'closed');
        } else if (JSON.stringify(c) !== reported.get(i.id)) {
          note(i, `counts: ${recovered} recovered, ${lost} lost (${named} named)`);
          await emit(i, 'updated');
        } else await persist(i);
        reported.set(i.id, JSON.stringify(c));
      }
    },
    recovered(channel, accountId, count) {
      for (const i of covering(channel, accountId)) i.counts.recovered += count;
    },
    lost(channel, accountId, count, named) {
      for (const i of covering(channel, accountId)) {
        i.counts.lost += count;
        i.counts.named += named.length;
        const sample = i.evidence.sampleLostIds;
        for (const id of named) if (sample.length < SAMPLE_LOST_MAX) sample.push(id);
      }
    },
    inbound(channel, accountId, at, now) {
      // A webhook for a moment well before its arrival, inside an incident's window: a platform retry.
      if (now - at < 60_000) return;
      for (const i of active())
        if (i.scope.channel === channel && at >= i.startedAt && scopeOf(i).has(accountId))
          i.counts.deliveredLate++;
    },
    list(options = {}) {
      const all = [...incidents.values()].sort((a, b) => b.openedAt - a.openedAt);
      if (!options.state) return all.map((i) => structuredClone(i));
      return all
        .filter((i) => (options.state === 'active' ? i.state !== 'closed' : i.state === options.state))
        .map((i) => structuredClone(i));
    },
    get: (id) => {
      const i = incidents.get(id);
      return i ? structuredClone(i) : undefined;
    },
    on(handler) {
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
      };
    },
    async load() {
      for (const { value } of await store.health.list(KEY)) {
        const i = value as Incident;
        if (typeof i?.id !== 'string' || !i.scope || !Array.isArray(i.timeline)) continue;
        // Incidents persisted before the estimate existed.
        i.counts.estimatedMissed ??= 0;
        incidents.set(i.id, i);
        reported.set(i.id, JSON.stringify(i.counts));
      }
    },
  };
}

const iso = (at: number | null) => (at === null ? '—' : new Date(at).toISOString());
const duration = (ms: number) =>
  ms < 120_000
    ? `${Math.round(ms / 1000)} s`
    : ms < 7_200_000
      ? `${Math.round(ms / 60_000)} min`
      : `${(ms / 3_600_000).toFixed(1)} h`;

/** The escalation packet for the platform's support: what stopped when, for which app and objects. */
export interface EscalationPacket {
  incident: string;
  kind: Incident['kind'];
  state: Incident['state'];
  channel: string;
  appIds: string[];
  /** What stopped: inbound webhooks, or the echoes / statuses of accepted sends. */
  stopped: string;
  startedAt: string;
  detectedAt: string;
  resumedAt: string | null;
  accountsAffected: number;
  tenantsAffected: number;
  sampleAccountIds: string[];
  lastWebhookAt: Record<string, string | null>;
  sampleLostMessageIds: string[];
  counts: Incident['counts'];
  ruledOut: string[];
  detector: Record<string, unknown>;
  timeline: Array<{ at: string; what: string }>;
}

/** Builds the escalation packet (JSON) and its Markdown rendering from an incident. */
export function escalationPacket(i: Incident): { json: EscalationPacket; markdown: string } {
  const e = i.evidence;
  const outbound = e.detector.signal === 'outbound';
  const ruledOut: string[] = [];
  if (e.graphReachable) ruledOut.push('Graph API reachable: our tokens and network work (probes answered)');
  if (e.probes.down === 0 && e.probes.ok > 0)
    ruledOut.push(
      `health probes pass for the affected accounts (${e.probes.ok} ok): subscription and tokens valid`,
    );
  if (i.kind !== 'account' && i.scope.accounts.length > 1)
    ruledOut.push(
      `not one account: ${i.scope.accounts.length} accounts across ${i.scope.tenants.length} tenants`,
    );
  if (e.sendsConfirmed === true)
    ruledOut.push('sends are still confirmed by webhooks: our endpoint receives webhooks');
  const sample = i.scope.accounts.slice(0, 10);
  const json: EscalationPacket = {
    incident: i.id,
    kind: i.kind,
    state: i.state,
    channel: i.scope.channel,
    appIds: i.scope.appIds,
    stopped: outbound
      ? 'echo / status webhooks for accepted sends'
      : `inbound ${i.scope.channel} message webhooks (field: messages)`,
    startedAt: iso(i.startedAt),
    detectedAt: iso(i.openedAt),
    resumedAt: i.resumedAt === null ? null : iso(i.resumedAt),
    accountsAffected: i.scope.accounts.length,
    tenantsAffected: i.scope.tenants.length,
    sampleAccountIds: sample,
    lastWebhookAt: Object.fromEntries(
      sample.map((id) => [id, e.lastWebhookAt[id] ? iso(e.lastWebhookAt[id] as number) : null]),
    ),
    sampleLostMessageIds: e.sampleLostIds,
    counts: i.counts,
    ruledOut,
    detector: e.detector,
    timeline: i.timeline.map((t) => ({ at: iso(t.at), what: t.what })),
  };
  const markdown = [
    `# ${i.kind === 'platform' ? 'Platform-wide' : i.kind === 'app' ? 'App-wide' : 'Account'} webhook outage: ${i.scope.channel}`,
    '',
    `- **Incident:** ${i.id} (${i.state})`,
    `- **App id(s):** ${i.scope.appIds.join(', ') || '—'}`,
    `- **What stopped:** ${json.stopped}`,
    `- **Since:** ${json.startedAt} (detected ${json.detectedAt}${i.resumedAt ? `, resumed ${json.resumedAt}` : ', still ongoing'})`,
    `- **Scope:** ${i.scope.accounts.length} accounts, ${i.scope.tenants.length} tenants`,
    `- **Sample account ids:** ${sample.join(', ') || '—'}`,
    `- **Sample lost message ids:** ${e.sampleLostIds.join(', ') || '—'}`,
    `- **Counts:** ${i.counts.recovered} recovered by the history API, ${i.counts.lost} lost (${i.counts.named} named), ${i.counts.deliveredLate} delivered late by retries`,
    `- **Estimated missed:** about ${i.counts.estimatedMissed} inbound messages (estimate: the accounts' usual traffic from the start ${i.resumedAt === null ? 'until now' : 'until traffic resumed'})`,
    `- **Catch-up:** ${e.catchUp === null ? 'no history API on this channel' : e.catchUp.pending === 0 ? 'done' : `${e.catchUp.pending} accounts to backfill, about ${duration(e.catchUp.etaMs)}`}`,
    '',
    '## Already ruled out',
    ...(ruledOut.length ? ruledOut.map((r) => `- ${r}`) : ['- nothing yet']),
    '',
    '## Last webhook per sample account',
    ...sample.map((id) => `- ${id}: ${json.lastWebhookAt[id] ?? 'never'}`),
    '',
    '## Timeline',
    ...json.timeline.map((t) => `- ${t.at} ${t.what}`),
    '',
  ].join('\n');
  return { json, markdown };
}

/** Plain-language status for one tenant (what a vendor would post on its status page). */
export function incidentStatusText(i: Incident, tenantId: string, now: number): string {
  const mine = i.scope.tenants.includes(tenantId);
  const where =
    i.kind === 'platform'
      ? `${i.scope.channel} is not delivering messages to any business right now (a problem on the platform's side)`
      : i.kind === 'app'
        ? `${i.scope.channel} stopped delivering messages to our app`
        : `${i.scope.channel} stopped delivering messages to one of your accounts`;
  if (!mine) return `No impact on your accounts from incident ${i.id}.`;
  const since = new Date(i.startedAt).toISOString().slice(0, 16).replace('T', ' ');
  // The incident's numbers cover every affected account, not only this tenant's.
  const estimate = `about ${i.counts.estimatedMissed} messages across the ${i.scope.accounts.length} affected accounts (an estimate from their usual traffic)`;
  // No catch-up: nothing could be fetched back, the estimate is all there is to say about the loss.
  const noHistory = i.evidence.catchUp === null && i.counts.recovered === 0 && i.counts.lost === 0;
  if (i.state === 'closed')
    return noHistory
      ? `Resolved: ${i.scope.channel} messages stopped arriving from ${since} UTC for ${duration((i.resumedAt ?? now) - i.startedAt)}. Messages sent in that time could not be fetched (the platform offers no history): ${estimate}.`
      : `Resolved: ${i.scope.channel} messages stopped arriving from ${since} UTC for ${duration((i.resumedAt ?? now) - i.startedAt)}. ${i.counts.recovered} messages were recovered; ${i.counts.lost} could not be (the platform no longer offers them) and were listed for you.`;
  if (i.state === 'recovering') {
    const eta = i.evidence.catchUp?.pending ? ` About ${duration(i.evidence.catchUp.etaMs)} to go.` : '';
    return `Recovering: messages arrive again. We are fetching the ones missed since ${since} UTC (${i.counts.recovered} recovered so far).${eta}`;
  }
  return `Investigating: ${where} since ${since} UTC (${duration(now - i.startedAt)}), ${estimate} so far. Messages your customers send are kept by the platform or fetched once it recovers; you do not need to do anything. Replies you send may be delayed.`;
}
