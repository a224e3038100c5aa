import { createHmac } from 'node:crypto';

/**
 * Serializes like Meta's webhook sender: ASCII-only bytes, every non-ASCII UTF-16 unit as a lowercase
 * `\uXXXX` escape and every `/` as `\/`. The signature is computed over exactly these bytes.
 */
export function metaStringify(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `sha256=<hex>` over the body bytes, keyed with the app secret (the `X-Hub-Signature-256` value). */
export function signSha256(body: string | Uint8Array, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** Legacy `X-Hub-Signature` value. */
export function signSha1(body: string | Uint8Array, appSecret: string): string {
  return `sha1=${createHmac('sha1', appSecret).update(body).digest('hex')}`;
}

/** `appsecret_proof` as Meta expects it: HMAC-SHA256 of the access token keyed with the app secret. */
export function appSecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}

/** Meta's `created_time` format: `2024-07-11T15:56:00+0000`. */
export function graphTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}
