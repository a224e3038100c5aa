import type { OutboundMessage, OutboxEntry, OutboxState, OutboxStore, SendReceipt } from '@switchboard/core';
import { OUTBOX_STATE_RANK } from '@switchboard/core/internal';
import { type Db, num, numOrNull } from './db.js';
import { claimSql } from './queues.js';

type Row = Record<string, unknown>;

function entryRow(row: Row): OutboxEntry {
  return {
    id: row.id as string,
    idempotencyKey: (row.idempotency_key as string | null) ?? null,
    channel: row.channel as string,
    accountId: row.account_id as string,
    userId: row.user_id as string,
    message: row.message as OutboundMessage,
    state: row.state as OutboxState,
    attempts: num(row.attempts),
    nextAttemptAt: num(row.next_attempt_at),
    leaseOwner: (row.lease_owner as string | null) ?? null,
    leaseExpiresAt: numOrNull(row.lease_expires_at),
    platformMessageId: (row.platform_message_id as string | null) ?? null,
    receipt: (row.receipt as SendReceipt | null) ?? null,
    error: (row.error as Record<string, unknown> | null) ?? null,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

export function createPgOutbox(db: Db): OutboxStore {
  const t = db.t('outbox');
  const one = async (sql: string, values: unknown[]) => {
    const rows = await db.query(sql, values);
    return rows[0] ? entryRow(rows[0]) : undefined;
  };
  const get = (id: string) => one(`SELECT * FROM ${t} WHERE id = $1`, [id]);
  const getByIdempotencyKey = (key: string) => one(`SELECT * FROM ${t} WHERE idempotency_key = $1`, [key]);
  return {
    async enqueue({ id, idempotencyKey, message, now }) {
      const inserted = await one(
        `INSERT INTO ${t} (id, idempotency_key, channel, account_id, user_id, message, next_attempt_at,
          created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7)
          ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`,
        [id, idempotencyKey, message.to.channel, message.to.accountId, message.to.userId, json(message), now],
      );
      if (inserted) return { entry: inserted, created: true };
      const existing = idempotencyKey === null ? undefined : await getByIdempotencyKey(idempotencyKey);
      if (!existing) throw new Error(`outbox enqueue of ${id} conflicted but no entry holds its key`);
      return { entry: existing, created: false };
    },
    async claim(options) {
      const rows = await db.query(claimSql(t, 'id', 'created_at, seq'), [
        options.owner,
        options.now + options.leaseMs,
        options.now,
        options.limit,
      ]);
      return rows
        .sort((a, b) => num(a.created_at) - num(b.created_at) || num(a.seq) - num(b.seq))
        .map(entryRow);
    },
    async markSent(id, owner, { receipt, at }) {
      const rows = await db.query(
        `UPDATE ${t} SET
          state = CASE WHEN state_rank < ${OUTBOX_STATE_RANK.sent} THEN 'sent' ELSE state END,
          state_rank = GREATEST(state_rank, ${OUTBOX_STATE_RANK.sent}),
          receipt = $3, platform_message_id = COALESCE(NULLIF($4, ''), platform_message_id),
          attempts = attempts + 1, lease_owner = NULL, lease_expires_at = NULL, updated_at = $5
          WHERE id = $1 AND lease_owner = $2 RETURNING id`,
        [id, owner, json(receipt), receipt.messageId, at],
      );
      return rows.length > 0;
    },
    async retry(id, owner, { nextAttemptAt, error, at }) {
      const rows = await db.query(
        `UPDATE ${t} SET attempts = attempts + 1, next_attempt_at = $3, error = $4,
          lease_owner = NULL, lease_expires_at = NULL, updated_at = $5
          WHERE id = $1 AND lease_owner = $2 AND state = 'pending' RETURNING id`,
        [id, owner, nextAttemptAt, json(error), at],
      );
      return rows.length > 0;
    },
    async markFailed(id, owner, { error, at }) {
      const rows = await db.query(
        `UPDATE ${t} SET state = 'failed', state_rank = ${OUTBOX_STATE_RANK.failed}, attempts = attempts + 1,
          error = $3, lease_owner = NULL, lease_expires_at = NULL, updated_at = $4
          WHERE id = $1 AND lease_owner = $2 RETURNING id`,
        [id, owner, json(error), at],
      );
      return rows.length > 0;
    },
    async advance(id, { state, at, error, platformMessageId }) {
      const applied = await one(
        `UPDATE ${t} SET state = $2, state_rank = $3, updated_at = $4, error = COALESCE($5, error),
          platform_message_id = COALESCE(platform_message_id, NULLIF($6, ''))
          WHERE id = $1 AND state_rank < $3 RETURNING *`,
        [id, state, OUTBOX_STATE_RANK[state], at, json(error), platformMessageId ?? null],
      );
      if (applied) return { applied: true, entry: applied };
      return { applied: false, entry: await get(id) };
    },
    get,
    getByIdempotencyKey,
    findByPlatformMessageId: (channel, platformMessageId) =>
      one(`SELECT * FROM ${t} WHERE channel = $1 AND platform_message_id = $2 ORDER BY seq LIMIT 1`, [
        channel,
        platformMessageId,
      ]),
    async backlog() {
      const rows = await db.query(
        `SELECT channel, account_id, count(*) AS pending, min(created_at) AS oldest FROM ${t}
          WHERE state = 'pending' GROUP BY channel, account_id ORDER BY channel, account_id`,
      );
      return rows.map((r) => ({
        channel: r.channel as string,
        accountId: r.account_id as string,
        pending: num(r.pending),
        oldestCreatedAt: num(r.oldest),
      }));
    },
    async list({ state, limit }) {
      const rows = await db.query(
        `SELECT * FROM ${t} WHERE ($1::text IS NULL OR state = $1) ORDER BY created_at, seq LIMIT $2`,
        [state ?? null, limit],
      );
      return rows.map(entryRow);
    },
  };
}
