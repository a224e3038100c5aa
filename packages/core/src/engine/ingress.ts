import type { ChannelAdapter, WebhookHeaders } from '../adapter.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';
import type { EngineMetrics, RejectReason } from './metrics.js';

/** Headers kept with every raw body; an adapter adds its own (`capabilities.keptHeaders`, e.g. its signature). */
const GENERIC_KEPT_HEADERS = ['content-type', 'content-length', 'user-agent'] as const;

/** Header names that carry credentials: never stored with a body, whatever an adapter declares. */
const SECRET_HEADER = /authorization|cookie|secret|token|api[-_]?key|password/i;

/** Refuses an adapter that asks to keep a header carrying a secret (it would land in the store in clear). */
export function checkKeptHeaders(adapter: ChannelAdapter): void {
  for (const name of adapter.capabilities?.keptHeaders ?? [])
    if (SECRET_HEADER.test(name))
      throw new TypeError(
        `adapter "${adapter.channel}" asks to keep header "${name}", which carries a secret: stored bodies never keep one`,
      );
}

/** Acknowledgement body when the adapter declares none. */
export const DEFAULT_ACK_BODY = 'OK';

/** Kept with a stored body: the registered app whose secret verified it (`switchboard.apps`). */
export const APP_HEADER = 'x-switchboard-app-id';

/** Past the size cap, at most this many more bytes are read (and dropped) before the connection is given up. */
export const DRAIN_LIMIT = 64 * 1024 * 1024;

/** A request as both bridges (web Request, node:http) hand it to the engine. */
export interface IngressRequest {
  method: string;
  /** Path plus query, e.g. `/webhooks/sms?mode=subscribe`. */
  url: string;
  headers: WebhookHeaders;
  /** Reads the body with the cap enforced while reading; `null` when it exceeds the cap. */
  readBody(maxBytes: number): Promise<Uint8Array | null>;
}

export interface IngressResponse {
  status: number;
  body: string;
}

export interface Ingress {
  handle(request: IngressRequest): Promise<IngressResponse>;
  maxBodyBytes: number;
}

interface Counted {
  inc(): void;
}

