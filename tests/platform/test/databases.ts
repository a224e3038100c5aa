import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const CANDIDATES = process.env.SWITCHBOARD_TEST_PG_URL
  ? [process.env.SWITCHBOARD_TEST_PG_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

let found: Promise<string> | undefined;

/** The first connection string (postgres role, then root) that the local server accepts. */
export function testDatabaseUrl(): Promise<string> {
  found ??= (async () => {
    const errors: string[] = [];
    for (const url of CANDIDATES) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
      try {
        await client.connect();
        return url;
      } catch (error) {
        errors.push(`${url}: ${(error as Error).message}`);
      } finally {
        await client.end().catch(() => {});
      }
    }
    throw new Error(`no usable PostgreSQL test database:\n${errors.join('\n')}`);
  })();
  return found;
}

export const tempDbPath = (): string => join(tmpdir(), `sb-platform-${randomUUID()}.db`);
