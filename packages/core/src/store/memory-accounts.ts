import type { MemoryGuard } from './memory-queues.js';
import type {
  AccountCursor,
  AccountRecord,
  AccountStore,
  CredentialStore,
  SealedCredential,
} from './types.js';

const copy = <T>(value: T): T => structuredClone(value);
const keyOf = (channel: string, accountId: string) => `${channel}\u0000${accountId}`;

/** `a` sorts after the cursor by (`channel`, `accountId`). */
const isAfter = (a: AccountRecord, cursor: AccountCursor) =>
  a.channel > cursor.channel || (a.channel === cursor.channel && a.accountId > cursor.accountId);

const byPosition = (a: AccountRecord, b: AccountRecord) =>
  a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : a.accountId < b.accountId ? -1 : 1;

export function createMemoryAccounts(guard: MemoryGuard): AccountStore {
  const rows = new Map<string, AccountRecord>();
  let version = 0;
  return {
    async put(account, { now, ifAbsent }) {
      guard.check();
      const key = keyOf(account.channel, account.accountId);
      const existing = rows.get(key);
      if (existing && ifAbsent) return { record: copy(existing), written: false };
      version += 1;
      const record: AccountRecord = {
        ...copy(account),
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        version,
      };
      rows.set(key, record);
      return { record: copy(record), written: true };
    },
    async get(channel, accountId) {
      guard.check();
      const row = rows.get(keyOf(channel, accountId));
      return row ? copy(row) : undefined;
    },
    async list({ tenantId, channel, status, after, limit }) {
      guard.check();
      return [...rows.values()]
        .filter(
          (a) =>
            (tenantId === undefined || a.tenantId === tenantId) &&
            (channel === undefined || a.channel === channel) &&
            (status === undefined || a.status === status) &&
            (after === undefined || isAfter(a, after)),
        )
        .sort(byPosition)
        .slice(0, limit)
        .map(copy);
    },
    async changedSince(since, limit) {
      guard.check();
      return [...rows.values()]
        .filter((a) => a.version > since)
        .sort((a, b) => a.version - b.version)
        .slice(0, limit)
        .map(copy);
    },
  };
}

export function createMemoryCredentials(guard: MemoryGuard): CredentialStore {
  const rows = new Map<string, SealedCredential>();
  let version = 0;
  return {
    async put(name, sealed, { now, ifVersion }) {
      guard.check();
      if (ifVersion !== undefined && (rows.get(name)?.version ?? 0) !== ifVersion) return undefined;
      version += 1;
      const record = { name, sealed, updatedAt: now, version };
      rows.set(name, record);
      return { ...record };
    },
    async get(name) {
      guard.check();
      const record = rows.get(name);
      return record ? { ...record } : undefined;
    },
    async changedSince(since, limit) {
      guard.check();
      return [...rows.values()]
        .filter((r) => r.version > since)
        .sort((a, b) => a.version - b.version)
        .slice(0, limit)
        .map((r) => ({ ...r }));
    },
  };
}
