import type { ChannelAdapter, TokenInspection } from '../adapter.js';
import type { Clock } from '../clock.js';
import type { CredentialVault } from '../credentials/vault.js';
import { SwitchboardError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AccountRecord, Store } from '../store/types.js';
import type { AlarmCenter } from '../watch/alarms.js';
import type { AccountRegistry } from './registry.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How often the keeper looks for due work; each look spends its share of the hourly budget. */
const TICK_MS = 60_000;
/** Meta refuses to refresh an Instagram token younger than a day. */
const REFRESH_MIN_AGE_MS = DAY;
/** How long one instance holds the right to refresh an account's token. */
const REFRESH_LEASE_MS = 10 * 60_000;

/** Token checks and refreshes of registered accounts (`createSwitchboard({ tokens })`). */
export interface TokenOptions {
  /** How often each account's token is checked with the platform. Default 24 h. */
  checkEveryMs?: number;
  /**
   * Platform calls per hour this instance may spend on checks and refreshes, spread evenly (10 a minute
   * by default). Past `maxCallsPerHour × 24` accounts a day, checks stretch beyond `checkEveryMs`.
   */
  maxCallsPerHour?: number;
  /** `token_expiring` is raised this many days before expiry. Default 7. */
  expiringWithinDays?: number;
  /** Refreshable tokens (Instagram Login) are refreshed once they expire within this many days. Default 10. */
  refreshWithinDays?: number;
}

/** Where the token checks stand (`switchboard.tokens.status()`). */
export interface TokenStatus {
  /** Active accounts whose adapter can check tokens. */
  accounts: number;
  /** Of those, checked within `checkEveryMs`. */
  checked: number;
  /** Age of the oldest check (never checked counts from the account's creation), ms. */
  oldestCheckAgeMs: number | null;
  /** Accounts whose token is invalid / expires within `expiringWithinDays`, as last checked. */
  invalid: number;
  expiring: number;
  maxCallsPerHour: number;
}

/** `switchboard.tokens`: the keeper runs on its own once started; these let you look and push. */
export interface Tokens {
  /** Checks (and refreshes) the accounts due now, within the budget of one tick. */
  pass(): Promise<{ checked: number; refreshed: number; failed: number }>;
  /** Checks one account's token now (outside the budget) and updates its metadata and alarms. */
  check(channel: string, accountId: string): Promise<TokenInspection>;
  status(): TokenStatus;
}

