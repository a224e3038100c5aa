import type { Clock, Logger } from '@switchboard/core';
import { parseWith } from '@switchboard/core';
import { GRAPH_API_VERSION, GRAPH_BASE_URL } from '@switchboard/meta-graph';
import { z } from 'zod';

/** Default cap for one downloaded media file: Meta's largest inbound media (documents) is 100 MB. */
export const DEFAULT_MEDIA_MAX_BYTES = 100 * 1024 * 1024;

const ids = z.array(z.string().regex(/^\d+$/, 'Meta ids are strings of digits')).default([]);

export const WhatsAppAdapterConfigSchema = z
  .object({
    appSecret: z.string().min(1).optional(),
    appSecrets: z.array(z.string().min(1)).optional(),
    verifyToken: z.string().min(1),
    accessToken: z.string().min(1).optional(),
    phoneNumberIds: ids,
    wabaIds: ids,
    appId: z.string().regex(/^\d+$/).optional(),
    graphBaseUrl: z.string().url().default(GRAPH_BASE_URL),
    mediaHosts: z.array(z.string().min(1)).optional(),
    graphVersion: z
      .string()
      .regex(/^v\d+\.\d+$/)
      .default(GRAPH_API_VERSION),
    expectedCallbackUrl: z.string().url().optional(),
    mediaMaxBytes: z.number().int().positive().default(DEFAULT_MEDIA_MAX_BYTES),
    timeoutMs: z.number().int().positive().optional(),
    tokenExpiryWarningDays: z.number().nonnegative().default(7),
  })
  .refine((c) => c.appSecret !== undefined || (c.appSecrets?.length ?? 0) > 0, {
    message: 'appSecret or appSecrets is required to verify webhook signatures',
    path: ['appSecret'],
  });

/**
 * Configuration of {@link createWhatsAppAdapter}. Missing fields are read from the environment
 * (`WHATSAPP_APP_SECRET`, `WHATSAPP_VERIFY_TOKEN`, ... see {@link whatsAppConfigFromEnv}).
 *
 * @example
 * const config: WhatsAppAdapterConfig = {
 *   appSecret: process.env.WHATSAPP_APP_SECRET,
 *   verifyToken: 'a-long-random-string',
 *   accessToken: process.env.WHATSAPP_ACCESS_TOKEN,
 *   phoneNumberIds: ['106540352242922'],
 *   wabaIds: ['102290129340398'],
 *   appId: '1234567890123456',
 * };
 */
export interface WhatsAppAdapterConfig {
  /** App secret: the key of `X-Hub-Signature-256`. */
  appSecret?: string;
  /** Several app secrets (rotation, several apps posting to one endpoint). Used with `appSecret`. */
  appSecrets?: readonly string[];
  /** The string typed into the App Dashboard's "Verify token" field. */
  verifyToken?: string;
  /** System-user (or business) token with `whatsapp_business_messaging` + `whatsapp_business_management`. Needed to send, probe and download media, not to parse. */
  accessToken?: string;
  /** Phone number ids this adapter sends from (the `accountId` of WhatsApp events). */
  phoneNumberIds?: readonly string[];
  /** WhatsApp Business Account ids, for the subscription probe, the token scope check and `resubscribe`. */
  wabaIds?: readonly string[];
  /** Meta app id: finds our app in `subscribed_apps` and builds the app token for `debug_token`. */
  appId?: string;
  /** Graph host without version; the simulator's URL in tests. Default `https://graph.facebook.com`. */
  graphBaseUrl?: string;
  /** Graph API version, default the one pinned by `@switchboard/meta-graph`. */
  graphVersion?: string;
  /** The webhook URL Meta should call; enables the callback drift check of the probes. */
  expectedCallbackUrl?: string;
  /** Largest media file `downloadMedia` accepts, in bytes. Default 100 MB. */
  mediaMaxBytes?: number;
  /**
   * Hosts (with subdomains) `downloadMedia` may send the access token to, besides `graphBaseUrl`'s origin.
   * Default `META_MEDIA_HOSTS` (fbsbx.com, fbcdn.net, cdninstagram.com, whatsapp.net); https only, except loopback.
   */
  mediaHosts?: readonly string[];
  /** Graph call timeout in ms (meta-graph's default when absent). */
  timeoutMs?: number;
  /** The token probe reports `degraded` when the token expires within this many days. Default 7. */
  tokenExpiryWarningDays?: number;
  logger?: Logger;
  clock?: Clock;
}

export interface ResolvedWhatsAppConfig {
  appSecrets: string[];
  verifyToken: string;
  accessToken: string | undefined;
  phoneNumberIds: string[];
  wabaIds: string[];
  appId: string | undefined;
  graphBaseUrl: string;
  graphVersion: string;
  expectedCallbackUrl: string | undefined;
  mediaMaxBytes: number;
  mediaHosts: string[] | undefined;
  timeoutMs: number | undefined;
  tokenExpiryWarningDays: number;
}

