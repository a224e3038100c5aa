import type {
  AccountRecord,
  AccountStatus,
  AccountStore,
  CredentialStore,
  SealedCredential,
  TokenMetadata,
} from '@switchboard/core';
import { type Db, json, parseJson } from './db.js';

interface AccountColumns {
  channel: string;
  account_id: string;
  tenant_id: string | null;
  label: string | null;
  login_flavour: string | null;
  linked_ids: string;
  app_id: string | null;
  status: AccountStatus;
  token: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

const toAccount = (r: AccountColumns): AccountRecord => ({
  channel: r.channel,
  accountId: r.account_id,
  tenantId: r.tenant_id,
  label: r.label,
  loginFlavour: r.login_flavour,
  linkedIds: parseJson<Record<string, string>>(r.linked_ids) ?? {},
  appId: r.app_id,
  status: r.status,
  token: parseJson<TokenMetadata>(r.token),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

const SELECT_ONE = `SELECT * FROM accounts WHERE channel = ? AND account_id = ?`;

export function createSqliteAccounts(handle: Db): AccountStore {
  const one = (channel: string, accountId: string) =>
    handle.stmt(SELECT_ONE).get(channel, accountId) as AccountColumns | undefined;
  return {
    async put(account, { now, ifAbsent }) {
      return handle.write('account put', () => {
        const existing = one(account.channel, account.accountId);
        if (existing && ifAbsent) return { record: toAccount(existing), written: false };
        // One writer per file: the next version is simply one more than the highest.
        handle
          .stmt(
            `INSERT INTO accounts (channel, account_id, tenant_id, label, login_flavour, linked_ids, app_id, status, token, created_at, updated_at, version)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(version), 0) + 1 FROM accounts))
             ON CONFLICT (channel, account_id) DO UPDATE SET tenant_id = excluded.tenant_id, label = excluded.label,
               login_flavour = excluded.login_flavour, linked_ids = excluded.linked_ids, app_id = excluded.app_id,
               status = excluded.status, token = excluded.token, updated_at = excluded.updated_at, version = excluded.version`,
          )
          .run(
            account.channel,
            account.accountId,
            account.tenantId,
            account.label,
            account.loginFlavour,
            json(account.linkedIds),
            account.appId,
            account.status,
            account.token ? json(account.token) : null,
            now,
            now,
          );
        return {
          record: toAccount(one(account.channel, account.accountId) as AccountColumns),
          written: true,
        };
      });
    },
    async get(channel, accountId) {
      const row = handle.run('account get', () => one(channel, accountId));
      return row ? toAccount(row) : undefined;
    },
    async list({ tenantId, channel, status, after, limit }) {
      const rows = handle.run(
        'account list',
        () =>
          handle
            .stmt(
              `SELECT * FROM accounts
               WHERE (@tenant IS NULL OR tenant_id = @tenant) AND (@channel IS NULL OR channel = @channel)
                 AND (@status IS NULL OR status = @status)
                 AND (@afterChannel IS NULL OR channel > @afterChannel OR (channel = @afterChannel AND account_id > @afterId))
               ORDER BY channel, account_id LIMIT @limit`,
            )
            .all({
              tenant: tenantId ?? null,
              channel: channel ?? null,
              status: status ?? null,
              afterChannel: after?.channel ?? null,
              afterId: after?.accountId ?? null,
              limit,
            }) as AccountColumns[],
      );
      return rows.map(toAccount);
    },
    async changedSince(version, limit) {
      const rows = handle.run(
        'account changes',
        () =>
          handle
            .stmt(`SELECT * FROM accounts WHERE version > ? ORDER BY version LIMIT ?`)
            .all(version, limit) as AccountColumns[],
      );
      return rows.map(toAccount);
    },
  };
}

interface CredentialColumns {
  name: string;
  sealed: string | null;
  updated_at: number;
  version: number;
}

const toCredential = (r: CredentialColumns): SealedCredential => ({
  name: r.name,
  sealed: r.sealed,
  updatedAt: r.updated_at,
  version: r.version,
});

export function createSqliteCredentials(handle: Db): CredentialStore {
  const one = (name: string) =>
    handle.stmt(`SELECT * FROM credentials WHERE name = ?`).get(name) as CredentialColumns | undefined;
  return {
    async put(name, sealed, { now, ifVersion }) {
      return handle.write('credential put', () => {
        if (ifVersion !== undefined && (one(name)?.version ?? 0) !== ifVersion) return undefined;
        handle
          .stmt(
            `INSERT INTO credentials (name, sealed, updated_at, version)
             VALUES (?, ?, ?, (SELECT COALESCE(MAX(version), 0) + 1 FROM credentials))
             ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at,
               version = excluded.version`,
          )
          .run(name, sealed, now);
        return toCredential(one(name) as CredentialColumns);
      });
    },
    async get(name) {
      const row = handle.run('credential get', () => one(name));
      return row ? toCredential(row) : undefined;
    },
    async changedSince(version, limit) {
      const rows = handle.run(
        'credential changes',
        () =>
          handle
            .stmt(`SELECT * FROM credentials WHERE version > ? ORDER BY version LIMIT ?`)
            .all(version, limit) as CredentialColumns[],
      );
      return rows.map(toCredential);
    },
  };
}
