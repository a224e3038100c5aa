export { MIGRATIONS, type Migration, migrate } from './migrations.js';
export { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from './store.js';
