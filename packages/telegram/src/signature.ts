import { createHash, timingSafeEqual } from 'node:crypto';
import type { SignatureCheck, WebhookHeaders } from '@switchboard/core';

export const SECRET_TOKEN_HEADER = 'x-telegram-bot-api-secret-token';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks `X-Telegram-Bot-Api-Secret-Token` against the accepted tokens in constant time (digests of
 * equal length, every token compared). Telegram does not sign bodies: this header is the only proof.
 * Never throws.
 */
export function verifySecretToken(headers: WebhookHeaders, secretTokens: readonly string[]): SignatureCheck {
  let value: string | null;
  try {
    value = headers.get(SECRET_TOKEN_HEADER);
  } catch {
    return { ok: false, reason: 'missing' };
  }
  if (value === null || value === '')
    return {
      ok: false,
      reason: 'missing',
      hint: `no ${SECRET_TOKEN_HEADER} header: is secret_token set with setWebhook?`,
    };
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(value)) return { ok: false, reason: 'malformed' };
  if (secretTokens.length === 0) {
    return {
      ok: false,
      reason: 'mismatch',
      hint: 'no secret token is configured or registered for this bot',
    };
  }
  const given = digest(value);
  let matched = -1;
  secretTokens.forEach((token, index) => {
    if (timingSafeEqual(given, digest(token)) && matched === -1) matched = index;
  });
  return matched >= 0 ? { ok: true, secretIndex: matched } : { ok: false, reason: 'mismatch' };
}
