import type { Clock, Logger, RateLimiter } from '@switchboard/core';
import { parseWith } from '@switchboard/core/internal';
import { GRAPH_API_VERSION, GRAPH_BASE_URL, INSTAGRAM_GRAPH_BASE_URL } from '@switchboard/meta-graph';
import { z } from 'zod';

/**
 * The two ways to reach Instagram messaging (reference §4.1):
 * - `facebook-login`: Messenger API for Instagram, via the linked Facebook Page and a Page token on
 *   graph.facebook.com (`POST /{page-id}/messages`);
 * - `instagram-login`: Instagram API with Instagram Login, an Instagram user token on
 *   graph.instagram.com (`POST /{ig-id}/messages`, `Authorization: Bearer`).
 */
export const InstagramApiFlavour = z.enum(['facebook-login', 'instagram-login']);
export type InstagramApiFlavour = z.infer<typeof InstagramApiFlavour>;

/** Fields the app subscribes each account to (`resubscribe`), per flavour. */
export const INSTAGRAM_SUBSCRIBED_FIELDS: Record<InstagramApiFlavour, readonly string[]> = {
  'facebook-login': [
    'messages',
    'messaging_postbacks',
    'messaging_optins',
    'message_reactions',
    'messaging_referrals',
    'messaging_seen',
    'standby',
    'messaging_handovers',
  ],
  'instagram-login': [
    'messages',
    'messaging_postbacks',
    'messaging_optins',
    'messaging_reactions',
    'messaging_referrals',
    'messaging_seen',
    'message_edit',
  ],
};

/**
 * Webhook fields added when `comments` is on, per flavour (meta-platform-more §1.2: `mentions` is listed
 * for the Facebook Login flavour only).
 */
export const INSTAGRAM_COMMENT_FIELDS: Record<InstagramApiFlavour, readonly string[]> = {
  'facebook-login': ['comments', 'live_comments', 'mentions'],
  'instagram-login': ['comments', 'live_comments'],
};

/** Permissions added when `comments` is on: read, reply to, hide and delete comments. */
export const INSTAGRAM_COMMENT_SCOPES: Record<InstagramApiFlavour, readonly string[]> = {
  'facebook-login': ['instagram_manage_comments'],
  'instagram-login': ['instagram_business_manage_comments'],
};

/** Fields without which the subscription probe reports `degraded`. */
export const INSTAGRAM_REQUIRED_FIELDS = ['messages', 'messaging_postbacks'] as const;

export const INSTAGRAM_REQUIRED_SCOPES: Record<InstagramApiFlavour, readonly string[]> = {
  'facebook-login': ['instagram_basic', 'instagram_manage_messages', 'pages_manage_metadata'],
  'instagram-login': ['instagram_business_basic', 'instagram_business_manage_messages'],
};

const withComments = (base: readonly string[], extra: readonly string[]) => [...new Set([...base, ...extra])];

/** Token permissions the probes require for a flavour, with the comment ones when comments are on. */
export const instagramScopes = (flavour: InstagramApiFlavour, comments: boolean): string[] =>
  withComments(INSTAGRAM_REQUIRED_SCOPES[flavour], comments ? INSTAGRAM_COMMENT_SCOPES[flavour] : []);

const secret = z.string().min(1);

