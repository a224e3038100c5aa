import type {
  ClaimOptions,
  EventInsertResult,
  EventRecord,
  EventStore,
  InboxRow,
  InboxStore,
  WorkState,
} from '@switchboard/core';
import { type ChannelEvent, SwitchboardError } from '@switchboard/core';
import { conversationOfEvent } from '@switchboard/core/internal';
import { type Db, num, numOrNull, toBytes } from './db.js';
import { createInboxAppender } from './group-commit.js';

type Row = Record<string, unknown>;

const CLAIMABLE = `state = 'pending' AND next_attempt_at <= $3 AND (lease_owner IS NULL OR lease_expires_at <= $3)`;
const HOLDS = `state = 'pending' AND lease_owner = $2`;

/** `UPDATE … WHERE pk IN (SELECT … FOR UPDATE SKIP LOCKED)`: concurrent claimers never get the same row. */
export function claimSql(table: string, pk: string, order: string, claimable = CLAIMABLE): string {
  return `UPDATE ${table} SET lease_owner = $1, lease_expires_at = $2
    WHERE ${pk} IN (SELECT ${pk} FROM ${table} WHERE ${claimable} ORDER BY ${order} LIMIT $4 FOR UPDATE SKIP LOCKED)
    RETURNING *`;
}

const claimArgs = (o: ClaimOptions) => [o.owner, o.now + o.leaseMs, o.now, o.limit];

function work(row: Row) {
  return {
    state: row.state as WorkState,
    attempts: num(row.attempts),
    nextAttemptAt: num(row.next_attempt_at),
    leaseOwner: (row.lease_owner as string | null) ?? null,
    leaseExpiresAt: numOrNull(row.lease_expires_at),
    error: (row.error as string | null) ?? null,
  };
}

function inboxRow(row: Row): InboxRow {
  return {
    id: num(row.id),
    channel: row.channel as string,
    body: toBytes(row.body as Buffer),
    headers: row.headers as Record<string, string>,
    receivedAt: num(row.received_at),
    ...work(row),
  };
}

function eventRow(row: Row): EventRecord {
  return {
    seq: num(row.seq),
    key: row.key as string,
    kind: row.kind as EventRecord['kind'],
    channel: row.channel as string,
    accountId: row.account_id as string,
    conversationId: (row.conversation_id as string | null) ?? null,
    timestamp: num(row.timestamp),
    source: row.source as EventRecord['source'],
    inboxId: numOrNull(row.inbox_id),
    event: row.event as ChannelEvent,
    createdAt: num(row.created_at),
    ...work(row),
  };
}

async function countStates(db: Db, table: string): Promise<Record<WorkState, number>> {
  const rows = await db.query(`SELECT state, count(*) AS n FROM ${table} GROUP BY state`);
  const out: Record<WorkState, number> = { pending: 0, done: 0, dead: 0 };
  for (const row of rows) out[row.state as WorkState] = num(row.n);
  return out;
}

/** complete / retry / kill: one conditional UPDATE that requires the lease; `false` when it matched nothing. */
function leased(db: Db, table: string, pk: string) {
  const finish = async (id: number, owner: string, state: WorkState, error?: string) => {
    const rows = await db.query(
      `UPDATE ${table} SET state = $3, error = COALESCE($4, error), lease_owner = NULL, lease_expires_at = NULL
        WHERE ${pk} = $1 AND ${HOLDS} RETURNING ${pk}`,
      [id, owner, state, error ?? null],
    );
    return rows.length > 0;
  };
  return {
    complete: (id: number, owner: string) => finish(id, owner, 'done'),
    /** The done marks of a batch in one statement (rows whose lease was lost stay as they are). */
    async completeMany(ids: readonly number[], owner: string) {
      await db.query(
        `UPDATE ${table} SET state = 'done', lease_owner = NULL, lease_expires_at = NULL
          WHERE ${pk} = ANY($1::bigint[]) AND ${HOLDS}`,
        [ids, owner],
      );
    },
    kill: (id: number, owner: string, reason: string) => finish(id, owner, 'dead', reason),
    async retry(id: number, owner: string, options: { nextAttemptAt: number; error: string }) {
      const rows = await db.query(
        `UPDATE ${table} SET attempts = attempts + 1, next_attempt_at = $3, error = $4,
          lease_owner = NULL, lease_expires_at = NULL
          WHERE ${pk} = $1 AND ${HOLDS} RETURNING ${pk}`,
        [id, owner, options.nextAttemptAt, options.error],
      );
      return rows.length > 0;
    },
  };
}

