import { SwitchboardError } from '@switchboard/core';
import type pg from 'pg';

/** What every sub-store uses: schema-qualified table names and guarded queries. */
export interface Db {
  /** `"schema".table` for SQL text. */
  t(table: string): string;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** Runs `body` in one transaction on one connection; rolls back and rejects on any error. */
  tx<T>(body: (query: Db['query']) => Promise<T>): Promise<T>;
  isClosed(): boolean;
  markClosed(): void;
}

/** Quotes an SQL identifier (schema names come from options, never from requests). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** SQLSTATE classes that mean "the data is fine, the database is not reachable right now". */
const UNAVAILABLE_STATES = /^(08|53|57|58)/;

/**
 * Everything that fails on the way to the database rejects with `STORE_UNAVAILABLE` (the engine answers
 * 503 and the platform retries). Constraint and syntax errors keep their own message but are still
 * `STORE_UNAVAILABLE`, because a write that did not happen must never look like one that did.
 */
export function toStoreError(error: unknown, what: string): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  // SQLSTATEs are five characters; anything else (ECONNREFUSED, ETIMEDOUT...) is a network failure.
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const transient = sqlState === undefined || UNAVAILABLE_STATES.test(sqlState);
  return new SwitchboardError(
    'STORE_UNAVAILABLE',
    `postgres ${what} failed${sqlState ? ` (${sqlState})` : ''}: ${message}`,
    { cause: error, retryable: transient || sqlState === '40001' || sqlState === '40P01' },
  );
}

export function createDb(pool: pg.Pool, schema: string): Db {
  const s = quoteIdent(schema);
  let closed = false;
  const ensureOpen = () => {
    if (closed) throw new SwitchboardError('STORE_UNAVAILABLE', 'postgres store is closed');
  };
  const query: Db['query'] = async (text, values) => {
    ensureOpen();
    try {
      const result = await pool.query(text, values);
      return result.rows;
    } catch (error) {
      throw toStoreError(error, 'query');
    }
  };
  return {
    t: (table) => `${s}.${table}`,
    query,
    async tx(body) {
      ensureOpen();
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw toStoreError(error, 'connect');
      }
      const run: Db['query'] = async (text, values) => {
        try {
          return (await client.query(text, values)).rows;
        } catch (error) {
          throw toStoreError(error, 'query');
        }
      };
      let broken: Error | undefined;
      try {
        await run('BEGIN');
        const result = await body(run);
        await run('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection itself is gone: release(error) destroys it instead of pooling it.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw toStoreError(error, 'transaction');
      } finally {
        client.release(broken);
      }
    },
    isClosed: () => closed,
    markClosed() {
      closed = true;
    },
  };
}

/** `bigint` columns come back as strings; times and ids fit in a JS number. */
export const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value));
export const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : num(value);

/** Byte-exact copy of a `bytea` Buffer as a plain Uint8Array. */
export const toBytes = (value: Buffer): Uint8Array => Uint8Array.from(value);
export const toBuffer = (value: Uint8Array): Buffer =>
  Buffer.from(value.buffer, value.byteOffset, value.byteLength);
