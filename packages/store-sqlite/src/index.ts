export { MIGRATIONS } from './migrations.js';
export {
  createSqliteStore,
  type SqliteDurability,
  type SqliteStore,
  type SqliteStoreOptions,
} from './store.js';
