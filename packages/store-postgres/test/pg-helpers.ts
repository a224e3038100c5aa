import { randomBytes } from 'node:crypto';
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
        await client.query('SELECT 1');
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

export const randomSchema = (prefix = 'sbtest'): string => `${prefix}_${randomBytes(6).toString('hex')}`;

/** Drops test schemas with their tables. */
export async function dropSchemas(schemas: Iterable<string>): Promise<void> {
  const list = [...schemas];
  if (list.length === 0) return;
  const client = new pg.Client({ connectionString: await testDatabaseUrl() });
  await client.connect();
  try {
    for (const schema of list) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
