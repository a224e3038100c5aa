import { closeSync, fdatasync, openSync } from 'node:fs';
import { SwitchboardError } from '@switchboard/core';
import type Database from 'better-sqlite3';

/**
 * The open database with group commit. Every write joins the current batch transaction (as its own
 * savepoint, so a failing write leaves no partial effects). The batch commits once the event loop has
 * gone a full turn without adding a write to it (the burst is over: sequential writes commit on the next
 * turn), or, under a continuous flood, once it is `groupCommitMs` old; never while a sync runs. With
 * `walPath` (durability `full`), the commit is followed by an fdatasync of the WAL file on libuv's thread
 * pool, so the event loop keeps accepting requests while the disk works; each write's promise resolves
 * only once a sync that started after its commit finished (it is per file, so it covers everything
 * SQLite wrote to the WAL). While a sync runs, the batch stays open: a write made then could not be
 * acknowledged before the next sync anyway. Each commit and each sync costs a fixed amount of CPU (on a
 * virtual disk a sync is about 100 µs of CPU time), so fewer, larger groups leave more of the CPU to
 * the requests themselves. Reads run immediately.
 */
export interface Db {
  db: Database.Database;
  /** Synchronous read; errors become `STORE_UNAVAILABLE` (the original as `cause`). */
  run<T>(what: string, fn: (db: Database.Database) => T): T;
  /**
   * Runs `fn` now inside the batch transaction; resolves with its result once the batch is committed.
   * `single`: `fn` runs exactly one statement, which SQLite already undoes by itself when it fails, so
   * no savepoint is needed around it.
   */
  write<T>(what: string, fn: (db: Database.Database) => T, single?: boolean): Promise<T>;
  /** Commits the open batch, waits for its sync, then refuses further calls and closes the database. */
  close(): Promise<void>;
  /** A cached prepared statement. */
  stmt(sql: string): Database.Statement;
  closed: boolean;
}

interface Pending {
  resolve(): void;
  reject(error: unknown): void;
}

