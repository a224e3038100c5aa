import type { OutboundMessage, SendReceipt } from '../model/outbound.js';
import type { ClaimOptions } from './types.js';

// ---------------------------------------------------------------------------------------------------
// Outbox: durable sends.

/** `pending` waits for (re)delivery; then the platform's lifecycle, ranked like STATUS_RANK; `failed` is final. */
export type OutboxState = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface OutboxEntry {
  /** Engine-generated unique id (`ob_…`); travels as the message's `correlationId`. */
  id: string;
  /** Unique when set. */
  idempotencyKey: string | null;
  channel: string;
  accountId: string;
  userId: string;
  message: OutboundMessage;
  state: OutboxState;
  /** Send attempts made: incremented by `markSent`, `retry` and `markFailed`. */
  attempts: number;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  /** Platform message id from the receipt. */
  platformMessageId: string | null;
  receipt: SendReceipt | null;
  /** `SwitchboardError.toJSON()` of the last failure (final when `failed`). */
  error: Record<string, unknown> | null;
  createdAt: number;
  updatedAt: number;
}

export interface OutboxStore {
  /**
   * Inserts a `pending` entry (`nextAttemptAt = now`). When `idempotencyKey` is already used, inserts
   * nothing and returns the existing entry with `created: false` (unique constraint, no race).
   */
  enqueue(entry: {
    id: string;
    idempotencyKey: string | null;
    message: OutboundMessage;
    now: number;
  }): Promise<{ entry: OutboxEntry; created: boolean }>;
  /** Claims `pending`, due entries with a free or expired lease, oldest first. */
  claim(options: ClaimOptions): Promise<OutboxEntry[]>;
  /**
   * Records the platform's acceptance: stores the receipt and `platformMessageId`, sets the state to
   * `sent` unless a status already moved it further (never backwards), clears the lease.
   * `false` (nothing changed) if `owner` no longer holds the lease.
   */
  markSent(id: string, owner: string, update: { receipt: SendReceipt; at: number }): Promise<boolean>;
  /**
   * Keeps the entry `pending` for another attempt at `nextAttemptAt`: increments `attempts`, stores the
   * error, clears the lease. `false` (nothing changed) if the lease was lost or the entry is no longer
   * `pending` (an echo/status proved it was sent: it must not be sent again).
   */
  retry(
    id: string,
    owner: string,
    update: { nextAttemptAt: number; error: Record<string, unknown>; at: number },
  ): Promise<boolean>;
  /** Final failure from the sender: `failed` with the error, clears the lease. `false` if the lease was lost. */
  markFailed(
    id: string,
    owner: string,
    update: { error: Record<string, unknown>; at: number },
  ): Promise<boolean>;
  /**
   * Moves an entry forward from a platform echo/status (no lease needed), applied only when `state`
   * ranks higher (OUTBOX_STATE_RANK) than the stored state — also from `pending`, since an echo may
   * arrive before the send call returns. Sets `platformMessageId` when given and not yet known.
   * Atomic conditional update. Returns whether it applied and the entry after.
   */
  advance(
    id: string,
    update: {
      state: 'sent' | 'delivered' | 'read' | 'failed';
      at: number;
      error?: Record<string, unknown>;
      platformMessageId?: string;
    },
  ): Promise<{ applied: boolean; entry: OutboxEntry | undefined }>;
  get(id: string): Promise<OutboxEntry | undefined>;
  getByIdempotencyKey(key: string): Promise<OutboxEntry | undefined>;
  /** The entry whose receipt carried this platform message id. */
  findByPlatformMessageId(channel: string, platformMessageId: string): Promise<OutboxEntry | undefined>;
  /** Pending entries per channel/account (the backlog). */
  backlog(): Promise<Array<{ channel: string; accountId: string; pending: number; oldestCreatedAt: number }>>;
  /** Entries in a state, oldest first. */
  list(query: { state?: OutboxState; limit: number }): Promise<OutboxEntry[]>;
}
