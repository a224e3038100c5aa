import type { ChannelAdapter, HealthProbeResult, HealthStatus } from '../adapter.js';
import type { AlarmCenter, AlarmType } from './alarms.js';
import { type BaselinePrior, DEFAULT_PRIOR, observedHours } from './baseline.js';
import type { AwaitedSend } from './delivery.js';
import { alarmTypeOfProbe } from './probes.js';
import type { ReconcileResult } from './reconcile.js';
import { checkSilence, type SilenceOptions } from './silence.js';
import { type AccountState, accrueExposure, closeBlocks } from './state.js';

const RANK: Record<HealthStatus, number> = { ok: 0, degraded: 1, down: 2 };
const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

/** Merges the default, global and per-account priors. */
export function priorFor(
  options: { prior?: Partial<BaselinePrior>; priors?: Record<string, Partial<BaselinePrior>> },
  channel: string,
  accountId: string,
): BaselinePrior {
  return { ...DEFAULT_PRIOR, ...options.prior, ...options.priors?.[`${channel}:${accountId}`] };
}

/** One silence check of one account: updates exposure and the verdict, raises the alarm when due. */
export function silenceTick(input: {
  state: AccountState;
  prior: BaselinePrior;
  options: SilenceOptions;
  alarms: AlarmCenter;
  enabled: boolean;
  /** The account is in an open platform or app incident: its silence is not its traffic to learn. */
  inOutage?: boolean;
  now: number;
}): void {
  const { state, alarms, now } = input;
  const silent = alarms.isRaised('silence', state.channel, state.accountId);
  accrueExposure(state, now, silent || input.inOutage === true);
  closeBlocks(
    state,
    input.prior,
    silent || input.inOutage === true || alarms.isRaised('webhook_gap', state.channel, state.accountId),
    now,
  );
  const verdict = checkSilence({
    state: state.baseline,
    prior: input.prior,
    options: input.options,
    observedHours: observedHours(state.baseline),
    windowStart: Math.max(state.lastInboundAt ?? state.watchingSince, state.watchingSince),
    now,
  });
  state.silence = verdict;
  if (!input.enabled || !verdict.alarm || silent) return;
  alarms.raise({
    type: 'silence',
    channel: state.channel,
    accountId: state.accountId,
    severity: 'critical',
    message:
      `no inbound ${state.channel} event for ${minutes(verdict.windowMs)} where ${verdict.expected.toFixed(1)} were expected ` +
      `(${verdict.ratePerHour.toFixed(1)}/h): P = ${verdict.probability.toExponential(2)} < ${verdict.threshold.toExponential(2)}`,
    data: { ...verdict },
  });
}

/** Raises `delivery_pipeline` for accounts with sends whose echo / status did not come back in time. */
export function deliveryTick(
  overdue: readonly AwaitedSend[],
  states: (channel: string, accountId: string) => AccountState,
  alarms: AlarmCenter,
  deadlineMs: number,
  now: number,
): void {
  const byAccount = new Map<string, AwaitedSend[]>();
  for (const send of overdue) {
    const k = `${send.channel}\u0000${send.accountId}`;
    byAccount.set(k, [...(byAccount.get(k) ?? []), send]);
  }
  for (const sends of byAccount.values()) {
    const first = sends[0];
    if (!first) continue;
    const state = states(first.channel, first.accountId);
    state.deliveryOverdue += sends.length;
    state.lastOverdueAt = now;
    alarms.raise({
      type: 'delivery_pipeline',
      channel: first.channel,
      accountId: first.accountId,
      severity: 'critical',
      message: `${sends.length} send(s) got no echo or status webhook within ${minutes(deadlineMs)}: webhooks may not be arriving`,
      data: {
        overdue: sends.length,
        totalOverdue: state.deliveryOverdue,
        messageIds: sends.slice(0, 20).map((s) => s.messageId),
        deadlineMs,
      },
      repeat: true,
    });
  }
}

const time = (ms: number) => new Date(ms).toISOString();

/**
 * Applies one reconciliation pass to the account state and the `webhook_gap` alarm. The alarm covers a
 * loss window; it clears only once every conversation is verified past that window's end and a webhook
 * newer than the newest missing message has arrived (webhooks flow again).
 */
