import { randomInt } from 'node:crypto';
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
import { type Db, num, numOrNull } from './db.js';

type Row = Record<string, unknown>;

function conversationRow(row: Row): ConversationRecord {
  return {
    id: row.id as string,
    channel: row.channel as string,
    accountId: row.account_id as string,
    userId: row.user_id as string,
    lastEventAt: num(row.last_event_at),
    lastInboundAt: numOrNull(row.last_inbound_at),
    createdAt: num(row.created_at),
  };
}

export function createPgConversations(db: Db): ConversationStore {
  const t = db.t('conversations');
  return {
    async touch({ id, channel, accountId, userId, eventAt, inboundAt }) {
      await db.query(
        `INSERT INTO ${t} (id, channel, account_id, user_id, last_event_at, last_inbound_at, created_at)
          VALUES ($1, $2, $3, $4, $5, $6, $5)
          ON CONFLICT (id) DO UPDATE SET
            last_event_at = GREATEST(${t}.last_event_at, EXCLUDED.last_event_at),
            last_inbound_at = GREATEST(${t}.last_inbound_at, EXCLUDED.last_inbound_at)`,
        [id, channel, accountId, userId, eventAt, inboundAt ?? null],
      );
    },
    async get(id) {
      const rows = await db.query(`SELECT * FROM ${t} WHERE id = $1`, [id]);
      return rows[0] ? conversationRow(rows[0]) : undefined;
    },
    async list({ channel, accountId, limit }) {
      const rows = await db.query(
        `SELECT * FROM ${t} WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR account_id = $2)
          ORDER BY last_event_at DESC, id LIMIT $3`,
        [channel ?? null, accountId ?? null, limit],
      );
      return rows.map(conversationRow);
    },
  };
}

function messageRow(row: Row): MessageRecord {
  return {
    channel: row.channel as string,
    messageId: row.message_id as string,
    conversationId: row.conversation_id as string,
    accountId: row.account_id as string,
    direction: row.direction as MessageRecord['direction'],
    timestamp: num(row.timestamp),
    text: (row.text as string | null) ?? null,
    event: (row.event as ChannelEvent | null) ?? null,
    status: (row.status as MessageStatus | null) ?? null,
    statusAt: numOrNull(row.status_at),
    correlationId: (row.correlation_id as string | null) ?? null,
  };
}

export function createPgMessages(db: Db): MessageStore {
  const t = db.t('messages');
  return {
    async upsert(m) {
      await db.query(
        `INSERT INTO ${t} (channel, message_id, conversation_id, account_id, direction, "timestamp", text, event,
          correlation_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
          ON CONFLICT (channel, message_id) DO UPDATE SET conversation_id = EXCLUDED.conversation_id,
            account_id = EXCLUDED.account_id, direction = EXCLUDED.direction, "timestamp" = EXCLUDED."timestamp",
            text = EXCLUDED.text, event = EXCLUDED.event,
            correlation_id = COALESCE(EXCLUDED.correlation_id, ${t}.correlation_id)`,
        [
          m.channel,
          m.messageId,
          m.conversationId,
          m.accountId,
          m.direction,
          m.timestamp,
          m.text,
          m.event === null ? null : JSON.stringify(m.event),
          m.correlationId,
        ],
      );
    },
    async setStatus({ channel, messageId, conversationId, accountId, status, at, correlationId }) {
      const rank = STATUS_RANK[status];
      // One statement: create the stand-in row or raise the status, only when the rank goes up.
      const applied = await db.query(
        `INSERT INTO ${t} (channel, message_id, conversation_id, account_id, direction, "timestamp", status,
          status_rank, status_at, correlation_id) VALUES ($1, $2, $3, $4, 'outbound', $5, $6, $7, $5, $8)
          ON CONFLICT (channel, message_id) DO UPDATE SET status = EXCLUDED.status,
            status_rank = EXCLUDED.status_rank, status_at = EXCLUDED.status_at,
            correlation_id = COALESCE(${t}.correlation_id, EXCLUDED.correlation_id)
          WHERE ${t}.status IS NULL OR ${t}.status_rank < EXCLUDED.status_rank
          RETURNING status`,
        [channel, messageId, conversationId, accountId, at, status, rank, correlationId ?? null],
      );
      if (applied.length > 0) return { applied: true, status };
      const rows = await db.query(`SELECT status FROM ${t} WHERE channel = $1 AND message_id = $2`, [
        channel,
        messageId,
      ]);
      return { applied: false, status: (rows[0]?.status as MessageStatus | undefined) ?? status };
    },
    async get(channel, messageId) {
      const rows = await db.query(`SELECT * FROM ${t} WHERE channel = $1 AND message_id = $2`, [
        channel,
        messageId,
      ]);
      return rows[0] ? messageRow(rows[0]) : undefined;
    },
    async list({ conversationId, limit, before }) {
      const rows = await db.query(
        `SELECT * FROM ${t} WHERE conversation_id = $1 AND ($2::bigint IS NULL OR "timestamp" < $2)
          ORDER BY "timestamp", message_id LIMIT $3`,
        [conversationId, before ?? null, limit],
      );
      return rows.map(messageRow);
    },
  };
}

