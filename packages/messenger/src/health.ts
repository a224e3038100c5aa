import type { HealthProbe } from '@switchboard/core';
import { createMessengerPlatformProbes, subscribeAppFields } from '@switchboard/meta-graph';
import type { MessengerContext } from './context.js';

/** Token, subscription and Graph reachability probes for every configured Page. */
export function messengerProbes(ctx: MessengerContext): HealthProbe[] {
  return ctx.accountIds.flatMap((pageId) =>
    createMessengerPlatformProbes({
      channel: 'messenger',
      accountId: pageId,
      client: ctx.clientFor(pageId),
      ...(ctx.appClient ? { appClient: ctx.appClient } : {}),
      ...(ctx.config.appId ? { appId: ctx.config.appId } : {}),
      accessToken: async () => (await ctx.access.credentials(pageId)).accessToken,
      requiredScopes: ctx.config.requiredScopes,
      requiredFields: ctx.config.requiredFields,
      subscribedAppsPath: `/${pageId}/subscribed_apps`,
      me: { fields: 'id,name', idField: 'id', expectedId: pageId },
      tokenExpiryWarningDays: ctx.config.tokenExpiryWarningDays,
      clock: ctx.clock,
    }),
  );
}

/**
 * Subscribes the app to the Page again with `subscribedFields` (the fix after Meta's 1-hour unsubscribe),
 * keeping every field already subscribed there (the Instagram adapter's, the business's own).
 */
export async function resubscribeMessenger(ctx: MessengerContext, pageId: string): Promise<void> {
  const appId = ctx.access.account(pageId)?.appId ?? ctx.config.appId;
  await subscribeAppFields(ctx.clientFor(pageId), {
    path: `/${pageId}/subscribed_apps`,
    ...(appId ? { appId } : {}),
    fields: ctx.config.subscribedFields,
  });
}