const list = (value: string | undefined): string[] | undefined =>
  value === undefined || value.trim() === ''
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/**
 * Reads the adapter configuration from environment variables.
 *
 * | variable | option |
 * | --- | --- |
 * | `WHATSAPP_APP_SECRET` (comma-separated for several) | `appSecrets` |
 * | `WHATSAPP_VERIFY_TOKEN` | `verifyToken` |
 * | `WHATSAPP_ACCESS_TOKEN` | `accessToken` |
 * | `WHATSAPP_PHONE_NUMBER_IDS` (comma-separated) | `phoneNumberIds` |
 * | `WHATSAPP_WABA_IDS` (comma-separated) | `wabaIds` |
 * | `WHATSAPP_APP_ID` | `appId` |
 * | `WHATSAPP_GRAPH_BASE_URL` | `graphBaseUrl` |
 * | `WHATSAPP_MEDIA_HOSTS` (comma-separated) | `mediaHosts` |
 * | `WHATSAPP_GRAPH_VERSION` | `graphVersion` |
 * | `WHATSAPP_EXPECTED_CALLBACK_URL` | `expectedCallbackUrl` |
 * | `WHATSAPP_MEDIA_MAX_BYTES` | `mediaMaxBytes` |
 *
 * @example
 * const adapter = createWhatsAppAdapter(whatsAppConfigFromEnv(process.env));
 */
export function whatsAppConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
): WhatsAppAdapterConfig {
  const config: WhatsAppAdapterConfig = {};
  const secrets = list(env.WHATSAPP_APP_SECRET);
  if (secrets) config.appSecrets = secrets;
  if (env.WHATSAPP_VERIFY_TOKEN) config.verifyToken = env.WHATSAPP_VERIFY_TOKEN;
  if (env.WHATSAPP_ACCESS_TOKEN) config.accessToken = env.WHATSAPP_ACCESS_TOKEN;
  const phones = list(env.WHATSAPP_PHONE_NUMBER_IDS);
  if (phones) config.phoneNumberIds = phones;
  const wabas = list(env.WHATSAPP_WABA_IDS);
  if (wabas) config.wabaIds = wabas;
  if (env.WHATSAPP_APP_ID) config.appId = env.WHATSAPP_APP_ID;
  if (env.WHATSAPP_GRAPH_BASE_URL) config.graphBaseUrl = env.WHATSAPP_GRAPH_BASE_URL;
  const mediaHosts = list(env.WHATSAPP_MEDIA_HOSTS);
  if (mediaHosts) config.mediaHosts = mediaHosts;
  if (env.WHATSAPP_GRAPH_VERSION) config.graphVersion = env.WHATSAPP_GRAPH_VERSION;
  if (env.WHATSAPP_EXPECTED_CALLBACK_URL) config.expectedCallbackUrl = env.WHATSAPP_EXPECTED_CALLBACK_URL;
  if (env.WHATSAPP_MEDIA_MAX_BYTES) config.mediaMaxBytes = Number(env.WHATSAPP_MEDIA_MAX_BYTES);
  return config;
}

/** Explicit options win; missing ones come from the environment. Throws `PAYLOAD_INVALID` naming the bad option. */
export function resolveConfig(
  config: WhatsAppAdapterConfig,
  env: Record<string, string | undefined> = process.env,
): ResolvedWhatsAppConfig {
  const fromEnv = whatsAppConfigFromEnv(env);
  const merged: Record<string, unknown> = { ...fromEnv };
  for (const [key, value] of Object.entries(config)) {
    if (value !== undefined && key !== 'logger' && key !== 'clock') merged[key] = value;
  }
  // Explicit secrets replace the environment's, they are not mixed with them.
  if (config.appSecret !== undefined || config.appSecrets !== undefined) {
    if (config.appSecrets === undefined) delete merged.appSecrets;
    if (config.appSecret === undefined) delete merged.appSecret;
  }
  const parsed = parseWith(WhatsAppAdapterConfigSchema, merged, 'WhatsApp adapter config');
  const appSecrets = [...(parsed.appSecret ? [parsed.appSecret] : []), ...(parsed.appSecrets ?? [])];
  return {
    appSecrets: [...new Set(appSecrets)],
    verifyToken: parsed.verifyToken,
    accessToken: parsed.accessToken,
    phoneNumberIds: parsed.phoneNumberIds,
    wabaIds: parsed.wabaIds,
    appId: parsed.appId,
    graphBaseUrl: parsed.graphBaseUrl.replace(/\/+$/, ''),
    graphVersion: parsed.graphVersion,
    expectedCallbackUrl: parsed.expectedCallbackUrl,
    mediaMaxBytes: parsed.mediaMaxBytes,
    mediaHosts: parsed.mediaHosts,
    timeoutMs: parsed.timeoutMs,
    tokenExpiryWarningDays: parsed.tokenExpiryWarningDays,
  };
}
