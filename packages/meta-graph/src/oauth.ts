import { type Logger, SwitchboardError } from '@switchboard/core';
import { parseWith } from '@switchboard/core/internal';
import axios from 'axios';
import { z } from 'zod';
import { createGraphClient, type GraphClient } from './client.js';
import { GRAPH_BASE_URL, INSTAGRAM_GRAPH_BASE_URL } from './constants.js';
import { DebugTokenResponse } from './debug-token.js';
import { classifyTransportError, type MetaChannel } from './errors.js';

/** The Meta app a platform onboards its customers with (one app secret per app; tenants share it). */
export interface MetaAppCredentials {
  appId: string;
  appSecret: string;
}

/** Where the OAuth and Graph calls go: Meta's hosts by default, the simulator's URL in tests. */
export interface OAuthHosts {
  /** Default https://graph.facebook.com (code exchange, fb_exchange_token, debug_token, /me/accounts). */
  graphBaseUrl?: string;
  /** Default https://graph.instagram.com (ig_exchange_token, Instagram Login calls). */
  instagramGraphBaseUrl?: string;
  /** Default https://api.instagram.com (Instagram Login code exchange). */
  instagramApiBaseUrl?: string;
  timeoutMs?: number;
  logger?: Logger;
}

/** What is known about a token after `debug_token` (never the token itself): `accounts.connect`'s `token`. */
export interface TokenInfo {
  /** Epoch ms; null when the token does not expire. */
  expiresAt: number | null;
  scopes: string[];
  checkedAt: number;
  /** Ids each scope reaches (`granular_scopes`), e.g. the WABAs of a business token. */
  targets: Record<string, string[]>;
  /** `USER`, `PAGE`, `SYSTEM_USER`, `APP`. */
  type: string;
}

const TokenAnswerBody = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().optional(),
});
export type TokenAnswer = z.output<typeof TokenAnswerBody>;

const INSTAGRAM_API_BASE_URL = 'https://api.instagram.com';

/**
 * Turns an OAuth failure into the error a caller can act on: an expired or used code, a wrong app
 * secret or app id, a redirect_uri mismatch. Other errors pass through as the Graph client classified them.
 */
export function oauthError(err: unknown): unknown {
  if (!(err instanceof SwitchboardError) || !err.platform) return err;
  const { code, subcode, message = '' } = err.platform;
  const platform = err.platform;
  const auth = (text: string) => new SwitchboardError('AUTH_FAILED', text, { retryable: false, platform });
  if (subcode === 36007)
    return auth(
      'The authorization code has expired (Embedded Signup codes live 30 s): exchange it as soon as the browser posts it, then ask the customer to sign in again',
    );
  if (subcode === 36009)
    return auth('The authorization code was already used: each code works once; start the login again');
  if (subcode === 36008)
    return new SwitchboardError(
      'INVALID_REQUEST',
      'redirect_uri differs from the one the login dialog used: pass the exact same URL',
      { retryable: false, platform },
    );
  if (code === 1 && /client secret/i.test(message))
    return auth(
      "Meta rejected the app secret (Error validating client secret): check the app's secret for this app id",
    );
  if (code === 101) return auth(`Meta rejected the app id: ${message}`);
  if (code === 100 && /verification code/i.test(message))
    return auth('The authorization code is not valid: start the login again');
  return err;
}

async function graphCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw oauthError(err);
  }
}

function client(hosts: OAuthHosts, accessToken: string, channel: MetaChannel, baseUrl?: string): GraphClient {
  return createGraphClient({
    accessToken,
    channel,
    baseUrl: baseUrl ?? hosts.graphBaseUrl ?? GRAPH_BASE_URL,
    ...(hosts.timeoutMs !== undefined ? { timeoutMs: hosts.timeoutMs } : {}),
    ...(hosts.logger ? { logger: hosts.logger } : {}),
  });
}

/** An app-token Graph client (`${appId}|${appSecret}`), for debug_token and code exchanges. */
function appClient(app: MetaAppCredentials, hosts: OAuthHosts, channel: MetaChannel): GraphClient {
  return client(hosts, `${app.appId}|${app.appSecret}`, channel);
}

