import { SwitchboardError } from '../errors.js';
import { createMemoryAccounts, createMemoryCredentials } from './memory-accounts.js';
import { createMemoryOutbox } from './memory-outbox.js';
import { createMemoryProfiles } from './memory-profiles.js';
import { createMemoryEvents, createMemoryInbox, type MemoryGuard } from './memory-queues.js';
import { createMemoryTemplates } from './memory-templates.js';
import { STATUS_RANK } from './ranks.js';
import type {
  ConversationRecord,
  ConversationStore,
  CounterStore,
  DeadLetter,
  DeadLetterStore,
  HealthStateStore,
  MessageRecord,
  MessageStore,
  Store,
} from './types.js';

const copy = <T>(value: T): T => structuredClone(value);

/**
 * Copies JSON data (health values: the SQL stores keep them as JSON) with a plain recursive walk, several
 * times cheaper than `structuredClone` for the watch's baselines, saved hourly for every account.
 */
function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    // A plain loop: baselines (hundreds of numbers) are saved for every account every hour.
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyJson(value[i]);
    return out as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = copyJson(v);
  return out as T;
}

export interface MemoryStore extends Store {
  /**
   * Makes every following call reject with `STORE_UNAVAILABLE` (or work again with `false`), to test
   * the 503 path and retries.
   */
  setUnavailable(unavailable: boolean): void;
}

/**
 * A store that lives in process memory: for tests, demos and single-process prototypes. Nothing
 * survives a restart — use `@switchboard/store-sqlite` (embedded) or `@switchboard/store-postgres` for that.
 *
 * @example
 * const switchboard = createSwitchboard({ adapters: [adapter], store: createMemoryStore() });
 */
export function createMemoryStore(): MemoryStore {
  let unavailable = false;
  let closed = false;
  const guard: MemoryGuard = {
    check() {
      if (closed) throw new SwitchboardError('STORE_UNAVAILABLE', 'memory store is closed');
      if (unavailable)
        throw new SwitchboardError('STORE_UNAVAILABLE', 'memory store is unavailable (simulated)');
    },
  };
  return {
    inbox: createMemoryInbox(guard),
    events: createMemoryEvents(guard),
    conversations: createMemoryConversations(guard),
    messages: createMemoryMessages(guard),
    outbox: createMemoryOutbox(guard),
    deadLetters: createMemoryDeadLetters(guard),
    health: createMemoryHealth(guard),
    counters: createMemoryCounters(guard),
    accounts: createMemoryAccounts(guard),
    credentials: createMemoryCredentials(guard),
    templates: createMemoryTemplates(guard),
    profiles: createMemoryProfiles(guard),
    setUnavailable(value) {
      unavailable = value;
    },
    async close() {
      closed = true;
    },
  };
}

function createMemoryConversations(guard: MemoryGuard): ConversationStore {
  const rows = new Map<string, ConversationRecord>();
  return {
    async touch({ id, channel, accountId, userId, eventAt, inboundAt }) {
      guard.check();
      const row = rows.get(id);
      if (!row) {
        rows.set(id, {
          id,
          channel,
          accountId,
          userId,
          lastEventAt: eventAt,
          lastInboundAt: inboundAt ?? null,
          createdAt: eventAt,
        });
        return;
      }
      row.lastEventAt = Math.max(row.lastEventAt, eventAt);
      if (inboundAt !== undefined) row.lastInboundAt = Math.max(row.lastInboundAt ?? inboundAt, inboundAt);
    },
    async get(id) {
      guard.check();
      const row = rows.get(id);
      return row ? copy(row) : undefined;
    },
    async list({ channel, accountId, limit }) {
      guard.check();
      return [...rows.values()]
        .filter(
          (r) =>
            (channel === undefined || r.channel === channel) &&
            (accountId === undefined || r.accountId === accountId),
        )
        .sort((a, b) => b.lastEventAt - a.lastEventAt || a.id.localeCompare(b.id))
        .slice(0, limit)
        .map(copy);
    },
  };
}

