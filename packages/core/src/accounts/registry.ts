import { z } from 'zod';
import type { ChannelAdapter } from '../adapter.js';
import type { Clock } from '../clock.js';
import type { CredentialVault } from '../credentials/vault.js';
import { SwitchboardError } from '../errors.js';
import { ACCOUNT_STATUSES, type AccountRecord, type AccountWrite, type Store } from '../store/types.js';
import type { Accounts, AccountsOptions, AccountUpdate, ConnectAccountInput } from './types.js';

/** The engine's view of the registry: the public API plus synchronous lookups in an in-process copy. */
export interface AccountRegistry extends Accounts {
  /** The account from the in-process copy (as fresh as the last `refresh`), without a store call. */
  peek(channel: string, accountId: string): AccountRecord | undefined;
  /** Every account of the in-process copy. */
  entries(): IterableIterator<AccountRecord>;
  /**
   * Whether events of this account are dispatched and sends go out: the account is `active`, or its
   * channel has no registered account at all (a single business whose adapter lists no ids, as before).
   */
  admits(channel: string, accountId: string): boolean;
  /** The ACCOUNT_NOT_CONNECTED error a send for this account fails with, or undefined when it may send. */
  refusal(channel: string, accountId: string): SwitchboardError | undefined;
  /** Adds the configured accounts (first call) and picks up changes made by other instances, at most every `refreshMs`. */
  refresh(options?: { force?: boolean }): Promise<void>;
  /** Called after every change this instance sees (its own writes and other instances'). */
  onChange(listener: (account: AccountRecord) => void): () => void;
}

const id = z.string().min(1).max(256);
const nullableText = z.string().min(1).max(1024).nullable();
const fields = {
  tenantId: id.nullable().optional(),
  label: nullableText.optional(),
  loginFlavour: nullableText.optional(),
  linkedIds: z.record(z.string().min(1), id).optional(),
  appId: id.nullable().optional(),
  status: z.enum(ACCOUNT_STATUSES as [string, ...string[]]).optional(),
  token: z
    .object({
      expiresAt: z.number().int().nonnegative().nullable(),
      scopes: z.array(z.string()),
      checkedAt: z.number().int().nonnegative().nullable(),
    })
    .nullable()
    .optional(),
  // Checked by the vault, which names the bad credential without echoing its value.
  credentials: z.record(z.string(), z.unknown()).nullable().optional(),
};
const ConnectSchema = z
  .object({ channel: z.string().regex(/^[a-z][a-z0-9_-]*$/), accountId: id, ...fields })
  .strict();
const UpdateSchema = z.object(fields).strict();
const ListSchema = z
  .object({
    tenantId: id.optional(),
    channel: z.string().min(1).optional(),
    status: fields.status,
    cursor: z.string().optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

function validate<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new SwitchboardError(
    'INVALID_REQUEST',
    `${what}: ${issue?.message ?? 'invalid'} at ${issue?.path.join('.') || '$'}`,
    { cause: result.error },
  );
}

const keyOf = (channel: string, accountId: string) => `${channel}\u0000${accountId}`;
const encodeCursor = (a: AccountRecord) =>
  Buffer.from(JSON.stringify([a.channel, a.accountId])).toString('base64url');
function decodeCursor(cursor: string): { channel: string; accountId: string } {
  try {
    const [channel, accountId] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof channel === 'string' && typeof accountId === 'string') return { channel, accountId };
  } catch {
    // falls through to the error below
  }
  throw new SwitchboardError('INVALID_REQUEST', 'accounts.list: cursor is not one returned by list');
}

/** Applies the named fields of `update` over `base`. */
function merge(base: AccountWrite, update: AccountUpdate): AccountWrite {
  const out: AccountWrite = { ...base };
  for (const [key, value] of Object.entries(update))
    if (value !== undefined) Object.assign(out, { [key]: value });
  return out;
}

const blank = (channel: string, accountId: string): AccountWrite => ({
  channel,
  accountId,
  tenantId: null,
  label: null,
  loginFlavour: null,
  linkedIds: {},
  appId: null,
  status: 'active',
  token: null,
});

/**
 * Creates the registry over `store.accounts`, with an in-process copy of every account so the engine
 * can tag events and route in O(1) without a store round trip per event.
 */
