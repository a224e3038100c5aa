import type { ChannelEvent } from '../model/events.js';

/** A business send waiting for its echo (Messenger/Instagram) or status (WhatsApp) webhook. */
export interface AwaitedSend {
  channel: string;
  accountId: string;
  messageId: string;
  sentAt: number;
  deadline: number;
  outboxId?: string;
}

export interface DeliveryWatch {
  /** Starts waiting for the webhook that confirms a send. */
  expect(send: Omit<AwaitedSend, 'deadline'>): void;
  /** Feeds an event; returns the awaited send it confirms, if any. */
  observe(event: ChannelEvent, now: number): AwaitedSend | undefined;
  /** Removes and returns the sends whose deadline passed. */
  overdue(now: number): AwaitedSend[];
  /** Sends still awaited for one account. */
  pending(channel: string, accountId: string): number;
}

/** Ids of the business messages an event confirms reached the webhook pipeline. */
export function confirmedIds(event: ChannelEvent): string[] {
  switch (event.kind) {
    case 'message':
      return event.direction === 'outbound' ? [event.messageId] : [];
    case 'status':
      return [event.messageId];
    case 'delivery':
      return [...event.messageIds];
    case 'read':
      return event.messageId ? [event.messageId] : [];
    case 'comment':
      // A public reply comes back as the business's own comment.
      return event.direction === 'outbound' && event.verb === 'add' ? [event.commentId] : [];
    default:
      return [];
  }
}

/**
 * Tracks business sends until a webhook confirms them. A confirmation that arrives before the send's
 * receipt is recorded (the echo can beat the Send API's answer) is remembered for one deadline.
 */
export function createDeliveryWatch(options: { deadlineMs: number }): DeliveryWatch {
  const awaited = new Map<string, AwaitedSend>();
  const early = new Map<string, number>();
  const key = (channel: string, messageId: string) => `${channel}\u0000${messageId}`;

  const prune = (now: number) => {
    for (const [k, at] of early) if (now - at > options.deadlineMs) early.delete(k);
  };

  return {
    expect(send) {
      const k = key(send.channel, send.messageId);
      if (early.delete(k)) return;
      awaited.set(k, { ...send, deadline: send.sentAt + options.deadlineMs });
    },
    observe(event, now) {
      if (event.source !== 'webhook') return undefined;
      let found: AwaitedSend | undefined;
      for (const id of confirmedIds(event)) {
        const k = key(event.channel, id);
        const hit = awaited.get(k);
        if (hit) {
          awaited.delete(k);
          found ??= hit;
        } else early.set(k, now);
      }
      if (early.size > 10_000) prune(now);
      return found;
    },
    overdue(now) {
      prune(now);
      const late: AwaitedSend[] = [];
      for (const [k, send] of awaited) {
        if (send.deadline <= now) {
          awaited.delete(k);
          late.push(send);
        }
      }
      return late;
    },
    pending(channel, accountId) {
      let n = 0;
      for (const send of awaited.values()) if (send.channel === channel && send.accountId === accountId) n++;
      return n;
    },
  };
}
