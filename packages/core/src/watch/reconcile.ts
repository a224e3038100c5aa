import type { CallPacer, ChannelAdapter, ConversationSummary, UnrecoverableGap } from '../adapter.js';
import type { ChannelEvent } from '../model/events.js';
import type { Store } from '../store/types.js';

/** A conversation whose verification found messages the engine did not hold. */
export interface ConversationGap {
  platformId: string;
  conversationId: string;
  userId: string;
  /** Platform `updated_time` (ms, second precision). */
  updatedAt: number;
  /** Start of the verified window: where the conversation had been verified up to before. */
  from: number;
  /** Missing messages fetched now and stored. */
  recovered: number;
  /** Missing messages beyond the platform's reach, named as unrecoverable. */
  unrecoverable: number;
  /** Times of the oldest and newest missing message. */
  oldestMissingAt: number;
  newestMissingAt: number;
  /** The conversation's newest message was held: a webhook delivered after the loss hid it from any time comparison. */
  masked: boolean;
}

/** Outcome of one reconciliation pass over one account. */
export interface ReconcileResult {
  channel: string;
  accountId: string;
  checkedAt: number;
  /** Conversations listed as updated since this time (where the account was verified up to). */
  since: number;
  /** Every conversation of the account is now verified up to this time (exclusive, a whole second). */
  verifiedThrough: number;
  listed: number;
  /** Conversations whose message ids were compared with the ones held. */
  verified: number;
  /** Conversations that moved but were left for the next pass (Graph call budget). */
  pending: number;
  gaps: ConversationGap[];
  /** New events recovered, and known ones fetched again (dropped by dedup). */
  backfilled: number;
  duplicates: number;
  unrecoverable: UnrecoverableGap[];
  /** Conversations the platform listed without a participant we could identify. */
  unidentified: number;
  /** Gaps whose conversation looked complete by time (see `ConversationGap.masked`). */
  masked: number;
  /** Verifications that failed (their conversations are verified again from the same point next pass). */
  failed: Array<{ conversationId: string; from: number; error: string }>;
}

/** A verifiable adapter: lists conversations and their messages. */
export type VerifyingAdapter = ChannelAdapter &
  Required<Pick<ChannelAdapter, 'listConversations' | 'conversationMessages'>>;

export const canVerify = (adapter: ChannelAdapter): adapter is VerifyingAdapter =>
  typeof adapter.listConversations === 'function' && typeof adapter.conversationMessages === 'function';

/** How many held events of a conversation are counted to rank it as busy. */
const BUSY_SAMPLE = 200;

const floorSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

interface Candidate {
  conversation: ConversationSummary & { conversationId: string; userId: string };
  from: number;
  /** Held events of the window (up to `BUSY_SAMPLE`): how busy the conversation is. */
  held: number;
  /** An event as new as the platform's `updated_time` is held: by time, the conversation looks complete. */
  covered: boolean;
}

/**
 * One reconciliation pass for one account: verify by message id every conversation that moved since it
 * was last verified. The platform's messages of each window are compared with the events held (times are
 * only a hint for the order); missing ones within the platform's reach are fetched and fed through
 * `ingest` (dedup applies), the others are named through `onUnrecoverable`. Platform times have second
 * precision, so windows are whole seconds: `[from, until)`, `until` being `graceMs` before now (webhooks
 * of the last moments may still be on the way). At most `maxConversations` are verified per pass — those
 * with a time gap first, then the longest unverified (none starves), then the busiest (the 20 messages
 * the platform details fill up first there); the account's verified-through point waits for the rest.
 * Throws only if listing fails.
 */