/**
 * `GET /oauth/access_token?client_id&client_secret&code[&redirect_uri]`: an Embedded Signup code (no
 * redirect_uri) → business token, or a Facebook Login redirect code → user token. Codes work once.
 *
 * @example
 * const { access_token } = await exchangeCode({ appId, appSecret }, { code }, { graphBaseUrl: sim.url });
 */
export function exchangeCode(
  app: MetaAppCredentials,
  input: { code: string; redirectUri?: string },
  hosts: OAuthHosts = {},
  channel: MetaChannel = 'whatsapp',
): Promise<TokenAnswer> {
  return graphCall(async () => {
    const { data } = await appClient(app, hosts, channel).get('/oauth/access_token', TokenAnswerBody, {
      client_id: app.appId,
      client_secret: app.appSecret,
      code: input.code,
      redirect_uri: input.redirectUri,
    });
    return data;
  });
}

/** `fb_exchange_token`: a short-lived Facebook user token → a long-lived (≈ 60 days) one. */
export function exchangeForLongLivedUserToken(
  app: MetaAppCredentials,
  userAccessToken: string,
  hosts: OAuthHosts = {},
): Promise<TokenAnswer> {
  return graphCall(async () => {
    const { data } = await appClient(app, hosts, 'messenger').get('/oauth/access_token', TokenAnswerBody, {
      grant_type: 'fb_exchange_token',
      client_id: app.appId,
      client_secret: app.appSecret,
      fb_exchange_token: userAccessToken,
    });
    return data;
  });
}

/**
 * `debug_token` with the app token: expiry, scopes and the ids each scope reaches. An invalid token
 * throws AUTH_FAILED with Meta's reason.
 */
export async function describeToken(
  app: MetaAppCredentials,
  token: string,
  hosts: OAuthHosts = {},
  now: () => number = Date.now,
  channel: MetaChannel = 'whatsapp',
): Promise<TokenInfo> {
  const { data } = await graphCall(() =>
    appClient(app, hosts, channel).get('/debug_token', DebugTokenResponse, { input_token: token }),
  );
  const info = data.data;
  if (!info.is_valid)
    throw new SwitchboardError(
      'AUTH_FAILED',
      `Meta says the token is not valid: ${info.error?.message ?? 'no reason given'}`,
      {
        retryable: false,
        platform: {
          ...(info.error?.code !== undefined ? { code: info.error.code } : {}),
          ...(info.error?.subcode !== undefined ? { subcode: info.error.subcode } : {}),
        },
      },
    );
  if (info.app_id && info.app_id !== app.appId)
    throw new SwitchboardError('AUTH_FAILED', `The token belongs to app ${info.app_id}, not ${app.appId}`, {
      retryable: false,
    });
  const targets: Record<string, string[]> = {};
  for (const g of info.granular_scopes ?? []) targets[g.scope] = (g.target_ids ?? []).map(String);
  return {
    expiresAt: info.expires_at === 0 ? null : info.expires_at * 1000,
    scopes: info.scopes,
    checkedAt: now(),
    targets,
    type: info.type,
  };
}

const InstagramCodeAnswer = z.union([
  z.looseObject({
    access_token: z.string().min(1),
    user_id: z.union([z.string(), z.number()]),
    permissions: z.union([z.string(), z.array(z.string())]).optional(),
  }),
  // Meta's current page shows the answer wrapped in data[].
  z
    .looseObject({
      data: z
        .array(
          z.looseObject({
            access_token: z.string().min(1),
            user_id: z.union([z.string(), z.number()]),
            permissions: z.union([z.string(), z.array(z.string())]).optional(),
          }),
        )
        .min(1),
    })
    .transform((v) => v.data[0] as NonNullable<(typeof v.data)[0]>),
]);

const InstagramOAuthError = z.looseObject({
  error_type: z.string().optional(),
  code: z.number().optional(),
  error_message: z.string(),
});

