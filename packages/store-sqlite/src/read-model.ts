import type {
  ChannelEvent,
  ConversationRecord,
  ConversationStore,
  CounterStore,
  DeadLetter,
  DeadLetterStore,
  HealthStateStore,
  MessageRecord,
  MessageStatus,
  MessageStore,
} from '@switchboard/core';
import { STATUS_RANK } from '@switchboard/core/internal';
import { type Db, eventJson, json, parseJson } from './db.js';

interface ConversationColumns {
  id: string;
  channel: string;
  account_id: string;
  user_id: string;
  last_event_at: number;
  last_inbound_at: number | null;
  created_at: number;
}

const toConversation = (r: ConversationColumns): ConversationRecord => ({
  id: r.id,
  channel: r.channel,
  accountId: r.account_id,
  userId: r.user_id,
  lastEventAt: r.last_event_at,
  lastInboundAt: r.last_inbound_at,
  createdAt: r.created_at,
});

export function createSqliteConversations(handle: Db): ConversationStore {
  return {
    async touch({ id, channel, accountId, userId, eventAt, inboundAt }) {
      await handle.write(
        'conversation touch',
        () =>
          handle
            .stmt(
              `INSERT INTO conversations (id, channel, account_id, user_id, last_event_at, last_inbound_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET last_event_at = MAX(last_event_at, excluded.last_event_at),
               last_inbound_at = CASE WHEN excluded.last_inbound_at IS NULL THEN last_inbound_at
                                      ELSE MAX(COALESCE(last_inbound_at, excluded.last_inbound_at), excluded.last_inbound_at) END`,
            )
            .run(id, channel, accountId, userId, eventAt, inboundAt ?? null, eventAt),
        true,
      );
    },
    async get(id) {
      const row = handle.run(
        'conversation get',
        () =>
          handle.stmt(`SELECT * FROM conversations WHERE id = ?`).get(id) as ConversationColumns | undefined,
      );
      return row ? toConversation(row) : undefined;
    },
    async list({ channel, accountId, limit }) {
      const rows = handle.run(
        'conversation list',
        () =>
          handle
            .stmt(
              `SELECT * FROM conversations WHERE (? IS NULL OR channel = ?) AND (? IS NULL OR account_id = ?) ORDER BY last_event_at DESC, id LIMIT ?`,
            )
            .all(
              channel ?? null,
              channel ?? null,
              accountId ?? null,
              accountId ?? null,
              limit,
            ) as ConversationColumns[],
      );
      return rows.map(toConversation);
    },
  };
}

interface MessageColumns {
  channel: string;
  message_id: string;
  conversation_id: string;
  account_id: string;
  direction: 'inbound' | 'outbound';
  timestamp: number;
  text: string | null;
  event: string | null;
  status: MessageStatus | null;
  status_at: number | null;
  correlation_id: string | null;
}

const toMessage = (r: MessageColumns): MessageRecord => ({
  channel: r.channel,
  messageId: r.message_id,
  conversationId: r.conversation_id,
  accountId: r.account_id,
  direction: r.direction,
  timestamp: r.timestamp,
  text: r.text,
  event: parseJson<ChannelEvent>(r.event),
  status: r.status,
  statusAt: r.status_at,
  correlationId: r.correlation_id,
});

/** A message with its event: its own copy, or (from the processor) the stored event it refers to. */
const MESSAGE = `SELECT m.channel, m.message_id, m.conversation_id, m.account_id, m.direction, m.timestamp, m.text,
  COALESCE(m.event, b.event) AS event, m.status, m.status_at, m.correlation_id FROM messages m
  LEFT JOIN events e ON e.key = m.event_key LEFT JOIN event_bodies b ON b.seq = e.seq`;

