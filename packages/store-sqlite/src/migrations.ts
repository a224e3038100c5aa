import type Database from 'better-sqlite3';

/** Schema versions, applied in order; `PRAGMA user_version` records the last one applied. Never edit a shipped entry: append. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    body BLOB NOT NULL,
    headers TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner TEXT,
    lease_expires_at INTEGER,
    error TEXT
  );
  CREATE INDEX inbox_due ON inbox (next_attempt_at) WHERE state = 'pending';
  CREATE INDEX inbox_received ON inbox (received_at);

  CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    account_id TEXT NOT NULL,
    conversation_id TEXT,
    timestamp INTEGER NOT NULL,
    source TEXT NOT NULL,
    inbox_id INTEGER,
    event TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner TEXT,
    lease_expires_at INTEGER,
    error TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX events_due ON events (seq) WHERE state = 'pending';
  CREATE INDEX events_conversation ON events (conversation_id, timestamp);
  CREATE INDEX events_time ON events (timestamp);

  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    account_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    last_event_at INTEGER NOT NULL,
    last_inbound_at INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX conversations_recent ON conversations (last_event_at DESC);

  CREATE TABLE messages (
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    direction TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    text TEXT,
    event TEXT,
    status TEXT,
    status_rank INTEGER NOT NULL DEFAULT 0,
    status_at INTEGER,
    correlation_id TEXT,
    PRIMARY KEY (channel, message_id)
  );
  CREATE INDEX messages_conversation ON messages (conversation_id, timestamp);

  CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT UNIQUE,
    channel TEXT NOT NULL,
    account_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    message TEXT NOT NULL,
    state TEXT NOT NULL,
    state_rank INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner TEXT,
    lease_expires_at INTEGER,
    platform_message_id TEXT,
    receipt TEXT,
    error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX outbox_due ON outbox (created_at) WHERE state = 'pending';
  CREATE INDEX outbox_platform_id ON outbox (channel, platform_message_id);

  CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    ref TEXT NOT NULL,
    channel TEXT NOT NULL,
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX dead_letters_at ON dead_letters (at);

  CREATE TABLE health_state (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);
  CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  `,
  // The inbox claim reads pending rows in id order; SQLite never chose inbox_due for it and scanned the
  // whole table, done rows included (about 6 ms per claim at 50k rows, growing forever). A partial index
  // on exactly that order makes the claim independent of the table's size, and one index fewer to
  // maintain on every acknowledged webhook.
  `
  DROP INDEX inbox_due;
  CREATE INDEX inbox_pending ON inbox (id) WHERE state = 'pending';
  `,
  // The account registry (switchboard.accounts): tenants, status and token metadata, never the tokens.
  `
  CREATE TABLE accounts (
    channel TEXT NOT NULL,
    account_id TEXT NOT NULL,
    tenant_id TEXT,
    label TEXT,
    login_flavour TEXT,
    linked_ids TEXT NOT NULL,
    app_id TEXT,
    status TEXT NOT NULL,
    token TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (channel, account_id)
  );
  CREATE INDEX accounts_tenant ON accounts (tenant_id, channel, account_id);
  CREATE INDEX accounts_version ON accounts (version);
  `,
  // Account tokens and app secrets, sealed by the engine (AES-256-GCM) before they get here.
  `
  CREATE TABLE credentials (
    name TEXT PRIMARY KEY,
    sealed TEXT,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL
  );
  CREATE INDEX credentials_version ON credentials (version);
  `,
  // Bodies out of leased rows: a claim, a done mark or a retry rewrote the whole inbox or events row, its
  // body or event JSON included, so each went through the WAL two or three times. Written once now, beside
  // a small work row that the processor rewrites. A message row refers to its event (event_key) instead of
  // holding a second copy of the JSON.
  `
  CREATE TABLE inbox_bodies (id INTEGER PRIMARY KEY, body BLOB NOT NULL, headers TEXT NOT NULL);
  INSERT INTO inbox_bodies (id, body, headers) SELECT id, body, headers FROM inbox;
  ALTER TABLE inbox DROP COLUMN body;
  ALTER TABLE inbox DROP COLUMN headers;

  CREATE TABLE event_bodies (seq INTEGER PRIMARY KEY, event TEXT NOT NULL);
  INSERT INTO event_bodies (seq, event) SELECT seq, event FROM events;
  ALTER TABLE events DROP COLUMN event;

  ALTER TABLE messages ADD COLUMN event_key TEXT;
  `,
  // The template cache: message templates as last read from the template API or template webhooks.
  `
  CREATE TABLE templates (
    channel TEXT NOT NULL,
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    template_id TEXT,
    status TEXT,
    category TEXT,
    quality TEXT,
    reason TEXT,
    definition TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (channel, account_id, name, language)
  );
  `,
  // Cached names and avatars (switchboard.profiles); a NULL profile is a remembered absence.
  `
  CREATE TABLE user_profiles (
    channel TEXT NOT NULL,
    account_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    profile TEXT,
    absent_reason TEXT,
    fetched_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (channel, account_id, user_id)
  );
  CREATE INDEX user_profiles_expiry ON user_profiles (expires_at);
  `,
];

/** Applies the migrations the file has not seen yet, each in its own transaction. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `database schema version ${current} is newer than this @switchboard/store-sqlite (${MIGRATIONS.length}): upgrade the package`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    const sql = MIGRATIONS[version] ?? '';
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
  return MIGRATIONS.length;
}
