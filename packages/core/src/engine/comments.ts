import type { ChannelAdapter } from '../adapter.js';
import { SwitchboardError } from '../errors.js';
import type { BucketSpec } from '../limiter.js';
import type { ParsedOutboundMessage } from '../model/outbound.js';
import type { MessageStore, OutboxEntry, OutboxStore } from '../store/types.js';

/** What a message addressed to a comment does: act on it (public reply, moderation) or answer privately. */
export type CommentTarget = 'action' | 'private_reply';

export function commentTargetOf(
  message: Pick<ParsedOutboundMessage, 'to' | 'content'>,
): CommentTarget | undefined {
  if (message.to.commentId === undefined) return undefined;
  const type = message.content.type;
  return type === 'public_reply' || type === 'comment_moderation' ? 'action' : 'private_reply';
}

/** Outbox idempotency key of the `n`th attempt (1-based) at a private reply to one comment. */
export function privateReplyKey(channel: string, accountId: string, commentId: string, n: number): string {
  const base = `private-reply:${channel}:${accountId}:${commentId}`;
  return n === 1 ? base : `${base}#${n}`;
}

/**
 * Whether a failed private reply leaves the comment answerable: the platform refused for a reason of the
 * comment itself (window closed, already answered, gone) → no; a local check, credentials, permissions or
 * an outage → yes, one more attempt is allowed.
 */
function commentStillAnswerable(error: SwitchboardError): boolean {
  if (error.code === 'OUTSIDE_WINDOW') return false;
  const answeredByPlatform = error.platform?.code !== undefined;
  if (!answeredByPlatform) return true;
  return !['INVALID_REQUEST', 'NOT_FOUND', 'RECIPIENT_UNAVAILABLE', 'POLICY_BLOCKED'].includes(error.code);
}

/**
 * The idempotency key a private reply is queued under, or the refusal: a comment gets one private reply.
 * Earlier attempts are chained (`…`, `…#2`, `…#3`): a live or sent one refuses a new reply (unless it is
 * the same request again, by its own idempotency key: then that entry is returned), a failed one refuses
 * it when the platform refused for the comment itself, and allows the next attempt otherwise.
 */
export async function privateReplySlot(
  outbox: Pick<OutboxStore, 'getByIdempotencyKey'>,
  message: ParsedOutboundMessage,
): Promise<{ key: string } | { existing: OutboxEntry }> {
  const { channel, accountId, commentId = '' } = message.to;
  for (let n = 1; ; n++) {
    const key = privateReplyKey(channel, accountId, commentId, n);
    const earlier = await outbox.getByIdempotencyKey(key);
    if (!earlier) return { key };
    const sameRequest =
      message.idempotencyKey !== undefined && earlier.message.idempotencyKey === message.idempotencyKey;
    if (sameRequest) return { existing: earlier };
    if (earlier.state !== 'failed') {
      throw new SwitchboardError(
        'INVALID_REQUEST',
        `comment ${commentId} already has a private reply (outbox ${earlier.id}, ${earlier.state}); a comment gets one`,
        { retryable: false },
      );
    }
    const error = SwitchboardError.fromJSON(earlier.error ?? {});
    if (!commentStillAnswerable(error)) {
      throw new SwitchboardError(
        error.code,
        `comment ${commentId} cannot get a private reply: the platform refused outbox ${earlier.id} (${error.message})`,
        { retryable: false, ...(error.platform ? { platform: error.platform } : {}) },
      );
    }
  }
}

/**
 * Refuses a private reply whose comment is older than the channel's window (`limits.privateReplies`),
 * before any platform call, when the read model holds the comment (its time is the comment's own). An
 * unknown comment (read model off, or never received) is left to the platform, which answers the same.
 */
export async function checkPrivateReplyWindow(
  messages: Pick<MessageStore, 'get'>,
  adapter: ChannelAdapter,
  message: ParsedOutboundMessage,
  now: number,
): Promise<void> {
  const windowHours = adapter.limits.privateReplies?.windowHours;
  const { channel, commentId } = message.to;
  if (windowHours === undefined || commentId === undefined) return;
  const comment = await messages.get(channel, commentId);
  if (!comment || now - comment.timestamp <= windowHours * 3_600_000) return;
  throw new SwitchboardError(
    'OUTSIDE_WINDOW',
    `comment ${commentId} is ${Math.floor((now - comment.timestamp) / 3_600_000)} h old: a private reply is allowed within ${windowHours} h`,
    { retryable: false },
  );
}

/** Rate-limit buckets of a message addressed to a comment (undefined: an ordinary send). */
export function commentBuckets(adapter: ChannelAdapter, entry: OutboxEntry): BucketSpec[] | undefined {
  const { limits } = adapter;
  const to = entry.message.to;
  if (to.commentId === undefined) return undefined;
  const target = commentTargetOf(entry.message as ParsedOutboundMessage);
  if (target === 'action') {
    const rate = limits.commentActionsPerSecond ?? limits.sendPerSecond;
    return [
      {
        key: `comment:${entry.channel}:${entry.accountId}`,
        ratePerSecond: rate,
        burst: Math.max(1, Math.ceil(rate)),
      },
    ];
  }
  const rate = limits.sendPerSecond;
  const buckets: BucketSpec[] = [
    {
      key: `send:${entry.channel}:${entry.accountId}`,
      ratePerSecond: rate,
      burst: Math.max(1, Math.ceil(rate)),
    },
  ];
  const own = limits.privateReplies;
  if (own) {
    buckets.push({
      key: `private-reply:${entry.channel}:${entry.accountId}`,
      ratePerSecond: own.ratePerSecond,
      burst: Math.max(1, own.burst),
    });
  }
  return buckets;
}
