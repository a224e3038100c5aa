import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookHeaders } from '../adapter.js';
import { DRAIN_LIMIT, type Ingress, type IngressResponse } from './ingress.js';
import type { Switchboard } from './types.js';

/** A `(req, res, next?)` listener usable by node:http, Express (as middleware) and Fastify (raw req/res). */
export type NodeListener = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

interface MaybeParsed extends IncomingMessage {
  body?: unknown;
  rawBody?: unknown;
  originalUrl?: string;
}

/**
 * Bridges the engine to Node's http API over the public `switchboard.ingress` seam. Reads the raw body itself (the signature covers the exact
 * bytes) with the size cap enforced while reading, so no body parser may run before it.
 *
 * @example
 * // node:http
 * http.createServer(toNodeListener(switchboard)).listen(3000);
 * // Express — mount before express.json()
 * app.all('/webhooks/:channel', toNodeListener(switchboard));
 * // Fastify — take the raw request before Fastify parses it
 * fastify.addHook('onRequest', (req, reply, done) => {
 *   if (!req.url.startsWith('/webhooks/')) return done();
 *   reply.hijack();
 *   toNodeListener(switchboard)(req.raw, reply.raw);
 * });
 */
export function toNodeListener(switchboard: Switchboard): NodeListener {
  const { ingress } = switchboard;
  if (!ingress) throw new TypeError('toNodeListener needs a switchboard made by createSwitchboard');
  return (req, res, next) => {
    handleNode(ingress, req as MaybeParsed, res).catch((error: unknown) => {
      if (next) return next(error);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('internal error');
      } else res.destroy();
    });
  };
}

async function handleNode(ingress: Ingress, req: MaybeParsed, res: ServerResponse): Promise<void> {
  let tooLarge = false;
  const result = await ingress.handle({
    method: req.method ?? 'GET',
    url: req.originalUrl ?? req.url ?? '/',
    headers: new NodeHeaders(req.headers),
    async readBody(max) {
      const preRead = alreadyRead(req);
      if (preRead !== undefined) return preRead.byteLength > max ? null : preRead;
      const body = await readNodeBody(req, max);
      tooLarge = body === null;
      return body;
    },
  });
  send(res, result);
  if (tooLarge) drainRest(req);
}

/**
 * The request's headers as the ingress reads them, straight from Node's (already lower-cased) object:
 * copying them into a web `Headers` cost more than the rest of the bridge. Repeated headers read as
 * `Headers` would show them: joined with ", ".
 */
class NodeHeaders implements WebhookHeaders {
  constructor(private readonly headers: IncomingHttpHeaders) {}
  get(name: string): string | null {
    const value = this.headers[name.toLowerCase()];
    if (value === undefined) return null;
    return typeof value === 'string' ? value : value.join(', ');
  }
}

/** A body some framework already read: raw bytes are fine, a parsed object is not (its bytes are gone). */
function alreadyRead(req: MaybeParsed): Uint8Array | undefined {
  if (req.rawBody instanceof Uint8Array) return req.rawBody;
  if (req.body instanceof Uint8Array) return req.body;
  if (req.readableEnded || (req.body !== undefined && req.body !== null)) {
    throw new Error(
      'the request body was already consumed by a body parser: mount the Switchboard listener before express.json() / any JSON parser, or use express.raw()',
    );
  }
  return undefined;
}

function readNodeBody(req: IncomingMessage, max: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > max) {
        cleanup();
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, total));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function send(res: ServerResponse, result: IngressResponse): void {
  res.writeHead(result.status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(result.body),
  });
  res.end(result.body);
}

/**
 * Discards the rest of an oversized body. The socket stays open meanwhile: closing it after the 413
 * (`connection: close`) resets a client that is still uploading, which then sees EPIPE instead of the
 * 413. Past DRAIN_LIMIT the client is not worth waiting for and the socket is destroyed.
 */
function drainRest(req: IncomingMessage): void {
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.byteLength;
    if (drained > DRAIN_LIMIT) req.destroy();
  });
  req.on('error', () => {});
  req.resume();
}
