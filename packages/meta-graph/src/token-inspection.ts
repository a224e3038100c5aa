import type { TokenInspection } from '@switchboard/core';
import type { GraphClient } from './client.js';
import { DebugTokenResponse } from './debug-token.js';

/**
 * What `debug_token` says about a token, as the engine's daily check wants it: validity (an expired
 * token is invalid), expiry (the earlier of the token's and its data access'), scopes, and the required
 * ones it lacks — including a granular scope that does not name this account.
 *
 * @example
 * const inspection = await inspectMetaToken({ appClient, token, requiredScopes: ['pages_messaging'], targetIds: [pageId] });
 */
export async function inspectMetaToken(options: {
  /** A client with the app token `${appId}|${appSecret}`. */
  appClient: GraphClient;
  token: string;
  requiredScopes: readonly string[];
  /**
   * Ids a granular scope may name to cover the account (Page, Instagram account, number, WABA); without
   * them (the account's WABA is not known), granular scopes are not checked against it.
   */
  targetIds?: readonly string[];
  now: number;
}): Promise<TokenInspection> {
  const { data } = await options.appClient.get('/debug_token', DebugTokenResponse, {
    input_token: options.token,
  });
  const t = data.data;
  const expiries = [t.expires_at, t.data_access_expires_at ?? 0].filter((s) => s > 0).map((s) => s * 1000);
  const expiresAt = expiries.length ? Math.min(...expiries) : null;
  const missing = options.requiredScopes.filter((s) => !t.scopes.includes(s));
  const targets = options.targetIds;
  const uncovered = !targets
    ? []
    : (t.granular_scopes ?? [])
        .filter((g) => options.requiredScopes.includes(g.scope) && g.target_ids !== undefined)
        .filter((g) => !g.target_ids?.some((id) => targets.includes(id)))
        .map((g) => `${g.scope} (not granted for ${targets.join(' / ')})`);
  const expired = expiresAt !== null && expiresAt <= options.now;
  const valid = t.is_valid && !expired;
  return {
    valid,
    expiresAt,
    scopes: t.scopes,
    ...(missing.length || uncovered.length ? { missingScopes: [...missing, ...uncovered] } : {}),
    ...(!valid
      ? {
          reason: expired
            ? `expired on ${new Date(expiresAt ?? 0).toISOString()}`
            : (t.error?.message ?? 'debug_token says is_valid=false'),
        }
      : {}),
  };
}
