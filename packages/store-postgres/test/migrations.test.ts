import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore, MIGRATIONS, migrate } from '../src/index.js';
import { dropSchemas, randomSchema, testDatabaseUrl } from './pg-helpers.js';

const schemas = new Set<string>();
afterAll(() => dropSchemas(schemas));

describe('migrations', () => {
  it('applies each version exactly once when several instances start together', async () => {
    const schema = randomSchema();
    schemas.add(schema);
    const url = await testDatabaseUrl();
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: url, max: 2 }));
    try {
      const versions = await Promise.all(pools.map((pool) => migrate(pool, schema)));
      expect(versions).toEqual(pools.map(() => MIGRATIONS.at(-1)?.version));
      const applied = await pools[0]!.query(`SELECT version, name FROM "${schema}".schema_migrations`);
      expect(applied.rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      // A restart finds nothing to do and keeps the data.
      await pools[0]!.query(`INSERT INTO "${schema}".counters (name, value) VALUES ('kept', 7)`);
      expect(await migrate(pools[1]!, schema)).toBe(MIGRATIONS.at(-1)?.version);
      const kept = await pools[1]!.query(`SELECT value FROM "${schema}".counters WHERE name = 'kept'`);
      expect(kept.rows[0]?.value).toBe('7');
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('rolls a failing migration back entirely, leaving the version unchanged', async () => {
    const schema = randomSchema();
    schemas.add(schema);
    const pool = new pg.Pool({ connectionString: await testDatabaseUrl(), max: 1 });
    try {
      await migrate(pool, schema);
      const broken = [
        ...MIGRATIONS,
        { version: 99, name: 'broken', sql: 'CREATE TABLE {s}.half (id int); SELECT * FROM {s}.missing;' },
      ];
      await expect(migrate(pool, schema, broken)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      const tables = await pool.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'half'`,
        [schema],
      );
      expect(tables.rows).toEqual([]);
      const versions = await pool.query(`SELECT max(version) AS v FROM "${schema}".schema_migrations`);
      expect(versions.rows[0]?.v).toBe(MIGRATIONS.at(-1)?.version);
    } finally {
      await pool.end();
    }
  });

  it('rejects schema names that are not plain identifiers', async () => {
    await expect(createPostgresStore({ schema: 'x"; DROP TABLE y; --' })).rejects.toThrow(/invalid schema/);
  });
});
