import type pg from 'pg';
import { quoteIdent, toStoreError } from './db.js';

/** One schema change. Versions are applied in order, each exactly once, recorded in `schema_migrations`. */
export interface Migration {
  version: number;
  name: string;
  /** SQL with `{s}` standing for the quoted schema name. */
  sql: string;
}

const WORK_COLUMNS = `
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  lease_owner text,
  lease_expires_at bigint,
  error text`;

/** The schema history, oldest first. Add a new version at the end; never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE {s}.inbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel text NOT NULL,
  body bytea NOT NULL,
  headers json NOT NULL,
  received_at bigint NOT NULL,${WORK_COLUMNS}
);
CREATE INDEX inbox_pending ON {s}.inbox (id) WHERE state = 'pending';
CREATE INDEX inbox_received ON {s}.inbox (received_at, id);

CREATE TABLE {s}.events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key text NOT NULL,
  kind text NOT NULL,
  channel text NOT NULL,
  account_id text NOT NULL,
  conversation_id text,
  "timestamp" bigint NOT NULL,
  source text NOT NULL,
  inbox_id bigint,
  event json NOT NULL,
  created_at bigint NOT NULL,${WORK_COLUMNS}
);
CREATE UNIQUE INDEX events_key ON {s}.events (key);
CREATE INDEX events_pending ON {s}.events (seq) WHERE state = 'pending';
CREATE INDEX events_conversation ON {s}.events (conversation_id, "timestamp", seq);
CREATE INDEX events_time ON {s}.events ("timestamp", seq);

CREATE TABLE {s}.conversations (
  id text PRIMARY KEY,
  channel text NOT NULL,
  account_id text NOT NULL,
  user_id text NOT NULL,
  last_event_at bigint NOT NULL,
  last_inbound_at bigint,
  created_at bigint NOT NULL
);
CREATE INDEX conversations_recent ON {s}.conversations (last_event_at DESC, id);

CREATE TABLE {s}.messages (
  channel text NOT NULL,
  message_id text NOT NULL,
  conversation_id text NOT NULL,
  account_id text NOT NULL,
  direction text NOT NULL,
  "timestamp" bigint NOT NULL,
  text text,
  event json,
  status text,
  status_rank integer NOT NULL DEFAULT 0,
  status_at bigint,
  correlation_id text,
  PRIMARY KEY (channel, message_id)
);
CREATE INDEX messages_conversation ON {s}.messages (conversation_id, "timestamp");

CREATE TABLE {s}.outbox (
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text PRIMARY KEY,
  idempotency_key text UNIQUE,
  channel text NOT NULL,
  account_id text NOT NULL,
  user_id text NOT NULL,
  message json NOT NULL,
  state text NOT NULL DEFAULT 'pending',
  state_rank integer NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  lease_owner text,
  lease_expires_at bigint,
  platform_message_id text,
  receipt json,
  error json,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX outbox_pending ON {s}.outbox (created_at, seq) WHERE state = 'pending';
CREATE INDEX outbox_state ON {s}.outbox (state, created_at, seq);
CREATE INDEX outbox_platform_id ON {s}.outbox (channel, platform_message_id);

CREATE TABLE {s}.dead_letters (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source text NOT NULL,
  ref text NOT NULL,
  channel text NOT NULL,
  code text NOT NULL,
  reason text NOT NULL,
  attempts integer NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX dead_letters_at ON {s}.dead_letters (at DESC, id DESC);

CREATE TABLE {s}.health_state (
  key text PRIMARY KEY,
  value json NOT NULL,
  updated_at bigint NOT NULL
);

CREATE TABLE {s}.counters (
  name text PRIMARY KEY,
  value bigint NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'accounts',
    // Ids collate bytewise ("C") so paging order is the same in every store and locale. Every write
    // takes the next value of account_version under its row lock, held to commit: versions commit in
    // order, so an instance polling changedSince(version) never skips a write.
    sql: `
CREATE TABLE {s}.accounts (
  channel text COLLATE "C" NOT NULL,
  account_id text COLLATE "C" NOT NULL,
  tenant_id text,
  label text,
  login_flavour text,
  linked_ids json NOT NULL,
  app_id text,
  status text NOT NULL CHECK (status IN ('active', 'paused', 'disconnected')),
  token json,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (channel, account_id)
);
CREATE INDEX accounts_tenant ON {s}.accounts (tenant_id, channel, account_id);
CREATE INDEX accounts_version ON {s}.accounts (version);
CREATE TABLE {s}.account_version (value bigint NOT NULL);
INSERT INTO {s}.account_version (value) VALUES (0);
`,
  },
  {
    version: 3,
    name: 'credentials',
    // Account tokens and app secrets, sealed by the engine (AES-256-GCM) before they get here. Versions
    // commit in order like the accounts' (credential_version row lock held to commit).
    sql: `
CREATE TABLE {s}.credentials (
  name text COLLATE "C" PRIMARY KEY,
  sealed text,
  updated_at bigint NOT NULL,
  version bigint NOT NULL
);
CREATE INDEX credentials_version ON {s}.credentials (version);
CREATE TABLE {s}.credential_version (value bigint NOT NULL);
INSERT INTO {s}.credential_version (value) VALUES (0);
`,
  },
  {
    version: 4,
    name: 'templates',
    // The template cache: message templates as last read from the template API or template webhooks.
    sql: `
CREATE TABLE {s}.templates (
  channel text NOT NULL,
  account_id text NOT NULL,
  name text NOT NULL,
  language text NOT NULL,
  template_id text,
  status text,
  category text,
  quality text,
  reason text,
  definition jsonb,
  updated_at bigint NOT NULL,
  PRIMARY KEY (channel, account_id, name, language)
);
`,
  },
  {
    version: 5,
    name: 'user_profiles',
    // Cached names and avatars (switchboard.profiles); a null profile is a remembered absence.
    sql: `
CREATE TABLE {s}.user_profiles (
  channel text COLLATE "C" NOT NULL,
  account_id text COLLATE "C" NOT NULL,
  user_id text COLLATE "C" NOT NULL,
  profile json,
  absent_reason text,
  fetched_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (channel, account_id, user_id)
);
CREATE INDEX user_profiles_expiry ON {s}.user_profiles (expires_at);
`,
  },
];

/** Arbitrary constant namespacing Switchboard's advisory locks (first key of the two-key form). */
const LOCK_NAMESPACE = 0x5b0a;

/**
 * Brings `schema` to the newest version. Runs in one transaction holding a transaction-level advisory
 * lock keyed by the schema name, so instances starting together apply each migration exactly once (the
 * others wait, then find nothing left to do). Returns the schema version afterwards.
 *
 * @example
 * const pool = new pg.Pool({ connectionString });
 * await migrate(pool, 'switchboard');
 */
export async function migrate(
  pool: pg.Pool,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number> {
  const s = quoteIdent(schema);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toStoreError(error, 'connect');
  }
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const applied = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
    const done = new Set(applied.rows.map((r) => r.version));
    let version = Math.max(0, ...done);
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql.replaceAll('{s}', s));
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      version = Math.max(version, migration.version);
    }
    await client.query('COMMIT');
    return version;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw toStoreError(error, 'migration');
  } finally {
    client.release(broken);
  }
}
