import type { HealthProbeResult } from '../adapter.js';
import type { ChannelEvent } from '../model/events.js';
import type { Store } from '../store/types.js';
import {
  accountRate,
  type BaselinePrior,
  type BaselineState,
  DISPERSION_BLOCK_MS,
  emptyBaseline,
  expectedEvents,
  recordBlock,
  recordEvent,
  recordExposure,
  restoreBaseline,
} from './baseline.js';
import { DAY_MS, HOUR_MS } from './poisson.js';
import type { SilenceVerdict } from './silence.js';
import type { ReconcileHealth } from './types.js';

/** Everything the watch keeps about one channel account. */
export interface AccountState {
  channel: string;
  accountId: string;
  baseline: BaselineState;
  /** Newest inbound webhook event time. */
  lastInboundAt: number | null;
  /** Exposure is recorded up to here. */
  exposedUntil: number;
  /** When this process started watching the account (window start when nothing was ever received). */
  watchingSince: number;
  silence: SilenceVerdict | null;
  reconcile: ReconcileHealth | null;
  deliveryOverdue: number;
  lastOverdueAt: number | null;
  probes: HealthProbeResult[];
  resubscriptions: Array<{ at: number; ok: boolean; error?: string }>;
  /** Conversations verified beyond `reconcile.verifiedThrough` → the point each is verified up to. */
  verified: Map<string, number>;
  /** The loss window behind a raised `webhook_gap`: cleared only once verification has passed its end. */
  gap: { windowEnd: number; newestMissingAt: number } | null;
  /** The dispersion block in progress: inbound events since `start`. */
  block: { start: number; count: number };
}

const BASELINE_KEY = 'watch:baseline:';
const RECONCILE_KEY = 'watch:reconcile:';
const VERIFIED_KEY = 'watch:verified:';

/** Customer-initiated events: what the traffic baseline counts (not echoes, statuses or receipts). */
export function isInboundTraffic(event: ChannelEvent): boolean {
  switch (event.kind) {
    case 'message':
      return event.direction === 'inbound';
    case 'reaction':
      return event.direction !== 'outbound';
    case 'postback':
    case 'referral':
    case 'edit':
    case 'delete':
    case 'optin':
      return true;
    default:
      return false;
  }
}

export function newAccountState(channel: string, accountId: string, now: number): AccountState {
  return {
    channel,
    accountId,
    baseline: emptyBaseline(),
    lastInboundAt: null,
    exposedUntil: now,
    watchingSince: now,
    silence: null,
    reconcile: null,
    deliveryOverdue: 0,
    lastOverdueAt: null,
    probes: [],
    resubscriptions: [],
    verified: new Map(),
    gap: null,
    block: { start: now, count: 0 },
  };
}

interface PersistedBaseline extends BaselineState {
  lastInboundAt: number | null;
}

/** Loads the persisted baseline and reconciliation cursor of an account; false when none was stored. */
export async function loadAccount(store: Store, state: AccountState): Promise<boolean> {
  const id = `${state.channel}:${state.accountId}`;
  const stored = await store.health.get<PersistedBaseline>(`${BASELINE_KEY}${id}`);
  if (stored) {
    state.baseline = restoreBaseline(stored);
    if (typeof stored.lastInboundAt === 'number')
      state.lastInboundAt = Math.max(state.lastInboundAt ?? 0, stored.lastInboundAt);
  }
  const reconcile = await store.health.get<ReconcileHealth & { cursor?: number }>(`${RECONCILE_KEY}${id}`);
  if (reconcile && typeof reconcile.startedAt === 'number') {
    const { cursor, ...rest } = reconcile;
    // Stores written before verification by id kept a time cursor: verify again from there.
    const through = rest.verifiedThrough ?? Math.floor((cursor ?? rest.startedAt) / 1000) * 1000;
    state.reconcile = {
      ...rest,
      verifiedThrough: through,
      behindMs: rest.behindMs ?? 0,
      pending: rest.pending ?? 0,
      conversationsVerified: rest.conversationsVerified ?? 0,
      maskedGaps: rest.maskedGaps ?? 0,
    };
    const verified = await store.health.get<Record<string, number>>(`${VERIFIED_KEY}${id}`);
    state.verified = new Map(Object.entries(verified ?? {}).filter(([, at]) => at > through));
  }
  return stored !== undefined;
}

export async function saveBaseline(store: Store, state: AccountState, at: number): Promise<void> {
  const value: PersistedBaseline = { ...state.baseline, lastInboundAt: state.lastInboundAt };
  await store.health.set(`${BASELINE_KEY}${state.channel}:${state.accountId}`, value, at);
}

