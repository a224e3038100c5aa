// ---------------------------------------------------------------------------------------------------
// Accounts: the registry of channel accounts (Pages, Instagram accounts, WhatsApp numbers) a
// deployment serves, with the tenant each belongs to. Data, not configuration: changed at runtime.

/**
 * - `active`: webhooks are processed and sends go out;
 * - `paused`: kept and reported; its webhooks are held and its sends refused until it is active again;
 * - `disconnected`: the tenant left; history is kept, later webhooks are held (then dead-lettered),
 *   sends fail with ACCOUNT_NOT_CONNECTED.
 */
export type AccountStatus = 'active' | 'paused' | 'disconnected';

export const ACCOUNT_STATUSES: readonly AccountStatus[] = ['active', 'paused', 'disconnected'];

/** What is known about an account's access token (never the token itself). */
export interface TokenMetadata {
  /** Epoch ms; null when the token does not expire (Page tokens, most system-user tokens). */
  expiresAt: number | null;
  /** Permissions granted to the token. */
  scopes: string[];
  /** Epoch ms of the last `debug_token` check, or null. */
  checkedAt: number | null;
}

/** The fields a caller sets on an account. */
export interface AccountFields {
  /** Owner of the account in a multi-tenant platform (your customer id); null for a single business. */
  tenantId: string | null;
  /** A readable name for people (the Page name, the number in international form...). */
  label: string | null;
  /** How the account was connected, e.g. Instagram `facebook-login` / `instagram-login`. */
  loginFlavour: string | null;
  /** Ids of objects the account hangs off, named for what they are: `{ pageId }`, `{ wabaId }`. */
  linkedIds: Record<string, string>;
  /** The Meta app the account was onboarded with. */
  appId: string | null;
  status: AccountStatus;
  token: TokenMetadata | null;
}

/** One account as stored. Unique by `channel` + `accountId`. */
export interface AccountRecord extends AccountFields {
  channel: string;
  /** Page id / Instagram account id / WhatsApp phone number id: the `accountId` of its events. */
  accountId: string;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
  /**
   * Increases with every write to any account, in commit order, so other instances can pick up
   * changes with `changedSince(version)`.
   */
  version: number;
}

/** An account to write: everything but the times and the version, which the store assigns. */
export type AccountWrite = Omit<AccountRecord, 'createdAt' | 'updatedAt' | 'version'>;

/** Position after which a page of `list` starts (the last account of the previous page). */
export interface AccountCursor {
  channel: string;
  accountId: string;
}

export interface AccountListQuery {
  tenantId?: string;
  channel?: string;
  status?: AccountStatus;
  /** Exclusive: accounts ordered after this one by (`channel`, `accountId`). */
  after?: AccountCursor;
  limit: number;
}

export interface AccountStore {
  /**
   * Inserts the account, or replaces every field of the existing one (keeping its `createdAt`). With
   * `ifAbsent`, an existing account is left unchanged. Returns the stored record and whether this call
   * wrote it. Atomic (one upsert); each write takes the next `version`.
   */
  put(
    account: AccountWrite,
    options: { now: number; ifAbsent?: boolean },
  ): Promise<{ record: AccountRecord; written: boolean }>;
  get(channel: string, accountId: string): Promise<AccountRecord | undefined>;
  /** Ordered by `channel`, then `accountId`. */
  list(query: AccountListQuery): Promise<AccountRecord[]>;
  /** Accounts written after `version`, oldest write first. */
  changedSince(version: number, limit: number): Promise<AccountRecord[]>;
}
