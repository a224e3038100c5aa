import type {
  AdapterCapabilities,
  AdapterHost,
  ChannelAdapter,
  OutboundMessage,
  SendReceipt,
  SignatureCheck,
  TokenInspection,
  WebhookHeaders,
} from '@switchboard/core';
import { SwitchboardError, silentLogger, systemClock } from '@switchboard/core';
import { z } from 'zod';
import { type BotApiClient, createBotApiClient } from './client.js';
import { resolveTelegramConfig, type TelegramAdapterConfig } from './config.js';
import { type DownloadedFile, downloadFile } from './files.js';
import { BotUser, createProbes, setWebhook } from './health.js';
import { TELEGRAM_LIMITS } from './send/build.js';
import { sendMessage } from './send/send.js';
import { verifySecretToken } from './signature.js';
import { parseTelegramWebhook } from './webhook/parse.js';

/**
 * What the engine needs to know about Telegram, as data: no delivery receipts, so no send is ever
 * confirmed by a webhook; a plain `OK` acknowledges a stored update; no header is worth keeping (the
 * secret-token header is a secret).
 */
export const TELEGRAM_CAPABILITIES = {
  sendConfirmation: 'none',
  ackBody: 'OK',
  keptHeaders: [],
} as const satisfies AdapterCapabilities;

/** The Telegram adapter: the `ChannelAdapter` contract plus callback answers. No backfill: the Bot API has no history. */
export interface TelegramAdapter extends ChannelAdapter {
  channel: 'telegram';
  accountIds: readonly string[];
  capabilities: typeof TELEGRAM_CAPABILITIES;
  /** setWebhook with the configured URL, first secret token and update types. */
  resubscribe(accountId: string): Promise<void>;
  /**
   * Downloads an inbound file by its `file_id` (a part's `mediaId`): getFile, then the file, capped at
   * `maxBytes` (default and Telegram's own limit: 20 MB).
   */
  downloadFile(fileId: string, options?: { maxBytes?: number }): Promise<DownloadedFile>;
  /** getMe: bot tokens do not expire, so only validity (a revoked token is a 401). */
  inspectToken(accountId: string): Promise<TokenInspection>;
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
  let host: AdapterHost | undefined;
  let client: { token: string; api: BotApiClient } | undefined;
  // The registry's token first (rotated without a restart), then the configuration's.
  const api = async (): Promise<BotApiClient> => {
    const token = (await host?.credentials(resolved.botId))?.botToken ?? resolved.botToken;
    if (!token) {
      throw new SwitchboardError(
        'AUTH_FAILED',
        `no token for Telegram bot ${resolved.botId}: configure botToken (TELEGRAM_BOT_TOKEN) or connect the bot with credentials: { botToken }`,
      );
    }
    if (!token.startsWith(`${resolved.botId}:`)) {
      throw new SwitchboardError(
        'AUTH_FAILED',
        `the token registered for bot ${resolved.botId} belongs to another bot`,
      );
    }
    if (client?.token !== token) {
      client = {
        token,
        api: createBotApiClient({ baseUrl: resolved.apiBaseUrl, token, timeoutMs: resolved.timeoutMs }),
      };
    }
    return client.api;
  };
  /** Configured secret tokens, then those registered for this bot with `switchboard.apps.put(botId, …)`. */
  const registered = () =>
    host
      ?.appSecrets()
      .filter((s) => s.appId === resolved.botId)
      .map((s) => s.secret) ?? [];
  const secretTokens = () => [...resolved.secretTokens, ...registered()];
  const verifySignature = (headers: WebhookHeaders): SignatureCheck => {
    const check = verifySecretToken(headers, secretTokens());
    return check.ok && check.secretIndex >= resolved.secretTokens.length
      ? { ...check, appId: resolved.botId }
      : check;
  };
  const deps = { config: resolved, client: api, clock, secretTokens };
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
    verifySignature: (_rawBody: Uint8Array, headers: WebhookHeaders) => verifySignature(headers),
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
    downloadFile: async (fileId: string, options: { maxBytes?: number } = {}) => {
      const bot = await api();
      const token = client?.token ?? '';
      return downloadFile(
        bot,
        { baseUrl: resolved.apiBaseUrl, token, timeoutMs: resolved.timeoutMs },
        fileId,
        options.maxBytes,
      );
    },
    inspectToken: async (accountId: string): Promise<TokenInspection> => {
      ownAccount(accountId);
      const answer = { expiresAt: null, scopes: [] };
      try {
        const me = await (await api()).call('getMe', {}, BotUser);
        return String(me.id) === resolved.botId
          ? { valid: true, ...answer }
          : { valid: false, ...answer, reason: `the token belongs to bot ${me.id}` };
      } catch (error) {
        if (SwitchboardError.is(error, 'AUTH_FAILED'))
          return { valid: false, ...answer, reason: error.message };
        throw error;
      }
    },
    attach: (value: AdapterHost) => {
      host = value;
    },
    answerCallbackQuery: async (query, options = {}) => {
      const id = typeof query === 'string' ? query : callbackIdOf(query);
      if (options.text !== undefined && options.text.length > 200) {
        throw new SwitchboardError('INVALID_REQUEST', 'answerCallbackQuery text allows 200 characters', {
          path: 'text',
        });
      }
      await (await api()).call(
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