/**
 * Instagram Login, step 1: `POST api.instagram.com/oauth/access_token` (form) → a short-lived (1 h)
 * token, the Instagram user id and the granted permissions.
 */
export async function exchangeInstagramCode(
  app: MetaAppCredentials,
  input: { code: string; redirectUri: string },
  hosts: OAuthHosts = {},
): Promise<{ accessToken: string; userId: string; permissions: string[] }> {
  const base = (hosts.instagramApiBaseUrl ?? INSTAGRAM_API_BASE_URL).replace(/\/+$/, '');
  let response: { status: number; data: string };
  try {
    response = await axios.post<string>(
      `${base}/oauth/access_token`,
      new URLSearchParams({
        client_id: app.appId,
        client_secret: app.appSecret,
        grant_type: 'authorization_code',
        redirect_uri: input.redirectUri,
        code: input.code,
      }),
      {
        timeout: hosts.timeoutMs ?? 10_000,
        validateStatus: () => true,
        responseType: 'text',
        transformResponse: [(d: unknown) => d],
      },
    );
  } catch (cause) {
    throw classifyTransportError(cause);
  }
  let json: unknown;
  try {
    json = JSON.parse(response.data);
  } catch {
    throw new SwitchboardError(
      'TEMPORARY',
      `Instagram answered ${response.status} with a body that is not JSON`,
      {
        retryable: true,
        platform: { httpStatus: response.status },
      },
    );
  }
  const failure = InstagramOAuthError.safeParse(json);
  if (response.status >= 400 || failure.success) {
    const message = failure.success ? failure.data.error_message : `HTTP ${response.status}`;
    const platform = {
      httpStatus: response.status,
      message,
      ...(failure.success && failure.data.error_type ? { type: failure.data.error_type } : {}),
    };
    const text = /client secret/i.test(message)
      ? "Instagram rejected the app secret: check the app's secret for this app id"
      : /already used|not found/i.test(message)
        ? 'The Instagram authorization code is unknown or already used: each code works once; start the login again'
        : /expired/i.test(message)
          ? 'The Instagram authorization code has expired (codes live 1 h): start the login again'
          : /redirect_uri/i.test(message)
            ? 'redirect_uri differs from the one the login dialog used: pass the exact same URL'
            : `Instagram refused the code exchange: ${message}`;
    const code = /redirect_uri/i.test(message) ? 'INVALID_REQUEST' : 'AUTH_FAILED';
    throw new SwitchboardError(code, text, { retryable: false, platform });
  }
  const answer = parseWith(InstagramCodeAnswer, json, 'Instagram code exchange');
  const permissions = Array.isArray(answer.permissions)
    ? answer.permissions
    : (answer.permissions ?? '').split(',').filter(Boolean);
  return { accessToken: answer.access_token, userId: String(answer.user_id), permissions };
}

/**
 * Instagram Login, step 2: `ig_exchange_token` on graph.instagram.com, short-lived → 60-day token;
 * `expiresAt` is now + `expires_in`.
 */
export async function exchangeInstagramToken(
  app: MetaAppCredentials,
  shortToken: string,
  hosts: OAuthHosts = {},
  now: () => number = Date.now,
): Promise<{ accessToken: string; expiresAt: number }> {
  const base = (hosts.instagramGraphBaseUrl ?? INSTAGRAM_GRAPH_BASE_URL).replace(/\/+$/, '');
  const { data } = await graphCall(() =>
    client(hosts, shortToken, 'instagram', base).get(`${base}/access_token`, TokenAnswerBody, {
      grant_type: 'ig_exchange_token',
      client_secret: app.appSecret,
    }),
  );
  return { accessToken: data.access_token, expiresAt: now() + (data.expires_in ?? 60 * 86_400) * 1000 };
}

/** A Graph client acting with `accessToken` (a business, Page or Instagram token) for the onboarding steps. */
export function onboardingClient(
  accessToken: string,
  channel: MetaChannel,
  hosts: OAuthHosts = {},
  baseUrl?: string,
): GraphClient {
  return client(hosts, accessToken, channel, baseUrl);
}