export async function saveReconcile(store: Store, state: AccountState, at: number): Promise<void> {
  if (!state.reconcile) return;
  const id = `${state.channel}:${state.accountId}`;
  await store.health.set(`${VERIFIED_KEY}${id}`, Object.fromEntries(state.verified), at);
  await store.health.set(`${RECONCILE_KEY}${id}`, state.reconcile, at);
}

/**
 * Closes the dispersion blocks that ended by `now`: each adds its inbound count against what the baseline
 * expected, unless the account was in alarm (an outage is not burstiness). After a long pause (a restart)
 * the blocks in between are skipped.
 */
export function closeBlocks(state: AccountState, prior: BaselinePrior, inAlarm: boolean, now: number): void {
  if (now - state.block.start > DAY_MS) state.block = { start: now, count: 0 };
  // Closing blocks changes the dispersion only: the account-wide rate is the same for every block.
  let overall: number | undefined;
  while (now >= state.block.start + DISPERSION_BLOCK_MS) {
    const { start, count } = state.block;
    const end = start + DISPERSION_BLOCK_MS;
    overall ??= accountRate(state.baseline, prior);
    if (!inAlarm)
      recordBlock(state.baseline, count, expectedEvents(state.baseline, prior, start, end, overall));
    state.block = { start: end, count: 0 };
  }
}

/** Adds the time since the last tick to the baseline, except while the account is in a silence alarm. */
export function accrueExposure(state: AccountState, now: number, silent: boolean): void {
  if (now <= state.exposedUntil) return;
  if (!silent) recordExposure(state.baseline, state.exposedUntil, now);
  state.exposedUntil = now;
}

/**
 * Seeds baselines that have no stored state from the events already in the store (last `days` days,
 * at most `maxEvents`): inbound webhook events are counted, and each account is taken as observed from
 * its first such event until now.
 */
export async function bootstrapFromEvents(
  store: Store,
  accounts: readonly AccountState[],
  now: number,
  options: { days?: number; maxEvents?: number } = {},
): Promise<number> {
  if (accounts.length === 0) return 0;
  const byId = new Map(accounts.map((a) => [`${a.channel}:${a.accountId}`, a]));
  const first = new Map<AccountState, number>();
  const maxEvents = options.maxEvents ?? 50_000;
  let since = now - (options.days ?? 7) * DAY_MS;
  let seen = 0;
  const keysAtSince = new Set<string>();
  while (seen < maxEvents) {
    const page = await store.events.list({ since, until: now, limit: 1000 });
    const fresh = page.filter((r) => !(r.timestamp === since && keysAtSince.has(r.key)));
    if (fresh.length === 0) break;
    for (const record of fresh) {
      seen++;
      if (record.source !== 'webhook' || !isInboundTraffic(record.event)) continue;
      const state = byId.get(`${record.channel}:${record.accountId}`);
      if (!state) continue;
      recordEvent(state.baseline, record.timestamp);
      if (!first.has(state)) first.set(state, record.timestamp);
      state.lastInboundAt = Math.max(state.lastInboundAt ?? 0, record.timestamp);
    }
    const last = fresh[fresh.length - 1];
    if (!last || page.length < 1000) break;
    if (last.timestamp !== since) keysAtSince.clear();
    since = last.timestamp;
    for (const r of fresh) if (r.timestamp === since) keysAtSince.add(r.key);
  }
  for (const [state, from] of first) recordExposure(state.baseline, from, now);
  return seen;
}

/**
 * Imports traffic history into an account's baseline (hours with their inbound event counts), e.g.
 * from the system Switchboard replaces, so silence alarms work from the first day.
 *
 * @example
 * await importTrafficHistory(store, {
 *   channel: 'instagram',
 *   accountId: '17841405822304914',
 *   hours: [{ at: Date.parse('2024-07-04T15:00:00Z'), count: 93 }],
 * });
 */
export async function importTrafficHistory(
  store: Store,
  history: { channel: string; accountId: string; hours: ReadonlyArray<{ at: number; count: number }> },
): Promise<void> {
  const key = `${BASELINE_KEY}${history.channel}:${history.accountId}`;
  const stored = await store.health.get<PersistedBaseline>(key);
  const baseline = restoreBaseline(stored);
  let newest = 0;
  for (const { at, count } of history.hours) {
    const start = Math.floor(at / HOUR_MS) * HOUR_MS;
    recordEvent(baseline, start, count);
    recordExposure(baseline, start, start + HOUR_MS);
    newest = Math.max(newest, start + HOUR_MS);
  }
  await store.health.set(key, { ...baseline, lastInboundAt: stored?.lastInboundAt ?? null }, newest);
}
