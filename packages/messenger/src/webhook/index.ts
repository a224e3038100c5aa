import type { ParsedWebhook, SignatureCheck, WebhookHeaders } from '@switchboard/core';
import {
  parseMessengerPlatformWebhook,
  parseMessengerPlatformWebhookSlices,
  verifyMetaChallenge,
} from '@switchboard/meta-graph';
import type { MessengerContext } from '../context.js';

/** `X-Hub-Signature-256` over the exact raw bytes, against every configured and registered app secret. Never throws. */
export function verifyMessengerSignature(
  ctx: MessengerContext,
  rawBody: Uint8Array,
  headers: WebhookHeaders,
): SignatureCheck {
  try {
    return ctx.access.verifySignature(rawBody, headers.get('x-hub-signature-256'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

export function verifyMessengerChallenge(ctx: MessengerContext, query: URLSearchParams): string | null {
  return verifyMetaChallenge(query, ctx.config.verifyToken);
}

/** Page webhooks (`object: "page"`): `messaging[]`, `standby[]` and `changes[]` of every entry. */
export function parseMessengerWebhook(ctx: MessengerContext, rawBody: Uint8Array): ParsedWebhook {
  return parseMessengerPlatformWebhook(rawBody, { channel: 'messenger', now: () => ctx.clock.now() });
}

/** The same, in slices of a few hundred items, so the engine can yield between them. */
export function parseMessengerWebhookSlices(
  ctx: MessengerContext,
  rawBody: Uint8Array,
): Iterable<ParsedWebhook> {
  return parseMessengerPlatformWebhookSlices(rawBody, { channel: 'messenger', now: () => ctx.clock.now() });
}
