import { SwitchboardError } from '@switchboard/core';
import { z } from 'zod';
import type { GraphClient } from '../client.js';

/** `GET {node}/subscribed_apps`: the apps installed on a Page / Instagram account and their fields. */
export const SubscribedApps = z.looseObject({
  data: z.array(
    z.looseObject({
      id: z.union([z.string(), z.number()]).transform(String).optional(),
      name: z.string().optional(),
      subscribed_fields: z.array(z.string()).optional(),
    }),
  ),
});
export type SubscribedApp = z.output<typeof SubscribedApps>['data'][number];

/** Our app's entry: the one with `appId`; without an id, the only app listed (none when several are). */
export function findOurApp(
  apps: readonly SubscribedApp[],
  appId: string | undefined,
): SubscribedApp | undefined {
  if (appId !== undefined) return apps.find((a) => a.id === appId);
  return apps.length === 1 ? apps[0] : undefined;
}

/** What `subscribeAppFields` needs: the node's edge, our app and the fields this adapter relies on. */
export interface SubscribeAppFieldsOptions {
  /** `/{page-id}/subscribed_apps` or `/me/subscribed_apps` (Instagram Login). */
  path: string;
  /** Our app id, to find our entry among the apps installed on the node. */
  appId?: string;
  /** The fields this adapter needs; added to those already subscribed. */
  fields: readonly string[];
}

const Success = z.looseObject({ success: z.union([z.boolean(), z.literal('true')]) });

/**
 * Subscribes our app to a Page / Instagram account without dropping fields. Meta's
 * `POST {node}/subscribed_apps?subscribed_fields=…` replaces the app's whole field list on that node, and
 * the Messenger and Instagram (Facebook Login) adapters share one Page: so this reads our app's current
 * fields first and POSTs their union with `fields` (current order first, then the new ones). A failed
 * read fails the subscribe (same code as the read) rather than replacing blindly. Returns the fields posted.
 */
export async function subscribeAppFields(
  client: GraphClient,
  options: SubscribeAppFieldsOptions,
): Promise<string[]> {
  const { path, appId, fields } = options;
  const current = await currentFields(client, path, appId);
  const union = [...new Set([...current, ...fields])];
  const { data } = await client.post(path, undefined, Success, { subscribed_fields: union.join(',') });
  if (data.success === false)
    throw new SwitchboardError('TEMPORARY', `subscribed_apps answered success=false for ${path}`);
  return union;
}

async function currentFields(
  client: GraphClient,
  path: string,
  appId: string | undefined,
): Promise<string[]> {
  const refuse = (reason: string, error?: SwitchboardError) =>
    new SwitchboardError(
      error?.code ?? 'INVALID_REQUEST',
      `Not subscribing ${path}: ${reason}. A POST replaces the app's whole field list there, so subscribing without it would drop the fields another adapter or the business subscribed`,
      {
        ...(error ? { retryable: error.retryable, cause: error } : {}),
        ...(error?.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
        ...(error?.platform ? { platform: error.platform } : {}),
      },
    );
  let apps: SubscribedApp[];
  try {
    apps = (await client.get(path, SubscribedApps)).data.data;
  } catch (error) {
    const known = SwitchboardError.is(error)
      ? error
      : new SwitchboardError('TEMPORARY', String(error), { cause: error });
    throw refuse(`reading the current subscription failed (${known.message})`, known);
  }
  if (appId === undefined && apps.length > 1)
    throw refuse(`${apps.length} apps are installed there and appId is not configured, so ours is unknown`);
  return findOurApp(apps, appId)?.subscribed_fields ?? [];
}
