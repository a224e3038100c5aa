import type { OutboundMessage, OutboxEntry, OutboxState, OutboxStore, SendReceipt } from '@switchboard/core';
import { OUTBOX_STATE_RANK } from '@switchboard/core/internal';
import { CLAIMABLE, type Db, json, parseJson } from './db.js';

interface OutboxColumns {
  id: string;
  idempotency_key: string | null;
  channel: string;
  account_id: string;
  user_id: string;
  message: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  platform_message_id: string | null;
  receipt: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

const toEntry = (r: OutboxColumns): OutboxEntry => ({
  id: r.id,
  idempotencyKey: r.idempotency_key,
  channel: r.channel,
  accountId: r.account_id,
  userId: r.user_id,
  message: JSON.parse(r.message) as OutboundMessage,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  leaseOwner: r.lease_owner,
  leaseExpiresAt: r.lease_expires_at,
  platformMessageId: r.platform_message_id,
  receipt: parseJson<SendReceipt>(r.receipt),
  error: parseJson<Record<string, unknown>>(r.error),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createSqliteOutbox(handle: Db): OutboxStore {
  const get = (id: string) =>
    handle.stmt(`SELECT * FROM outbox WHERE id = ?`).get(id) as OutboxColumns | undefined;
  const update = (what: string, sql: string, args: unknown[]) =>
    handle.write(what, () => handle.stmt(sql).run(...args).changes === 1);
  return {
    async enqueue({ id, idempotencyKey, message, now }) {
      return handle.write('outbox enqueue', () => {
        const info = handle
          .stmt(
            `INSERT INTO outbox (id, idempotency_key, channel, account_id, user_id, message, state, state_rank, next_attempt_at, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
          )
          .run(
            id,
            idempotencyKey,
            message.to.channel,
            message.to.accountId,
            message.to.userId,
            json(message),
            now,
            now,
            now,
          );
        if (info.changes === 1) return { entry: toEntry(get(id) as OutboxColumns), created: true };
        const existing = handle
          .stmt(`SELECT * FROM outbox WHERE idempotency_key = ?`)
          .get(idempotencyKey) as OutboxColumns;
        return { entry: toEntry(existing), created: false };
      });
    },
    async claim({ owner, limit, leaseMs, now }) {
      const rows = await handle.write(
        'outbox claim',
        () =>
          handle
            .stmt(
              `UPDATE outbox SET lease_owner = ?, lease_expires_at = ?
             WHERE id IN (SELECT id FROM outbox WHERE ${CLAIMABLE} ORDER BY created_at, rowid LIMIT ?) RETURNING *, rowid AS _rowid`,
            )
            .all(owner, now + leaseMs, now, now, limit) as Array<OutboxColumns & { _rowid: number }>,
      );
      return rows.sort((a, b) => a.created_at - b.created_at || a._rowid - b._rowid).map(toEntry);
    },
    async markSent(id, owner, { receipt, at }) {
      return update(
        'outbox markSent',
        `UPDATE outbox SET state = CASE WHEN state_rank < 1 THEN 'sent' ELSE state END, state_rank = MAX(state_rank, 1),
           receipt = ?, platform_message_id = COALESCE(NULLIF(?, ''), platform_message_id), attempts = attempts + 1,
           lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
         WHERE id = ? AND lease_owner = ?`,
        [json(receipt), receipt.messageId, at, id, owner],
      );
    },
    async retry(id, owner, { nextAttemptAt, error, at }) {
      return update(
        'outbox retry',
        `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, error = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
         WHERE id = ? AND lease_owner = ? AND state = 'pending'`,
        [nextAttemptAt, json(error), at, id, owner],
      );
    },
    async markFailed(id, owner, { error, at }) {
      return update(
        'outbox markFailed',
        `UPDATE outbox SET state = 'failed', state_rank = ?, attempts = attempts + 1, error = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
         WHERE id = ? AND lease_owner = ?`,
        [OUTBOX_STATE_RANK.failed, json(error), at, id, owner],
      );
    },
    async advance(id, { state, at, error, platformMessageId }) {
      return handle.write('outbox advance', () => {
        const applied =
          handle
            .stmt(
              `UPDATE outbox SET state = ?, state_rank = ?, updated_at = ?, error = COALESCE(?, error),
                 platform_message_id = COALESCE(platform_message_id, ?)
               WHERE id = ? AND state_rank < ?`,
            )
            .run(
              state,
              OUTBOX_STATE_RANK[state],
              at,
              error ? json(error) : null,
              platformMessageId ?? null,
              id,
              OUTBOX_STATE_RANK[state],
            ).changes === 1;
        const row = get(id);
        return { applied, entry: row ? toEntry(row) : undefined };
      });
    },
    async get(id) {
      const row = handle.run('outbox get', () => get(id));
      return row ? toEntry(row) : undefined;
    },
    async getByIdempotencyKey(key) {
      const row = handle.run(
        'outbox get',
        () =>
          handle.stmt(`SELECT * FROM outbox WHERE idempotency_key = ?`).get(key) as OutboxColumns | undefined,
      );
      return row ? toEntry(row) : undefined;
    },
    async findByPlatformMessageId(channel, platformMessageId) {
      const row = handle.run(
        'outbox find',
        () =>
          handle
            .stmt(`SELECT * FROM outbox WHERE channel = ? AND platform_message_id = ? LIMIT 1`)
            .get(channel, platformMessageId) as OutboxColumns | undefined,
      );
      return row ? toEntry(row) : undefined;
    },
    async backlog() {
      return handle.run(
        'outbox backlog',
        () =>
          handle
            .stmt(
              `SELECT channel, account_id AS accountId, COUNT(*) AS pending, MIN(created_at) AS oldestCreatedAt
             FROM outbox WHERE state = 'pending' GROUP BY channel, account_id ORDER BY channel, account_id`,
            )
            .all() as Array<{ channel: string; accountId: string; pending: number; oldestCreatedAt: number }>,
      );
    },
    async list({ state, limit }) {
      const rows = handle.run(
        'outbox list',
        () =>
          handle
            .stmt(`SELECT * FROM outbox WHERE (? IS NULL OR state = ?) ORDER BY created_at, rowid LIMIT ?`)
            .all(state ?? null, state ?? null, limit) as OutboxColumns[],
      );
      return rows.map(toEntry);
    },
  };
}
