import type { InboxRow, InboxStore } from '@switchboard/core';
import {
  claimRows,
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

/** A row with its body: the work row (`inbox`) joined to the body written once at append (`inbox_bodies`). */
const WITH_BODY = `SELECT inbox.*, b.body, b.headers FROM inbox JOIN inbox_bodies b ON b.id = inbox.id`;

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
  let inserters: { row: ReturnType<Db['stmt']>; body: ReturnType<Db['stmt']> } | undefined;
  const insert = () =>
    (inserters ??= {
      row: handle.stmt(`INSERT INTO inbox (channel, received_at, next_attempt_at) VALUES (?, ?, ?)`),
      body: handle.stmt(`INSERT INTO inbox_bodies (id, body, headers) VALUES (?, ?, ?)`),
    });
  return {
    append(row) {
      return handle.write('inbox append', () => {
        const body = Buffer.isBuffer(row.body)
          ? row.body
          : Buffer.from(row.body.buffer, row.body.byteOffset, row.body.byteLength);
        const statements = insert();
        const id = statements.row.run(row.channel, row.receivedAt, row.receivedAt).lastInsertRowid;
        statements.body.run(id, body, json(row.headers));
        return { id: Number(id) };
      });
    },
    async claim(lease) {
      const rows = await handle.write('inbox claim', () =>
        claimRows<InboxColumns>(handle, 'inbox', 'id', WITH_BODY, lease),
      );
      return rows.map(toRow);
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
        () => handle.stmt(`${WITH_BODY} WHERE inbox.id = ?`).get(id) as InboxColumns | undefined,
      );
      return row ? toRow(row) : undefined;
    },
    async listByReceivedAt({ since, until, channel, afterId, limit }) {
      const rows = handle.run(
        'inbox list',
        () =>
          handle
            .stmt(
              `${WITH_BODY} WHERE received_at >= ? AND received_at <= ? AND inbox.id > ? AND (? IS NULL OR channel = ?) ORDER BY inbox.id LIMIT ?`,
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
