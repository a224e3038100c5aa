import type { ChannelAdapter, ConversationSummary, UnrecoverableGap } from '../adapter.js';
import type { ChannelEvent } from '../model/events.js';
import type { Store } from '../store/types.js';

/** A conversation that moved on the platform later than the newest event we hold for it. */
export interface ConversationGap {
  platformId: string;
  conversationId: string;
  userId: string;
  /** Platform `updated_time` (ms, second precision). */
  updatedAt: number;
  /** Newest event time we hold for the conversation, or null when we have never seen it. */
  newestHeld: number | null;
}

/** Outcome of one reconciliation pass over one account. */
export interface ReconcileResult {
  channel: string;
  accountId: string;
  checkedAt: number;
  /** Conversations listed as updated since this time. */
  since: number;
  listed: number;
  gaps: ConversationGap[];
  /** Updated within the grace period: left for the next pass, their webhooks may still be on the way. */
  deferred: number;
  /** New events recovered, and known ones the backfill brought again (dropped by dedup). */
  backfilled: number;
  duplicates: number;
  unrecoverable: UnrecoverableGap[];
  /** Conversations the platform listed without a participant we could identify. */
  unidentified: number;
  /** Gaps found by sweeping (incident mode): a delivered webhook had hidden an older missed message. */
  masked: number;
  /** Gaps whose backfill failed (their conversations are listed again next pass). */
  failed: Array<{ conversationId: string; updatedAt: number; error: string }>;
  error?: string;
}

/**
 * Splits listed conversations into confirmed gaps and deferred ones. A conversation is a confirmed gap
 * when it was updated (a) after the newest event we hold for it and (b) at least `graceMs` ago.
 * Graph times have second precision: `updatedAt` is compared with our millisecond times as is, so a
 * message lost within the same second as the newest one we hold is only seen at the next update.
 */
export function classifyConversations(
  listed: readonly ConversationSummary[],
  newestHeld: ReadonlyMap<string, number | null>,
  now: number,
  graceMs: number,
): { gaps: ConversationGap[]; covered: ConversationGap[]; deferred: number; unidentified: number } {
  const gaps: ConversationGap[] = [];
  const covered: ConversationGap[] = [];
  let deferred = 0;
  let unidentified = 0;
  for (const c of listed) {
    if (!c.conversationId || !c.userId) {
      unidentified++;
      continue;
    }
    const held = newestHeld.get(c.conversationId) ?? null;
    const gap = {
      platformId: c.platformId,
      conversationId: c.conversationId,
      userId: c.userId,
      updatedAt: c.updatedAt,
      newestHeld: held,
    };
    if (held !== null && c.updatedAt <= held) {
      covered.push(gap);
      continue;
    }
    if (now - c.updatedAt < graceMs) {
      deferred++;
      continue;
    }
    gaps.push(gap);
  }
  // The longest gaps first: they are the likeliest to overflow the 20 messages the API details.
  gaps.sort((a, b) => b.updatedAt - (b.newestHeld ?? 0) - (a.updatedAt - (a.newestHeld ?? 0)));
  return { gaps, covered, deferred, unidentified };
}

/**
 * One reconciliation pass for one account: list conversations updated since `since`, find the gaps,
 * backfill each gap conversation from the newest event we hold (or `floor` for unknown ones) and feed
 * what comes back through `ingest` (dedup applies). Throws only if listing fails.
 */
