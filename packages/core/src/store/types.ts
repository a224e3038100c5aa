import type { ChannelEvent, EventKind, EventSource } from '../model/events.js';
import type { AccountStore } from './account-types.js';
import type { CredentialStore } from './credential-types.js';
import type { OutboxStore } from './outbox-types.js';
import type { UserProfileStore } from './profile-types.js';
import type {
  ConversationStore,
  CounterStore,
  DeadLetterStore,
  HealthStateStore,
  MessageStore,
} from './read-model-types.js';
import type { TemplateStore } from './template-types.js';

export * from './account-types.js';
export type * from './credential-types.js';
export * from './outbox-types.js';
export type * from './profile-types.js';
export type * from './read-model-types.js';
export type * from './template-types.js';

/**
 * The persistence contract of Switchboard. One implementation per backend: `createMemoryStore()` (core),
 * `createSqliteStore()` (`@switchboard/store-sqlite`), `createPostgresStore()` (`@switchboard/store-postgres`).
 * `@switchboard/testkit`'s `storeContract()` runs the same conformance suite against each.
 *
 * Rules every implementation keeps:
 * - Every method is async. A resolved promise from a write means the write is **durable** under the
 *   store's durability setting; a failure rejects (the engine turns it into 503 / a retry), never resolves.
 * - Time is passed in (`now`, `receivedAt`, `at`, epoch ms from the engine's Clock); stores never read
 *   their own clock, so tests with a ManualClock and many instances with one store stay consistent.
 * - Work rows (inbox, events, outbox) are **claimed with a lease**: `owner` (an instance id) plus
 *   `leaseExpiresAt = now + leaseMs`. A row is claimable when it is `pending`, `nextAttemptAt <= now` and
 *   its lease is absent or expired. Claims by concurrent instances never return the same row
 *   (Postgres: `FOR UPDATE SKIP LOCKED`). Completing or rescheduling a row requires holding its lease:
 *   the call returns `false` (and changes nothing) when the lease was lost to another owner.
 * - Uniqueness is enforced by the backend (unique constraint / `ON CONFLICT DO NOTHING`), never by a
 *   read-then-write: event `key`, outbox `idempotencyKey`.
 * - Statuses never go backwards: a write with a lower `STATUS_RANK` than the stored one is ignored.
 *
 * @example
 * const store = createMemoryStore();
 * const { id } = await store.inbox.append({ channel: 'whatsapp', body, headers: {}, receivedAt: Date.now() });
 * const [row] = await store.inbox.claim({ owner: 'worker-1', limit: 10, leaseMs: 30_000, now: Date.now() });
 */
export interface Store {
  inbox: InboxStore;
  events: EventStore;
  conversations: ConversationStore;
  messages: MessageStore;
  outbox: OutboxStore;
  deadLetters: DeadLetterStore;
  health: HealthStateStore;
  counters: CounterStore;
  /** The account registry (tenants, status, token metadata) behind `switchboard.accounts`. */
  accounts: AccountStore;
  /** Sealed account tokens and app secrets behind `switchboard.accounts` and `switchboard.apps` (never plaintext). */
  credentials: CredentialStore;
  /** Message templates as last seen through the template API and template webhooks; `send` consults it. */
  templates: TemplateStore;
  /** Cached user profiles (names, avatars) with their expiry, behind `switchboard.profiles`. */
  profiles: UserProfileStore;
  /** Flushes pending writes and releases the backend. Further calls reject with STORE_UNAVAILABLE. */
  close(): Promise<void>;
}

/** Options of every claim: who claims, how many, for how long, at what time. */
export interface ClaimOptions {
  /** Identifies the claiming instance/worker; leases are checked against it. */
  owner: string;
  limit: number;
  leaseMs: number;
  /** Epoch ms from the engine's clock. */
  now: number;
}

/** Lifecycle of a work row. `dead` rows are kept (dead letters reference them), never deleted. */
export type WorkState = 'pending' | 'done' | 'dead';

/** Reschedule a claimed row for a later attempt (increments `attempts`, clears the lease). */
export interface RetryOptions {
  nextAttemptAt: number;
  /** Why the last attempt failed (readable; no secrets). */
  error: string;
}

// ---------------------------------------------------------------------------------------------------
// Inbox: raw webhook bodies, written on the ack path.

/** What the ack path stores: the exact raw bytes, the headers that matter, and when they arrived. */
export interface InboxAppend {
  channel: string;
  body: Uint8Array;
  /** Lower-case header names → values (signature, content-type, user-agent). */
  headers: Record<string, string>;
  /** Epoch ms. */
  receivedAt: number;
}

