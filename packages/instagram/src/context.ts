import {
  type Clock,
  createMemoryRateLimiter,
  type Logger,
  type RateLimiter,
  silentLogger,
  systemClock,
} from '@switchboard/core';
import {
  createGraphClient,
  createMetaAccess,
  type GraphClient,
  type MetaAccess,
} from '@switchboard/meta-graph';
import { InstagramApiFlavour, type ResolvedInstagramConfig } from './config.js';

/** Graph paths of one Instagram account, which differ per API flavour. */
export interface InstagramPaths {
  messages: string;
  attachments: string;
  conversations: string;
  subscribedApps: string;
}

export interface InstagramContext {
  config: ResolvedInstagramConfig;
  clock: Clock;
  logger: Logger;
  limiter: RateLimiter;
  /** Configured Instagram accounts. */
  accountIds: string[];
  /** Tokens and app secrets: the engine's registry first, then the configuration. */
  access: MetaAccess;
  /** How the account was connected: its registry `loginFlavour`, else the configured `apiFlavour`. */
  flavourOf(igId: string): InstagramApiFlavour;
  /** The linked Facebook Page (facebook-login): registry `linkedIds.pageId`, else `pageIdByInstagramAccountId`. */
  pageOf(igId: string): string | undefined;
  /** The account's client; its token is looked up on every call, so a rotated one applies at once. */
  clientFor(igId: string): GraphClient;
  pathsFor(igId: string): InstagramPaths;
  appClient: GraphClient | undefined;
}

export function createInstagramContext(config: ResolvedInstagramConfig): InstagramContext {
  const clock = config.clock ?? systemClock;
  const logger = config.logger ?? silentLogger;
  const appSecrets = [...(config.appSecret ? [config.appSecret] : []), ...(config.appSecrets ?? [])];
  const signingSecret = appSecrets[0];
  const accountIds = [...new Set([...config.instagramAccountIds, ...Object.keys(config.accessTokens)])];
  const access = createMetaAccess({
    configuredToken: (id) => config.accessTokens[id] ?? config.accessToken,
    appSecrets,
    appsecretProof: config.appsecretProof,
    describe: (igId) => `Instagram account ${igId}`,
    ...(config.appId ? { appId: config.appId } : {}),
    appGraph: {
      baseUrl: config.debugTokenBaseUrl,
      version: config.graphVersion,
      timeoutMs: config.timeoutMs,
      channel: 'instagram',
      logger,
    },
    now: () => clock.now(),
  });
  const flavourOf = (igId: string): InstagramApiFlavour => {
    const registered = InstagramApiFlavour.safeParse(access.account(igId)?.loginFlavour);
    return registered.success ? registered.data : config.apiFlavour;
  };
  const pageOf = (igId: string) =>
    access.account(igId)?.linkedIds.pageId ?? config.pageIdByInstagramAccountId[igId];
  // A client per account and flavour: an account reconnected with the other login gets a new one.
  const clients = new Map<string, GraphClient>();
  return {
    config,
    clock,
    logger,
    limiter: config.limiter ?? createMemoryRateLimiter({ clock }),
    accountIds,
    access,
    flavourOf,
    pageOf,
    clientFor(igId) {
      const flavour = flavourOf(igId);
      const key = `${flavour}:${igId}`;
      let client = clients.get(key);
      if (!client) {
        const igLogin = flavour === 'instagram-login';
        client = createGraphClient({
          // appsecret_proof belongs to Facebook Login tokens; Instagram Login uses a bearer token.
          credentials: () => access.credentials(igId, { proof: !igLogin }),
          baseUrl: config.graphBaseUrlByFlavour[flavour],
          version: config.graphVersion,
          timeoutMs: config.timeoutMs,
          channel: 'instagram',
          logger,
          auth: igLogin ? 'bearer' : 'query',
        });
        clients.set(key, client);
      }
      return client;
    },
    pathsFor(igId) {
      if (flavourOf(igId) === 'instagram-login') {
        return {
          messages: `/${igId}/messages`,
          attachments: `/${igId}/message_attachments`,
          conversations: '/me/conversations',
          subscribedApps: '/me/subscribed_apps',
        };
      }
      const node = pageOf(igId) ?? 'me';
      return {
        messages: `/${node}/messages`,
        attachments: `/${node}/message_attachments`,
        conversations: `/${node}/conversations`,
        subscribedApps: `/${node}/subscribed_apps`,
      };
    },
    appClient:
      config.appId && signingSecret
        ? createGraphClient({
            accessToken: `${config.appId}|${signingSecret}`,
            baseUrl: config.debugTokenBaseUrl,
            version: config.graphVersion,
            timeoutMs: config.timeoutMs,
            channel: 'instagram',
            logger,
          })
        : undefined,
  };
}
