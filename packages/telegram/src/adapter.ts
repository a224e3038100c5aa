import type { ChannelAdapter, OutboundMessage, SendReceipt, WebhookHeaders } from '@switchboard/core';
import { SwitchboardError, silentLogger, systemClock } from '@switchboard/core';
import { z } from 'zod';
import { type BotApiClient, createBotApiClient } from './client.js';
import { resolveTelegramConfig, type TelegramAdapterConfig } from './config.js';
import { createProbes, setWebhook } from './health.js';
import { TELEGRAM_LIMITS } from './send/build.js';
import { sendMessage } from './send/send.js';
import { verifySecretToken } from './signature.js';
import { parseTelegramWebhook } from './webhook/parse.js';

/**
 * What the engine needs to know about Telegram, as data (core's `AdapterCapabilities`): no delivery
 * receipts, so no send is ever confirmed by a webhook; a plain `OK` acknowledges a stored update; no
 * header is worth keeping (the secret-token header is a secret).
 */
export const TELEGRAM_CAPABILITIES = {
  sendConfirmation: 'none',
  ackBody: 'OK',
  keptHeaders: [],
} as const satisfies {
  sendConfirmation: 'echo' | 'status' | 'none';
  ackBody?: string;
  keptHeaders?: readonly string[];
};

/** The Telegram adapter: the `ChannelAdapter` contract plus callback answers. No backfill: the Bot API has no history. */
export interface TelegramAdapter extends ChannelAdapter {
  channel: 'telegram';
  accountIds: readonly string[];
  capabilities: typeof TELEGRAM_CAPABILITIES;
  /** setWebhook with the configured URL, first secret token and update types. */
  resubscribe(accountId: string): Promise<void>;
  /**
   * Stops the button's progress spinner (answerCallbackQuery). Telegram asks bots to answer every
   * callback query, within seconds; `text` (≤ 200 characters) shows as a toast, or an alert with `showAlert`.
   *
   * @example
   * switchboard.on('postback', async (event) => telegram.answerCallbackQuery(event, { text: 'Got it' }));
   */
  answerCallbackQuery(
    query: string | { key: string; channel: string },
    options?: { text?: string; showAlert?: boolean },
  ): Promise<void>;
}

/**
 * Creates the Telegram Bot API adapter. Parsing needs only the secret token(s) and the bot id (from
 * the token or `botId`); sending, probes and `resubscribe` need the token.
 *
 * @example
 * const telegram = createTelegramAdapter({
 *   botToken: process.env.TELEGRAM_BOT_TOKEN,
 *   secretToken: process.env.TELEGRAM_SECRET_TOKEN!,
 *   webhookUrl: 'https://example.com/webhooks/telegram',
 * });
 * const switchboard = createSwitchboard({ adapters: [telegram], store });
 */
export function createTelegramAdapter(config: TelegramAdapterConfig): TelegramAdapter {
  const resolved = resolveTelegramConfig(config);
  const clock = config.clock ?? systemClock;
  const logger = config.logger ?? silentLogger;
  let client: BotApiClient | undefined;
  const api = (): BotApiClient => {
    if (!resolved.botToken) {
      throw new SwitchboardError('AUTH_FAILED', 'Telegram botToken is not configured (TELEGRAM_BOT_TOKEN)');
    }
    client ??= createBotApiClient({
      baseUrl: resolved.apiBaseUrl,
      token: resolved.botToken,
      timeoutMs: resolved.timeoutMs,
    });
    return client;
  };
  const deps = { config: resolved, client: api, clock };
  const ownAccount = (accountId: string) => {
    if (accountId !== resolved.botId) {
      throw new SwitchboardError(
        'INVALID_REQUEST',
        `this Telegram adapter serves bot ${resolved.botId}, not ${accountId}`,
        { path: 'accountId' },
      );
    }
  };

  return {
    channel: 'telegram',
    limits: TELEGRAM_LIMITS,
    accountIds: [resolved.botId],
    capabilities: TELEGRAM_CAPABILITIES,
    // Telegram has no GET handshake.
    verifyChallenge: () => null,
    verifySignature: (_rawBody: Uint8Array, headers: WebhookHeaders) =>
      verifySecretToken(headers, resolved.secretTokens),
    parseWebhook: (rawBody: Uint8Array) =>
      parseTelegramWebhook(rawBody, { botId: resolved.botId, now: () => clock.now() }),
    send: async (message: OutboundMessage): Promise<SendReceipt> => {
      ownAccount(message.to.accountId);
      const receipt = await sendMessage(api, resolved.botId, message, clock);
      logger.debug('telegram send accepted', { messageId: receipt.messageId });
      return receipt;
    },
    probes: () => createProbes(deps),
    resubscribe: async (accountId: string) => {
      ownAccount(accountId);
      await setWebhook(deps);
    },
    answerCallbackQuery: async (query, options = {}) => {
      const id = typeof query === 'string' ? query : callbackIdOf(query);
      if (options.text !== undefined && options.text.length > 200) {
        throw new SwitchboardError('INVALID_REQUEST', 'answerCallbackQuery text allows 200 characters', {
          path: 'text',
        });
      }
      await api().call(
        'answerCallbackQuery',
        {
          callback_query_id: id,
          ...(options.text !== undefined ? { text: options.text } : {}),
          ...(options.showAlert ? { show_alert: true } : {}),
        },
        z.literal(true),
      );
    },
  };
}

/** The callback query id inside a postback event's key (`telegram:<bot>:callback:<id>`). */
function callbackIdOf(event: { key: string; channel: string }): string {
  const match = /^telegram:\d+:callback:(.+)$/.exec(event.key);
  if (event.channel !== 'telegram' || !match) {
    throw new SwitchboardError('INVALID_REQUEST', 'not a Telegram callback query event', { path: 'key' });
  }
  return match[1]!;
}
