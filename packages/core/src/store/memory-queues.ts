import { conversationOfEvent } from '../engine/ordering.js';
import { SwitchboardError } from '../errors.js';
import type { ChannelEvent } from '../model/events.js';
import type {
  ClaimOptions,
  EventInsertResult,
  EventRecord,
  EventStore,
  InboxRow,
  InboxStore,
  RetryOptions,
  WorkState,
} from './types.js';

/** Fields shared by every leased work row. */
export interface WorkRow {
  state: WorkState;
  attempts: number;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  error: string | null;
}

export interface MemoryGuard {
  check(): void;
}

export function claimable(row: WorkRow, now: number): boolean {
  return (
    row.state === 'pending' &&
    row.nextAttemptAt <= now &&
    (row.leaseOwner === null || (row.leaseExpiresAt ?? 0) <= now)
  );
}

export function holds(row: WorkRow | undefined, owner: string): row is WorkRow {
  return row !== undefined && row.state === 'pending' && row.leaseOwner === owner;
}

function lease<T extends WorkRow>(rows: Iterable<T>, options: ClaimOptions): T[] {
  const out: T[] = [];
  for (const row of rows) {
    if (out.length >= options.limit) break;
    if (!claimable(row, options.now)) continue;
    row.leaseOwner = options.owner;
    row.leaseExpiresAt = options.now + options.leaseMs;
    out.push(row);
  }
  return out;
}

function release(row: WorkRow): void {
  row.leaseOwner = null;
  row.leaseExpiresAt = null;
}

function finish(row: WorkRow | undefined, owner: string, state: WorkState, error?: string): boolean {
  if (!holds(row, owner)) return false;
  row.state = state;
  if (error !== undefined) row.error = error;
  release(row);
  return true;
}

/**
 * The rows still pending, in insertion order: a claim walks these instead of every row ever stored
 * (a drained store holds millions of done rows). Rows only ever leave the pending state.
 */
function pendingIndex<K, T extends WorkRow>() {
  const rows = new Map<K, T>();
  return {
    add(key: K, row: T) {
      rows.set(key, row);
    },
    /** Drops the row once it is no longer pending (done or dead). */
    sync(key: K, row: T | undefined) {
      if (row && row.state !== 'pending') rows.delete(key);
    },
    values: () => rows.values(),
  };
}

function reschedule(row: WorkRow | undefined, owner: string, options: RetryOptions): boolean {
  if (!holds(row, owner)) return false;
  row.attempts += 1;
  row.nextAttemptAt = options.nextAttemptAt;
  row.error = options.error;
  release(row);
  return true;
}

function countStates(rows: Iterable<WorkRow>): Record<WorkState, number> {
  const out: Record<WorkState, number> = { pending: 0, done: 0, dead: 0 };
  for (const row of rows) out[row.state] += 1;
  return out;
}

const copy = <T>(value: T): T => structuredClone(value);

