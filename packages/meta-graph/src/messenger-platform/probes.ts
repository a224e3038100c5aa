import type { Clock, HealthProbe, HealthProbeResult, HealthStatus } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import { z } from 'zod';
import type { GraphClient } from '../client.js';
import { DebugTokenResponse } from '../debug-token.js';
import type { MessengerPlatformChannel } from './keys.js';
import { SubscribedApps } from './subscribe.js';

/** What the probes of one Page / Instagram account need. */
export interface MessengerPlatformProbeOptions {
  channel: MessengerPlatformChannel;
  accountId: string;
  /** Client with the account's token (Page token or Instagram Login token). */
  client: GraphClient;
  /** Client with the app token `${appId}|${appSecret}` for `debug_token`; the token probe is skipped without it. */
  appClient?: GraphClient;
  /** Our app id: must appear in `subscribed_apps`. */
  appId?: string;
  /** The account token (looked up when the probe runs), inspected by `debug_token`. */
  accessToken: () => Promise<string>;
  requiredScopes: readonly string[];
  /** Ids a granular scope may name to cover this account (default: `accountId`; Instagram via Page: Page and IG ids). */
  targetIds?: readonly string[];
  requiredFields: readonly string[];
  /** `/{page-id}/subscribed_apps` or `/me/subscribed_apps` (Instagram Login). */
  subscribedAppsPath: string;
  /** `/me` fields and the field that must equal `expectedId`: `id,name` + `id`, or `user_id,username` + `user_id`. */
  me: { fields: string; idField: string; expectedId?: string };
  /** Degraded when the token expires within this many days. */
  tokenExpiryWarningDays: number;
  clock: Clock;
}

const Me = z.record(z.string(), z.unknown());
const DAY = 86_400_000;

function describe(error: unknown): { status: HealthStatus; reason: string; data: Record<string, unknown> } {
  if (SwitchboardError.is(error)) {
    const status: HealthStatus =
      error.code === 'TEMPORARY' || error.code === 'RATE_LIMITED' ? 'degraded' : 'down';
    return {
      status,
      reason: `${error.code}: ${error.message}`,
      data: { code: error.code, platform: error.platform },
    };
  }
  return { status: 'down', reason: error instanceof Error ? error.message : String(error), data: {} };
}

function probe(
  options: MessengerPlatformProbeOptions,
  name: string,
  description: string,
  run: () => Promise<Omit<HealthProbeResult, 'probe' | 'checkedAt' | 'accountId'>>,
): HealthProbe {
  return {
    name,
    description,
    accountId: options.accountId,
    async run() {
      const base = { probe: name, accountId: options.accountId };
      try {
        return { ...base, ...(await run()), checkedAt: options.clock.now() };
      } catch (error) {
        return { ...base, ...describe(error), checkedAt: options.clock.now() };
      }
    },
  };
}

