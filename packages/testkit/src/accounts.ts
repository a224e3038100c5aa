import type { AccountListOptions, AccountPage, AccountRecord, ConnectAccountInput } from '@switchboard/core';

/** A `connect` input as onboarding helpers send it, credentials included. */
export type RecordedConnect = ConnectAccountInput;

/**
 * An in-memory stand-in for `switchboard.accounts` (`connect`, `list`, `disconnect`) that records every
 * `connect` call, credentials included: for testing onboarding helpers without an engine.
 *
 * @example
 * const accounts = recordingAccounts();
 * await connectInstagramLogin({ accounts, ...app, code, redirectUri });
 * expect(accounts.calls[0]?.credentials?.accessToken).toBeDefined();
 */
export function recordingAccounts() {
  const calls: RecordedConnect[] = [];
  const records = new Map<string, AccountRecord>();
  const key = (channel: string, accountId: string) => `${channel}:${accountId}`;
  return {
    calls,
    records,
    async connect(input: ConnectAccountInput): Promise<AccountRecord> {
      calls.push(input);
      const record: AccountRecord = {
        channel: input.channel,
        accountId: input.accountId,
        tenantId: input.tenantId ?? null,
        label: input.label ?? null,
        loginFlavour: input.loginFlavour ?? null,
        linkedIds: input.linkedIds ?? {},
        appId: input.appId ?? null,
        status: input.status ?? 'active',
        token: input.token ?? null,
        createdAt: 0,
        updatedAt: 0,
        version: calls.length,
      };
      records.set(key(input.channel, input.accountId), record);
      return record;
    },
    async list(options: AccountListOptions = {}): Promise<AccountPage> {
      const accounts = [...records.values()].filter(
        (r) =>
          (!options.channel || r.channel === options.channel) &&
          (!options.tenantId || r.tenantId === options.tenantId) &&
          (!options.status || r.status === options.status),
      );
      return { accounts, nextCursor: null };
    },
    async disconnect(channel: string, accountId: string): Promise<AccountRecord> {
      const record = records.get(key(channel, accountId));
      if (!record) throw new Error(`no ${channel} account ${accountId}`);
      record.status = 'disconnected';
      return record;
    },
  };
}
