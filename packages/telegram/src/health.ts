import type { Clock, HealthProbe, HealthProbeResult } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import { z } from 'zod';
import type { BotApiClient } from './client.js';
import type { ResolvedTelegramConfig } from './config.js';

/** getMe (api#getme). */
export const BotUser = z.object({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string(),
  username: z.string().optional(),
});

/** getWebhookInfo (api#webhookinfo). `last_error_*` are sticky: they reset only on setWebhook. */
export const WebhookInfo = z.object({
  url: z.string(),
  has_custom_certificate: z.boolean().optional(),
  pending_update_count: z.number().int().nonnegative(),
  ip_address: z.string().optional(),
  last_error_date: z.number().int().optional(),
  last_error_message: z.string().optional(),
  last_synchronization_error_date: z.number().int().optional(),
  max_connections: z.number().int().optional(),
  /** Omitted when it is the default (all but chat_member, message_reaction, message_reaction_count). */
  allowed_updates: z.array(z.string()).optional(),
});
export type WebhookInfo = z.infer<typeof WebhookInfo>;

/** Update types Telegram delivers only when listed in `allowed_updates`. */
const OPT_IN_UPDATES = ['chat_member', 'message_reaction', 'message_reaction_count'];

type Verdict = Omit<HealthProbeResult, 'probe' | 'checkedAt' | 'accountId'>;

export interface ProbeDeps {
  config: ResolvedTelegramConfig;
  /** Rejects with AUTH_FAILED when no token is configured or registered. */
  client: () => Promise<BotApiClient>;
  /** Accepted webhook secret tokens: configured, then registered with `switchboard.apps`. */
  secretTokens: () => readonly string[];
  clock: Clock;
}

const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/** Never throws: a failed call is `down` for auth errors, `degraded` otherwise. */
function probe(
  name: string,
  description: string,
  deps: ProbeDeps,
  check: () => Promise<Verdict>,
): HealthProbe {
  const accountId = deps.config.botId;
  return {
    name,
    description,
    accountId,
    async run() {
      let verdict: Verdict;
      try {
        verdict = await check();
      } catch (error) {
        const e = error instanceof SwitchboardError ? error : undefined;
        verdict = {
          status: e?.code === 'AUTH_FAILED' ? 'down' : 'degraded',
          reason: `${name} check failed: ${e ? `${e.code} ${e.message}` : String(error)}`,
        };
      }
      return { probe: name, accountId, checkedAt: deps.clock.now(), ...verdict };
    },
  };
}

/** A bot token may be written into a webhook URL path by the user: never report one (any token's shape). */
function redact(url: string): string {
  return url.replace(/\d{5,}:[A-Za-z0-9_-]{20,}/g, '<bot token>');
}

async function checkToken(deps: ProbeDeps): Promise<Verdict> {
  const me = await (await deps.client()).call('getMe', {}, BotUser);
  if (String(me.id) !== deps.config.botId) {
    return {
      status: 'down',
      reason: `The token belongs to bot ${me.id}, not ${deps.config.botId}: check TELEGRAM_BOT_TOKEN.`,
      data: { botId: String(me.id) },
    };
  }
  return {
    status: 'ok',
    reason: `The token works for @${me.username ?? me.first_name}.`,
    data: { botId: String(me.id), username: me.username },
  };
}

/** Subscription: a webhook is set, to our URL, with our update types. Fixed by `resubscribe` (setWebhook). */
function subscriptionVerdict(info: WebhookInfo, config: ResolvedTelegramConfig): Verdict {
  const url = redact(info.url);
  const data = { url, allowedUpdates: info.allowed_updates ?? 'default' };
  if (!info.url) {
    return {
      status: 'down',
      reason:
        'No webhook is set: Telegram delivers no updates (a getUpdates poller with this token deletes it). resubscribe() sets it again.',
      data,
    };
  }
  if (config.webhookUrl && !sameUrl(info.url, config.webhookUrl)) {
    return {
      status: 'down',
      reason: `The webhook points to ${url}, not ${redact(config.webhookUrl)}: another deployment overwrote it.`,
      data,
    };
  }
  const subscribed = new Set(
    info.allowed_updates ?? config.allowedUpdates.filter((u) => !OPT_IN_UPDATES.includes(u)),
  );
  const missing = config.allowedUpdates.filter((u) => !subscribed.has(u));
  if (missing.length > 0) {
    return {
      status: 'degraded',
      reason: `The webhook does not receive ${missing.join(', ')}: allowed_updates drifted from the configuration.`,
      data: { ...data, missing },
    };
  }
  return { status: 'ok', reason: `The webhook is set to ${url}.`, data };
}

