import type { Clock, Logger, RateLimiter } from '@switchboard/core';
import { parseWith } from '@switchboard/core/internal';
import { GRAPH_API_VERSION, GRAPH_BASE_URL } from '@switchboard/meta-graph';
import { z } from 'zod';

/** Fields the app subscribes each Page to (`resubscribe`). */
export const MESSENGER_SUBSCRIBED_FIELDS = [
  'messages',
  'messaging_postbacks',
  'message_echoes',
  'message_deliveries',
  'message_reads',
  'message_reactions',
  'message_edits',
  'messaging_referrals',
  'messaging_optins',
  'messaging_handovers',
  'standby',
] as const;

/** Fields without which the subscription probe reports `degraded`. */
export const MESSENGER_REQUIRED_FIELDS = ['messages', 'messaging_postbacks', 'message_echoes'] as const;

/** Page webhook fields added when `comments` is on: Page `feed` (comments on the Page's posts). */
export const MESSENGER_COMMENT_FIELDS = ['feed'] as const;

/** Permissions added when `comments` is on: read comments, reply publicly, hide and delete them. */
export const MESSENGER_COMMENT_SCOPES = ['pages_read_engagement', 'pages_manage_engagement'] as const;

/** Permissions the Page token needs for sending, subscriptions and the Conversations API. */
export const MESSENGER_REQUIRED_SCOPES = ['pages_messaging', 'pages_manage_metadata'] as const;

const secret = z.string().min(1);

export const MessengerAdapterConfigSchema = z
  .object({
    /** App id: checked in `subscribed_apps` and used for the `debug_token` app token. */
    appId: z.string().min(1).optional(),
    /** App secret: verifies webhook signatures and signs Graph calls (`appsecret_proof`). */
    appSecret: secret.optional(),
    /** Several secrets (rotation, several apps on one endpoint); the first one signs Graph calls. */
    appSecrets: z.array(secret).optional(),
    /** The verify token typed into the App Dashboard (several allowed during rotation). */
    verifyToken: z.union([secret, z.array(secret).min(1)]),
    /** Pages served by this adapter. Pages named in `accessTokens` are added. */
    pageIds: z.array(z.string().min(1)).default([]),
    /** Page access token used for every Page without its own entry in `accessTokens`. */
    accessToken: secret.optional(),
    /** Page access token per Page id. */
    accessTokens: z.record(z.string(), secret).default({}),
    /** Graph host, without version (the simulator's URL in tests). */
    graphBaseUrl: z.string().url().default(GRAPH_BASE_URL),
    graphVersion: z
      .string()
      .regex(/^v\d+\.\d+$/)
      .default(GRAPH_API_VERSION),
    timeoutMs: z.number().int().positive().default(10_000),
    /** Send `appsecret_proof` with every Graph call (required when the app enforces it). */
    appsecretProof: z.boolean().default(true),
    /**
     * Receive and answer comments on the Page's posts: subscribes `feed`, and the subscription and token
     * probes then require `MESSENGER_COMMENT_FIELDS` / `MESSENGER_COMMENT_SCOPES` too.
     */
    comments: z.boolean().default(false),
    requiredScopes: z.array(z.string()).optional(),
    requiredFields: z.array(z.string()).optional(),
    subscribedFields: z.array(z.string()).optional(),
    /** The token probe turns `degraded` this many days before expiry. */
    tokenExpiryWarningDays: z.number().nonnegative().default(7),
    /** Conversations API calls per second per Page (Meta: 2). */
    backfillPerSecond: z.number().positive().max(2).default(2),
    logger: z.custom<Logger>().optional(),
    clock: z.custom<Clock>().optional(),
    /** Shared limiter for Conversations API calls (e.g. Redis); an in-memory one by default. */
    limiter: z.custom<RateLimiter>().optional(),
  })
  .refine((c) => c.appSecret !== undefined || c.appSecrets !== undefined, {
    message:
      'appSecret or appSecrets is required (appSecrets: [] when every app is registered at runtime with switchboard.apps)',
    path: ['appSecret'],
  })
  .transform((c) => {
    const withComments = (base: readonly string[], extra: readonly string[]) =>
      c.comments ? [...new Set([...base, ...extra])] : [...base];
    return {
      ...c,
      requiredScopes: c.requiredScopes ?? withComments(MESSENGER_REQUIRED_SCOPES, MESSENGER_COMMENT_SCOPES),
      requiredFields: c.requiredFields ?? withComments(MESSENGER_REQUIRED_FIELDS, MESSENGER_COMMENT_FIELDS),
      subscribedFields:
        c.subscribedFields ?? withComments(MESSENGER_SUBSCRIBED_FIELDS, MESSENGER_COMMENT_FIELDS),
    };
  });

/**
 * Configuration of {@link createMessengerAdapter}. Only `appSecret` and `verifyToken` are needed to
 * receive webhooks; Page tokens only to send, probe and backfill.
 */
export type MessengerAdapterConfig = z.input<typeof MessengerAdapterConfigSchema>;
export type ResolvedMessengerConfig = z.output<typeof MessengerAdapterConfigSchema>;

export function resolveMessengerConfig(config: MessengerAdapterConfig): ResolvedMessengerConfig {
  return parseWith(MessengerAdapterConfigSchema, config, 'Messenger adapter config');
}

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Reads the configuration from environment variables (`MESSENGER_APP_SECRET`, `MESSENGER_VERIFY_TOKEN`,
 * `MESSENGER_PAGE_IDS`, ...). `MESSENGER_ACCESS_TOKENS` holds `pageId:token` pairs separated by commas.
 *
 * @example
 * const adapter = createMessengerAdapter({ ...messengerConfigFromEnv(), logger });
 */
export function messengerConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
): MessengerAdapterConfig {
  const tokens = Object.fromEntries(
    (list(env.MESSENGER_ACCESS_TOKENS) ?? []).map((pair) => {
      const at = pair.indexOf(':');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  const secrets = list(env.MESSENGER_APP_SECRETS);
  const verify = list(env.MESSENGER_VERIFY_TOKEN);
  return {
    verifyToken: verify && verify.length > 1 ? verify : (env.MESSENGER_VERIFY_TOKEN ?? ''),
    ...(env.MESSENGER_APP_ID ? { appId: env.MESSENGER_APP_ID } : {}),
    ...(env.MESSENGER_APP_SECRET ? { appSecret: env.MESSENGER_APP_SECRET } : {}),
    ...(secrets ? { appSecrets: secrets } : {}),
    ...(env.MESSENGER_PAGE_IDS ? { pageIds: list(env.MESSENGER_PAGE_IDS) } : {}),
    ...(env.MESSENGER_ACCESS_TOKEN ? { accessToken: env.MESSENGER_ACCESS_TOKEN } : {}),
    ...(Object.keys(tokens).length ? { accessTokens: tokens } : {}),
    ...(env.MESSENGER_GRAPH_BASE_URL ? { graphBaseUrl: env.MESSENGER_GRAPH_BASE_URL } : {}),
    ...(env.MESSENGER_GRAPH_VERSION ? { graphVersion: env.MESSENGER_GRAPH_VERSION } : {}),
    ...(env.MESSENGER_TIMEOUT_MS ? { timeoutMs: Number(env.MESSENGER_TIMEOUT_MS) } : {}),
    ...(env.MESSENGER_COMMENTS ? { comments: env.MESSENGER_COMMENTS === 'true' } : {}),
  };
}
