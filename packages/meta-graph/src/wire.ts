// Meta's wire format, in one place: how Meta serializes and signs what it sends, and which Graph version
// we speak. Used by the adapters, the simulator and the testkit; depends on nothing but node:crypto so
// it can be imported alone (`@switchboard/meta-graph/wire`).
import { createHmac } from 'node:crypto';

/** The one Graph API version every Switchboard call uses (reference §1.1: available until 2028-02-18). */
export const GRAPH_API_VERSION = 'v24.0' as const;

const encoder = new TextEncoder();

// Meta's sender escapes non-ASCII only (U+0080 and up, PHP json_encode style). U+007F (DEL) is ASCII and
// travels as its raw byte, like every other ASCII character.
const NON_ASCII = /[\u0080-\uffff]/g;

/** Escapes every non-ASCII UTF-16 unit as lowercase `\uXXXX` (astral characters become surrogate pairs). */
export function escapeNonAscii(json: string): string {
  return json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Escapes `/` as `\/` unless it is already escaped. */
export function escapeSlashes(json: string): string {
  return json.replace(/(\\*)\//g, (match: string, backslashes: string) =>
    backslashes.length % 2 === 1 ? match : `${backslashes}\\/`,
  );
}

/**
 * Serializes like Meta does when it signs a webhook: compact JSON, non-ASCII (U+0080 and up) as lowercase
 * `\uXXXX`, `/` as `\/`; ASCII, U+007F included, stays as it is. Use it to build bodies whose signature
 * matches what Meta would send.
 *
 * @example
 * metaJsonStringify({ text: 'äö/ü' }) // '{"text":"\\u00e4\\u00f6\\/\\u00fc"}'
 */
export function metaJsonStringify(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) return 'null';
  // In JSON output '/' and non-ASCII can only occur inside strings, so a textual pass is safe.
  return escapeNonAscii(json).replace(/\//g, '\\/');
}

const bytesOf = (body: Uint8Array | string) => (typeof body === 'string' ? encoder.encode(body) : body);

/**
 * Signs a body the way Meta does: `sha256=` + lowercase hex HMAC-SHA256 of the exact bytes, keyed with the
 * app secret (the `X-Hub-Signature-256` value). Strings are encoded as UTF-8 first.
 *
 * @example
 * const header = signMetaBody(metaJsonStringify(payload), process.env.WHATSAPP_APP_SECRET!);
 * // fetch(url, { method: 'POST', headers: { 'x-hub-signature-256': header }, body })
 */
export function signMetaBody(rawBody: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(bytesOf(rawBody)).digest('hex')}`;
}

/** The legacy `X-Hub-Signature` value (`sha1=` + hex HMAC-SHA1), which Meta still sends beside SHA-256. */
export function signMetaBodySha1(rawBody: Uint8Array | string, appSecret: string): string {
  return `sha1=${createHmac('sha1', appSecret).update(bytesOf(rawBody)).digest('hex')}`;
}

/** `appsecret_proof`: lowercase hex HMAC-SHA256 of the access token, keyed with the app secret. */
export function appSecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}
