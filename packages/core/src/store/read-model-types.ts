import type { ChannelEvent, MessageStatus } from '../model/events.js';

// ---------------------------------------------------------------------------------------------------
// Conversations and messages: the read model the app and reconciliation use.

export interface ConversationRecord {
  id: string;
  channel: string;
  accountId: string;
  userId: string;
  /** Newest event time seen in this conversation (epoch ms). */
  lastEventAt: number;
  /** Newest inbound message time, or null. */
  lastInboundAt: number | null;
  /** First time the conversation was seen. */
  createdAt: number;
}

export interface ConversationStore {
  /**
   * Creates the conversation or moves its times forward (`max` of stored and given; never backwards).
   */
  touch(update: {
    id: string;
    channel: string;
    accountId: string;
    userId: string;
    eventAt: number;
    inboundAt?: number;
  }): Promise<void>;
  get(id: string): Promise<ConversationRecord | undefined>;
  /** Newest `lastEventAt` first. */
  list(query: { channel?: string; accountId?: string; limit: number }): Promise<ConversationRecord[]>;
}

export interface MessageRecord {
  channel: string;
  /** Platform message id (mid / wamid). Unique per channel. */
  messageId: string;
  conversationId: string;
  accountId: string;
  direction: 'inbound' | 'outbound';
  /** Epoch ms. */
  timestamp: number;
  text: string | null;
  /** The `message` event as received, or null when only a status is known. */
  event: ChannelEvent | null;
  status: MessageStatus | null;
  statusAt: number | null;
  /** Outbox id for our own sends. */
  correlationId: string | null;
}

export interface MessageStore {
  /**
   * Inserts the message or fills in its content (idempotent; keeps an existing status). A row created
   * earlier by `setStatus` (status arrived first) receives the content.
   */
  upsert(message: Omit<MessageRecord, 'status' | 'statusAt'>): Promise<void>;
  /**
   * Sets the status only if its `STATUS_RANK` is higher than the stored one (or none is stored): `read`
   * is never overwritten by a late `delivered`. Creates a stand-in row when the message is unknown.
   * Returns whether it was applied and the status now stored. Atomic (single conditional UPDATE / upsert).
   */
  setStatus(update: {
    channel: string;
    messageId: string;
    conversationId: string;
    accountId: string;
    status: MessageStatus;
    at: number;
    correlationId?: string;
  }): Promise<{ applied: boolean; status: MessageStatus }>;
  get(channel: string, messageId: string): Promise<MessageRecord | undefined>;
  /** Oldest first by timestamp. */
  list(query: { conversationId: string; limit: number; before?: number }): Promise<MessageRecord[]>;
}

// ---------------------------------------------------------------------------------------------------
// Dead letters, health state, counters.

export interface DeadLetter {
  id: number;
  /** What died: a raw inbox body (unparseable) or an event whose handlers kept failing. */
  source: 'inbox' | 'event' | 'outbox';
  /** Inbox id, event key or outbox id. */
  ref: string;
  channel: string;
  /** A SwitchboardError code when one applies (e.g. PAYLOAD_INVALID), else HANDLER_FAILED. */
  code: string;
  reason: string;
  attempts: number;
  at: number;
}

export interface DeadLetterStore {
  add(letter: Omit<DeadLetter, 'id'>): Promise<{ id: number }>;
  /** Newest first. */
  list(query: { source?: DeadLetter['source']; since?: number; limit: number }): Promise<DeadLetter[]>;
  count(): Promise<number>;
}

/** Small JSON values kept across restarts: baselines, last probe results, reconciliation cursors. */
export interface HealthStateStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, at: number): Promise<void>;
  /** All keys starting with `prefix`, sorted by key. */
  list(prefix: string): Promise<Array<{ key: string; value: unknown; updatedAt: number }>>;
  delete(key: string): Promise<void>;
}

/**
 * Durable monotonic counters for loss accounting (received, deduplicated, backfilled, unrecoverable...),
 * so the totals survive restarts. `add` is atomic (`UPDATE … SET value = value + ?` / upsert).
 */
export interface CounterStore {
  add(name: string, delta: number): Promise<number>;
  get(name: string): Promise<number>;
  /** All counters whose name starts with `prefix`, sorted by name. */
  list(prefix?: string): Promise<Array<{ name: string; value: number }>>;
}
