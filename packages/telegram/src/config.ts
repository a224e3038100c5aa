import type { Clock, Logger } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import { z } from 'zod';

export const TELEGRAM_API_BASE_URL = 'https://api.telegram.org';

/**
 * Update types asked for by `resubscribe` (`setWebhook.allowed_updates`). Always sent explicitly:
 * omitting the list keeps the previous setting, and reactions are only delivered when listed.
 */
export const DEFAULT_ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'callback_query',
  'message_reaction',
  'my_chat_member',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
] as const;

/** `setWebhook.secret_token`: 1–256 characters of `A-Z a-z 0-9 _ -` (base64 with `+/=` is refused). */
const secretToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,256}$/, 'a Telegram secret token is 1-256 characters of A-Z a-z 0-9 _ -');

export const TelegramAdapterConfigSchema = z
  .object({
    /**
     * `<bot id>:<secret>` from @BotFather. Needed to send, probe and resubscribe, not to parse. A token
     * stored with `switchboard.accounts.connect({ channel: 'telegram', accountId: botId, credentials: { botToken } })` wins.
     */
    botToken: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, 'a bot token looks like 123456789:AA...')
      .optional(),
    /** The bot's numeric id (the `accountId` of its events); taken from the token when absent. */
    botId: z.string().regex(/^\d+$/, 'a bot id is a string of digits').optional(),
    /**
     * Accepted values of the `X-Telegram-Bot-Api-Secret-Token` header (several during a rotation). The
     * first one is what `resubscribe` registers with `setWebhook`. May instead be registered at runtime
     * with `switchboard.apps.put(botId, [token])`; with neither, every webhook is refused.
     */
    secretToken: z.union([secretToken, z.array(secretToken)]).optional(),
    /** The public HTTPS URL Telegram should post to (`…/webhooks/telegram`): checked by the probes, set by `resubscribe`. */
    webhookUrl: z.string().url().optional(),
    /** Update types to subscribe to. Default {@link DEFAULT_ALLOWED_UPDATES}. */
    allowedUpdates: z.array(z.string().min(1)).min(1).optional(),
    /** `setWebhook.max_connections` (1–100; Telegram's default 40 when absent). */
    maxConnections: z.number().int().min(1).max(100).optional(),
    /** Bot API host; a fake or a local Bot API server in tests. Default `https://api.telegram.org`. */
    apiBaseUrl: z.string().url().default(TELEGRAM_API_BASE_URL),
    /** Bot API call timeout in ms. Default 10 000. */
    timeoutMs: z.number().int().positive().default(10_000),
    /** The delivery probe calls a `last_error_date` younger than this "recent". Default 10 minutes. */
    recentErrorMs: z
      .number()
      .int()
      .positive()
      .default(10 * 60_000),
    /** The delivery probe reports `degraded` above this many pending updates. Default 100. */
    pendingUpdatesWarning: z.number().int().nonnegative().default(100),
    logger: z.custom<Logger>().optional(),
    clock: z.custom<Clock>().optional(),
  })
  .transform(({ secretToken, ...c }) => ({
    ...c,
    secretTokens: typeof secretToken === 'string' ? [secretToken] : [...new Set(secretToken ?? [])],
    botId: c.botId ?? c.botToken?.slice(0, c.botToken.indexOf(':')),
    allowedUpdates: c.allowedUpdates ?? [...DEFAULT_ALLOWED_UPDATES],
    apiBaseUrl: c.apiBaseUrl.replace(/\/+$/, ''),
  }))
  .refine((c) => c.botId !== undefined, {
    message: 'botToken or botId is required (the bot id is the accountId of every event)',
    path: ['botId'],
  })
  .refine((c) => !c.botToken || c.botToken.startsWith(`${c.botId}:`), {
    message: 'botId does not match the id in botToken',
    path: ['botId'],
  });

export type TelegramAdapterConfig = z.input<typeof TelegramAdapterConfigSchema>;
export type ResolvedTelegramConfig = z.output<typeof TelegramAdapterConfigSchema> & { botId: string };

/** Validates the configuration; a bad one is an `INVALID_REQUEST` naming the field (never the token). */
export function resolveTelegramConfig(config: TelegramAdapterConfig): ResolvedTelegramConfig {
  const parsed = TelegramAdapterConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') || 'config';
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `Telegram config: ${path}: ${issue?.message ?? 'invalid'}`,
      {
        path,
      },
    );
  }
  return parsed.data as ResolvedTelegramConfig;
}

/**
 * Reads `TELEGRAM_BOT_TOKEN`, `TELEGRAM_SECRET_TOKEN` (comma-separated for a rotation),
 * `TELEGRAM_WEBHOOK_URL` and `TELEGRAM_API_BASE_URL`.
 *
 * @example
 * const telegram = createTelegramAdapter(telegramConfigFromEnv());
 */
export function telegramConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
): TelegramAdapterConfig {
  const secrets = (env.TELEGRAM_SECRET_TOKEN ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    ...(env.TELEGRAM_BOT_TOKEN ? { botToken: env.TELEGRAM_BOT_TOKEN } : {}),
    ...(env.TELEGRAM_BOT_ID ? { botId: env.TELEGRAM_BOT_ID } : {}),
    secretToken: secrets,
    ...(env.TELEGRAM_WEBHOOK_URL ? { webhookUrl: env.TELEGRAM_WEBHOOK_URL } : {}),
    ...(env.TELEGRAM_API_BASE_URL ? { apiBaseUrl: env.TELEGRAM_API_BASE_URL } : {}),
  };
}
