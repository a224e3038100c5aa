import { z } from 'zod';
import type { Clock } from '../clock.js';
import { SwitchboardError } from '../errors.js';
import type { CredentialStore, SealedCredential } from '../store/types.js';
import { type CredentialCipher, createCredentialCipher } from './cipher.js';
import type {
  AccountCredentials,
  AppSecret,
  Apps,
  CredentialReference,
  CredentialsAdmin,
  CredentialsOptions,
} from './types.js';

/** The engine's side of credentials: sealed in the store, opened on use, cached in process. */
export interface CredentialVault extends CredentialsAdmin {
  apps: Apps;
  /** Whether a `refresh` is due (changes by other instances may be waiting). */
  stale(): boolean;
  /** Picks up values written by other instances, at most every `refreshMs` unless forced. */
  refresh(options?: { force?: boolean }): Promise<void>;
  /** The resolver's answer, else the stored credentials, else undefined. */
  account(ref: CredentialReference): Promise<AccountCredentials | undefined>;
  /** Whether stored credentials exist for the account (from the in-process copy). */
  hasStored(channel: string, accountId: string): boolean;
  /** When the account's stored credentials were last written (epoch ms), or undefined. */
  storedAt(channel: string, accountId: string): number | undefined;
  /** Stores (or with null erases) an account's credentials. */
  setAccount(channel: string, accountId: string, credentials: AccountCredentials | null): Promise<void>;
  /** Secrets of every registered app, in memory, for signature checks. */
  appSecrets(): readonly AppSecret[];
}

const SECRET = z.string().min(1).max(8192);
export const AccountCredentialsSchema = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'credential names are identifiers'), SECRET)
  .refine((c) => Object.keys(c).length <= 16, 'at most 16 credentials per account');
const AppSecretsSchema = z.array(SECRET).min(1).max(8);
const AppIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'app ids are 1-128 of A-Z a-z 0-9 _ . -');

const ACCOUNT = 'account:';
export const accountName = (channel: string, accountId: string) => `${ACCOUNT}${channel}:${accountId}`;
const APP = 'app:';

function invalid(what: string, error: z.ZodError): never {
  const issue = error.issues[0];
  // The path names the credential, never its value.
  throw new SwitchboardError(
    'INVALID_REQUEST',
    `${what}: ${issue?.message ?? 'invalid'} at ${issue?.path.join('.') || '$'}`,
  );
}

interface Entry {
  sealed: string | null;
  version: number;
  updatedAt: number;
  opened?: unknown;
}

