import type { AccountRecord, ChannelAdapter, HealthProbeResult, Store } from '@switchboard/core';
import { createInstagramAdapter, instagramConfigFromEnv } from '@switchboard/instagram';
import { createMessengerAdapter, messengerConfigFromEnv } from '@switchboard/messenger';
import { createWhatsAppAdapter, whatsAppConfigFromEnv } from '@switchboard/whatsapp';

export type Env = Record<string, string | undefined>;

/** One line of the report: a probe's verdict on one account (or the channel's configuration). */
export interface DoctorCheck {
  channel: string;
  /** The account probed, or `*` for channel-wide checks. */
  accountId: string;
  tenantId?: string;
  probe: string;
  ok: boolean;
  status: HealthProbeResult['status'] | 'invalid';
  /** What is wrong and what to do, or why it is fine (the probe's own sentence). */
  reason: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

/**
 * Options of {@link runDoctor}.
 *
 * @example
 * const report = await runDoctor({ env: process.env, store, tenantId: 'acme' });
 * if (!report.ok) process.exitCode = 1;
 */
export interface DoctorOptions {
  /** Where the adapters' configuration comes from (`<CHANNEL>_*` variables, as `…ConfigFromEnv` reads them). */
  env: Env;
  /** With a store, its registered accounts (not disconnected) are probed too, with the environment's credentials. */
  store?: Store;
  /** Only this tenant's accounts from the store (the environment's own accounts are left out). */
  tenantId?: string;
}

const CHANNELS = ['messenger', 'instagram', 'whatsapp'] as const;
type Channel = (typeof CHANNELS)[number];

/** A channel is configured when the environment names its app secret. */
const configured = (env: Env, channel: Channel) => {
  const prefix = channel.toUpperCase();
  return Boolean(env[`${prefix}_APP_SECRET`] || env[`${prefix}_APP_SECRETS`]);
};

/** The channel's adapter from the environment, serving the store's accounts of the channel as well. */
function adapterFor(channel: Channel, env: Env, registered: readonly AccountRecord[]): ChannelAdapter {
  const mine = registered.filter((a) => a.channel === channel);
  const ids = (own: readonly string[] | undefined) => [
    ...new Set([...(own ?? []), ...mine.map((a) => a.accountId)]),
  ];
  const linked = (name: string) =>
    Object.fromEntries(mine.flatMap((a) => (a.linkedIds[name] ? [[a.accountId, a.linkedIds[name]]] : [])));
  switch (channel) {
    case 'messenger': {
      const config = messengerConfigFromEnv(env);
      return createMessengerAdapter({ ...config, pageIds: ids(config.pageIds) });
    }
    case 'instagram': {
      const config = instagramConfigFromEnv(env);
      return createInstagramAdapter({
        ...config,
        instagramAccountIds: ids(config.instagramAccountIds),
        pageIdByInstagramAccountId: { ...config.pageIdByInstagramAccountId, ...linked('pageId') },
      });
    }
    case 'whatsapp': {
      const config = whatsAppConfigFromEnv(env);
      return createWhatsAppAdapter({
        ...config,
        phoneNumberIds: ids(config.phoneNumberIds),
        wabaIdByPhoneNumberId: { ...config.wabaIdByPhoneNumberId, ...linked('wabaId') },
      });
    }
  }
}

async function loadAccounts(store: Store, tenantId: string | undefined): Promise<AccountRecord[]> {
  const all: AccountRecord[] = [];
  let after: { channel: string; accountId: string } | undefined;
  for (;;) {
    const page = await store.accounts.list({
      limit: 1000,
      ...(tenantId !== undefined ? { tenantId } : {}),
      ...(after ? { after } : {}),
    });
    all.push(...page.filter((a) => a.status !== 'disconnected'));
    const last = page.at(-1);
    if (!last || page.length < 1000) return all;
    after = { channel: last.channel, accountId: last.accountId };
  }
}

/**
 * Runs every probe of every configured account: for each channel configured in `env`, the adapter's
 * probes (token validity, expiry and scopes, subscription, phone number...) over the environment's
 * accounts and, with a `store`, its registered ones. With `tenantId`, only the checks of that tenant's
 * accounts (and the WABAs / Pages they hang off) are kept. Never throws for an unhealthy platform or a
 * bad configuration: each becomes a failed check with its reason.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { env, store, tenantId } = options;
  const registered = store ? await loadAccounts(store, tenantId) : [];
  const tenantOf = new Map(registered.map((a) => [`${a.channel}:${a.accountId}`, a.tenantId]));
  const scope =
    tenantId === undefined
      ? undefined
      : new Set(registered.flatMap((a) => [a.accountId, ...Object.values(a.linkedIds)]));
  const checks: DoctorCheck[] = [];
  for (const channel of CHANNELS) {
    if (!configured(env, channel)) continue;
    if (scope && !registered.some((a) => a.channel === channel)) continue;
    let adapter: ChannelAdapter;
    try {
      adapter = adapterFor(channel, env, registered);
    } catch (error) {
      checks.push({
        channel,
        accountId: '*',
        probe: 'configuration',
        ok: false,
        status: 'invalid',
        reason: `${error instanceof Error ? error.message : String(error)}: fix the ${channel.toUpperCase()}_* variables`,
      });
      continue;
    }
    const results = await Promise.all(adapter.probes().map((probe) => probe.run()));
    for (const result of results) {
      const accountId = result.accountId ?? '*';
      if (scope && !scope.has(accountId)) continue;
      const tenant = tenantOf.get(`${channel}:${accountId}`);
      checks.push({
        channel,
        accountId,
        ...(tenant ? { tenantId: tenant } : {}),
        probe: result.probe,
        ok: result.status === 'ok',
        status: result.status,
        reason: result.reason,
      });
    }
  }
  return { ok: checks.length > 0 && checks.every((c) => c.ok), checks };
}
