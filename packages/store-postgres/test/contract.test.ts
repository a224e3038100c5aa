import { storeContract } from '@switchboard/testkit/contracts';
import { afterAll } from 'vitest';
import { createPostgresStore } from '../src/index.js';
import { dropSchemas, randomSchema, testDatabaseUrl } from './pg-helpers.js';

const schemas = new Set<string>();
afterAll(() => dropSchemas(schemas));

storeContract('postgres', async () => {
  const schema = randomSchema();
  schemas.add(schema);
  return createPostgresStore({ connectionString: await testDatabaseUrl(), schema, maxConnections: 4 });
});
