import type { ChannelAdapter, Clock, Logger } from '@switchboard/core';
import { createInstagramAdapter, instagramConfigFromEnv } from '@switchboard/instagram';
import { createMessengerAdapter, messengerConfigFromEnv } from '@switchboard/messenger';
import type { MetaSimulator } from '@switchboard/simulator';
import { createTelegramAdapter, type TelegramAdapter, telegramConfigFromEnv } from '@switchboard/telegram';
import type { FakeBotApi } from '@switchboard/telegram/fake';
import { createWhatsAppAdapter, whatsAppConfigFromEnv } from '@switchboard/whatsapp';
import { type Channel, type InboxConfig, realChannels } from '../config.js';

/** Every secret the adapters were given, so the logger can scrub them wherever they appear. */
export function secretsOf(config: InboxConfig, simulator?: MetaSimulator): string[] {
  const env = config.env;
  const fromEnv = Object.entries(env)
    .filter(([k, v]) => v && /_(APP_SECRETS?|VERIFY_TOKEN|ACCESS_TOKENS?|BOT_TOKEN|SECRET_TOKEN)$/.test(k))
    .flatMap(([, v]) => (v ?? '').split(',').map((s) => (s.includes(':') ? s.slice(s.indexOf(':') + 1) : s)));
  if (config.loginToken) fromEnv.push(config.loginToken);
  if (!simulator) return fromEnv;
  const w = simulator.world;
  return [
    ...fromEnv,
    w.app.secret,
    w.app.verifyToken,
    w.app.appToken,
    w.systemUserToken,
    ...w.tokens.map((t) => t.token),
  ];
}

/**
 * The three adapters wired to the simulator's world: its app secret and verify token, its Page,
 * Instagram account and phone number, and the tokens it issued.
 */
export function simulatorAdapters(sim: MetaSimulator, clock: Clock, logger: Logger): ChannelAdapter[] {
  const { app, pages, instagram, phoneNumbers, wabas, systemUserToken } = sim.world;
  const common = { appId: app.id, appSecret: app.secret, verifyToken: app.verifyToken, clock, logger };
  const linked = instagram.filter((a) => a.pageId);
  return [
    createMessengerAdapter({
      ...common,
      pageIds: pages.map((p) => p.id),
      accessTokens: Object.fromEntries(pages.map((p) => [p.id, p.accessToken])),
      graphBaseUrl: sim.url,
    }),
    createInstagramAdapter({
      ...common,
      apiFlavour: 'facebook-login',
      instagramAccountIds: linked.map((a) => a.id),
      pageIdByInstagramAccountId: Object.fromEntries(linked.map((a) => [a.id, a.pageId ?? ''])),
      accessTokens: Object.fromEntries(linked.map((a) => [a.id, a.accessToken])),
      graphBaseUrl: sim.url,
      debugTokenBaseUrl: sim.url,
    }),
    createWhatsAppAdapter({
      ...common,
      accessToken: systemUserToken,
      phoneNumberIds: phoneNumbers.map((p) => p.id),
      wabaIds: wabas.map((w) => w.id),
      // The number's WABA: its template sends are checked against that WABA's templates.
      wabaIdByPhoneNumberId: Object.fromEntries(phoneNumbers.map((p) => [p.id, p.wabaId])),
      graphBaseUrl: sim.url,
    }),
  ];
}

/** Adapters for the channels that have real Meta credentials in the environment. */
export function realAdapters(config: InboxConfig, clock: Clock, logger: Logger): ChannelAdapter[] {
  const env = config.env;
  const graph = (channel: Channel) => env[`${channel.toUpperCase()}_GRAPH_BASE_URL`] ?? config.graphBaseUrl;
  const base = (channel: Channel) => {
    const url = graph(channel);
    return url ? { graphBaseUrl: url } : {};
  };
  const factories: Record<Channel, () => ChannelAdapter> = {
    messenger: () =>
      createMessengerAdapter({ ...messengerConfigFromEnv(env), ...base('messenger'), clock, logger }),
    instagram: () =>
      createInstagramAdapter({ ...instagramConfigFromEnv(env), ...base('instagram'), clock, logger }),
    whatsapp: () =>
      createWhatsAppAdapter({ ...whatsAppConfigFromEnv(env), ...base('whatsapp'), clock, logger }),
  };
  return realChannels(env).map((channel) => factories[channel]());
}

/**
 * The Telegram adapter: against the fake Bot API in simulator mode (with a secret token made for this
 * run unless `TELEGRAM_SECRET_TOKEN` is set), else from the environment.
 */
export function telegramAdapter(
  config: InboxConfig,
  clock: Clock,
  logger: Logger,
  fake: { api: FakeBotApi; secretToken: string } | undefined,
): TelegramAdapter {
  const fromEnv = telegramConfigFromEnv(config.env);
  if (!fake) return createTelegramAdapter({ ...fromEnv, clock, logger });
  return createTelegramAdapter({
    botToken: fake.api.token,
    secretToken: fake.secretToken,
    apiBaseUrl: fake.api.url,
    clock,
    logger,
  });
}
