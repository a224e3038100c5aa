import { metaJsonStringify, signMetaBody, signMetaBodySha1 } from '@switchboard/meta-graph/wire';

/** Where test requests go when no base URL is given; the engine only looks at the path. */
const DEFAULT_BASE_URL = 'http://127.0.0.1';
const encoder = new TextEncoder();

/**
 * Meta's wire format, from its one home (`@switchboard/meta-graph/wire`): `metaEscapedJson` serializes like
 * Meta (non-ASCII as lowercase `\uXXXX`, `/` as `\/`), `signWebhookBody` gives the `X-Hub-Signature-256`
 * value (`sha256=<hex>`) for exact bytes.
 *
 * @example
 * metaEscapedJson({ text: 'é/' }) // '{"text":"\\u00e9\\/"}'
 * signWebhookBody('{"object":"page","entry":[]}', 'app-secret') // 'sha256=…'
 */
export { metaJsonStringify as metaEscapedJson, signMetaBody as signWebhookBody };

export interface WebhookRequestOptions {
  /** Route segment: the request goes to `${baseUrl}/webhooks/${channel}` unless `path` is given. */
  channel: string;
  /** Raw bytes or text are sent as they are; any other value is serialized like Meta (see `metaEscapedJson`). */
  body: string | Uint8Array | object;
  /** The app secret to sign with. */
  appSecret: string;
  /** Default `http://127.0.0.1`. */
  baseUrl?: string;
  /** Overrides `/webhooks/${channel}`. */
  path?: string;
  /** Replaces the computed `X-Hub-Signature-256`; `null` leaves the header out (to test rejection). */
  signature?: string | null;
  /** Extra or overriding headers. */
  headers?: Record<string, string>;
}

/**
 * Builds a real signed webhook `Request` as Meta would POST it: exact body bytes,
 * `X-Hub-Signature-256` (and the legacy SHA-1 `X-Hub-Signature`), `Content-Type: application/json`.
 *
 * @example
 * const request = createWebhookRequest({ channel: 'whatsapp', body: fixture, appSecret: 'test-secret' });
 * const response = await switchboard.handleWebhook(request);
 * expect(response.status).toBe(200);
 */
export function createWebhookRequest(options: WebhookRequestOptions): Request {
  const bytes = bodyBytes(options.body);
  const headers = new Headers({
    'content-type': 'application/json',
    'user-agent': 'facebookexternalua',
    'x-hub-signature': signMetaBodySha1(bytes, options.appSecret),
  });
  const signature =
    options.signature === undefined ? signMetaBody(bytes, options.appSecret) : options.signature;
  if (signature !== null) headers.set('x-hub-signature-256', signature);
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  // A copy owns a plain ArrayBuffer, which BodyInit requires.
  return new Request(webhookUrl(options), { method: 'POST', headers, body: new Uint8Array(bytes) });
}

export interface ChallengeRequestOptions {
  channel: string;
  verifyToken: string;
  /** Default `'1158201444'` (Meta sends a number-like string). */
  challenge?: string;
  /** Default `'subscribe'`. */
  mode?: string;
  baseUrl?: string;
  path?: string;
}

/**
 * Builds the GET subscription handshake Meta sends when a callback URL is set.
 *
 * @example
 * const response = await switchboard.handleWebhook(createChallengeRequest({ channel: 'messenger', verifyToken: 'vt' }));
 * expect(await response.text()).toBe('1158201444');
 */
export function createChallengeRequest(options: ChallengeRequestOptions): Request {
  const url = new URL(webhookUrl(options));
  url.searchParams.set('hub.mode', options.mode ?? 'subscribe');
  url.searchParams.set('hub.verify_token', options.verifyToken);
  url.searchParams.set('hub.challenge', options.challenge ?? '1158201444');
  return new Request(url, { method: 'GET' });
}

function bodyBytes(body: WebhookRequestOptions['body']): Uint8Array {
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  return encoder.encode(metaJsonStringify(body));
}

function webhookUrl(options: { channel: string; baseUrl?: string; path?: string }): string {
  const base = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const path = options.path ?? `/webhooks/${encodeURIComponent(options.channel)}`;
  return `${base}${path.startsWith('/') ? path : `/${path}`}`;
}
