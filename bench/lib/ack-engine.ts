/**
 * The engine as bench/ack-server.ts runs it (WhatsApp adapter, SQLite `full`, a no-op handler), shared by
 * the server's main thread and the processor worker of the `engine-worker` mode so both run the same
 * configuration; and a bench-only probe of the SQLite writer lock.
 */
import { createSwitchboard, type SwitchboardOptions, silentLogger } from '@switchboard/core';
import { createSqliteStore, type SqliteStore } from '@switchboard/store-sqlite';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import { APP_SECRET, PHONE_NUMBER_ID, VERIFY_TOKEN } from './webhooks.js';

export function createBenchEngine(dbPath: string, processor?: SwitchboardOptions['processor']) {
  const store = createSqliteStore({ path: dbPath, durability: 'full' });
  const lock = probeWriterLock(store);
  const switchboard = createSwitchboard({
    adapters: [
      createWhatsAppAdapter({
        appSecret: APP_SECRET,
        verifyToken: VERIFY_TOKEN,
        phoneNumberIds: [PHONE_NUMBER_ID],
      }),
    ],
    store,
    logger: silentLogger,
    ...(processor ? { processor } : {}),
  });
  switchboard.on('*', () => {});
  return { store, switchboard, lock };
}

export interface LockWaits {
  /** Transactions begun (`BEGIN IMMEDIATE`: one per group commit batch). */
  begins: number;
  /** Thread time spent inside `BEGIN IMMEDIATE`, i.e. in SQLite's busy handler waiting for the other connection. */
  waitMs: number;
  /** Begins that waited over 1 ms (a busy-handler sleep; SQLite sleeps 1, 2, 5, 10, … ms between tries). */
  slow: number;
  /** Time this connection held the writer lock: from its begin returning to its commit or rollback. */
  heldMs: number;
}

/**
 * Times every `BEGIN IMMEDIATE` of the store's connection. The store's group commit takes the writer lock
 * with it, and while another connection holds the lock, better-sqlite3 blocks the whole thread in SQLite's
 * busy handler (sleep and retry, up to `busy_timeout`). Wraps the connection's `exec`, which the store
 * calls through the same object.
 */
function probeWriterLock(store: SqliteStore): () => LockWaits {
  const waits: LockWaits = { begins: 0, waitMs: 0, slow: 0, heldMs: 0 };
  const db = store.db;
  const exec = db.exec.bind(db);
  let heldSince: number | null = null;
  db.exec = (sql: string) => {
    if (sql === 'COMMIT' || sql === 'ROLLBACK') {
      const result = exec(sql);
      if (heldSince !== null) waits.heldMs += performance.now() - heldSince;
      heldSince = null;
      return result;
    }
    if (sql !== 'BEGIN IMMEDIATE') return exec(sql);
    const start = performance.now();
    try {
      return exec(sql);
    } finally {
      heldSince = performance.now();
      const ms = heldSince - start;
      waits.begins += 1;
      waits.waitMs += ms;
      if (ms > 1) waits.slow += 1;
    }
  };
  return () => ({ ...waits });
}