export function createAccountRegistry(deps: {
  store: Store;
  clock: Clock;
  adapters: readonly ChannelAdapter[];
  vault: CredentialVault;
  options?: AccountsOptions;
}): AccountRegistry {
  const { vault } = deps;
  const { store, clock } = deps;
  const refreshMs = deps.options?.refreshMs ?? 2_000;
  const copy = new Map<string, AccountRecord>();
  const listeners = new Set<(account: AccountRecord) => void>();
  /** Registered accounts per channel, any status. */
  const perChannel = new Map<string, number>();
  let version = 0;
  let refreshedAt = Number.NEGATIVE_INFINITY;
  let seeded = false;
  let inFlight: Promise<void> | null = null;

  const apply = (record: AccountRecord) => {
    const key = keyOf(record.channel, record.accountId);
    const known = copy.get(key);
    if (known && known.version >= record.version) return;
    if (!known) perChannel.set(record.channel, (perChannel.get(record.channel) ?? 0) + 1);
    copy.set(key, record);
    for (const listener of listeners) listener(record);
  };

  const seed = async () => {
    const now = clock.now();
    for (const adapter of deps.adapters)
      for (const accountId of adapter.accountIds ?? [])
        await store.accounts.put(blank(adapter.channel, accountId), { now, ifAbsent: true });
    seeded = true;
  };

  const pull = async () => {
    if (!seeded) await seed();
    for (;;) {
      const changes = await store.accounts.changedSince(version, 1000);
      for (const record of changes) {
        apply(record);
        version = Math.max(version, record.version);
      }
      if (changes.length < 1000) break;
    }
    refreshedAt = clock.now();
  };

  const write = async (account: AccountWrite) => {
    const { record } = await store.accounts.put(account, { now: clock.now() });
    apply(record);
    return record;
  };

  const existing = async (channel: string, accountId: string, what: string) => {
    const record = await store.accounts.get(channel, accountId);
    if (!record)
      throw new SwitchboardError(
        'NOT_FOUND',
        `${what}: no account ${channel}:${accountId} was ever connected`,
      );
    return record;
  };

  const admits = (channel: string, accountId: string) =>
    !perChannel.get(channel) || copy.get(keyOf(channel, accountId))?.status === 'active';

  return {
    peek: (channel, accountId) => copy.get(keyOf(channel, accountId)),
    entries: () => copy.values(),
    admits,
    refusal(channel, accountId) {
      if (admits(channel, accountId)) return undefined;
      const status = copy.get(keyOf(channel, accountId))?.status;
      return new SwitchboardError(
        'ACCOUNT_NOT_CONNECTED',
        `${channel} account ${accountId} is ${status ?? 'not connected'}: connect it with switchboard.accounts.connect`,
      );
    },
    async refresh(options) {
      if (!options?.force && clock.now() - refreshedAt < refreshMs) return;
      inFlight ??= pull().finally(() => {
        inFlight = null;
      });
      await inFlight;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async connect(input) {
      const { channel, accountId, credentials, ...rest } = validate(
        ConnectSchema,
        input,
        'accounts.connect',
      ) as ConnectAccountInput;
      // Credentials first: once the account is active, its first send must find them.
      if (credentials !== undefined) await vault.setAccount(channel, accountId, credentials);
      const base = (await store.accounts.get(channel, accountId)) ?? blank(channel, accountId);
      return write(merge({ ...toWrite(base), status: 'active' }, rest));
    },
    async update(channel, accountId, update) {
      const { credentials, ...patch } = validate(UpdateSchema, update, 'accounts.update') as AccountUpdate;
      const record = await existing(channel, accountId, 'accounts.update');
      if (credentials !== undefined) await vault.setAccount(channel, accountId, credentials);
      return write(merge(toWrite(record), patch));
    },
    async disconnect(channel, accountId) {
      const record = await existing(channel, accountId, 'accounts.disconnect');
      const written = await write({ ...toWrite(record), status: 'disconnected' });
      // The tenant left: its tokens go with it (a reconnect brings new ones).
      await vault.setAccount(channel, accountId, null);
      return written;
    },
    get: (channel, accountId) => store.accounts.get(channel, accountId),
    hasCredentials: (channel, accountId) => vault.hasStored(channel, accountId),
    async list(options = {}) {
      const query = validate(ListSchema, options, 'accounts.list');
      const limit = query.limit ?? 100;
      // One more than asked tells whether another page exists.
      const rows = await store.accounts.list({
        limit: limit + 1,
        ...(query.tenantId !== undefined ? { tenantId: query.tenantId } : {}),
        ...(query.channel !== undefined ? { channel: query.channel } : {}),
        ...(query.status !== undefined ? { status: query.status as AccountRecord['status'] } : {}),
        ...(query.cursor !== undefined ? { after: decodeCursor(query.cursor) } : {}),
      });
      const accounts = rows.slice(0, limit);
      const last = accounts.at(-1);
      return { accounts, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },
  };
}

function toWrite(record: AccountWrite | AccountRecord): AccountWrite {
  const { createdAt: _c, updatedAt: _u, version: _v, ...write } = record as AccountRecord;
  return write;
}