function deadLetterRow(row: Row): DeadLetter {
  return {
    id: num(row.id),
    source: row.source as DeadLetter['source'],
    ref: row.ref as string,
    channel: row.channel as string,
    code: row.code as string,
    reason: row.reason as string,
    attempts: num(row.attempts),
    at: num(row.at),
  };
}

export function createPgDeadLetters(db: Db): DeadLetterStore {
  const t = db.t('dead_letters');
  return {
    async add({ source, ref, channel, code, reason, attempts, at }) {
      const rows = await db.query(
        `INSERT INTO ${t} (source, ref, channel, code, reason, attempts, at)
          VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [source, ref, channel, code, reason, attempts, at],
      );
      return { id: num(rows[0]?.id) };
    },
    async list({ source, since, limit }) {
      const rows = await db.query(
        `SELECT * FROM ${t} WHERE ($1::text IS NULL OR source = $1) AND ($2::bigint IS NULL OR at >= $2)
          ORDER BY at DESC, id DESC LIMIT $3`,
        [source ?? null, since ?? null, limit],
      );
      return rows.map(deadLetterRow);
    },
    async count() {
      const rows = await db.query(`SELECT count(*) AS n FROM ${t}`);
      return num(rows[0]?.n);
    },
  };
}

export function createPgHealth(db: Db): HealthStateStore {
  const t = db.t('health_state');
  return {
    async get<T>(key: string) {
      const rows = await db.query(`SELECT value FROM ${t} WHERE key = $1`, [key]);
      return rows[0] ? (rows[0].value as T) : undefined;
    },
    async set(key, value, at) {
      await db.query(
        `INSERT INTO ${t} (key, value, updated_at) VALUES ($1, $2, $3)
          ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
        [key, JSON.stringify(value ?? null), at],
      );
    },
    async list(prefix) {
      // starts_with, not LIKE: a `%` or `_` in the prefix is literal.
      const rows = await db.query(
        `SELECT key, value, updated_at FROM ${t} WHERE starts_with(key, $1) ORDER BY key COLLATE "C"`,
        [prefix],
      );
      return rows.map((r) => ({ key: r.key as string, value: r.value, updatedAt: num(r.updated_at) }));
    },
    async delete(key) {
      await db.query(`DELETE FROM ${t} WHERE key = $1`, [key]);
    },
  };
}

/** Rows per counter: enough that instances rarely share one, few enough that restarts add no rows. */
const COUNTER_SHARDS = 16;

/**
 * Counters without a hot row: each store instance (engine process) adds to one of `COUNTER_SHARDS` rows,
 * `name#<shard>`, picked at random when it starts, so instances seldom wait on each other's row lock;
 * reads sum the rows of a name (rows written before sharding, without a suffix, are counted too).
 */
export function createPgCounters(db: Db): CounterStore {
  const t = db.t('counters');
  const shard = String(randomInt(COUNTER_SHARDS));
  const base = `split_part(name, '#', 1)`;
  return {
    async add(name, delta) {
      const rows = await db.query(
        `WITH mine AS (
            INSERT INTO ${t} (name, value) VALUES ($1, $2)
            ON CONFLICT (name) DO UPDATE SET value = ${t}.value + EXCLUDED.value RETURNING value)
          SELECT (SELECT value FROM mine)
            + COALESCE((SELECT sum(value) FROM ${t} WHERE ${base} = $3 AND name <> $1), 0) AS value`,
        [`${name}#${shard}`, delta, name],
      );
      return num(rows[0]?.value);
    },
    async get(name) {
      const rows = await db.query(`SELECT sum(value) AS value FROM ${t} WHERE ${base} = $1`, [name]);
      return rows[0]?.value === null || rows[0]?.value === undefined ? 0 : num(rows[0].value);
    },
    async list(prefix = '') {
      const rows = await db.query(
        `SELECT ${base} AS name, sum(value) AS value FROM ${t} WHERE starts_with(name, $1)
          GROUP BY 1 ORDER BY ${base} COLLATE "C"`,
        [prefix],
      );
      return rows.map((r) => ({ name: r.name as string, value: num(r.value) }));
    },
  };
}
