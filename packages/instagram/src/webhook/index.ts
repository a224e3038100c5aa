import type { ParsedWebhook, SignatureCheck, WebhookHeaders } from '@switchboard/core';
import {
  parseMessengerPlatformWebhook,
  parseMessengerPlatformWebhookSlices,
  verifyMetaChallenge,
} from '@switchboard/meta-graph';
import type { InstagramContext } from '../context.js';

/** `X-Hub-Signature-256` over the exact raw bytes, against every configured and registered app secret. Never throws. */
export function verifyInstagramSignature(
  ctx: InstagramContext,
  rawBody: Uint8Array,
  headers: WebhookHeaders,
): SignatureCheck {
  try {
    return ctx.access.verifySignature(rawBody, headers.get('x-hub-signature-256'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

export function verifyInstagramChallenge(ctx: InstagramContext, query: URLSearchParams): string | null {
  return verifyMetaChallenge(query, ctx.config.verifyToken);
}

/**
 * Instagram webhooks (`object: "instagram"`). Echoes arrive inside `messages` with `is_echo`; comment
 * and mention `changes[]` become `unsupported` events (`itemKind: 'changes.comments'` ...), with the
 * item in `raw` and `entry.time` seconds normalized to ms.
 */
export function parseInstagramWebhook(ctx: InstagramContext, rawBody: Uint8Array): ParsedWebhook {
  return parseMessengerPlatformWebhook(rawBody, { channel: 'instagram', now: () => ctx.clock.now() });
}

/** The same, in slices of a few hundred items, so the engine can yield between them. */
export function parseInstagramWebhookSlices(
  ctx: InstagramContext,
  rawBody: Uint8Array,
): Iterable<ParsedWebhook> {
  return parseMessengerPlatformWebhookSlices(rawBody, { channel: 'instagram', now: () => ctx.clock.now() });
}
