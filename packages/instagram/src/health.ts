import type {
  AccountCredentials,
  HealthProbe,
  RefreshedCredentials,
  TokenInspection,
} from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import {
  createGraphClient,
  createMessengerPlatformProbes,
  subscribeAppFields,
} from '@switchboard/meta-graph';
import { z } from 'zod';
import { instagramScopes } from './config.js';
import type { InstagramContext } from './context.js';

/** Token, subscription and Graph reachability probes for every configured Instagram account. */
export function instagramProbes(ctx: InstagramContext): HealthProbe[] {
  return ctx.accountIds.flatMap((igId) => {
    const igLogin = ctx.flavourOf(igId) === 'instagram-login';
    const pageId = ctx.pageOf(igId);
    return createMessengerPlatformProbes({
      channel: 'instagram',
      accountId: igId,
      client: ctx.clientFor(igId),
      ...(ctx.appClient ? { appClient: ctx.appClient } : {}),
      ...(ctx.config.appId ? { appId: ctx.config.appId } : {}),
      accessToken: async () => (await ctx.access.credentials(igId)).accessToken,
      requiredScopes: ctx.config.requiredScopes,
      targetIds: pageId ? [igId, pageId] : [igId],
      requiredFields: ctx.config.requiredFields,
      subscribedAppsPath: ctx.pathsFor(igId).subscribedApps,
      me: igLogin
        ? { fields: 'user_id,username', idField: 'user_id', expectedId: igId }
        : { fields: 'id,name', idField: 'id', ...(pageId ? { expectedId: pageId } : {}) },
      tokenExpiryWarningDays: ctx.config.tokenExpiryWarningDays,
      clock: ctx.clock,
    });
  });
}

/**
 * Subscribes the app to the account (via its Page for facebook-login) with `subscribedFields`, keeping
 * every field already subscribed there: the Page's list is shared with the Messenger adapter.
 */
export async function resubscribeInstagram(ctx: InstagramContext, igId: string): Promise<void> {
  const appId = ctx.access.account(igId)?.appId ?? ctx.config.appId;
  await subscribeAppFields(ctx.clientFor(igId), {
    path: ctx.pathsFor(igId).subscribedApps,
    ...(appId ? { appId } : {}),
    fields: ctx.config.subscribedFields,
  });
}

/**
 * The account's token as Meta sees it. Facebook Login (a Page token): `debug_token` with the app token.
 * Instagram Login: `debug_token` does not read those tokens, so a `/me` call tells valid or not, and the
 * expiry is the one recorded when the token was connected or last refreshed.
 */
export async function inspectInstagramToken(ctx: InstagramContext, igId: string): Promise<TokenInspection> {
  const flavour = ctx.flavourOf(igId);
  if (flavour === 'facebook-login') {
    const pageId = ctx.pageOf(igId);
    return ctx.access.inspectToken(igId, {
      requiredScopes:
        flavour === ctx.config.apiFlavour
          ? ctx.config.requiredScopes
          : instagramScopes(flavour, ctx.config.comments),
      targetIds: pageId ? [igId, pageId] : [igId],
    });
  }
  const known = ctx.access.account(igId)?.token;
  try {
    await ctx.clientFor(igId).get('/me', z.looseObject({}), { fields: 'user_id' });
    return { valid: true, expiresAt: known?.expiresAt ?? null, scopes: known?.scopes ?? [] };
  } catch (error) {
    if (!SwitchboardError.is(error, 'AUTH_FAILED')) throw error;
    return { valid: false, expiresAt: known?.expiresAt ?? null, scopes: [], reason: error.message };
  }
}

const Refreshed = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().positive() });

/**
 * Instagram Login tokens only (`GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token`,
 * an unversioned path): a new 60-day token. Meta refuses tokens younger than 24 h or expired; the engine
 * asks only for tokens at least a day old. Facebook Login accounts resolve null (Page tokens do not expire).
 */
export async function refreshInstagramToken(
  ctx: InstagramContext,
  igId: string,
  current: AccountCredentials,
): Promise<RefreshedCredentials | null> {
  if (ctx.flavourOf(igId) !== 'instagram-login' || !current.accessToken) return null;
  const base = ctx.config.graphBaseUrlByFlavour['instagram-login'].replace(/\/+$/, '');
  const client = createGraphClient({
    accessToken: current.accessToken,
    baseUrl: base,
    version: ctx.config.graphVersion,
    timeoutMs: ctx.config.timeoutMs,
    channel: 'instagram',
    logger: ctx.logger,
  });
  const { data } = await client.get(`${base}/refresh_access_token`, Refreshed, {
    grant_type: 'ig_refresh_token',
  });
  return {
    credentials: { ...current, accessToken: data.access_token },
    expiresAt: ctx.clock.now() + data.expires_in * 1000,
  };
}