export function createMemoryInbox(guard: MemoryGuard): InboxStore {
  const rows = new Map<number, InboxRow>();
  const pending = pendingIndex<number, InboxRow>();
  let nextId = 1;
  return {
    async append(input) {
      guard.check();
      const id = nextId++;
      const row: InboxRow = {
        id,
        channel: input.channel,
        body: new Uint8Array(input.body),
        headers: { ...input.headers },
        receivedAt: input.receivedAt,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: input.receivedAt,
        leaseOwner: null,
        leaseExpiresAt: null,
        error: null,
      };
      rows.set(id, row);
      pending.add(id, row);
      return { id };
    },
    async claim(options) {
      guard.check();
      return lease(pending.values(), options).map(copy);
    },
    async complete(id, owner) {
      guard.check();
      const row = rows.get(id);
      const done = finish(row, owner, 'done');
      pending.sync(id, row);
      return done;
    },
    async retry(id, owner, options) {
      guard.check();
      return reschedule(rows.get(id), owner, options);
    },
    async kill(id, owner, reason) {
      guard.check();
      const row = rows.get(id);
      const killed = finish(row, owner, 'dead', reason);
      pending.sync(id, row);
      return killed;
    },
    async setState(id, state, error) {
      guard.check();
      const row = rows.get(id);
      if (!row) throw new SwitchboardError('NOT_FOUND', `inbox row ${id} does not exist`);
      row.state = state;
      if (error !== undefined) row.error = error;
      release(row);
      pending.sync(id, row);
    },
    async get(id) {
      guard.check();
      const row = rows.get(id);
      return row ? copy(row) : undefined;
    },
    async listByReceivedAt(query) {
      guard.check();
      const out: InboxRow[] = [];
      for (const row of rows.values()) {
        if (out.length >= query.limit) break;
        if (query.afterId !== undefined && row.id <= query.afterId) continue;
        if (row.receivedAt < query.since || row.receivedAt > query.until) continue;
        if (query.channel !== undefined && row.channel !== query.channel) continue;
        out.push(copy(row));
      }
      return out;
    },
    async count() {
      guard.check();
      return countStates(rows.values());
    },
  };
}

export function createMemoryEvents(guard: MemoryGuard): EventStore {
  const bySeq = new Map<number, EventRecord>();
  const byKey = new Map<string, EventRecord>();
  const byConversation = new Map<string, EventRecord[]>();
  const pending = pendingIndex<number, EventRecord>();
  let nextSeq = 1;
  const insertOne = (
    event: ChannelEvent,
    options: Parameters<EventStore['insertMany']>[1],
  ): EventInsertResult => {
    const existing = byKey.get(event.key);
    if (existing) return { key: event.key, result: 'duplicate', seq: existing.seq };
    const seq = nextSeq++;
    const record: EventRecord = {
      seq,
      key: event.key,
      kind: event.kind,
      channel: event.channel,
      accountId: event.accountId,
      conversationId: conversationOfEvent(event),
      timestamp: event.timestamp,
      source: event.source,
      inboxId: options.inboxId,
      event: copy(event),
      state: 'pending',
      attempts: 0,
      nextAttemptAt: options.now,
      leaseOwner: options.owner,
      leaseExpiresAt: options.now + options.leaseMs,
      error: null,
      createdAt: options.now,
    };
    bySeq.set(seq, record);
    byKey.set(event.key, record);
    pending.add(seq, record);
    if (record.conversationId !== null) {
      const conversation = byConversation.get(record.conversationId);
      if (conversation) conversation.push(record);
      else byConversation.set(record.conversationId, [record]);
    }
    return { key: event.key, result: 'inserted', seq };
  };
  return {
    async insertMany(events, options) {
      guard.check();
      return events.map((event) => insertOne(event, options));
    },
    async claim(options) {
      guard.check();
      return lease(pending.values(), options).map(copy);
    },
    async complete(seq, owner) {
      guard.check();
      const row = bySeq.get(seq);
      const done = finish(row, owner, 'done');
      pending.sync(seq, row);
      return done;
    },
    async retry(seq, owner, options) {
      guard.check();
      return reschedule(bySeq.get(seq), owner, options);
    },
    async kill(seq, owner, reason) {
      guard.check();
      const row = bySeq.get(seq);
      const killed = finish(row, owner, 'dead', reason);
      pending.sync(seq, row);
      return killed;
    },
    async getByKey(key) {
      guard.check();
      const row = byKey.get(key);
      return row ? copy(row) : undefined;
    },
    async list(query) {
      guard.check();
      const rows =
        query.conversationId === undefined
          ? bySeq.values()
          : (byConversation.get(query.conversationId) ?? []);
      const out = [...rows].filter(
        (r) =>
          (query.since === undefined || r.timestamp >= query.since) &&
          (query.until === undefined || r.timestamp <= query.until),
      );
      out.sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
      return out.slice(0, query.limit).map(copy);
    },
    async count() {
      guard.check();
      return countStates(bySeq.values());
    },
  };
}
