import type {
  AccountRecord,
  AccountStatus,
  AccountStore,
  CredentialStore,
  SealedCredential,
  TokenMetadata,
} from '@switchboard/core';
import { type Db, num } from './db.js';

type Row = Record<string, unknown>;

const toAccount = (r: Row): AccountRecord => ({
  channel: r.channel as string,
  accountId: r.account_id as string,
  tenantId: (r.tenant_id as string | null) ?? null,
  label: (r.label as string | null) ?? null,
  loginFlavour: (r.login_flavour as string | null) ?? null,
  linkedIds: (r.linked_ids as Record<string, string> | null) ?? {},
  appId: (r.app_id as string | null) ?? null,
  status: r.status as AccountStatus,
  token: (r.token as TokenMetadata | null) ?? null,
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
  version: num(r.version),
});

const COLUMNS = `channel, account_id, tenant_id, label, login_flavour, linked_ids, app_id, status, token, created_at, updated_at, version`;

export function createPgAccounts(db: Db): AccountStore {
  const t = db.t('accounts');
  return {
    async put(account, { now, ifAbsent }) {
      return db.tx(async (query) => {
        // The row lock on account_version is held until commit: versions commit in order.
        const [next] = await query(`UPDATE ${db.t('account_version')} SET value = value + 1 RETURNING value`);
        const values = [
          account.channel,
          account.accountId,
          account.tenantId,
          account.label,
          account.loginFlavour,
          JSON.stringify(account.linkedIds),
          account.appId,
          account.status,
          account.token ? JSON.stringify(account.token) : null,
          now,
          num(next?.value),
        ];
        const insert = `INSERT INTO ${t} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)`;
        const rows = ifAbsent
          ? await query(`${insert} ON CONFLICT (channel, account_id) DO NOTHING RETURNING *`, values)
          : await query(
              `${insert} ON CONFLICT (channel, account_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id,
                 label = EXCLUDED.label, login_flavour = EXCLUDED.login_flavour, linked_ids = EXCLUDED.linked_ids,
                 app_id = EXCLUDED.app_id, status = EXCLUDED.status, token = EXCLUDED.token,
                 updated_at = EXCLUDED.updated_at, version = EXCLUDED.version
               RETURNING *`,
              values,
            );
        if (rows[0]) return { record: toAccount(rows[0]), written: true };
        const [existing] = await query(`SELECT * FROM ${t} WHERE channel = $1 AND account_id = $2`, [
          account.channel,
          account.accountId,
        ]);
        return { record: toAccount(existing as Row), written: false };
      });
    },
    async get(channel, accountId) {
      const rows = await db.query(`SELECT * FROM ${t} WHERE channel = $1 AND account_id = $2`, [
        channel,
        accountId,
      ]);
      return rows[0] ? toAccount(rows[0]) : undefined;
    },
    async list({ tenantId, channel, status, after, limit }) {
      const rows = await db.query(
        `SELECT * FROM ${t}
          WHERE ($1::text IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR channel = $2)
            AND ($3::text IS NULL OR status = $3)
            AND ($4::text IS NULL OR (channel, account_id) > ($4, $5::text))
          ORDER BY channel, account_id LIMIT $6`,
        [
          tenantId ?? null,
          channel ?? null,
          status ?? null,
          after?.channel ?? null,
          after?.accountId ?? null,
          limit,
        ],
      );
      return rows.map(toAccount);
    },
    async changedSince(version, limit) {
      const rows = await db.query(`SELECT * FROM ${t} WHERE version > $1 ORDER BY version LIMIT $2`, [
        version,
        limit,
      ]);
      return rows.map(toAccount);
    },
  };
}

const toCredential = (r: Row): SealedCredential => ({
  name: r.name as string,
  sealed: (r.sealed as string | null) ?? null,
  updatedAt: num(r.updated_at),
  version: num(r.version),
});

export function createPgCredentials(db: Db): CredentialStore {
  const t = db.t('credentials');
  return {
    async put(name, sealed, { now, ifVersion }) {
      return db.tx(async (query) => {
        // Held to commit, like account_version: versions commit in order.
        const [next] = await query(
          `UPDATE ${db.t('credential_version')} SET value = value + 1 RETURNING value`,
        );
        const values = [name, sealed, now, num(next?.value)];
        const insert = `INSERT INTO ${t} (name, sealed, updated_at, version) VALUES ($1, $2, $3, $4)`;
        const rows =
          ifVersion === undefined
            ? await query(
                `${insert} ON CONFLICT (name) DO UPDATE SET sealed = EXCLUDED.sealed,
                   updated_at = EXCLUDED.updated_at, version = EXCLUDED.version RETURNING *`,
                values,
              )
            : ifVersion === 0
              ? await query(`${insert} ON CONFLICT (name) DO NOTHING RETURNING *`, values)
              : await query(
                  `UPDATE ${t} SET sealed = $2, updated_at = $3, version = $4 WHERE name = $1 AND version = $5 RETURNING *`,
                  [...values, ifVersion],
                );
        return rows[0] ? toCredential(rows[0]) : undefined;
      });
    },
    async get(name) {
      const rows = await db.query(`SELECT * FROM ${t} WHERE name = $1`, [name]);
      return rows[0] ? toCredential(rows[0]) : undefined;
    },
    async changedSince(version, limit) {
      const rows = await db.query(`SELECT * FROM ${t} WHERE version > $1 ORDER BY version LIMIT $2`, [
        version,
        limit,
      ]);
      return rows.map(toCredential);
    },
  };
}
