import { SwitchboardError } from '@switchboard/core';

/**
 * The domains Meta serves media downloads from (WhatsApp: `lookaside.fbsbx.com`; Messenger and Instagram
 * CDNs: `*.fbcdn.net`, `*.cdninstagram.com`). An entry allows the host and its subdomains. Only these, and
 * the Graph host the client already talks to, ever receive the access token.
 */
export const META_MEDIA_HOSTS: readonly string[] = [
  'fbsbx.com',
  'fbcdn.net',
  'cdninstagram.com',
  'whatsapp.net',
];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Throws `INVALID_REQUEST` unless `url` may receive the bearer token: it is on the Graph origin itself,
 * or on an allowed host over https (http only for a loopback host, e.g. a local simulator).
 */
export function assertTokenHost(
  url: string,
  graphOrigin: string,
  hosts: readonly string[],
  purpose: 'token' | 'download' = 'token',
): void {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new SwitchboardError('INVALID_REQUEST', 'the media URL Graph gave is not a URL');
  }
  if (target.origin === graphOrigin) return;
  const host = target.hostname.toLowerCase();
  const allowed = hosts.some((h) => host === h.toLowerCase() || host.endsWith(`.${h.toLowerCase()}`));
  const secure = target.protocol === 'https:' || (target.protocol === 'http:' && LOOPBACK.has(host));
  if (allowed && secure) return;
  throw new SwitchboardError(
    'INVALID_REQUEST',
    `refusing to ${purpose === 'token' ? 'send the access token to' : 'download from'} ${target.protocol}//${host}: not one of Meta's media hosts ` +
      `(${hosts.join(', ')}) over https; list it in the mediaHosts option if it is yours`,
  );
}