export function createCredentialVault(deps: {
  store: CredentialStore;
  clock: Clock;
  options?: CredentialsOptions;
  refreshMs: number;
}): CredentialVault {
  const { store, clock, refreshMs } = deps;
  const keys = deps.options?.keys ?? [];
  const cipher: CredentialCipher | null = keys.length ? createCredentialCipher(keys) : null;
  const resolve = deps.options?.resolve;
  const ttlMs = deps.options?.ttlMs ?? 5 * 60_000;
  const entries = new Map<string, Entry>();
  const resolved = new Map<string, { value: AccountCredentials | undefined; until: number }>();
  const resolving = new Map<string, Promise<AccountCredentials | undefined>>();
  let version = 0;
  let refreshedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | null = null;
  let secrets: AppSecret[] = [];

  const rebuildAppSecrets = () => {
    const next: AppSecret[] = [];
    for (const [name, entry] of entries) {
      if (!name.startsWith(APP) || entry.sealed === null) continue;
      const appId = name.slice(APP.length);
      try {
        for (const secret of open<string[]>(name, entry)) next.push({ appId, secret });
      } catch {
        // Sealed with a key no longer configured: that app's webhooks fail to verify (401, logged by
        // the ingress); the other apps keep working.
      }
    }
    secrets = next;
  };

  const apply = (record: SealedCredential | undefined) => {
    if (!record) return false;
    version = Math.max(version, record.version);
    // Other names in the table (leases) are not credentials.
    if (!record.name.startsWith(ACCOUNT) && !record.name.startsWith(APP)) return false;
    const known = entries.get(record.name);
    if (known && known.version >= record.version) return false;
    entries.set(record.name, { sealed: record.sealed, version: record.version, updatedAt: record.updatedAt });
    return true;
  };

  const requireCipher = (what: string): CredentialCipher => {
    if (cipher) return cipher;
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `${what}: storing credentials needs an encryption key — set SWITCHBOARD_CREDENTIAL_KEY (openssl rand -base64 32) or pass credentials.keys`,
    );
  };

  function open<T>(name: string, entry: Entry): T {
    if (entry.opened === undefined) {
      if (entry.sealed === null) return undefined as T;
      entry.opened = JSON.parse(requireCipher(`opening ${name}`).open(name, entry.sealed));
    }
    return entry.opened as T;
  }

  const pull = async () => {
    let apps = false;
    for (;;) {
      const changes = await store.changedSince(version, 1000);
      for (const record of changes) if (apply(record) && record.name.startsWith(APP)) apps = true;
      if (changes.length < 1000) break;
    }
    if (apps) rebuildAppSecrets();
    refreshedAt = clock.now();
  };

  const write = async (name: string, value: unknown) => {
    const sealed = value === null ? null : requireCipher(`storing ${name}`).seal(name, JSON.stringify(value));
    apply(await store.put(name, sealed, { now: clock.now() }));
    if (name.startsWith(APP)) rebuildAppSecrets();
  };

  const refresh: CredentialVault['refresh'] = async (options) => {
    if (!options?.force && clock.now() - refreshedAt < refreshMs) return;
    inFlight ??= pull().finally(() => {
      inFlight = null;
    });
    await inFlight;
  };

  const fromResolver = async (ref: CredentialReference, key: string) => {
    const cached = resolved.get(key);
    if (cached && cached.until > clock.now()) return cached.value;
    let pending = resolving.get(key);
    if (!pending) {
      pending = (async () => {
        try {
          const value = await resolve?.(ref);
          const checked = value === undefined ? undefined : AccountCredentialsSchema.safeParse(value);
          if (checked && !checked.success) invalid(`credentials resolver for ${key}`, checked.error);
          resolved.set(key, { value, until: clock.now() + ttlMs });
          return value;
        } catch (error) {
          if (SwitchboardError.is(error)) throw error;
          throw new SwitchboardError(
            'TEMPORARY',
            `credentials resolver failed for ${key}: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        } finally {
          resolving.delete(key);
        }
      })();
      resolving.set(key, pending);
    }
    return pending;
  };

  return {
    keyId: cipher?.keyId ?? null,
    stale: () => clock.now() - refreshedAt >= refreshMs,
    refresh,
    async account(ref) {
      const name = accountName(ref.channel, ref.accountId);
      if (resolve) {
        const value = await fromResolver(ref, name);
        if (value !== undefined) return value;
      }
      await refresh();
      const entry = entries.get(name);
      return entry ? open<AccountCredentials | undefined>(name, entry) : undefined;
    },
    storedAt(channel, accountId) {
      const entry = entries.get(accountName(channel, accountId));
      return entry?.sealed ? entry.updatedAt : undefined;
    },
    hasStored: (channel, accountId) =>
      (entries.get(accountName(channel, accountId))?.sealed ?? null) !== null,
    async setAccount(channel, accountId, credentials) {
      const name = accountName(channel, accountId);
      if (credentials !== null) {
        const checked = AccountCredentialsSchema.safeParse(credentials);
        if (!checked.success) invalid(`credentials of ${channel}:${accountId}`, checked.error);
      }
      await write(name, credentials);
    },
    appSecrets: () => secrets,
    apps: {
      async put(appId, list) {
        const id = AppIdSchema.safeParse(appId);
        if (!id.success) invalid('apps.put appId', id.error);
        const checked = AppSecretsSchema.safeParse(list);
        if (!checked.success) invalid(`apps.put secrets of ${appId}`, checked.error);
        await write(`${APP}${appId}`, [...new Set(checked.data)]);
      },
      async remove(appId) {
        await write(`${APP}${appId}`, null);
      },
      async list() {
        await refresh();
        const out: Array<{ appId: string; secrets: number }> = [];
        for (const [name, entry] of entries)
          if (name.startsWith(APP) && entry.sealed !== null)
            out.push({ appId: name.slice(APP.length), secrets: open<string[]>(name, entry).length });
        return out.sort((a, b) => (a.appId < b.appId ? -1 : 1));
      },
    },
    async reencrypt() {
      const active = requireCipher('credentials.reencrypt');
      await refresh({ force: true });
      let resealed = 0;
      let total = 0;
      for (const name of [...entries.keys()]) {
        // The stored value, not the cached one: another instance may have changed it since.
        const sealed = (await store.get(name))?.sealed ?? null;
        if (sealed === null) continue;
        total += 1;
        if (!active.isStale(sealed)) continue;
        apply(await store.put(name, active.seal(name, active.open(name, sealed)), { now: clock.now() }));
        resealed += 1;
      }
      return { resealed, total };
    },
  };
}
