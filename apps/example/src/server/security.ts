import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { MEDIA_CDN_HOSTS } from './media.js';

/** Largest body any app route reads (the composer posts small JSON; media go by URL). */
const MAX_BODY_BYTES = 1024 * 1024;

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Images may come from the inbox itself, the favicon's data: URL, and Meta's CDNs (media redirects). */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  `img-src 'self' data: ${MEDIA_CDN_HOSTS.map((h) => `https://*.${h}`).join(' ')}`,
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface GuardOptions {
  /** The login secret; `undefined` = login off (`INBOX_AUTH=off`, loopback only). */
  loginToken: string | undefined;
  /** `PUBLIC_URL`: its host is allowed, and the cookie is `Secure` when it is https. */
  publicUrl: string | undefined;
  /** `HOST`: a specific address is allowed as a Host name too. */
  host: string;
  /** The port listened on (known once listening when `PORT=0`). */
  port: () => number;
}

/** The URL that logs a browser in: opening it once sets the cookie and redirects to `base`. */
export function loginUrl(base: string, token: string | undefined): string {
  return token ? `${base}/?token=${encodeURIComponent(token)}` : base;
}

const digest = (value: string) => createHash('sha256').update(value).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));
const isWebhook = (c: Context) => c.req.path.startsWith('/webhooks/');

/** Headers against framing, MIME sniffing and leaking URLs; every response but Meta's webhook calls. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  if (isWebhook(c)) return;
  const headers = c.res.headers;
  if (!headers.has('content-security-policy')) headers.set('content-security-policy', CSP);
  headers.set('x-frame-options', 'DENY');
  headers.set('x-content-type-options', 'nosniff');
  headers.set('referrer-policy', 'no-referrer');
};

/**
 * The inbox's one gate, in front of every route except `/webhooks/*` (Meta's signed calls, which must
 * pass whatever Host a tunnel forwards): a Host allow-list (DNS rebinding), the login (`/?token=` sets
 * an HttpOnly SameSite=Strict cookie; `Authorization: Bearer` for scrapers), no API request from
 * another site, and a same-origin Origin plus a JSON content type on state-changing requests (CSRF:
 * a form can post text/plain, not JSON),
 * and a body cap enforced while the body streams in.
 */
export function inboxGuard(options: GuardOptions): MiddlewareHandler {
  const { loginToken } = options;
  const session = loginToken
    ? createHmac('sha256', loginToken).update('switchboard-inbox session').digest('base64url')
    : undefined;
  const publicUrl = options.publicUrl ? new URL(options.publicUrl) : undefined;
  const ownName = options.host.includes(':') ? `[${options.host}]` : options.host;
  const names = ['0.0.0.0', '[::]', ...LOOPBACK].includes(ownName) ? LOOPBACK : [...LOOPBACK, ownName];
  const allowedHosts = () => {
    const hosts = new Set(names.map((name) => `${name}:${options.port()}`));
    if (publicUrl) hosts.add(publicUrl.host);
    return hosts;
  };
  const cookieName = () => `switchboard_inbox_${options.port()}`;
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json({ error: `the body is larger than ${MAX_BODY_BYTES} bytes` }, 413),
  });
  const loggedIn = (c: Context) => {
    if (!loginToken || !session) return true;
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (bearer) return same(bearer, loginToken);
    const cookie = getCookie(c, cookieName());
    return cookie !== undefined && same(cookie, session);
  };
  // Another site's page (or another port's: same-site) never needs the API; the Origin header is
  // checked on state changes, where browsers always send it.
  const foreign = (c: Context, hosts: Set<string>) => {
    const site = c.req.header('sec-fetch-site');
    if (site === 'cross-site' || site === 'same-site') return true;
    if (SAFE_METHODS.has(c.req.method)) return false;
    const origin = c.req.header('origin');
    if (origin === undefined) return false;
    try {
      return !hosts.has(new URL(origin).host);
    } catch {
      return true; // "null" (sandboxed frames, data: URLs) and garbage
    }
  };

  return async (c, next) => {
    if (isWebhook(c)) return next();
    const hosts = allowedHosts();
    if (!hosts.has(c.req.header('host') ?? '')) return c.text('Unknown Host header', 403);
    const path = c.req.path;
    const api = path.startsWith('/api/') || path === '/metrics';

    const token = c.req.query('token');
    if (token !== undefined && !api && c.req.method === 'GET') {
      if (loginToken && !same(token, loginToken))
        return c.text('Wrong token: open the URL printed when the inbox started.', 401);
      if (session) {
        const secure = publicUrl?.protocol === 'https:' && c.req.header('host') === publicUrl.host;
        setCookie(c, cookieName(), session, { httpOnly: true, sameSite: 'Strict', path: '/', secure });
      }
      const clean = new URL(c.req.url);
      clean.searchParams.delete('token');
      return c.redirect(`${clean.pathname}${clean.search}`, 303);
    }
    if (api && !loggedIn(c))
      return c.json({ error: 'log in first: open the URL printed when the inbox started' }, 401);
    const unsafe = !SAFE_METHODS.has(c.req.method);
    if ((api || unsafe) && foreign(c, hosts))
      return c.json({ error: 'cross-origin requests are not allowed' }, 403);
    if (unsafe) {
      const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') return c.json({ error: 'send the body as application/json' }, 415);
    }
    return limit(c, next);
  };
}