export interface InboxRow extends InboxAppend {
  /** Monotonically increasing with append order (SQL: integer identity). */
  id: number;
  state: WorkState;
  /** Failed attempts so far (incremented by `retry`). */
  attempts: number;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  /** Last processing error or dead reason. */
  error: string | null;
}

export interface InboxStore {
  /**
   * Stores one raw body durably. Resolves only once the row would survive a crash under the store's
   * durability setting (SQLite: group commit — concurrent appends share one transaction/fsync). The row
   * starts `pending`, `nextAttemptAt = receivedAt`.
   */
  append(row: InboxAppend): Promise<{ id: number }>;
  /** Claims claimable rows in `id` order and leases them to `owner`. */
  claim(options: ClaimOptions): Promise<InboxRow[]>;
  /** Marks a claimed row `done`. `false` if `owner` no longer holds the lease. */
  complete(id: number, owner: string): Promise<boolean>;
  /**
   * Optional: marks several claimed rows `done` in one statement (rows whose lease `owner` lost are left
   * alone). The processor uses it for the rows of a claimed batch; without it, `complete` per row.
   */
  completeMany?(ids: readonly number[], owner: string): Promise<void>;
  /** Puts a claimed row back to `pending` for a later attempt. `false` if the lease was lost. */
  retry(id: number, owner: string, options: RetryOptions): Promise<boolean>;
  /** Marks a claimed row `dead` with `reason` (the caller also adds a dead letter). `false` if the lease was lost. */
  kill(id: number, owner: string, reason: string): Promise<boolean>;
  /**
   * Forces a row (any state, no lease needed) back to `done` or `dead` after a replay re-processed it.
   * Used by `replay`, which holds no lease.
   */
  setState(id: number, state: WorkState, error?: string | null): Promise<void>;
  get(id: number): Promise<InboxRow | undefined>;
  /**
   * Rows with `since <= receivedAt <= until` (any state), in `id` order, for replay.
   * Page with `afterId` (exclusive) and `limit`.
   */
  listByReceivedAt(query: {
    since: number;
    until: number;
    channel?: string;
    afterId?: number;
    limit: number;
  }): Promise<InboxRow[]>;
  /** Number of rows per state. */
  count(): Promise<Record<WorkState, number>>;
}

// ---------------------------------------------------------------------------------------------------
// Events: parsed events, deduplicated by key, then dispatched to handlers.

export interface EventRecord {
  /** Monotonically increasing with insertion order; dispatch order within a claim. */
  seq: number;
  key: string;
  kind: EventKind;
  channel: string;
  accountId: string;
  conversationId: string | null;
  /** Event time, epoch ms. */
  timestamp: number;
  source: EventSource;
  /** The inbox row it came from (null for `ingest`ed / backfilled events). */
  inboxId: number | null;
  event: ChannelEvent;
  state: WorkState;
  /** Failed dispatch attempts so far (incremented by `retry`). */
  attempts: number;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  error: string | null;
  /** Epoch ms of insertion. */
  createdAt: number;
}

/** Outcome of one dedup insert, in the order of the input. */
export interface EventInsertResult {
  key: string;
  result: 'inserted' | 'duplicate';
  /** The stored row's seq (the existing row's for a duplicate). */
  seq: number;
}

export interface EventStore {
  /**
   * Inserts events with a unique constraint on `key` (never read-then-write): each is `inserted` or
   * `duplicate`. Inserted rows start `pending` and are **already leased to `owner`** until
   * `now + leaseMs`, so the inserting processor dispatches them directly; after a crash they become
   * claimable when the lease expires. Input order is kept for `seq`. All rows in one transaction.
   * A duplicate key inside the same call is `duplicate` for its second occurrence.
   */
  insertMany(
    events: readonly ChannelEvent[],
    options: { inboxId: number | null; owner: string; leaseMs: number; now: number },
  ): Promise<EventInsertResult[]>;
  /** Claims pending, due, unleased (or lease-expired) events in `seq` order. */
  claim(options: ClaimOptions): Promise<EventRecord[]>;
  complete(seq: number, owner: string): Promise<boolean>;
  /** Optional: `complete` for several events in one statement (the dispatcher's done marks of a chunk). */
  completeMany?(seqs: readonly number[], owner: string): Promise<void>;
  retry(seq: number, owner: string, options: RetryOptions): Promise<boolean>;
  kill(seq: number, owner: string, reason: string): Promise<boolean>;
  getByKey(key: string): Promise<EventRecord | undefined>;
  /** Events of one conversation (or all) with `since <= timestamp <= until`, by timestamp then seq. */
  list(query: {
    conversationId?: string;
    since?: number;
    until?: number;
    limit: number;
  }): Promise<EventRecord[]>;
  count(): Promise<Record<WorkState, number>>;
}