export function applyReconcile(state: AccountState, result: ReconcileResult, alarms: AlarmCenter): void {
  const r = state.reconcile;
  if (!r) return;
  r.lastRunAt = result.checkedAt;
  r.passes += 1;
  r.conversationsVerified += result.verified;
  r.pending = result.pending;
  r.gapsFound += result.gaps.length;
  r.maskedGaps += result.masked;
  r.backfilled += result.backfilled;
  const lost = result.unrecoverable.reduce((n, u) => n + u.missing, 0);
  r.unrecoverable += lost;
  r.lastError = result.failed.length
    ? `${result.failed.length} conversation verification(s) failed: ${result.failed[0]?.error}`
    : null;
  r.verifiedThrough = Math.max(r.verifiedThrough, result.verifiedThrough);
  r.behindMs = result.checkedAt - r.verifiedThrough;

  if (result.gaps.length > 0) {
    const recovered = result.gaps.reduce((n, g) => n + g.recovered, 0);
    const newestMissingAt = Math.max(...result.gaps.map((g) => g.newestMissingAt));
    const oldestMissingAt = Math.min(...result.gaps.map((g) => g.oldestMissingAt));
    state.gap = {
      windowEnd: result.checkedAt,
      newestMissingAt: Math.max(state.gap?.newestMissingAt ?? 0, newestMissingAt),
    };
    alarms.raise({
      type: 'webhook_gap',
      channel: state.channel,
      accountId: state.accountId,
      severity: 'critical',
      message:
        `${result.gaps.length} conversation(s) missed messages between ${time(oldestMissingAt)} and ${time(newestMissingAt)}` +
        (result.masked ? ` (${result.masked} hidden by a later webhook)` : '') +
        `: ${recovered} recovered` +
        (lost ? `, ${lost} beyond the API's reach` : ''),
      data: {
        gaps: result.gaps.length,
        masked: result.masked,
        conversations: result.gaps.slice(0, 50).map((g) => g.conversationId),
        oldestMissingAt,
        newestMissingAt,
        backfilled: result.backfilled,
        duplicates: result.duplicates,
        unrecoverable: lost,
        unrecoverableConversations: result.unrecoverable.map((u) => u.conversationId),
        verifiedThrough: r.verifiedThrough,
        totalGaps: r.gapsFound,
        totalBackfilled: r.backfilled,
        totalUnrecoverable: r.unrecoverable,
      },
      repeat: true,
    });
    return;
  }
  const gap = state.gap;
  if (!gap || result.failed.length > 0 || r.verifiedThrough < gap.windowEnd) return;
  if ((state.lastInboundAt ?? 0) <= gap.newestMissingAt) return;
  state.gap = null;
  alarms.clear(
    'webhook_gap',
    state.channel,
    state.accountId,
    `every conversation verified through ${time(r.verifiedThrough)}: nothing else missing, and webhooks arrive again`,
  );
}

/** Raises or clears `subscription`, `token` and `probe` alarms from one probe run of one account. */
export function applyProbes(
  adapter: ChannelAdapter,
  accountId: string,
  results: readonly HealthProbeResult[],
  alarms: AlarmCenter,
  resubscribed: { ok: boolean; error?: string } | undefined,
): void {
  const byType = new Map<AlarmType, HealthProbeResult[]>();
  for (const r of results) {
    const type = alarmTypeOfProbe(r.probe);
    byType.set(type, [...(byType.get(type) ?? []), r]);
  }
  for (const [type, list] of byType) {
    const bad = list.filter((r) => r.status !== 'ok');
    if (bad.length === 0) {
      alarms.clear(type, adapter.channel, accountId, `${list.map((r) => r.probe).join(', ')} ok`);
      continue;
    }
    const worst = bad.reduce((a, b) => (RANK[b.status] > RANK[a.status] ? b : a));
    let message = bad.map((r) => `${r.probe}: ${r.reason}`).join('; ');
    if (type === 'subscription' && resubscribed)
      message = resubscribed.ok
        ? `the app was not subscribed (${worst.reason}); the engine resubscribed it automatically`
        : `the app is not subscribed and automatic resubscription failed: ${resubscribed.error}`;
    alarms.raise({
      type,
      channel: adapter.channel,
      accountId,
      severity: worst.status === 'down' || type === 'subscription' ? 'critical' : 'warning',
      message,
      data: {
        probes: bad.map((r) => ({ probe: r.probe, status: r.status, reason: r.reason, data: r.data })),
        ...(type === 'subscription' && resubscribed ? { resubscribed } : {}),
      },
      repeat: type === 'subscription' && resubscribed !== undefined,
    });
  }
}