const failure = (what: string, error: unknown) =>
  SwitchboardError.is(error)
    ? error
    : new SwitchboardError(
        'STORE_UNAVAILABLE',
        `sqlite ${what} failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );

export interface DbOptions {
  /** The WAL file to sync after each commit (durability `full`); without it commits are not synced. */
  walPath?: string;
  /** The oldest a batch gets while writes keep arriving, in ms. Default 2. */
  groupCommitMs?: number;
}

export function createDb(db: Database.Database, options: DbOptions = {}): Db {
  const statements = new Map<string, Database.Statement>();
  const groupCommitMs = options.groupCommitMs ?? 2;
  let pending: Pending[] = [];
  let open = false;
  let openedAt = 0;
  /** Writes in the batch when the commit check last looked: more now means the burst goes on. */
  let seen = 0;
  let checkScheduled = false;
  let walFd: number | null = null;
  let syncing = false;
  let unsynced: Pending[] = [];
  let idle: Array<() => void> = [];
  // Rows changed since the connection opened: a batch that changed none (an empty claim, a lost lease)
  // has nothing to sync.
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  let changesAtBegin = 0;
  // One wrapper for every write: better-sqlite3's db.transaction() builds four closures per call,
  // which showed up as the largest single cost of the ack path in a CPU profile.
  const inSavepoint = db.transaction(<T>(fn: (d: Database.Database) => T): T => fn(db));

  const settleIdle = () => {
    if (syncing || unsynced.length > 0 || open) return;
    const waiting = idle;
    idle = [];
    for (const resolve of waiting) resolve();
  };

  const startSync = () => {
    if (syncing || unsynced.length === 0) return;
    const group = unsynced;
    unsynced = [];
    try {
      walFd ??= openSync(options.walPath as string, 'r');
    } catch (error) {
      for (const p of group) p.reject(failure('open WAL for sync', error));
      settleIdle();
      return;
    }
    syncing = true;
    fdatasync(walFd, (error) => {
      syncing = false;
      for (const p of group) {
        if (error) p.reject(failure('WAL sync', error));
        else p.resolve();
      }
      scheduleCheck();
      settleIdle();
    });
  };

  const scheduleCheck = () => {
    if (checkScheduled || !open) return;
    checkScheduled = true;
    setImmediate(checkCommit);
  };

  const checkCommit = () => {
    checkScheduled = false;
    if (!open || syncing) return;
    const growing = pending.length > seen;
    seen = pending.length;
    if (growing && performance.now() - openedAt < groupCommitMs) scheduleCheck();
    else commit();
  };

  const commit = () => {
    if (!open || syncing) return;
    const batch = pending;
    pending = [];
    open = false;
    let changed = true;
    try {
      changed = (totalChanges.get() as number) !== changesAtBegin;
      db.exec('COMMIT');
    } catch (error) {
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } catch {
        // The connection is unusable; every write of the batch is reported as failed below.
      }
      for (const p of batch) p.reject(failure('commit', error));
      settleIdle();
      return;
    }
    // Without a sync (durability normal), or when the batch changed nothing while no earlier commit
    // waits for its sync (commit never runs during one), the writes are as durable as they will get.
    if (options.walPath === undefined || !changed) {
      for (const p of batch) p.resolve();
      settleIdle();
      return;
    }
    unsynced.push(...batch);
    startSync();
  };

  const guard = (what: string) => {
    if (handle.closed) throw new SwitchboardError('STORE_UNAVAILABLE', `sqlite store is closed (${what})`);
  };

  const handle: Db = {
    db,
    closed: false,
    stmt(sql) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
    run(what, fn) {
      guard(what);
      try {
        return fn(db);
      } catch (error) {
        throw failure(what, error);
      }
    },
    write(what, fn, single) {
      try {
        guard(what);
        if (!open) {
          db.exec('BEGIN IMMEDIATE');
          changesAtBegin = totalChanges.get() as number;
          open = true;
          openedAt = performance.now();
          seen = 0;
          scheduleCheck();
        }
        const result = (single ? fn(db) : inSavepoint(fn)) as ReturnType<typeof fn>;
        return new Promise<typeof result>((resolve, reject) => {
          pending.push({ resolve: () => resolve(result), reject });
        });
      } catch (error) {
        return Promise.reject(failure(what, error));
      }
    },
    async close() {
      if (handle.closed) return;
      commit();
      await new Promise<void>((resolve) => {
        idle.push(resolve);
        settleIdle();
      });
      handle.closed = true;
      if (walFd !== null) closeSync(walFd);
      walFd = null;
      db.close();
    },
  };
  return handle;
}

export const json = (value: unknown): string => JSON.stringify(value);

const eventJsonCache = new WeakMap<object, string>();
/**
 * An event's JSON, serialized once: the same event object is stored in `events` and then, by the read
 * model, in `messages`; stringifying it twice was a visible share of the processor's CPU.
 */
export const eventJson = (event: object): string => {
  let text = eventJsonCache.get(event);
  if (text === undefined) {
    text = JSON.stringify(event);
    eventJsonCache.set(event, text);
  }
  return text;
};
export const parseJson = <T>(text: string | null | undefined): T | null =>
  text === null || text === undefined ? null : (JSON.parse(text) as T);

/** Columns shared by leased work rows, as stored. */
export interface WorkColumns {
  state: 'pending' | 'done' | 'dead';
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  error: string | null;
}

export const workFields = (row: WorkColumns) => ({
  state: row.state,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  leaseOwner: row.lease_owner,
  leaseExpiresAt: row.lease_expires_at,
  error: row.error,
});

/** Marks leased rows done in one statement (the ids travel as one JSON array); rows whose lease was lost stay. */
export function completeAll(
  handle: Db,
  table: 'inbox' | 'events',
  id: 'id' | 'seq',
  ids: readonly number[],
  owner: string,
): void {
  handle
    .stmt(
      `UPDATE ${table} SET state = 'done', lease_owner = NULL, lease_expires_at = NULL
       WHERE ${id} IN (SELECT value FROM json_each(?)) AND lease_owner = ? AND state = 'pending'`,
    )
    .run(JSON.stringify(ids), owner);
}

/**
 * Leases up to `limit` claimable rows in id order, then reads them through `select` (a SELECT joining
 * the work rows to their bodies, to which `WHERE <table>.<id> IN (…) ORDER BY …` is appended): the lease
 * rewrites only the small work rows.
 */
export function claimRows<T>(
  handle: Db,
  table: 'inbox' | 'events',
  id: 'id' | 'seq',
  select: string,
  { owner, limit, leaseMs, now }: { owner: string; limit: number; leaseMs: number; now: number },
): T[] {
  const claimed = handle
    .stmt(
      `UPDATE ${table} SET lease_owner = ?, lease_expires_at = ?
       WHERE ${id} IN (SELECT ${id} FROM ${table} WHERE ${CLAIMABLE} ORDER BY ${id} LIMIT ?) RETURNING ${id}`,
    )
    .all(owner, now + leaseMs, now, now, limit) as Record<string, number>[];
  if (claimed.length === 0) return [];
  return handle
    .stmt(`${select} WHERE ${table}.${id} IN (SELECT value FROM json_each(?)) ORDER BY ${table}.${id}`)
    .all(JSON.stringify(claimed.map((r) => r[id]))) as T[];
}

/** WHERE fragment of a claimable row; parameters: now, now. */
export const CLAIMABLE = `state = 'pending' AND next_attempt_at <= ? AND (lease_owner IS NULL OR lease_expires_at <= ?)`;

export function countStates(
  db: Database.Database,
  table: string,
): Record<'pending' | 'done' | 'dead', number> {
  const out = { pending: 0, done: 0, dead: 0 };
  for (const row of db.prepare(`SELECT state, COUNT(*) AS n FROM ${table} GROUP BY state`).all() as Array<{
    state: keyof typeof out;
    n: number;
  }>) {
    out[row.state] = row.n;
  }
  return out;
}
