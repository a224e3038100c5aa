import type { Clock, Logger } from '@switchboard/core';
import { parseWith } from '@switchboard/core/internal';
import { GRAPH_API_VERSION, GRAPH_BASE_URL } from '@switchboard/meta-graph';
import { z } from 'zod';

/** Default cap for one downloaded media file: Meta's largest inbound media (documents) is 100 MB. */
export const DEFAULT_MEDIA_MAX_BYTES = 100 * 1024 * 1024;

const metaId = z.string().regex(/^\d+$/, 'Meta ids are strings of digits');
const ids = z.array(metaId).default([]);
const secret = z.string().min(1);

export const WhatsAppAdapterConfigSchema = z
  .object({
    /** App secret: the key of `X-Hub-Signature-256`. */
    appSecret: secret.optional(),
    /** Several app secrets (rotation, several apps posting to one endpoint); used with `appSecret`. */
    appSecrets: z.array(secret).optional(),
    /** The string typed into the App Dashboard's "Verify token" field (several during a rotation). */
    verifyToken: z.union([secret, z.array(secret).min(1)]),
    /** System-user (or business) token with `whatsapp_business_messaging` + `whatsapp_business_management`. Needed to send, probe and download media, not to parse. */
    accessToken: secret.optional(),
    /** A token per WABA (one business token per customer), used for that WABA's numbers instead of `accessToken`. Its WABAs are added to `wabaIds`. */
    accessTokenByWabaId: z.record(metaId, secret).default({}),
    /** Phone number ids this adapter sends from (the `accountId` of WhatsApp events). Numbers in `wabaIdByPhoneNumberId` are added. */
    phoneNumberIds: ids,
    /** WhatsApp Business Account ids, for the subscription probe, the token scope check and `resubscribe`. */
    wabaIds: ids,
    /** The WABA of each phone number id, so `resubscribe(phoneNumberId)` finds it with several WABAs. Its WABAs are added to `wabaIds`. */
    wabaIdByPhoneNumberId: z.record(metaId, metaId).default({}),
    /** Meta app id: finds our app in `subscribed_apps` and builds the app token for `debug_token`. */
    appId: metaId.optional(),
    /** Graph host without version; the simulator's URL in tests. Default `https://graph.facebook.com`. */
    graphBaseUrl: z.string().url().default(GRAPH_BASE_URL),
    /**
     * Hosts (with subdomains) `downloadMedia` may send the access token to, besides `graphBaseUrl`'s origin.
     * Default `META_MEDIA_HOSTS` (fbsbx.com, fbcdn.net, cdninstagram.com, whatsapp.net); https only, except loopback.
     */
    mediaHosts: z.array(z.string().min(1)).optional(),
    /** Graph API version, default the one pinned by `@switchboard/meta-graph`. */
    graphVersion: z
      .string()
      .regex(/^v\d+\.\d+$/)
      .default(GRAPH_API_VERSION),
    /** The webhook URL Meta should call; enables the callback drift check of the probes. */
    expectedCallbackUrl: z.string().url().optional(),
    /** Largest media file `downloadMedia` accepts, in bytes. Default 100 MB. */
    mediaMaxBytes: z.number().int().positive().default(DEFAULT_MEDIA_MAX_BYTES),
    /** Graph call timeout in ms (meta-graph's default when absent). */
    timeoutMs: z.number().int().positive().optional(),
    /** The token probe reports `degraded` when the token expires within this many days. Default 7. */
    tokenExpiryWarningDays: z.number().nonnegative().default(7),
    /**
     * What a template send does when the engine's template cache does not know the template (or holds no
     * definition of it): `fetch` (default) reads it from Graph once, caches it, then decides as for a known
     * one; `send` sends unchecked and lets Graph decide; `reject` fails with INVALID_REQUEST without a call.
     */
    unknownTemplate: z.enum(['fetch', 'send', 'reject']).default('fetch'),
    logger: z.custom<Logger>().optional(),
    clock: z.custom<Clock>().optional(),
  })
  .refine((c) => c.appSecret !== undefined || c.appSecrets !== undefined, {
    message:
      'appSecret or appSecrets is required (appSecrets: [] when every app is registered at runtime with switchboard.apps)',
    path: ['appSecret'],
  })
  .transform(({ appSecret, appSecrets, ...c }) => ({
    ...c,
    appSecrets: [...new Set([...(appSecret ? [appSecret] : []), ...(appSecrets ?? [])])],
    phoneNumberIds: [...new Set([...c.phoneNumberIds, ...Object.keys(c.wabaIdByPhoneNumberId)])],
    wabaIds: [
      ...new Set([
        ...c.wabaIds,
        ...Object.values(c.wabaIdByPhoneNumberId),
        ...Object.keys(c.accessTokenByWabaId),
      ]),
    ],
    graphBaseUrl: c.graphBaseUrl.replace(/\/+$/, ''),
  }));

/**
 * Configuration of {@link createWhatsAppAdapter}. Nothing is read from the environment unless you ask:
 * `createWhatsAppAdapter(whatsAppConfigFromEnv())`.
 *
 * @example
 * const config: WhatsAppAdapterConfig = {
 *   appSecrets: [process.env.WHATSAPP_APP_SECRET!],
 *   verifyToken: 'a-long-random-string',
 *   accessToken: process.env.WHATSAPP_ACCESS_TOKEN,
 *   wabaIdByPhoneNumberId: { '106540352242922': '102290129340398' },
 *   appId: '1234567890123456',
 * };
 */
export type WhatsAppAdapterConfig = z.input<typeof WhatsAppAdapterConfigSchema>;
export type ResolvedWhatsAppConfig = z.output<typeof WhatsAppAdapterConfigSchema>;

