import type { HealthProbe } from '@switchboard/core';
import { createMessengerPlatformProbes, resubscribeMessengerPlatform } from '@switchboard/meta-graph';
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

/** Subscribes the app to the account (via its Page for facebook-login) with `subscribedFields`. */
export function resubscribeInstagram(ctx: InstagramContext, igId: string): Promise<void> {
  return resubscribeMessengerPlatform(
    ctx.clientFor(igId),
    ctx.pathsFor(igId).subscribedApps,
    ctx.config.subscribedFields,
  );
}