function createMemoryMessages(guard: MemoryGuard): MessageStore {
  const rows = new Map<string, MessageRecord>();
  const byConversation = new Map<string, Set<MessageRecord>>();
  const k = (channel: string, messageId: string) => `${channel}\u0000${messageId}`;
  const index = (row: MessageRecord) => {
    const rows = byConversation.get(row.conversationId);
    if (rows) rows.add(row);
    else byConversation.set(row.conversationId, new Set([row]));
  };
  return {
    async upsert(message) {
      guard.check();
      const key = k(message.channel, message.messageId);
      const row = rows.get(key);
      if (!row) {
        const created: MessageRecord = { ...copy(message), status: null, statusAt: null };
        rows.set(key, created);
        index(created);
        return;
      }
      const before = row.conversationId;
      Object.assign(row, copy({ ...message, correlationId: message.correlationId ?? row.correlationId }));
      if (row.conversationId !== before) {
        byConversation.get(before)?.delete(row);
        index(row);
      }
    },
    async setStatus({ channel, messageId, conversationId, accountId, status, at, correlationId }) {
      guard.check();
      const key = k(channel, messageId);
      let row = rows.get(key);
      if (!row) {
        row = {
          channel,
          messageId,
          conversationId,
          accountId,
          direction: 'outbound',
          timestamp: at,
          text: null,
          event: null,
          status: null,
          statusAt: null,
          correlationId: correlationId ?? null,
        };
        rows.set(key, row);
        index(row);
      }
      if (row.status !== null && STATUS_RANK[status] <= STATUS_RANK[row.status])
        return { applied: false, status: row.status };
      row.status = status;
      row.statusAt = at;
      if (correlationId && !row.correlationId) row.correlationId = correlationId;
      return { applied: true, status };
    },
    async get(channel, messageId) {
      guard.check();
      const row = rows.get(k(channel, messageId));
      return row ? copy(row) : undefined;
    },
    async list({ conversationId, limit, before }) {
      guard.check();
      return [...(byConversation.get(conversationId) ?? [])]
        .filter((r) => before === undefined || r.timestamp < before)
        .sort((a, b) => a.timestamp - b.timestamp)
        .slice(0, limit)
        .map(copy);
    },
  };
}

function createMemoryDeadLetters(guard: MemoryGuard): DeadLetterStore {
  const rows: DeadLetter[] = [];
  return {
    async add(letter) {
      guard.check();
      const id = rows.length + 1;
      rows.push({ ...copy(letter), id });
      return { id };
    },
    async list({ source, since, limit }) {
      guard.check();
      return rows
        .filter(
          (r) => (source === undefined || r.source === source) && (since === undefined || r.at >= since),
        )
        .sort((a, b) => b.at - a.at || b.id - a.id)
        .slice(0, limit)
        .map(copy);
    },
    async count() {
      guard.check();
      return rows.length;
    },
  };
}

function createMemoryHealth(guard: MemoryGuard): HealthStateStore {
  const rows = new Map<string, { value: unknown; updatedAt: number }>();
  return {
    async get<T>(key: string) {
      guard.check();
      const row = rows.get(key);
      return row ? (copyJson(row.value) as T) : undefined;
    },
    async set(key, value, at) {
      guard.check();
      rows.set(key, { value: copyJson(value), updatedAt: at });
    },
    async list(prefix) {
      guard.check();
      return [...rows.entries()]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, row]) => ({ key, value: copyJson(row.value), updatedAt: row.updatedAt }));
    },
    async delete(key) {
      guard.check();
      rows.delete(key);
    },
  };
}

function createMemoryCounters(guard: MemoryGuard): CounterStore {
  const rows = new Map<string, number>();
  return {
    async add(name, delta) {
      guard.check();
      const value = (rows.get(name) ?? 0) + delta;
      rows.set(name, value);
      return value;
    },
    async get(name) {
      guard.check();
      return rows.get(name) ?? 0;
    },
    async list(prefix = '') {
      guard.check();
      return [...rows.entries()]
        .filter(([name]) => name.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, value]) => ({ name, value }));
    },
  };
}
