import type { InboxAppend } from '@switchboard/core';
import { type Db, num, toBuffer, toStoreError } from './db.js';

interface Waiting {
  row: InboxAppend;
  resolve(value: { id: number }): void;
  reject(error: unknown): void;
}

/**
 * Group commit for inbox appends: the appends that arrive while the previous INSERT and its commit run
 * are written together by the next one, as one multi-row INSERT (one round trip, one commit, one WAL
 * flush for all of them). A lone append goes out at once. Each append resolves with its own id once its
 * statement committed; if the statement fails, every append of it rejects (the ack path answers 503).
 */
export function createInboxAppender(db: Db): (row: InboxAppend) => Promise<{ id: number }> {
  const t = db.t('inbox');
  let queue: Waiting[] = [];
  let running = false;

  const flush = async () => {
    running = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        // Rows are inserted in input order, so the sequence gives them increasing ids in that order.
        const rows = await db.query(
          `INSERT INTO ${t} (channel, body, headers, received_at, next_attempt_at)
            SELECT channel, body, headers::json, received_at, received_at
            FROM unnest($1::text[], $2::bytea[], $3::text[], $4::bigint[]) WITH ORDINALITY
              AS input(channel, body, headers, received_at, ord)
            ORDER BY ord RETURNING id`,
          [
            batch.map((w) => w.row.channel),
            batch.map((w) => toBuffer(w.row.body)),
            batch.map((w) => JSON.stringify(w.row.headers)),
            batch.map((w) => w.row.receivedAt),
          ],
        );
        const ids = rows.map((r) => num(r.id)).sort((a, b) => a - b);
        if (ids.length !== batch.length)
          throw new Error(`inbox insert returned ${ids.length} of ${batch.length} ids`);
        for (let i = 0; i < batch.length; i++) batch[i]?.resolve({ id: ids[i] as number });
      } catch (error) {
        const failure = toStoreError(error, 'inbox append');
        for (const w of batch) w.reject(failure);
      }
    }
    running = false;
  };

  return (row) =>
    new Promise((resolve, reject) => {
      queue.push({ row, resolve, reject });
      if (!running) void flush();
    });
}