export const InstagramAdapterConfigSchema = z
  .object({
    appId: z.string().min(1).optional(),
    appSecret: secret.optional(),
    appSecrets: z.array(secret).optional(),
    verifyToken: z.union([secret, z.array(secret).min(1)]),
    apiFlavour: InstagramApiFlavour.default('facebook-login'),
    /** Instagram professional account ids (`entry.id`, usually 1784...). Accounts in `accessTokens` are added. */
    instagramAccountIds: z.array(z.string().min(1)).default([]),
    /** The linked Facebook Page of each Instagram account id (facebook-login: sends, conversations, subscriptions go through it). */
    pageIdByInstagramAccountId: z.record(z.string(), z.string().min(1)).default({}),
    /** @deprecated Former name of `pageIdByInstagramAccountId` (which wins where both name an account). */
    pageIds: z.record(z.string(), z.string().min(1)).optional(),
    /** Token for every account without its own entry in `accessTokens` (Page token or Instagram Login token). */
    accessToken: secret.optional(),
    accessTokens: z.record(z.string(), secret).default({}),
    /**
     * Graph host without version; defaults per flavour (graph.facebook.com / graph.instagram.com). Given,
     * it serves both flavours (the simulator) unless `graphBaseUrlByFlavour` names one.
     */
    graphBaseUrl: z.string().url().optional(),
    /** Graph host per flavour, for accounts of both flavours side by side in one adapter. */
    graphBaseUrlByFlavour: z.partialRecord(InstagramApiFlavour, z.string().url()).default({}),
    /** Host of `debug_token`: graph.facebook.com at Meta; follows an explicit `graphBaseUrl` (simulator) by default. */
    debugTokenBaseUrl: z.string().url().optional(),
    graphVersion: z
      .string()
      .regex(/^v\d+\.\d+$/)
      .default(GRAPH_API_VERSION),
    timeoutMs: z.number().int().positive().default(10_000),
    appsecretProof: z.boolean().default(true),
    requiredScopes: z.array(z.string()).optional(),
    /**
     * Receive and answer comments, live comments and mentions: subscribes `INSTAGRAM_COMMENT_FIELDS`, and
     * the subscription and token probes then require them and `INSTAGRAM_COMMENT_SCOPES` too.
     */
    comments: z.boolean().default(false),
    requiredFields: z.array(z.string()).optional(),
    subscribedFields: z.array(z.string()).optional(),
    tokenExpiryWarningDays: z.number().nonnegative().default(7),
    backfillPerSecond: z.number().positive().max(2).default(2),
    logger: z.custom<Logger>().optional(),
    clock: z.custom<Clock>().optional(),
    limiter: z.custom<RateLimiter>().optional(),
  })
  .refine((c) => c.appSecret !== undefined || c.appSecrets !== undefined, {
    message:
      'appSecret or appSecrets is required (appSecrets: [] when every app is registered at runtime with switchboard.apps)',
    path: ['appSecret'],
  })
  .transform(({ pageIds, ...c }) => ({
    ...c,
    pageIdByInstagramAccountId: { ...pageIds, ...c.pageIdByInstagramAccountId },
    graphBaseUrl:
      c.graphBaseUrlByFlavour[c.apiFlavour] ??
      c.graphBaseUrl ??
      (c.apiFlavour === 'instagram-login' ? INSTAGRAM_GRAPH_BASE_URL : GRAPH_BASE_URL),
    graphBaseUrlByFlavour: {
      'facebook-login': c.graphBaseUrlByFlavour['facebook-login'] ?? c.graphBaseUrl ?? GRAPH_BASE_URL,
      'instagram-login':
        c.graphBaseUrlByFlavour['instagram-login'] ?? c.graphBaseUrl ?? INSTAGRAM_GRAPH_BASE_URL,
    },
    debugTokenBaseUrl: c.debugTokenBaseUrl ?? c.graphBaseUrl ?? GRAPH_BASE_URL,
    requiredScopes: c.requiredScopes ?? instagramScopes(c.apiFlavour, c.comments),
    requiredFields:
      c.requiredFields ??
      withComments(INSTAGRAM_REQUIRED_FIELDS, c.comments ? INSTAGRAM_COMMENT_FIELDS[c.apiFlavour] : []),
    subscribedFields:
      c.subscribedFields ??
      withComments(
        INSTAGRAM_SUBSCRIBED_FIELDS[c.apiFlavour],
        c.comments ? INSTAGRAM_COMMENT_FIELDS[c.apiFlavour] : [],
      ),
  }));

/** Configuration of {@link createInstagramAdapter}. */
export type InstagramAdapterConfig = z.input<typeof InstagramAdapterConfigSchema>;
export type ResolvedInstagramConfig = z.output<typeof InstagramAdapterConfigSchema>;

export function resolveInstagramConfig(config: InstagramAdapterConfig): ResolvedInstagramConfig {
  return parseWith(InstagramAdapterConfigSchema, config, 'Instagram adapter config');
}

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const pairs = (value: string | undefined) =>
  Object.fromEntries(
    (list(value) ?? []).map((pair) => {
      const at = pair.indexOf(':');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );

/**
 * Reads the configuration from `INSTAGRAM_*` environment variables. `INSTAGRAM_ACCESS_TOKENS` and
 * `INSTAGRAM_PAGE_IDS` hold `igId:value` pairs separated by commas.
 *
 * @example
 * const adapter = createInstagramAdapter({ ...instagramConfigFromEnv(), logger });
 */
export function instagramConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
): InstagramAdapterConfig {
  const tokens = pairs(env.INSTAGRAM_ACCESS_TOKENS);
  const pages = pairs(env.INSTAGRAM_PAGE_IDS);
  const secrets = list(env.INSTAGRAM_APP_SECRETS);
  const verify = list(env.INSTAGRAM_VERIFY_TOKEN);
  const flavour = InstagramApiFlavour.safeParse(env.INSTAGRAM_API_FLAVOUR);
  return {
    verifyToken: verify && verify.length > 1 ? verify : (env.INSTAGRAM_VERIFY_TOKEN ?? ''),
    ...(env.INSTAGRAM_APP_ID ? { appId: env.INSTAGRAM_APP_ID } : {}),
    ...(env.INSTAGRAM_APP_SECRET ? { appSecret: env.INSTAGRAM_APP_SECRET } : {}),
    ...(secrets ? { appSecrets: secrets } : {}),
    ...(flavour.success ? { apiFlavour: flavour.data } : {}),
    ...(env.INSTAGRAM_ACCOUNT_IDS ? { instagramAccountIds: list(env.INSTAGRAM_ACCOUNT_IDS) } : {}),
    ...(Object.keys(pages).length ? { pageIdByInstagramAccountId: pages } : {}),
    ...(env.INSTAGRAM_ACCESS_TOKEN ? { accessToken: env.INSTAGRAM_ACCESS_TOKEN } : {}),
    ...(Object.keys(tokens).length ? { accessTokens: tokens } : {}),
    ...(env.INSTAGRAM_GRAPH_BASE_URL ? { graphBaseUrl: env.INSTAGRAM_GRAPH_BASE_URL } : {}),
    ...(env.INSTAGRAM_GRAPH_VERSION ? { graphVersion: env.INSTAGRAM_GRAPH_VERSION } : {}),
    ...(env.INSTAGRAM_TIMEOUT_MS ? { timeoutMs: Number(env.INSTAGRAM_TIMEOUT_MS) } : {}),
    ...(env.INSTAGRAM_COMMENTS ? { comments: env.INSTAGRAM_COMMENTS === 'true' } : {}),
  };
}