export function createSqliteMessages(handle: Db): MessageStore {
  const get = (channel: string, messageId: string) =>
    handle.stmt(`${MESSAGE} WHERE m.channel = ? AND m.message_id = ?`).get(channel, messageId) as
      | MessageColumns
      | undefined;
  return {
    async upsert(m) {
      await handle.write(
        'message upsert',
        () =>
          handle
            .stmt(
              // The event's JSON is copied only when no stored event has its key.
              `INSERT INTO messages (channel, message_id, conversation_id, account_id, direction, timestamp, text, event, event_key, correlation_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, CASE WHEN EXISTS (SELECT 1 FROM events WHERE key = ?) THEN NULL ELSE ? END, ?, ?)
             ON CONFLICT (channel, message_id) DO UPDATE SET conversation_id = excluded.conversation_id, account_id = excluded.account_id,
               direction = excluded.direction, timestamp = excluded.timestamp, text = excluded.text, event = excluded.event,
               event_key = excluded.event_key, correlation_id = COALESCE(excluded.correlation_id, correlation_id)`,
            )
            .run(
              m.channel,
              m.messageId,
              m.conversationId,
              m.accountId,
              m.direction,
              m.timestamp,
              m.text,
              m.event?.key ?? null,
              m.event ? eventJson(m.event) : null,
              m.event?.key ?? null,
              m.correlationId,
            ),
        true,
      );
    },
    async setStatus({ channel, messageId, conversationId, accountId, status, at, correlationId }) {
      return handle.write(
        'message status',
        () => {
          const rank = STATUS_RANK[status];
          const info = handle
            .stmt(
              `INSERT INTO messages (channel, message_id, conversation_id, account_id, direction, timestamp, status, status_rank, status_at, correlation_id)
             VALUES (?, ?, ?, ?, 'outbound', ?, ?, ?, ?, ?)
             ON CONFLICT (channel, message_id) DO UPDATE SET status = excluded.status, status_rank = excluded.status_rank,
               status_at = excluded.status_at, correlation_id = COALESCE(correlation_id, excluded.correlation_id)
             WHERE status_rank < excluded.status_rank`,
            )
            .run(channel, messageId, conversationId, accountId, at, status, rank, at, correlationId ?? null);
          if (info.changes === 1) return { applied: true, status };
          return { applied: false, status: (get(channel, messageId)?.status ?? status) as MessageStatus };
        },
        true,
      );
    },
    async get(channel, messageId) {
      const row = handle.run('message get', () => get(channel, messageId));
      return row ? toMessage(row) : undefined;
    },
    async list({ conversationId, limit, before }) {
      const rows = handle.run(
        'message list',
        () =>
          handle
            .stmt(
              `${MESSAGE} WHERE m.conversation_id = ? AND m.timestamp < ? ORDER BY m.timestamp, m.rowid LIMIT ?`,
            )
            .all(conversationId, before ?? Number.MAX_SAFE_INTEGER, limit) as MessageColumns[],
      );
      return rows.map(toMessage);
    },
  };
}

export function createSqliteDeadLetters(handle: Db): DeadLetterStore {
  return {
    async add(l) {
      const info = await handle.write(
        'dead letter add',
        () =>
          handle
            .stmt(
              `INSERT INTO dead_letters (source, ref, channel, code, reason, attempts, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(l.source, l.ref, l.channel, l.code, l.reason, l.attempts, l.at),
        true,
      );
      return { id: Number(info.lastInsertRowid) };
    },
    async list({ source, since, limit }) {
      return handle.run(
        'dead letter list',
        () =>
          handle
            .stmt(
              `SELECT * FROM dead_letters WHERE (? IS NULL OR source = ?) AND at >= ? ORDER BY at DESC, id DESC LIMIT ?`,
            )
            .all(source ?? null, source ?? null, since ?? Number.MIN_SAFE_INTEGER, limit) as DeadLetter[],
      );
    },
    async count() {
      return handle.run(
        'dead letter count',
        () => (handle.stmt(`SELECT COUNT(*) AS n FROM dead_letters`).get() as { n: number }).n,
      );
    },
  };
}

export function createSqliteHealth(handle: Db): HealthStateStore {
  return {
    async get<T>(key: string) {
      const row = handle.run(
        'health get',
        () =>
          handle.stmt(`SELECT value FROM health_state WHERE key = ?`).get(key) as
            | { value: string }
            | undefined,
      );
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    async set(key, value, at) {
      await handle.write('health set', () =>
        handle
          .stmt(
            `INSERT INTO health_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
          )
          .run(key, json(value), at),
      );
    },
    async list(prefix) {
      const rows = handle.run(
        'health list',
        () =>
          handle
            .stmt(`SELECT key, value, updated_at FROM health_state WHERE substr(key, 1, ?) = ? ORDER BY key`)
            .all(prefix.length, prefix) as Array<{ key: string; value: string; updated_at: number }>,
      );
      return rows.map((r) => ({
        key: r.key,
        value: JSON.parse(r.value) as unknown,
        updatedAt: r.updated_at,
      }));
    },
    async delete(key) {
      await handle.write('health delete', () =>
        handle.stmt(`DELETE FROM health_state WHERE key = ?`).run(key),
      );
    },
  };
}

export function createSqliteCounters(handle: Db): CounterStore {
  return {
    async add(name, delta) {
      return handle.write(
        'counter add',
        () =>
          (
            handle
              .stmt(
                `INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value RETURNING value`,
              )
              .get(name, delta) as { value: number }
          ).value,
        true,
      );
    },
    async get(name) {
      return handle.run(
        'counter get',
        () =>
          (
            handle.stmt(`SELECT value FROM counters WHERE name = ?`).get(name) as
              | { value: number }
              | undefined
          )?.value ?? 0,
      );
    },
    async list(prefix = '') {
      return handle.run(
        'counter list',
        () =>
          handle
            .stmt(`SELECT name, value FROM counters WHERE substr(name, 1, ?) = ? ORDER BY name`)
            .all(prefix.length, prefix) as Array<{
            name: string;
            value: number;
          }>,
      );
    },
  };
}
