import { type Logger, type Store, silentLogger } from '@switchboard/core';
import pg from 'pg';
import { createPgAccounts, createPgCredentials } from './accounts.js';
import { createDb } from './db.js';
import { migrate } from './migrations.js';
import { createPgOutbox } from './outbox.js';
import { createPgProfiles } from './profiles.js';
import { createPgEvents, createPgInbox } from './queues.js';
import {
  createPgConversations,
  createPgCounters,
  createPgDeadLetters,
  createPgHealth,
  createPgMessages,
} from './read-model.js';
import { createPgTemplates } from './templates.js';

export interface PostgresStoreOptions {
  /** `postgres://user@host:5432/db`. Env: `DATABASE_URL`. Ignored when `pool` is given. */
  connectionString?: string;
  /** Bring your own pool (you close it). Its `error` events are still logged. */
  pool?: pg.Pool;
  /** Schema holding Switchboard's tables; created by the migrations. Default `switchboard`. Env: `SWITCHBOARD_PG_SCHEMA`. */
  schema?: string;
  /**
   * Connections this store opens. Default 10, in two pools: half for the ack path, sends and reads, half
   * for the processor's writes (events, leases, done marks, read model, counters), which commit with
   * `synchronous_commit = off`: they do not wait for their own WAL flush, because a processor write lost
   * to a database crash is redone from the inbox (the row is not done either), and every later
   * synchronous commit (an ack, a send) flushes the WAL up to and including them. Inbox appends and
   * the outbox always commit synchronously. With your own `pool`, everything runs on it, synchronously.
   */
  maxConnections?: number;
  /** How long a query waits for a connection before rejecting (→ 503). Default 5000 ms. */
  connectionTimeoutMs?: number;
  /** Server-side cap of one statement (`statement_timeout`). Default 15000 ms; 0 = none. */
  statementTimeoutMs?: number;
  /** Apply pending migrations on open. Default true. */
  migrate?: boolean;
  /** `application_name` of the pool's connections (visible in `pg_stat_activity`). Default `switchboard`. */
  applicationName?: string;
  /** Pool errors (lost connections) are logged here. Default: silent. */
  logger?: Logger;
}

export interface PostgresStore extends Store {
  /** The pg pool, for inspection and your own queries. */
  readonly pool: pg.Pool;
  readonly schema: string;
  /** Schema version after migrations (0 when `migrate: false` and nothing was applied). */
  readonly schemaVersion: number;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * The shared store for many Switchboard instances: every instance opens the same database and schema;
 * work is claimed with `FOR UPDATE SKIP LOCKED`, duplicates are stopped by unique indexes, and a lost
 * connection rejects the write (the engine answers 503) until the pool reconnects on its own.
 *
 * @example
 * const store = await createPostgresStore({ connectionString: process.env.DATABASE_URL });
 * const switchboard = createSwitchboard({ adapters, store, limiter: createRedisRateLimiter({ url }) });
 */
export async function createPostgresStore(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const schema = options.schema ?? process.env.SWITCHBOARD_PG_SCHEMA ?? 'switchboard';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  const logger = options.logger ?? silentLogger;
  const ownsPool = options.pool === undefined;
  const statementTimeout = options.statementTimeoutMs ?? 15_000;
  const connections = options.maxConnections ?? 10;
  const processing = ownsPool && connections >= 2 ? Math.floor(connections / 2) : 0;
  const poolConfig = (max: number, settings?: string): pg.PoolConfig => ({
    connectionString: options.connectionString ?? process.env.DATABASE_URL,
    max,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    // Server-side cap, plus a client-side one a little later for a server that stopped answering
    // (network partition without a reset): the call rejects instead of hanging the ack path.
    ...(statementTimeout > 0
      ? { statement_timeout: statementTimeout, query_timeout: statementTimeout + 5_000 }
      : {}),
    keepAlive: true,
    application_name: options.applicationName ?? 'switchboard',
    ...(settings ? { options: settings } : {}),
  });
  const pool = options.pool ?? new pg.Pool(poolConfig(connections - processing));
  const relaxedPool =
    processing > 0 ? new pg.Pool(poolConfig(processing, '-c synchronous_commit=off')) : undefined;
  // Without a listener, an idle connection killed by the server would crash the process. The pool
  // drops the broken client itself and opens a fresh one on the next query.
  const onPoolError = (error: Error) =>
    logger.warn('postgres connection lost; the pool will reconnect on the next query', {
      error: error.message,
    });
  pool.on('error', onPoolError);
  relaxedPool?.on('error', onPoolError);
  let schemaVersion = 0;
  try {
    if (options.migrate !== false) schemaVersion = await migrate(pool, schema);
  } catch (error) {
    pool.off('error', onPoolError);
    if (ownsPool) await pool.end().catch(() => {});
    await relaxedPool?.end().catch(() => {});
    throw error;
  }
  const db = createDb(pool, schema);
  /** The processor's writes: `synchronous_commit = off` (see `maxConnections`). */
  const work = relaxedPool ? createDb(relaxedPool, schema) : db;
  return {
    pool,
    schema,
    schemaVersion,
    inbox: createPgInbox(db, work),
    events: createPgEvents(work),
    conversations: createPgConversations(work),
    messages: createPgMessages(work),
    outbox: createPgOutbox(db),
    deadLetters: createPgDeadLetters(db),
    health: createPgHealth(work),
    counters: createPgCounters(work),
    accounts: createPgAccounts(db),
    credentials: createPgCredentials(db),
    templates: createPgTemplates(db),
    profiles: createPgProfiles(db),
    async close() {
      if (db.isClosed()) return;
      db.markClosed();
      work.markClosed();
      if (ownsPool) await pool.end();
      await relaxedPool?.end();
      pool.off('error', onPoolError);
      relaxedPool?.off('error', onPoolError);
    },
  };
}
