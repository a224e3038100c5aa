import type { MessageStatus } from '../model/events.js';
import type { OutboxState } from './outbox-types.js';

/** Order in which statuses may replace each other: a status never goes backwards. */
export const STATUS_RANK: Record<MessageStatus, number> = {
  sent: 1,
  delivered: 2,
  read: 3,
  failed: 4,
  deleted: 5,
};

/** Rank for monotonic outbox transitions: pending < sent < delivered < read < failed. */
export const OUTBOX_STATE_RANK: Record<OutboxState, number> = {
  pending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  failed: 4,
};