/** `db` commits the appends synchronously (the ack); `work` runs the processor's claims and marks. */
export function createPgInbox(appendDb: Db, db: Db = appendDb): InboxStore {
  const t = db.t('inbox');
  return {
    append: createInboxAppender(appendDb),
    async claim(options) {
      const rows = await db.query(claimSql(t, 'id', 'id'), claimArgs(options));
      return rows.map(inboxRow).sort((a, b) => a.id - b.id);
    },
    ...leased(db, t, 'id'),
    async setState(id, state, error) {
      const rows = await db.query(
        `UPDATE ${t} SET state = $2, error = CASE WHEN $4 THEN $3 ELSE error END,
          lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 RETURNING id`,
        [id, state, error ?? null, error !== undefined],
      );
      if (rows.length === 0) throw new SwitchboardError('NOT_FOUND', `inbox row ${id} does not exist`);
    },
    async get(id) {
      const rows = await db.query(`SELECT * FROM ${t} WHERE id = $1`, [id]);
      return rows[0] ? inboxRow(rows[0]) : undefined;
    },
    async listByReceivedAt({ since, until, channel, afterId, limit }) {
      const rows = await db.query(
        `SELECT * FROM ${t} WHERE received_at BETWEEN $1 AND $2
          AND ($3::text IS NULL OR channel = $3) AND ($4::bigint IS NULL OR id > $4)
          ORDER BY id LIMIT $5`,
        [since, until, channel ?? null, afterId ?? null, limit],
      );
      return rows.map(inboxRow);
    },
    count: () => countStates(db, t),
  };
}

export function createPgEvents(db: Db): EventStore {
  const t = db.t('events');
  return {
    async insertMany(events, { inboxId, owner, leaseMs, now }) {
      if (events.length === 0) return [];
      return db.tx(async (query) => {
        // One INSERT for the whole batch, rows in input order (so `seq` follows it); a key that already
        // exists, or repeats inside the batch, is skipped by the unique index.
        const inserted = await query(
          `INSERT INTO ${t} (key, kind, channel, account_id, conversation_id, "timestamp", source, event,
            inbox_id, created_at, next_attempt_at, lease_owner, lease_expires_at)
            SELECT key, kind, channel, account_id, conversation_id, ts, source, event::json, $9, $10, $10, $11, $12
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[],
              $8::text[]) WITH ORDINALITY AS input(key, kind, channel, account_id, conversation_id, ts, source,
              event, ord)
            ORDER BY ord
            ON CONFLICT (key) DO NOTHING RETURNING key, seq`,
          [
            events.map((e) => e.key),
            events.map((e) => e.kind),
            events.map((e) => e.channel),
            events.map((e) => e.accountId),
            events.map((e) => conversationOfEvent(e)),
            events.map((e) => e.timestamp),
            events.map((e) => e.source),
            events.map((e) => JSON.stringify(e)),
            inboxId,
            now,
            owner,
            now + leaseMs,
          ],
        );
        const fresh = new Map(inserted.map((r) => [r.key as string, num(r.seq)]));
        const missing = [...new Set(events.map((e) => e.key).filter((key) => !fresh.has(key)))];
        const existing = new Map<string, number>();
        if (missing.length > 0) {
          const rows = await query(`SELECT key, seq FROM ${t} WHERE key = ANY($1::text[])`, [missing]);
          for (const r of rows) existing.set(r.key as string, num(r.seq));
        }
        const seen = new Set<string>();
        return events.map((event): EventInsertResult => {
          const seq = fresh.get(event.key);
          if (seq !== undefined && !seen.has(event.key)) {
            seen.add(event.key);
            return { key: event.key, result: 'inserted', seq };
          }
          const stored = seq ?? existing.get(event.key);
          if (stored === undefined) throw new Error(`event ${event.key} conflicted but is not stored`);
          return { key: event.key, result: 'duplicate', seq: stored };
        });
      });
    },
    async claim(options) {
      const rows = await db.query(claimSql(t, 'seq', 'seq'), claimArgs(options));
      return rows.map(eventRow).sort((a, b) => a.seq - b.seq);
    },
    ...leased(db, t, 'seq'),
    async getByKey(key) {
      const rows = await db.query(`SELECT * FROM ${t} WHERE key = $1`, [key]);
      return rows[0] ? eventRow(rows[0]) : undefined;
    },
    async list({ conversationId, since, until, limit }) {
      const rows = await db.query(
        `SELECT * FROM ${t} WHERE ($1::text IS NULL OR conversation_id = $1)
          AND ($2::bigint IS NULL OR "timestamp" >= $2) AND ($3::bigint IS NULL OR "timestamp" <= $3)
          ORDER BY "timestamp", seq LIMIT $4`,
        [conversationId ?? null, since ?? null, until ?? null, limit],
      );
      return rows.map(eventRow);
    },
    count: () => countStates(db, t),
  };
}
