import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '@switchboard/core';
import Database from 'better-sqlite3';
import { createSqliteAccounts, createSqliteCredentials } from './accounts.js';
import { createDb } from './db.js';
import { createSqliteEvents } from './events.js';
import { createSqliteInbox } from './inbox.js';
import { migrate } from './migrations.js';
import { createSqliteOutbox } from './outbox.js';
import { createSqliteProfiles } from './profiles.js';
import {
  createSqliteConversations,
  createSqliteCounters,
  createSqliteDeadLetters,
  createSqliteHealth,
  createSqliteMessages,
} from './read-model.js';
import { createSqliteTemplates } from './templates.js';

/**
 * - `full` (default): every commit's WAL is synced to disk before any write of it resolves, so an
 *   acknowledged webhook body survives a power loss. Commits are grouped (see `groupCommitMs`) and the
 *   sync runs off the event loop while the next batch fills.
 * - `normal`: `synchronous=NORMAL` — survives a process crash (SIGKILL), but the last commits before a
 *   power loss or OS crash may be lost.
 */
export type SqliteDurability = 'full' | 'normal';

export interface SqliteStoreOptions {
  /** Database file; parent directories are created. `:memory:` for a throwaway store. */
  path: string;
  /** Default `full`. Env: `SWITCHBOARD_SQLITE_DURABILITY`. */
  durability?: SqliteDurability;
  /** How long a writer waits for another process's lock. Default 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * Under a continuous flood of writes, how long a batch keeps collecting them before it commits, in ms.
   * Default 2. A burst that ends sooner commits on the next event-loop turn, so a lone write does not
   * wait. Larger groups spend less CPU per write on commits and syncs, at up to this much latency.
   * Env: `SWITCHBOARD_SQLITE_GROUP_COMMIT_MS`.
   */
  groupCommitMs?: number;
}

export interface SqliteStore extends Store {
  /** The better-sqlite3 handle, for inspection and backups. */
  readonly db: Database.Database;
  readonly path: string;
  readonly durability: SqliteDurability;
  /** Schema version after migrations (`PRAGMA user_version`). */
  readonly schemaVersion: number;
}

const envMilliseconds = (name: string): number | undefined => {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0)
    throw new TypeError(`${name} must be a number of milliseconds >= 0, got "${value}"`);
  return parsed;
};

/**
 * The embedded default store: one SQLite file in WAL mode, migrated on open, with group commit for
 * webhook appends (appends that arrive together, or while a sync runs, share one transaction and sync).
 *
 * @example
 * const store = createSqliteStore({ path: './data/switchboard.db' });
 * const switchboard = createSwitchboard({ adapters, store });
 */
export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const durability: SqliteDurability =
    options.durability ?? (process.env.SWITCHBOARD_SQLITE_DURABILITY === 'normal' ? 'normal' : 'full');
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  // FULL durability is NORMAL commits + our own asynchronous sync of the WAL (see createDb).
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  const schemaVersion = migrate(db);
  const handle = createDb(db, {
    walPath: durability === 'full' && options.path !== ':memory:' ? `${db.name}-wal` : undefined,
    groupCommitMs: options.groupCommitMs ?? envMilliseconds('SWITCHBOARD_SQLITE_GROUP_COMMIT_MS'),
  });
  const inbox = createSqliteInbox(handle);

  return {
    db,
    path: options.path,
    durability,
    schemaVersion,
    inbox,
    events: createSqliteEvents(handle),
    conversations: createSqliteConversations(handle),
    messages: createSqliteMessages(handle),
    outbox: createSqliteOutbox(handle),
    deadLetters: createSqliteDeadLetters(handle),
    health: createSqliteHealth(handle),
    counters: createSqliteCounters(handle),
    accounts: createSqliteAccounts(handle),
    credentials: createSqliteCredentials(handle),
    templates: createSqliteTemplates(handle),
    profiles: createSqliteProfiles(handle),
    close: () => handle.close(),
  };
}