const WEBHOOK_PATH = /\/webhooks\/([^/?#]+)\/?(?:[?#].*)?$/;

/** The one metrics label every unknown channel counts under: a name per request would be a new series forever. */
const UNKNOWN_CHANNEL_LABEL = '(unknown)';

/** The channel segment of a webhook path; '' for no match or malformed percent-encoding (a 404, not a 500). */
function channelOf(path: string): string {
  const segment = WEBHOOK_PATH.exec(path)?.[1];
  if (!segment) return '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

export function createIngress(deps: {
  adapters: ReadonlyMap<string, ChannelAdapter>;
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics: EngineMetrics;
  maxBodyBytes: number;
  onAppended: () => void;
  /** Runs before a signature check; a promise is awaited (only when something must be refreshed). */
  beforeVerify?: () => Promise<void> | undefined;
}): Ingress {
  const { adapters, store, clock, logger, metrics, maxBodyBytes } = deps;
  const kept = new Map<ChannelAdapter, readonly string[]>();
  const keptHeadersOf = (adapter: ChannelAdapter) => {
    let names = kept.get(adapter);
    if (!names) {
      const own = (adapter.capabilities?.keptHeaders ?? []).map((n) => n.toLowerCase());
      names = [...new Set([...own, ...GENERIC_KEPT_HEADERS])];
      kept.set(adapter, names);
    }
    return names;
  };
  // prom-client resolves label objects by hashing them on every inc(): bind each adapter's children once.
  const counters = new Map<string, { received: Counted; acked: Counted }>();
  const countersOf = (channel: string) => {
    let bound = counters.get(channel);
    if (!bound) {
      bound = { received: metrics.received.labels(channel), acked: metrics.acked.labels(channel) };
      counters.set(channel, bound);
    }
    return bound;
  };

  const reject = (
    channel: string,
    status: number,
    reason: RejectReason,
    message: string,
    fields: Record<string, unknown> = {},
  ) => {
    metrics.rejected.inc({ channel: adapters.has(channel) ? channel : UNKNOWN_CHANNEL_LABEL, reason });
    // A client's mistake (4xx) is a warning; only our own failures (5xx) are errors.
    logger[status >= 500 ? 'error' : 'warn'](`webhook rejected: ${message}`, {
      channel,
      status,
      reason,
      ...fields,
    });
    return { status, body: message };
  };

  return {
    maxBodyBytes,
    async handle(request) {
      const queryAt = request.url.indexOf('?');
      const path = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
      const channel = channelOf(path);
      const adapter = adapters.get(channel);
      if (!adapter) {
        const name = channel ? channel.slice(0, 32) : '(none)';
        return reject(
          name,
          404,
          'unknown_channel',
          `no adapter for channel "${name}" (path ${path.slice(0, 200)})`,
        );
      }

      if (request.method === 'GET') {
        const query = new URLSearchParams(queryAt < 0 ? '' : request.url.slice(queryAt + 1));
        const challenge = adapter.verifyChallenge(query);
        if (challenge === null) {
          return reject(
            channel,
            403,
            'challenge_failed',
            'verification handshake refused by the adapter (wrong verify token or mode)',
          );
        }
        logger.info('webhook verification handshake answered', { channel });
        return { status: 200, body: challenge };
      }
      if (request.method !== 'POST') {
        return reject(channel, 405, 'method_not_allowed', `method ${request.method} not allowed`);
      }

      const counted = countersOf(channel);
      counted.received.inc();
      const declared = Number(request.headers.get('content-length') ?? Number.NaN);
      if (declared > maxBodyBytes) {
        return reject(
          channel,
          413,
          'too_large',
          `body of ${declared} bytes exceeds the ${maxBodyBytes}-byte cap`,
        );
      }
      const body = await request.readBody(maxBodyBytes);
      if (body === null) {
        return reject(channel, 413, 'too_large', `body exceeds the ${maxBodyBytes}-byte cap`);
      }

      const refreshing = deps.beforeVerify?.();
      if (refreshing) {
        try {
          await refreshing;
        } catch (error) {
          // Secrets we could not refresh may still verify: go on with the ones held.
          logger.warn('app secrets could not be refreshed before a signature check', {
            channel,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      const check = adapter.verifySignature(body, request.headers);
      if (!check.ok) {
        return reject(channel, 401, 'signature', `signature ${check.reason}`, {
          bytes: body.byteLength,
          ...(check.hint ? { hint: check.hint } : {}),
        });
      }

      const headers: Record<string, string> = {};
      for (const name of keptHeadersOf(adapter)) {
        const value = request.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      if (check.appId !== undefined) headers[APP_HEADER] = check.appId;
      try {
        await store.inbox.append({ channel, body, headers, receivedAt: clock.now() });
      } catch (error) {
        metrics.rejected.inc({ channel, reason: 'store_unavailable' });
        logger.error(
          'webhook rejected: store failed to record the body, answering 503 so the platform retries',
          {
            channel,
            status: 503,
            reason: 'store_unavailable',
            error: error instanceof Error ? error.message : String(error),
          },
        );
        return { status: 503, body: 'store unavailable' };
      }
      counted.acked.inc();
      deps.onAppended();
      return { status: 200, body: adapter.capabilities?.ackBody ?? DEFAULT_ACK_BODY };
    },
  };
}

/** Reads a web stream, giving up (returning null) as soon as more than `maxBytes` arrived. */
export async function readCapped(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array | null> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      discardRest(reader);
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Reads and drops the rest of an oversized body in the background (up to DRAIN_LIMIT bytes, then
 * cancels), so the 413 goes out while the client is still uploading. Cancelling at once makes Node-based
 * servers (e.g. @hono/node-server, whose request body is `Readable.toWeb(req)`) destroy the socket: the
 * client, still writing, sees a reset instead of the 413.
 */
function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  let drained = 0;
  const pump = async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      drained += value.byteLength;
      if (drained > DRAIN_LIMIT) return reader.cancel();
    }
  };
  pump().catch(() => {});
}

/** The web-standard entry point: Request in, Response out. */
export async function handleWebRequest(ingress: Ingress, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const result = await ingress.handle({
    method: request.method,
    url: url.pathname + url.search,
    headers: request.headers,
    readBody: (max) => readCapped(request.body, max),
  });
  return new Response(result.body, {
    status: result.status,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}
