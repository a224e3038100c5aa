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
import type { ResolvedMessengerConfig } from './config.js';

/** What send, health and backfill share: resolved config, credentials and one Graph client per Page. */
export interface MessengerContext {
  config: ResolvedMessengerConfig;
  clock: Clock;
  logger: Logger;
  limiter: RateLimiter;
  /** Configured Pages. */
  accountIds: string[];
  /** Tokens and app secrets: the engine's registry first, then the configuration. */
  access: MetaAccess;
  /** The Page's client; its token is looked up on every call, so a rotated one applies at once. */
  clientFor(pageId: string): GraphClient;
  /** Client with the app token, for `debug_token`; undefined without `appId`. */
  appClient: GraphClient | undefined;
}

export function createMessengerContext(config: ResolvedMessengerConfig): MessengerContext {
  const clock = config.clock ?? systemClock;
  const logger = config.logger ?? silentLogger;
  const appSecrets = [...(config.appSecret ? [config.appSecret] : []), ...(config.appSecrets ?? [])];
  const signingSecret = appSecrets[0];
  const accountIds = [...new Set([...config.pageIds, ...Object.keys(config.accessTokens)])];
  const common = {
    baseUrl: config.graphBaseUrl,
    version: config.graphVersion,
    timeoutMs: config.timeoutMs,
    channel: 'messenger' as const,
    logger,
  };
  const access = createMetaAccess({
    configuredToken: (id) => config.accessTokens[id] ?? config.accessToken,
    appSecrets,
    appsecretProof: config.appsecretProof,
    describe: (pageId) => `Page ${pageId}`,
    ...(config.appId ? { appId: config.appId } : {}),
    appGraph: common,
    now: () => clock.now(),
  });
  const clients = new Map<string, GraphClient>();
  return {
    config,
    clock,
    logger,
    limiter: config.limiter ?? createMemoryRateLimiter({ clock }),
    accountIds,
    access,
    clientFor(pageId) {
      let client = clients.get(pageId);
      if (!client) {
        client = createGraphClient({ ...common, credentials: () => access.credentials(pageId) });
        clients.set(pageId, client);
      }
      return client;
    },
    appClient:
      config.appId && signingSecret
        ? createGraphClient({ ...common, accessToken: `${config.appId}|${signingSecret}` })
        : undefined,
  };
}