export interface TokenKeeper extends Tokens {
  start(): void;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

const daysLeft = (expiresAt: number, now: number) => Math.max(0, Math.floor((expiresAt - now) / DAY));
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Checks every registered account's token once a day within a call budget, and refreshes what can be. */
export function createTokenKeeper(deps: {
  adapters: ReadonlyMap<string, ChannelAdapter>;
  registry: AccountRegistry;
  vault: CredentialVault;
  store: Store;
  clock: Clock;
  logger: Logger;
  alarms: AlarmCenter;
  owner: string;
  options?: TokenOptions;
}): TokenKeeper {
  const { adapters, registry, vault, store, clock, logger, alarms, owner } = deps;
  const checkEveryMs = deps.options?.checkEveryMs ?? DAY;
  const maxCallsPerHour = deps.options?.maxCallsPerHour ?? 600;
  const expiringMs = (deps.options?.expiringWithinDays ?? 7) * DAY;
  const refreshWithinMs = (deps.options?.refreshWithinDays ?? 10) * DAY;
  const perTick = Math.max(1, Math.floor((maxCallsPerHour * TICK_MS) / HOUR));
  let cancel: (() => void) | null = null;
  let running: Promise<unknown> | null = null;

  const checkable = (a: AccountRecord) => a.status === 'active' && !!adapters.get(a.channel)?.inspectToken;

  const judge = (account: AccountRecord, inspection: TokenInspection) => {
    const { channel, accountId } = account;
    const now = clock.now();
    const who = `${channel} account ${accountId}`;
    const refreshable = !!adapters.get(channel)?.refreshCredentials;
    if (!inspection.valid || (inspection.missingScopes?.length ?? 0) > 0) {
      const why = inspection.valid
        ? `lacks ${inspection.missingScopes?.join(', ')}`
        : `is invalid${inspection.reason ? ` (${inspection.reason})` : ''}`;
      alarms.raise({
        type: 'token_invalid',
        channel,
        accountId,
        severity: 'critical',
        message: `${who}: the access token ${why}; sends and history calls fail until the account is connected again with a new token (onboarding, then accounts.update with credentials)`,
        data: { reason: inspection.reason ?? null, missingScopes: inspection.missingScopes ?? [] },
      });
    } else {
      alarms.clear('token_invalid', channel, accountId, `${who}: the access token is valid again`);
    }
    const expiresAt = inspection.valid ? inspection.expiresAt : null;
    if (expiresAt !== null && expiresAt - now <= expiringMs) {
      const days = daysLeft(expiresAt, now);
      alarms.raise({
        type: 'token_expiring',
        channel,
        accountId,
        severity: days <= 1 ? 'critical' : 'warning',
        message: `${who}: the access token expires in ${days} day(s), on ${isoDay(expiresAt)}; ${
          refreshable
            ? 'Switchboard refreshes it automatically — if this alarm stays, the refresh failed: reconnect the account'
            : 'reconnect the account (onboarding) before then to get a new token'
        }`,
        data: { daysLeft: days, expiresAt },
        repeat: true,
      });
    } else {
      alarms.clear('token_expiring', channel, accountId, `${who}: the access token no longer expires soon`);
    }
  };

  const inspect = async (account: AccountRecord): Promise<TokenInspection> => {
    const adapter = adapters.get(account.channel);
    if (!adapter?.inspectToken)
      throw new SwitchboardError('NOT_SUPPORTED', `the ${account.channel} adapter cannot inspect tokens`);
    const inspection = await adapter.inspectToken(account.accountId);
    await registry.update(account.channel, account.accountId, {
      token: { expiresAt: inspection.expiresAt, scopes: inspection.scopes, checkedAt: clock.now() },
    });
    judge(account, inspection);
    return inspection;
  };

  /** Takes the account's refresh lease (a compare-and-set in the store): one instance at a time. */
  const lease = async (account: AccountRecord): Promise<number | undefined> => {
    const name = `lease:token-refresh:${account.channel}:${account.accountId}`;
    const now = clock.now();
    const held = await store.credentials.get(name);
    const [holder, until] = (held?.sealed ?? '').split('@');
    if (held?.sealed && holder !== owner && Number(until) > now) return undefined;
    const taken = await store.credentials.put(name, `${owner}@${now + REFRESH_LEASE_MS}`, {
      now,
      ifVersion: held?.version ?? 0,
    });
    return taken?.version;
  };

  const refreshDue = (account: AccountRecord, now: number) => {
    const expiresAt = account.token?.expiresAt;
    if (!adapters.get(account.channel)?.refreshCredentials || expiresAt == null) return false;
    const storedAt = vault.storedAt(account.channel, account.accountId);
    return (
      expiresAt > now &&
      expiresAt - now <= refreshWithinMs &&
      storedAt !== undefined &&
      now - storedAt >= REFRESH_MIN_AGE_MS
    );
  };

  const refresh = async (account: AccountRecord): Promise<boolean> => {
    const adapter = adapters.get(account.channel);
    if (!adapter?.refreshCredentials || (await lease(account)) === undefined) return false;
    const { channel, accountId } = account;
    const current = await vault.account({
      channel,
      accountId,
      tenantId: account.tenantId,
      appId: account.appId,
    });
    if (!current) return false;
    const fresh = await adapter.refreshCredentials(accountId, current);
    if (!fresh) return false;
    await vault.setAccount(channel, accountId, fresh.credentials);
    await registry.update(channel, accountId, {
      token: { expiresAt: fresh.expiresAt, scopes: account.token?.scopes ?? [], checkedAt: clock.now() },
    });
    logger.info('access token refreshed', {
      channel,
      accountId,
      expiresAt: fresh.expiresAt === null ? null : isoDay(fresh.expiresAt),
    });
    alarms.clear(
      'token_expiring',
      channel,
      accountId,
      `${channel} account ${accountId}: the access token was refreshed`,
    );
    return true;
  };

  const pass: Tokens['pass'] = async () => {
    await Promise.all([registry.refresh(), vault.refresh()]);
    const now = clock.now();
    const due: Array<{ account: AccountRecord; action: 'refresh' | 'check'; since: number }> = [];
    for (const account of registry.entries()) {
      if (!checkable(account)) continue;
      if (refreshDue(account, now)) due.push({ account, action: 'refresh', since: -1 });
      else {
        const since = account.token?.checkedAt ?? Number.NEGATIVE_INFINITY;
        if (now - since >= checkEveryMs) due.push({ account, action: 'check', since });
      }
    }
    // Refreshes first (a token about to expire), then the checks waiting longest (never checked first).
    due.sort((a, b) => a.since - b.since);
    const result = { checked: 0, refreshed: 0, failed: 0 };
    for (const { account, action } of due.slice(0, perTick)) {
      try {
        if (action === 'refresh') {
          if (await refresh(account)) result.refreshed += 1;
        } else {
          await inspect(account);
          result.checked += 1;
        }
      } catch (error) {
        result.failed += 1;
        const e = SwitchboardError.is(error) ? error : undefined;
        logger.warn(`token ${action} failed`, {
          channel: account.channel,
          accountId: account.accountId,
          code: e?.code ?? 'UNKNOWN',
          error: error instanceof Error ? error.message : String(error),
        });
        if (action === 'refresh' && e?.code === 'AUTH_FAILED')
          judge(account, { valid: false, expiresAt: null, scopes: [], reason: e.message });
      }
    }
    return result;
  };

  const loop = () => {
    cancel = clock.setTimeout(() => {
      running = pass()
        .catch((error: unknown) =>
          logger.error('token pass failed', {
            error: error instanceof Error ? error.message : String(error),
          }),
        )
        .finally(() => {
          running = null;
          if (cancel) loop();
        });
    }, TICK_MS);
  };

  return {
    pass,
    async check(channel, accountId) {
      await registry.refresh();
      const account = registry.peek(channel, accountId);
      if (!account)
        throw new SwitchboardError('NOT_FOUND', `no account ${channel}:${accountId} is connected`);
      return inspect(account);
    },
    status() {
      const now = clock.now();
      const status: TokenStatus = {
        accounts: 0,
        checked: 0,
        oldestCheckAgeMs: null,
        invalid: 0,
        expiring: 0,
        maxCallsPerHour,
      };
      for (const account of registry.entries()) {
        if (!checkable(account)) continue;
        status.accounts += 1;
        const checkedAt = account.token?.checkedAt ?? account.createdAt;
        if (account.token?.checkedAt != null && now - account.token.checkedAt < checkEveryMs)
          status.checked += 1;
        status.oldestCheckAgeMs = Math.max(status.oldestCheckAgeMs ?? 0, now - checkedAt);
        if (alarms.isRaised('token_invalid', account.channel, account.accountId)) status.invalid += 1;
        if (alarms.isRaised('token_expiring', account.channel, account.accountId)) status.expiring += 1;
      }
      return status;
    },
    start() {
      if (!cancel) loop();
    },
    async stop() {
      cancel?.();
      cancel = null;
      await running;
    },
  };
}