export async function reconcileAccount(deps: {
  adapter: VerifyingAdapter;
  accountId: string;
  store: Store;
  /** Every conversation is verified up to here (whole second, exclusive). */
  verifiedThrough: number;
  /** Conversations verified beyond `verifiedThrough` → their own point; updated in place. */
  verified: Map<string, number>;
  now: number;
  graceMs: number;
  maxConversations: number;
  ingest(events: readonly ChannelEvent[]): Promise<{ inserted: number; duplicates: number }>;
  onUnrecoverable(gap: UnrecoverableGap): Promise<void>;
  /** The call budget, handed to the adapter: it waits on it before each platform call and reports usage. */
  pacer?: CallPacer;
  signal?: AbortSignal;
}): Promise<ReconcileResult> {
  const { adapter, accountId, now } = deps;
  const since = deps.verifiedThrough;
  const until = floorSecond(now - deps.graceMs);
  const result: ReconcileResult = {
    channel: adapter.channel,
    accountId,
    checkedAt: now,
    since,
    verifiedThrough: since,
    listed: 0,
    verified: 0,
    pending: 0,
    gaps: [],
    backfilled: 0,
    duplicates: 0,
    unrecoverable: [],
    unidentified: 0,
    masked: 0,
    failed: [],
  };
  if (until <= since) return result;

  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  for await (const c of adapter.listConversations({
    accountId,
    since,
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.pacer ? { pacer: deps.pacer } : {}),
  })) {
    result.listed++;
    if (!c.conversationId || !c.userId) {
      result.unidentified++;
      continue;
    }
    if (seen.has(c.conversationId)) continue;
    seen.add(c.conversationId);
    const from = Math.max(since, deps.verified.get(c.conversationId) ?? since);
    // Not moved since it was verified, or already verified past `until`.
    if (c.updatedAt < from || from >= until) continue;
    const events = (query: { since: number; limit: number }) =>
      deps.store.events.list({ conversationId: c.conversationId as string, until: now, ...query });
    candidates.push({
      conversation: c as Candidate['conversation'],
      from,
      held: (await events({ since: from, limit: BUSY_SAMPLE })).length,
      covered: (await events({ since: c.updatedAt, limit: 1 })).length > 0,
    });
  }

  candidates.sort((a, b) => Number(a.covered) - Number(b.covered) || a.from - b.from || b.held - a.held);
  const chosen = candidates.slice(0, Math.max(1, deps.maxConversations));
  let through = until;
  for (const left of candidates.slice(chosen.length)) through = Math.min(through, left.from);
  result.pending = candidates.length - chosen.length;

  for (const candidate of chosen) {
    const { conversationId } = candidate.conversation;
    try {
      const gap = await verifyConversation(deps, candidate, until, result);
      deps.verified.set(conversationId, until);
      result.verified++;
      if (gap) {
        result.gaps.push(gap);
        if (gap.masked) result.masked++;
      }
    } catch (error) {
      through = Math.min(through, candidate.from);
      result.failed.push({
        conversationId,
        from: candidate.from,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  result.verifiedThrough = through;
  for (const [id, at] of deps.verified) if (at <= through) deps.verified.delete(id);
  return result;
}

/** Compares one conversation's window with the events held; recovers or names what is missing. */
async function verifyConversation(
  deps: Parameters<typeof reconcileAccount>[0],
  candidate: Candidate,
  until: number,
  result: ReconcileResult,
): Promise<ConversationGap | null> {
  const { conversation, from } = candidate;
  const page = await deps.adapter.conversationMessages({
    accountId: deps.accountId,
    conversation,
    since: from,
    until: until - 1,
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.pacer ? { pacer: deps.pacer } : {}),
  });
  const held = async (key: string) => (await deps.store.events.getByKey(key)) !== undefined;
  const missing: ChannelEvent[] = [];
  for (const event of page.events) if (!(await held(event.key))) missing.push(event);
  const lost = [];
  for (const ref of page.unretrievable) if (!(await held(ref.key))) lost.push(ref);
  if (missing.length === 0 && lost.length === 0) return null;

  let recovered = 0;
  if (missing.length > 0) {
    const counts = await deps.ingest(missing);
    recovered = counts.inserted;
    result.backfilled += counts.inserted;
    result.duplicates += counts.duplicates;
  }
  if (lost.length > 0) {
    const gap: UnrecoverableGap = {
      conversationId: conversation.conversationId,
      accountId: deps.accountId,
      missing: lost.length,
      messageIds: lost.map((r) => r.messageId),
      reason: `${lost.length} missing message(s) ${page.reason ? `are ${page.reason}` : 'are listed by the platform but not retrievable'}`,
    };
    result.unrecoverable.push(gap);
    await deps.onUnrecoverable(gap);
  }
  const times = [...missing.map((e) => e.timestamp), ...lost.map((r) => r.timestamp)];
  return {
    platformId: conversation.platformId,
    conversationId: conversation.conversationId,
    userId: conversation.userId,
    updatedAt: conversation.updatedAt,
    from,
    recovered,
    unrecoverable: lost.length,
    oldestMissingAt: Math.min(...times),
    newestMissingAt: Math.max(...times),
    masked: candidate.covered,
  };
}
