import {
  type Clock,
  createMemoryRateLimiter,
  type Logger,
  type RateLimiter,
  SwitchboardError,
  silentLogger,
  systemClock,
} from '@switchboard/core';
import { createGraphClient, type GraphClient } from '@switchboard/meta-graph';
import type { ResolvedInstagramConfig } from './config.js';

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
  appSecrets: string[];
  accountIds: string[];
  tokenFor(igId: string): string;
  clientFor(igId: string): GraphClient;
  pathsFor(igId: string): InstagramPaths;
  appClient: GraphClient | undefined;
}

export function createInstagramContext(config: ResolvedInstagramConfig): InstagramContext {
  const clock = config.clock ?? systemClock;
  const logger = config.logger ?? silentLogger;
  const appSecrets = [...(config.appSecret ? [config.appSecret] : []), ...(config.appSecrets ?? [])];
  const signingSecret = appSecrets[0];
  const igLogin = config.apiFlavour === 'instagram-login';
  const accountIds = [...new Set([...config.instagramAccountIds, ...Object.keys(config.accessTokens)])];
  const clients = new Map<string, GraphClient>();
  const tokenFor = (igId: string) => {
    const token = config.accessTokens[igId] ?? config.accessToken;
    if (!token)
      throw new SwitchboardError(
        'INVALID_REQUEST',
        `no access token configured for Instagram account ${igId}`,
      );
    return token;
  };
  return {
    config,
    clock,
    logger,
    limiter: config.limiter ?? createMemoryRateLimiter({ clock }),
    appSecrets,
    accountIds,
    tokenFor,
    clientFor(igId) {
      let client = clients.get(igId);
      if (!client) {
        client = createGraphClient({
          accessToken: tokenFor(igId),
          // appsecret_proof belongs to Facebook Login tokens; Instagram Login uses a bearer token.
          ...(!igLogin && config.appsecretProof && signingSecret ? { appSecret: signingSecret } : {}),
          baseUrl: config.graphBaseUrl,
          version: config.graphVersion,
          timeoutMs: config.timeoutMs,
          channel: 'instagram',
          logger,
          auth: igLogin ? 'bearer' : 'query',
        });
        clients.set(igId, client);
      }
      return client;
    },
    pathsFor(igId) {
      if (igLogin) {
        return {
          messages: `/${igId}/messages`,
          attachments: `/${igId}/message_attachments`,
          conversations: '/me/conversations',
          subscribedApps: '/me/subscribed_apps',
        };
      }
      const page = config.pageIdByInstagramAccountId[igId];
      const node = page ?? 'me';
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
