import type { InboxRow, InboxStore } from '@switchboard/core';
import {
  CLAIMABLE,
  completeAll,
  countStates,
  type Db,
  json,
  parseJson,
  type WorkColumns,
  workFields,
} from './db.js';

interface InboxColumns extends WorkColumns {
  id: number;
  channel: string;
  body: Buffer;
  headers: string;
  received_at: number;
}

const toRow = (r: InboxColumns): InboxRow => ({
  id: r.id,
  channel: r.channel,
  body: r.body,
  headers: parseJson<Record<string, string>>(r.headers) ?? {},
  receivedAt: r.received_at,
  ...workFields(r),
});

/**
 * The inbox. Appends join the store's batch transaction: every append that arrives while the previous
 * commit runs shares the next commit (group commit), and resolves only once it is committed.
 */
export function createSqliteInbox(handle: Db): InboxStore {
  const finish = (what: string, id: number, owner: string, set: string, args: unknown[] = []) =>
    handle.write(
      what,
      () =>
        handle
          .stmt(
            `UPDATE inbox SET ${set}, lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ? AND state = 'pending'`,
          )
          .run(...args, id, owner).changes === 1,
      true,
    );
  let inserter: ReturnType<Db['stmt']> | undefined;
  const insert = () =>
    (inserter ??= handle.stmt(
      `INSERT INTO inbox (channel, body, headers, received_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)`,
    ));
  return {
    append(row) {
      return handle.write(
        'inbox append',
        () => {
          const body = Buffer.isBuffer(row.body)
            ? row.body
            : Buffer.from(row.body.buffer, row.body.byteOffset, row.body.byteLength);
          const info = insert().run(row.channel, body, json(row.headers), row.receivedAt, row.receivedAt);
          return { id: Number(info.lastInsertRowid) };
        },
        true,
      );
    },
    async claim({ owner, limit, leaseMs, now }) {
      const rows = await handle.write(
        'inbox claim',
        () =>
          handle
            .stmt(
              `UPDATE inbox SET lease_owner = ?, lease_expires_at = ?
               WHERE id IN (SELECT id FROM inbox WHERE ${CLAIMABLE} ORDER BY id LIMIT ?) RETURNING *`,
            )
            .all(owner, now + leaseMs, now, now, limit) as InboxColumns[],
      );
      return rows.map(toRow).sort((a, b) => a.id - b.id);
    },
    complete: (id, owner) => finish('inbox complete', id, owner, `state = 'done'`),
    async completeMany(ids, owner) {
      await handle.write('inbox complete many', () => completeAll(handle, 'inbox', 'id', ids, owner), true);
    },
    retry: (id, owner, { nextAttemptAt, error }) =>
      finish('inbox retry', id, owner, `attempts = attempts + 1, next_attempt_at = ?, error = ?`, [
        nextAttemptAt,
        error,
      ]),
    kill: (id, owner, reason) => finish('inbox kill', id, owner, `state = 'dead', error = ?`, [reason]),
    async setState(id, state, error) {
      await handle.write('inbox setState', () => {
        const sql =
          error === undefined
            ? `UPDATE inbox SET state = ?, lease_owner = NULL, lease_expires_at = NULL WHERE id = ?`
            : `UPDATE inbox SET state = ?, error = ?, lease_owner = NULL, lease_expires_at = NULL WHERE id = ?`;
        const args = error === undefined ? [state, id] : [state, error, id];
        if (handle.stmt(sql).run(...args).changes !== 1) throw new Error(`inbox row ${id} does not exist`);
      });
    },
    async get(id) {
      const row = handle.run(
        'inbox get',
        () => handle.stmt(`SELECT * FROM inbox WHERE id = ?`).get(id) as InboxColumns | undefined,
      );
      return row ? toRow(row) : undefined;
    },
    async listByReceivedAt({ since, until, channel, afterId, limit }) {
      const rows = handle.run(
        'inbox list',
        () =>
          handle
            .stmt(
              `SELECT * FROM inbox WHERE received_at >= ? AND received_at <= ? AND id > ? AND (? IS NULL OR channel = ?) ORDER BY id LIMIT ?`,
            )
            .all(since, until, afterId ?? 0, channel ?? null, channel ?? null, limit) as InboxColumns[],
      );
      return rows.map(toRow);
    },
    async count() {
      return handle.run('inbox count', (d) => countStates(d, 'inbox'));
    },
  };
}