/** Delivery: Telegram's own report of failing to reach us — a direct silence signal. */
function deliveryVerdict(info: WebhookInfo, config: ResolvedTelegramConfig, now: number): Verdict {
  const pending = info.pending_update_count;
  const lastErrorAt = info.last_error_date !== undefined ? info.last_error_date * 1000 : undefined;
  const syncErrorAt =
    info.last_synchronization_error_date !== undefined
      ? info.last_synchronization_error_date * 1000
      : undefined;
  const data = {
    pendingUpdateCount: pending,
    ...(lastErrorAt !== undefined ? { lastErrorAt, lastErrorMessage: info.last_error_message } : {}),
    ...(syncErrorAt !== undefined ? { lastSynchronizationErrorAt: syncErrorAt } : {}),
  };
  const recent = (at: number | undefined) => at !== undefined && now - at < config.recentErrorMs;
  if (!info.url) return { status: 'down', reason: 'No webhook is set: nothing is delivered.', data };
  if (recent(lastErrorAt)) {
    const when = new Date(lastErrorAt!).toISOString();
    return {
      status: pending > 0 ? 'down' : 'degraded',
      reason: `Telegram failed to deliver at ${when}: "${info.last_error_message ?? 'no message'}"; ${pending} update(s) waiting.`,
      data,
    };
  }
  if (pending > config.pendingUpdatesWarning) {
    return { status: 'degraded', reason: `${pending} updates are waiting at Telegram for delivery.`, data };
  }
  if (recent(syncErrorAt)) {
    return {
      status: 'degraded',
      reason: 'Telegram reports a synchronization error on its side: updates may be late.',
      data,
    };
  }
  return { status: 'ok', reason: `Telegram reports no recent delivery error; ${pending} pending.`, data };
}

export function createProbes(deps: ProbeDeps): HealthProbe[] {
  const { config, clock } = deps;
  const info = async () => (await deps.client()).call('getWebhookInfo', {}, WebhookInfo.loose());
  return [
    probe('telegram.token', 'getMe: the bot token works and belongs to this bot.', deps, () =>
      checkToken(deps),
    ),
    probe(
      'telegram.subscription',
      'getWebhookInfo: a webhook is set, to the configured URL, with the configured update types.',
      deps,
      async () => subscriptionVerdict(await info(), config),
    ),
    probe(
      'telegram.delivery',
      'getWebhookInfo: Telegram delivers without errors (last_error_date, pending_update_count).',
      deps,
      async () => deliveryVerdict(await info(), config, clock.now()),
    ),
  ];
}

/** setWebhook with our URL, secret token and update types (always explicit: omitted keeps the old list). */
export async function setWebhook(deps: ProbeDeps): Promise<void> {
  const { config } = deps;
  if (!config.webhookUrl) {
    throw new SwitchboardError(
      'INVALID_REQUEST',
      'Telegram webhookUrl is not configured (TELEGRAM_WEBHOOK_URL)',
    );
  }
  const secretToken = deps.secretTokens()[0];
  if (!secretToken) {
    throw new SwitchboardError(
      'INVALID_REQUEST',
      'no Telegram secret token: configure secretToken (TELEGRAM_SECRET_TOKEN) or register one with switchboard.apps.put(botId, [token])',
    );
  }
  await (await deps.client()).call(
    'setWebhook',
    {
      url: config.webhookUrl,
      secret_token: secretToken,
      allowed_updates: config.allowedUpdates,
      ...(config.maxConnections ? { max_connections: config.maxConnections } : {}),
    },
    z.literal(true),
  );
}
