import { createHash } from 'node:crypto';
import { SwitchboardError } from '../errors.js';
import type { ChannelEvent } from '../model/events.js';
import type { OutboundContent, OutboundMessage } from '../model/outbound.js';
import type { OutboxEntry } from '../store/types.js';
import type { ReplyOptions } from './types.js';

/** Outbox idempotency keys are at most 256 characters: a longer derived key is hashed. */
const MAX_KEY = 256;

/** The idempotency key of the `n`th reply (or the named one) to an event: the same on every attempt. */
export function replyKey(event: ChannelEvent, name: string): string {
  const key = `reply:${event.channel}:${event.key}:${name}`;
  if (key.length <= MAX_KEY) return key;
  return `reply:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * The `reply` of one dispatch of one event, shared by all its handlers so their replies are numbered in
 * the order they are made (handlers run one after the other, in registration order).
 */
export function createReply(
  event: ChannelEvent,
  send: (message: OutboundMessage) => Promise<OutboxEntry>,
): (content: OutboundContent, options?: ReplyOptions) => Promise<OutboxEntry> {
  let count = 0;
  return async (content, options = {}) => {
    count++;
    const groupId = 'groupId' in event ? event.groupId : undefined;
    // A group event names no participant: the group itself is the addressee.
    const userId = ('userId' in event ? event.userId : undefined) ?? groupId;
    if (!userId) {
      throw new SwitchboardError(
        'INVALID_REQUEST',
        `cannot reply to a ${event.kind} event (${event.key}): it belongs to no conversation`,
      );
    }
    return send({
      ...options.message,
      // In a group, the reply goes to the group, not privately to the participant.
      to: {
        channel: event.channel,
        accountId: event.accountId,
        userId,
        ...(groupId ? { groupId } : {}),
      },
      content,
      idempotencyKey: replyKey(event, options.key === undefined ? String(count) : `k:${options.key}`),
    });
  };
}