export async function reconcileAccount(deps: {
  adapter: ChannelAdapter;
  accountId: string;
  store: Store;
  since: number;
  /** Backfill start for conversations we have never seen (when watching began). */
  floor: number;
  now: number;
  graceMs: number;
  ingest(events: readonly ChannelEvent[]): Promise<{ inserted: number; duplicates: number }>;
  onUnrecoverable(gap: UnrecoverableGap): Promise<void>;
  signal?: AbortSignal;
  /**
   * Incident mode: also backfill conversations that look up to date, from `from` or from when each was
   * last checked (`verified`, updated by this pass). A webhook delivered after a missed one hides the gap
   * from the time comparison; this finds it, at one backfill per conversation that moved.
   */
  sweep?: { from: number; verified: Map<string, number> };
}): Promise<ReconcileResult> {
  const { adapter, accountId, now } = deps;
  const result: ReconcileResult = {
    channel: adapter.channel,
    accountId,
    checkedAt: now,
    since: deps.since,
    listed: 0,
    gaps: [],
    deferred: 0,
    backfilled: 0,
    duplicates: 0,
    unrecoverable: [],
    unidentified: 0,
    masked: 0,
    failed: [],
  };
  if (!adapter.listConversations || !adapter.backfill) return result;
  const listed: ConversationSummary[] = [];
  for await (const c of adapter.listConversations({
    accountId,
    since: deps.since,
    ...(deps.signal ? { signal: deps.signal } : {}),
  }))
    listed.push(c);
  result.listed = listed.length;
  const held = new Map<string, number | null>();
  for (const c of listed) {
    if (!c.conversationId || held.has(c.conversationId)) continue;
    held.set(c.conversationId, (await deps.store.conversations.get(c.conversationId))?.lastEventAt ?? null);
  }
  const { gaps, covered, deferred, unidentified } = classifyConversations(listed, held, now, deps.graceMs);
  Object.assign(result, { gaps: [...gaps], deferred, unidentified });

  const withBackfill = adapter as ChannelAdapter & { backfill: NonNullable<ChannelAdapter['backfill']> };
  const attempt = async (gap: ConversationGap, since: number): Promise<number> => {
    try {
      const inserted = await backfillGap(deps, withBackfill, gap, since, result);
      deps.sweep?.verified.set(gap.conversationId, now);
      return inserted;
    } catch (error) {
      result.failed.push({
        conversationId: gap.conversationId,
        updatedAt: gap.updatedAt,
        error: error instanceof Error ? error.message : String(error),
      });
      return 0;
    }
  };
  for (const gap of gaps)
    await attempt(gap, gap.newestHeld === null ? deps.floor : nextSecond(gap.newestHeld));
  if (deps.sweep) {
    for (const c of covered) {
      const since = Math.max(deps.sweep.from, deps.sweep.verified.get(c.conversationId) ?? deps.sweep.from);
      if (c.updatedAt < Math.floor(since / 1000) * 1000) continue;
      if ((await attempt(c, since)) > 0) {
        result.gaps.push(c);
        result.masked++;
      }
    }
  }
  return result;
}

/**
 * Graph times are whole seconds: backfill starts at the second after the newest event we hold, so that
 * message is neither fetched again nor, in an overflowing conversation, counted as unrecoverable. A
 * second message lost within that same second is not seen (Graph cannot tell them apart).
 */
const nextSecond = (ms: number) => (Math.floor(ms / 1000) + 1) * 1000;

async function backfillGap(
  deps: Parameters<typeof reconcileAccount>[0],
  adapter: ChannelAdapter & { backfill: NonNullable<ChannelAdapter['backfill']> },
  gap: ConversationGap,
  since: number,
  result: ReconcileResult,
): Promise<number> {
  const events: ChannelEvent[] = [];
  const found: UnrecoverableGap[] = [];
  for await (const event of adapter.backfill({
    accountId: deps.accountId,
    since,
    until: deps.now,
    userIds: [gap.userId],
    onUnrecoverable: (u) => found.push(u),
    ...(deps.signal ? { signal: deps.signal } : {}),
  }))
    events.push(event);
  let inserted = 0;
  if (events.length) {
    const counts = await deps.ingest(events);
    inserted = counts.inserted;
    result.backfilled += counts.inserted;
    result.duplicates += counts.duplicates;
  }
  for (const reported of found) {
    // The API counts every message of the window beyond its newest 20; some may be ours already (a
    // webhook got them). Only what the store does not hold is lost.
    const total = events.length + reported.missing;
    const held = (
      await deps.store.messages.list({
        conversationId: gap.conversationId,
        limit: 100_000,
        before: deps.now + 1,
      })
    ).filter((m) => m.event !== null && m.timestamp >= Math.floor(since / 1000) * 1000).length;
    const missing = Math.min(reported.missing, Math.max(0, total - held));
    if (missing === 0) continue;
    const u = { ...reported, missing };
    result.unrecoverable.push(u);
    await deps.onUnrecoverable(u);
  }
  return inserted;
}