function tokenProbe(o: MessengerPlatformProbeOptions): HealthProbe {
  return probe(
    o,
    `${o.channel}.token`,
    'Access token valid, not about to expire, with the required permissions (debug_token).',
    async () => {
      if (!o.appClient)
        return { status: 'degraded', reason: 'appId not configured: cannot call debug_token', data: {} };
      const { data } = await o.appClient.get('/debug_token', DebugTokenResponse, {
        input_token: await o.accessToken(),
      });
      const t = data.data;
      const now = o.clock.now();
      const expiresAt = t.expires_at > 0 ? t.expires_at * 1000 : undefined;
      const dataAccessExpiresAt = t.data_access_expires_at ? t.data_access_expires_at * 1000 : undefined;
      const missingScopes = o.requiredScopes.filter((s) => !t.scopes.includes(s));
      // A granular scope with target ids covers only those objects: it must name this Page / account.
      const targets = o.targetIds ?? [o.accountId];
      const uncoveredScopes = (t.granular_scopes ?? [])
        .filter((g) => o.requiredScopes.includes(g.scope) && g.target_ids !== undefined)
        .filter((g) => !g.target_ids?.some((id) => targets.includes(id)))
        .map((g) => g.scope);
      const info = {
        type: t.type,
        isValid: t.is_valid,
        expiresAt: expiresAt ?? null,
        dataAccessExpiresAt: dataAccessExpiresAt ?? null,
        scopes: t.scopes,
        missingScopes,
        uncoveredScopes,
        appId: t.app_id,
        error: t.error,
      };
      if (!t.is_valid)
        return {
          status: 'down',
          reason: `token is invalid: ${t.error?.message ?? 'debug_token says is_valid=false'}; generate a new token`,
          data: info,
        };
      if (expiresAt !== undefined && expiresAt <= now)
        return {
          status: 'down',
          reason: `token expired at ${new Date(expiresAt).toISOString()}`,
          data: info,
        };
      if (missingScopes.length)
        return { status: 'down', reason: `token lacks permissions: ${missingScopes.join(', ')}`, data: info };
      if (uncoveredScopes.length) {
        return {
          status: 'down',
          reason: `token's ${uncoveredScopes.join(', ')} permission(s) do not cover ${targets.join(' / ')}; grant access to this account`,
          data: info,
        };
      }
      if (dataAccessExpiresAt !== undefined && dataAccessExpiresAt <= now) {
        return {
          status: 'down',
          reason: `data access expired at ${new Date(dataAccessExpiresAt).toISOString()}; re-authorize the app`,
          data: info,
        };
      }
      const horizon = now + o.tokenExpiryWarningDays * DAY;
      const soonest = [expiresAt, dataAccessExpiresAt]
        .filter((v): v is number => v !== undefined && v <= horizon)
        .sort((a, b) => a - b)[0];
      if (soonest !== undefined) {
        const days = ((soonest - now) / DAY).toFixed(1);
        return {
          status: 'degraded',
          reason: `token or data access expires in ${days} days (${new Date(soonest).toISOString()}); renew it`,
          data: info,
        };
      }
      return {
        status: 'ok',
        reason:
          expiresAt === undefined
            ? 'token valid and does not expire'
            : `token valid until ${new Date(expiresAt).toISOString()}`,
        data: info,
      };
    },
  );
}

function subscriptionProbe(o: MessengerPlatformProbeOptions): HealthProbe {
  return probe(
    o,
    `${o.channel}.subscription`,
    'The app is subscribed to this account’s webhooks with the required fields (subscribed_apps).',
    async () => {
      const { data } = await o.client.get(o.subscribedAppsPath, SubscribedApps);
      const apps = data.data;
      const ours = o.appId ? apps.find((a) => a.id === o.appId) : apps[0];
      const info = {
        apps: apps.map((a) => ({ id: a.id, name: a.name, subscribedFields: a.subscribed_fields ?? [] })),
        requiredFields: o.requiredFields,
      };
      if (!ours) {
        return {
          status: 'down',
          reason:
            `app ${o.appId ?? ''} is not subscribed to ${o.accountId}: webhooks are not delivered; call resubscribe()`.replace(
              '  ',
              ' ',
            ),
          data: info,
        };
      }
      const fields = ours.subscribed_fields ?? [];
      const missing = o.requiredFields.filter((f) => !fields.includes(f));
      if (missing.length)
        return {
          status: 'degraded',
          reason: `subscribed without fields: ${missing.join(', ')}; call resubscribe()`,
          data: { ...info, missingFields: missing },
        };
      return { status: 'ok', reason: `subscribed with ${fields.length} field(s)`, data: info };
    },
  );
}

function reachableProbe(o: MessengerPlatformProbeOptions): HealthProbe {
  return probe(
    o,
    `${o.channel}.graph`,
    'The Graph API answers and the token maps to this account (/me).',
    async () => {
      const { data } = await o.client.get('/me', Me, { fields: o.me.fields });
      const id = data[o.me.idField] === undefined ? undefined : String(data[o.me.idField]);
      if (o.me.expectedId !== undefined && id !== o.me.expectedId) {
        return {
          status: 'down',
          reason: `token belongs to ${id ?? 'an unknown object'}, not ${o.me.expectedId}`,
          data: { me: data },
        };
      }
      return {
        status: 'ok',
        reason: `Graph reachable; token maps to ${String(data.name ?? data.username ?? id)}`,
        data: { me: data },
      };
    },
  );
}

/**
 * The three health probes of one Messenger Page or Instagram account: token (`debug_token`),
 * subscription (`subscribed_apps`) and Graph reachability (`/me`). `run()` never throws: an unhealthy
 * platform answers `down` or `degraded` with a readable reason and the data behind it.
 */
export function createMessengerPlatformProbes(options: MessengerPlatformProbeOptions): HealthProbe[] {
  return [tokenProbe(options), subscriptionProbe(options), reachableProbe(options)];
}
