import type { AccountCredentials } from '../credentials/types.js';
import type { AccountRecord, AccountStatus, TokenMetadata } from '../store/account-types.js';

/**
 * An account to connect. Only `channel` and `accountId` are required; a reconnect keeps the stored
 * fields it does not name and makes the account `active` again unless `status` says otherwise.
 *
 * @example
 * await switchboard.accounts.connect({
 *   channel: 'whatsapp',
 *   accountId: '106540352242922', // phone number id
 *   tenantId: 'acme',
 *   label: '+1 555 0100',
 *   linkedIds: { wabaId: '102290129340398' },
 *   credentials: { accessToken: businessToken }, // sealed at rest; needs a credential key
 * });
 */
export interface ConnectAccountInput {
  channel: string;
  accountId: string;
  tenantId?: string | null;
  label?: string | null;
  loginFlavour?: string | null;
  linkedIds?: Record<string, string>;
  appId?: string | null;
  status?: AccountStatus;
  token?: TokenMetadata | null;
  /**
   * The account's secrets (`{ accessToken }` for the Meta adapters). Stored sealed with the credential
   * key (AES-256-GCM), used by the adapter on the next send — on every instance within `refreshMs` —
   * and never returned by `get` or `list`. `null` erases them; absent keeps them.
   */
  credentials?: AccountCredentials | null;
}

/** Fields `update` may change; absent ones are kept. */
export type AccountUpdate = Omit<ConnectAccountInput, 'channel' | 'accountId'>;

export interface AccountListOptions {
  tenantId?: string;
  channel?: string;
  status?: AccountStatus;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Default 100, at most 1000. */
  limit?: number;
}

export interface AccountPage {
  accounts: AccountRecord[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * The account registry at runtime (`switchboard.accounts`): which Pages, Instagram accounts and
 * WhatsApp numbers this deployment serves, for which tenant. Changes apply without a restart; other
 * instances sharing the store see them within `accounts.refreshMs` (default 2 s). Accounts named in
 * the adapters' configuration are added on start (`tenantId: null`) unless already stored.
 *
 * @example
 * await switchboard.accounts.connect({ channel: 'messenger', accountId: '105927095402516', tenantId: 'acme' });
 * const { accounts, nextCursor } = await switchboard.accounts.list({ tenantId: 'acme', limit: 50 });
 * await switchboard.accounts.disconnect('messenger', '105927095402516');
 */
export interface Accounts {
  /** Creates the account or reconnects it. Throws INVALID_REQUEST for bad input. */
  connect(input: ConnectAccountInput): Promise<AccountRecord>;
  /** Changes the named fields. Throws NOT_FOUND for an account never connected. */
  update(channel: string, accountId: string, update: AccountUpdate): Promise<AccountRecord>;
  /** Marks the account `disconnected` (history kept, stored credentials erased). Throws NOT_FOUND for an account never connected. */
  disconnect(channel: string, accountId: string): Promise<AccountRecord>;
  get(channel: string, accountId: string): Promise<AccountRecord | undefined>;
  /** Whether credentials are stored for the account (as this instance last saw them; never the values). */
  hasCredentials(channel: string, accountId: string): boolean;
  /** One page, ordered by channel then account id. */
  list(options?: AccountListOptions): Promise<AccountPage>;
}

/** Options of the account registry (`createSwitchboard({ accounts })`). */
export interface AccountsOptions {
  /** How old the in-process copy of the registry may get before a read checks the store for changes made elsewhere. Default 2000 ms. */
  refreshMs?: number;
  /**
   * How long events of an account that is not connected (unknown, paused, disconnected) are held before
   * they are dead-lettered; connected within that time, they are processed (within one processor lease).
   * Default 24 h.
   */
  holdMs?: number;
}
