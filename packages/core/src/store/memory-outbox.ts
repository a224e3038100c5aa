import type { MemoryGuard } from './memory-queues.js';
import { OUTBOX_STATE_RANK } from './ranks.js';
import type { OutboxEntry, OutboxStore } from './types.js';

const copy = <T>(value: T): T => structuredClone(value);

export function createMemoryOutbox(guard: MemoryGuard): OutboxStore {
  const byId = new Map<string, OutboxEntry>();
  const byKey = new Map<string, OutboxEntry>();
  const holds = (entry: OutboxEntry | undefined, owner: string): entry is OutboxEntry =>
    entry !== undefined && entry.leaseOwner === owner;
  const release = (entry: OutboxEntry, at: number) => {
    entry.leaseOwner = null;
    entry.leaseExpiresAt = null;
    entry.updatedAt = at;
  };
  return {
    async enqueue({ id, idempotencyKey, message, now }) {
      guard.check();
      const existing = idempotencyKey === null ? undefined : byKey.get(idempotencyKey);
      if (existing) return { entry: copy(existing), created: false };
      if (byId.has(id)) throw new Error(`outbox id ${id} already exists`);
      const entry: OutboxEntry = {
        id,
        idempotencyKey,
        channel: message.to.channel,
        accountId: message.to.accountId,
        userId: message.to.userId,
        message: copy(message),
        state: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        leaseOwner: null,
        leaseExpiresAt: null,
        platformMessageId: null,
        receipt: null,
        error: null,
        createdAt: now,
        updatedAt: now,
      };
      byId.set(id, entry);
      if (idempotencyKey !== null) byKey.set(idempotencyKey, entry);
      return { entry: copy(entry), created: true };
    },
    async claim(options) {
      guard.check();
      const out: OutboxEntry[] = [];
      const ordered = [...byId.values()].sort((a, b) => a.createdAt - b.createdAt);
      for (const entry of ordered) {
        if (out.length >= options.limit) break;
        if (entry.state !== 'pending' || entry.nextAttemptAt > options.now) continue;
        if (entry.leaseOwner !== null && (entry.leaseExpiresAt ?? 0) > options.now) continue;
        entry.leaseOwner = options.owner;
        entry.leaseExpiresAt = options.now + options.leaseMs;
        out.push(copy(entry));
      }
      return out;
    },
    async markSent(id, owner, { receipt, at }) {
      guard.check();
      const entry = byId.get(id);
      if (!holds(entry, owner)) return false;
      if (OUTBOX_STATE_RANK[entry.state] < OUTBOX_STATE_RANK.sent) entry.state = 'sent';
      entry.receipt = copy(receipt);
      entry.platformMessageId = receipt.messageId || entry.platformMessageId;
      entry.attempts += 1;
      release(entry, at);
      return true;
    },
    async retry(id, owner, { nextAttemptAt, error, at }) {
      guard.check();
      const entry = byId.get(id);
      if (!holds(entry, owner) || entry.state !== 'pending') return false;
      entry.attempts += 1;
      entry.nextAttemptAt = nextAttemptAt;
      entry.error = copy(error);
      release(entry, at);
      return true;
    },
    async markFailed(id, owner, { error, at }) {
      guard.check();
      const entry = byId.get(id);
      if (!holds(entry, owner)) return false;
      entry.state = 'failed';
      entry.attempts += 1;
      entry.error = copy(error);
      release(entry, at);
      return true;
    },
    async advance(id, { state, at, error, platformMessageId }) {
      guard.check();
      const entry = byId.get(id);
      if (!entry) return { applied: false, entry: undefined };
      if (OUTBOX_STATE_RANK[state] <= OUTBOX_STATE_RANK[entry.state])
        return { applied: false, entry: copy(entry) };
      entry.state = state;
      entry.updatedAt = at;
      if (error !== undefined) entry.error = copy(error);
      if (platformMessageId && !entry.platformMessageId) entry.platformMessageId = platformMessageId;
      return { applied: true, entry: copy(entry) };
    },
    async get(id) {
      guard.check();
      const entry = byId.get(id);
      return entry ? copy(entry) : undefined;
    },
    async getByIdempotencyKey(key) {
      guard.check();
      const entry = byKey.get(key);
      return entry ? copy(entry) : undefined;
    },
    async findByPlatformMessageId(channel, platformMessageId) {
      guard.check();
      for (const entry of byId.values()) {
        if (entry.channel === channel && entry.platformMessageId === platformMessageId) return copy(entry);
      }
      return undefined;
    },
    async backlog() {
      guard.check();
      const groups = new Map<
        string,
        { channel: string; accountId: string; pending: number; oldestCreatedAt: number }
      >();
      for (const entry of byId.values()) {
        if (entry.state !== 'pending') continue;
        const k = `${entry.channel}\u0000${entry.accountId}`;
        const g = groups.get(k) ?? {
          channel: entry.channel,
          accountId: entry.accountId,
          pending: 0,
          oldestCreatedAt: entry.createdAt,
        };
        g.pending += 1;
        g.oldestCreatedAt = Math.min(g.oldestCreatedAt, entry.createdAt);
        groups.set(k, g);
      }
      return [...groups.values()].sort(
        (a, b) => a.channel.localeCompare(b.channel) || a.accountId.localeCompare(b.accountId),
      );
    },
    async list({ state, limit }) {
      guard.check();
      return [...byId.values()]
        .filter((e) => state === undefined || e.state === state)
        .sort((a, b) => a.createdAt - b.createdAt)
        .slice(0, limit)
        .map(copy);
    },
  };
}
