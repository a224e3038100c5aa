import type { ChannelEvent, EventKind } from '../model/events.js';

/** Content first, then what refers to content (reactions, edits), then receipts and statuses. */
const KIND_PHASE: Record<EventKind, number> = {
  message: 0,
  postback: 0,
  referral: 0,
  optin: 0,
  handover: 0,
  call: 0,
  group: 0,
  account: 0,
  template: 0,
  unsupported: 0,
  reaction: 1,
  edit: 1,
  delete: 1,
  delivery: 2,
  read: 2,
  status: 2,
};

/**
 * Orders one batch for dispatch: messages before the statuses of the same batch, and each
 * conversation's events in timestamp order within a phase. Stable for equal keys.
 */
export function orderForDispatch<E extends ChannelEvent>(events: readonly E[]): E[] {
  return events
    .map((event, index) => ({ event, index }))
    .sort(
      (a, b) =>
        KIND_PHASE[a.event.kind] - KIND_PHASE[b.event.kind] ||
        a.event.timestamp - b.event.timestamp ||
        a.index - b.index,
    )
    .map(({ event }) => event);
}

/** Groups items by conversation (events without one share a group), keeping order inside each group. */
export function groupByConversation<T>(
  items: readonly T[],
  conversationOf: (item: T) => string | null | undefined,
): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = conversationOf(item) ?? '';
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

/** The event's conversation id, or null for account-level events (and unsupported items without one). */
export function conversationOfEvent(event: ChannelEvent): string | null {
  return 'conversationId' in event && typeof event.conversationId === 'string' ? event.conversationId : null;
}
