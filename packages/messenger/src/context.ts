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
import type { ResolvedMessengerConfig } from './config.js';

/** What send, health and backfill share: resolved config and one Graph client per Page. */
export interface MessengerContext {
  config: ResolvedMessengerConfig;
  clock: Clock;
  logger: Logger;
  limiter: RateLimiter;
  appSecrets: string[];
  accountIds: string[];
  tokenFor(pageId: string): string;
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
  const clients = new Map<string, GraphClient>();
  const graph = (accessToken: string, proof: boolean) =>
    createGraphClient({
      accessToken,
      ...(proof && config.appsecretProof && signingSecret ? { appSecret: signingSecret } : {}),
      baseUrl: config.graphBaseUrl,
      version: config.graphVersion,
      timeoutMs: config.timeoutMs,
      channel: 'messenger',
      logger,
    });
  const tokenFor = (pageId: string) => {
    const token = config.accessTokens[pageId] ?? config.accessToken;
    if (!token)
      throw new SwitchboardError('INVALID_REQUEST', `no Page access token configured for Page ${pageId}`);
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
    clientFor(pageId) {
      let client = clients.get(pageId);
      if (!client) {
        client = graph(tokenFor(pageId), true);
        clients.set(pageId, client);
      }
      return client;
    },
    appClient: config.appId && signingSecret ? graph(`${config.appId}|${signingSecret}`, false) : undefined,
  };
}