const list = (value: string | undefined): string[] | undefined =>
  value === undefined || value.trim() === ''
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/** `k1:v1,k2:v2` → `{ k1: v1, k2: v2 }`. */
const pairs = (value: string | undefined): Record<string, string> =>
  Object.fromEntries(
    (list(value) ?? []).map((pair) => {
      const at = pair.indexOf(':');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );

/**
 * Reads the adapter configuration from environment variables. Only what is set is returned: spread your
 * own options over it. The adapter itself never reads the environment.
 *
 * | variable | option |
 * | --- | --- |
 * | `WHATSAPP_APP_SECRET` (comma-separated for several) | `appSecret` / `appSecrets` |
 * | `WHATSAPP_APP_SECRETS` (comma-separated) | `appSecrets` |
 * | `WHATSAPP_VERIFY_TOKEN` (comma-separated for several) | `verifyToken` |
 * | `WHATSAPP_ACCESS_TOKEN` | `accessToken` |
 * | `WHATSAPP_ACCESS_TOKEN_BY_WABA_ID` (`wabaId:token` pairs, comma-separated) | `accessTokenByWabaId` |
 * | `WHATSAPP_PHONE_NUMBER_IDS` (comma-separated) | `phoneNumberIds` |
 * | `WHATSAPP_WABA_IDS` (comma-separated) | `wabaIds` |
 * | `WHATSAPP_WABA_ID_BY_PHONE_NUMBER_ID` (`phoneNumberId:wabaId` pairs, comma-separated) | `wabaIdByPhoneNumberId` |
 * | `WHATSAPP_APP_ID` | `appId` |
 * | `WHATSAPP_GRAPH_BASE_URL` | `graphBaseUrl` |
 * | `WHATSAPP_MEDIA_HOSTS` (comma-separated) | `mediaHosts` |
 * | `WHATSAPP_GRAPH_VERSION` | `graphVersion` |
 * | `WHATSAPP_EXPECTED_CALLBACK_URL` | `expectedCallbackUrl` |
 * | `WHATSAPP_MEDIA_MAX_BYTES` | `mediaMaxBytes` |
 * | `WHATSAPP_TIMEOUT_MS` | `timeoutMs` |
 * | `WHATSAPP_UNKNOWN_TEMPLATE` (`fetch`, `send`, `reject`) | `unknownTemplate` |
 *
 * @example
 * const adapter = createWhatsAppAdapter({ ...whatsAppConfigFromEnv(), logger });
 */
export function whatsAppConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
): WhatsAppAdapterConfig {
  const secrets = [...(list(env.WHATSAPP_APP_SECRET) ?? []), ...(list(env.WHATSAPP_APP_SECRETS) ?? [])];
  const verify = list(env.WHATSAPP_VERIFY_TOKEN);
  const byPhone = pairs(env.WHATSAPP_WABA_ID_BY_PHONE_NUMBER_ID);
  const tokens = pairs(env.WHATSAPP_ACCESS_TOKEN_BY_WABA_ID);
  return {
    verifyToken: verify && verify.length > 1 ? verify : (env.WHATSAPP_VERIFY_TOKEN ?? ''),
    ...(secrets.length ? { appSecrets: secrets } : {}),
    ...(env.WHATSAPP_ACCESS_TOKEN ? { accessToken: env.WHATSAPP_ACCESS_TOKEN } : {}),
    ...(Object.keys(tokens).length ? { accessTokenByWabaId: tokens } : {}),
    ...(env.WHATSAPP_PHONE_NUMBER_IDS ? { phoneNumberIds: list(env.WHATSAPP_PHONE_NUMBER_IDS) } : {}),
    ...(env.WHATSAPP_WABA_IDS ? { wabaIds: list(env.WHATSAPP_WABA_IDS) } : {}),
    ...(Object.keys(byPhone).length ? { wabaIdByPhoneNumberId: byPhone } : {}),
    ...(env.WHATSAPP_APP_ID ? { appId: env.WHATSAPP_APP_ID } : {}),
    ...(env.WHATSAPP_GRAPH_BASE_URL ? { graphBaseUrl: env.WHATSAPP_GRAPH_BASE_URL } : {}),
    ...(env.WHATSAPP_GRAPH_VERSION ? { graphVersion: env.WHATSAPP_GRAPH_VERSION } : {}),
    ...(env.WHATSAPP_EXPECTED_CALLBACK_URL
      ? { expectedCallbackUrl: env.WHATSAPP_EXPECTED_CALLBACK_URL }
      : {}),
    ...(env.WHATSAPP_MEDIA_MAX_BYTES ? { mediaMaxBytes: Number(env.WHATSAPP_MEDIA_MAX_BYTES) } : {}),
    ...(env.WHATSAPP_MEDIA_HOSTS ? { mediaHosts: list(env.WHATSAPP_MEDIA_HOSTS) } : {}),
    ...(env.WHATSAPP_TIMEOUT_MS ? { timeoutMs: Number(env.WHATSAPP_TIMEOUT_MS) } : {}),
    ...(env.WHATSAPP_UNKNOWN_TEMPLATE
      ? { unknownTemplate: env.WHATSAPP_UNKNOWN_TEMPLATE as 'fetch' | 'send' | 'reject' }
      : {}),
  };
}

/** Validates the configuration. Throws `PAYLOAD_INVALID` naming the bad option (never its value). */
export function resolveWhatsAppConfig(config: WhatsAppAdapterConfig): ResolvedWhatsAppConfig {
  return parseWith(WhatsAppAdapterConfigSchema, config, 'WhatsApp adapter config');
}
