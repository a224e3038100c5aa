import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureCheck } from '@switchboard/core';
import { escapeNonAscii, escapeSlashes, metaJsonStringify } from './wire.js';

const HEADER = /^sha256=([0-9a-f]{64})$/i;
const encoder = new TextEncoder();

/**
 * Checks `X-Hub-Signature-256` over the exact raw bytes against every configured app secret (rotation,
 * several apps on one endpoint) in constant time. Never throws.
 *
 * On `mismatch` it explains the most common cause when it can prove it: a JSON middleware decoded and
 * re-serialized the body before it reached us (Meta signs `\uXXXX` escapes and `\/`, not the decoded text).
 * Proving it costs several re-serializations and HMACs, so a rejected request could cost many times an
 * accepted one: the hint is only tried for bodies up to 64 KiB and at most 10 times a minute per process.
 *
 * @example
 * const check = verifyMetaSignature(raw, headers.get('x-hub-signature-256'), [newSecret, oldSecret]);
 * if (!check.ok) return new Response(null, { status: 401 });
 * // check.secretIndex tells which secret matched
 */
export function verifyMetaSignature(
  rawBody: Uint8Array,
  header: string | null | undefined,
  appSecrets: readonly string[],
): SignatureCheck {
  try {
    const value = typeof header === 'string' ? header.trim() : '';
    if (!value) return { ok: false, reason: 'missing' };
    const match = HEADER.exec(value);
    if (!match?.[1]) {
      return {
        ok: false,
        reason: 'malformed',
        hint: 'expected "sha256=" followed by 64 hex digits (X-Hub-Signature-256)',
      };
    }
    const expected = Buffer.from(match[1].toLowerCase(), 'hex');
    const secrets = usableSecrets(appSecrets);
    if (secrets.length === 0) {
      return {
        ok: false,
        reason: 'mismatch',
        hint: 'no app secret is configured or registered (switchboard.apps.put)',
      };
    }
    const index = matchingSecret(rawBody, expected, secrets);
    if (index !== undefined) return { ok: true, secretIndex: index };
    const hint = hintAffordable(rawBody.byteLength) ? mismatchHint(rawBody, expected, secrets) : undefined;
    return hint ? { ok: false, reason: 'mismatch', hint } : { ok: false, reason: 'mismatch' };
  } catch {
    return { ok: false, reason: 'mismatch' };
  }
}

interface IndexedSecret {
  secret: string;
  index: number;
}

// An empty secret (an unset env var) would let anyone sign with the empty key: never use one.
function usableSecrets(appSecrets: readonly string[]): IndexedSecret[] {
  const out: IndexedSecret[] = [];
  appSecrets.forEach((secret, index) => {
    if (typeof secret === 'string' && secret.length > 0) out.push({ secret, index });
  });
  return out;
}

function hmac(secret: string, body: Uint8Array): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

function matchingSecret(body: Uint8Array, expected: Buffer, secrets: IndexedSecret[]): number | undefined {
  let found: number | undefined;
  // Check every secret (no early exit) so timing does not reveal which one matched.
  for (const { secret, index } of secrets) {
    const actual = hmac(secret, body);
    if (actual.length === expected.length && timingSafeEqual(actual, expected) && found === undefined) {
      found = index;
    }
  }
  return found;
}

/** Above this size a mismatch gets no hint: a misconfigured receiver shows up on small bodies as well. */
export const HINT_MAX_BYTES = 64 * 1024;
const HINT_BURST = 10;
const HINT_REFILL_MS = 6_000;
// A token bucket shared by the process: forged requests cannot buy the hint's extra CPU at will.
const hintBucket = { tokens: HINT_BURST, at: 0 };

function hintAffordable(bytes: number): boolean {
  if (bytes > HINT_MAX_BYTES) return false;
  const now = Date.now();
  hintBucket.tokens = Math.min(HINT_BURST, hintBucket.tokens + (now - hintBucket.at) / HINT_REFILL_MS);
  hintBucket.at = now;
  if (hintBucket.tokens < 1) return false;
  hintBucket.tokens -= 1;
  return true;
}

const RAW_BYTES_ADVICE =
  'verify the exact raw request bytes: capture the body before any JSON middleware (express.raw, request.arrayBuffer())';

function mismatchHint(body: Uint8Array, expected: Buffer, secrets: IndexedSecret[]): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
  const hasNonAscii = body.some((b) => b > 0x7f);
  const candidates: Array<{ body: string; hint: string }> = [];
  if (hasNonAscii) {
    candidates.push({
      body: escapeNonAscii(text),
      hint: `the body holds raw non-ASCII characters where Meta signed \\uXXXX escapes: it was decoded and re-encoded by a middleware; ${RAW_BYTES_ADVICE}`,
    });
    candidates.push({
      body: escapeSlashes(escapeNonAscii(text)),
      hint: `the body holds raw non-ASCII characters and unescaped "/" where Meta signed \\uXXXX and \\/: it was re-serialized by a middleware; ${RAW_BYTES_ADVICE}`,
    });
  }
  if (text.includes('/')) {
    candidates.push({
      body: escapeSlashes(text),
      hint: `the body holds "/" where Meta signed "\\/": it was re-serialized by a middleware; ${RAW_BYTES_ADVICE}`,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed !== undefined) {
    candidates.push({
      body: metaJsonStringify(parsed),
      hint: `the body is not byte-identical to what Meta signed (escapes, whitespace or formatting changed): it was re-serialized by a middleware; ${RAW_BYTES_ADVICE}`,
    });
    const compact = JSON.stringify(parsed);
    if (compact !== text) {
      candidates.push({
        body: compact,
        hint: `the body was re-formatted by a middleware (Meta signed the compact form); ${RAW_BYTES_ADVICE}`,
      });
    }
  }
  const seen = new Set<string>([text]);
  for (const candidate of candidates) {
    if (seen.has(candidate.body)) continue;
    seen.add(candidate.body);
    if (matchingSecret(encoder.encode(candidate.body), expected, secrets) !== undefined)
      return candidate.hint;
  }
  return undefined;
}
