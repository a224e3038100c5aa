import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The PostgreSQL store's own test helper: one place that knows how this machine's server is reached.
export { testDatabaseUrl } from '../../../packages/store-postgres/test/pg-helpers.js';

export const tempDbPath = (): string => join(tmpdir(), `sb-platform-${randomUUID()}.db`);
