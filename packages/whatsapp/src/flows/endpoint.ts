import type { KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, silentLogger } from '@switchboard/core';
import { verifyMetaSignature } from '@switchboard/meta-graph';
import { decryptFlowRequest, encryptFlowResponse, FlowEndpointError, type FlowRequest } from './crypto.js';

/** What the endpoint answers with before it is encrypted: the next screen and its data (reference §6.3). */
export interface FlowResponse {
  /** The screen to show; `SUCCESS` closes the Flow (then `data.extension_message_response.params`). */
  screen?: string;
  data: Record<string, unknown>;
}

/** Where a request came from: a multi-tenant endpoint puts the tenant (or number) in its URL. */
export interface FlowRequestContext {
  url: URL;
}

export interface FlowEndpointOptions {
  /**
   * The private key whose public half is uploaded for the number (PEM or KeyObject), or a function that
   * picks it from the request URL: the request names no phone number, so one endpoint serving many
   * numbers routes by path (`endpoint_uri` per Flow, e.g. `/flows/<tenant>`).
   */
  privateKey:
    | string
    | KeyObject
    | ((context: FlowRequestContext) => string | KeyObject | Promise<string | KeyObject>);
  /** Passphrase of an encrypted PEM private key. */
  passphrase?: string;
  /**
   * Secrets of the app linked to the Flow (two during a rotation): `X-Hub-Signature-256` must match one,
   * or the request is refused with 432.
   */
  appSecrets: readonly string[];
  /**
   * Answers INIT, BACK and data_exchange requests. Throw `new FlowEndpointError(427, message)` when the
   * `flow_token` is no longer valid (the client shows the message and disables the button). Pings are
   * answered for you; client error notifications go to `onClientError`.
   */
  handle(request: FlowRequest, context: FlowRequestContext): FlowResponse | Promise<FlowResponse>;
  /** Error notifications from the client (`data.error`, `data.error_message`); acknowledged either way. */
  onClientError?(request: FlowRequest, context: FlowRequestContext): void | Promise<void>;
  /** Largest request body accepted. Default 1 MiB. */
  maxBodyBytes?: number;
  logger?: Logger;
}

export interface FlowEndpoint {
  /** Web-standard: Request in, Response out (Hono: `app.post('/flows/:tenant', (c) => flows.fetch(c.req.raw))`). */
  fetch(request: Request): Promise<Response>;
  /** node:http / Express listener; mount it before any body parser (the signature covers the raw bytes). */
  node(req: IncomingMessage, res: ServerResponse): void;
}

const text = (status: number, body: string) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/** The client's error notification: a data_exchange whose data carries `error`. */
const isClientError = (request: FlowRequest) =>
  request.action === 'data_exchange' && typeof request.data?.error === 'string';

/**
 * A WhatsApp Flows data-exchange endpoint: checks the signature (432), decrypts (421 on a key mismatch:
 * the client re-fetches the public key and retries), answers pings, passes INIT / BACK / data_exchange to
 * `handle`, and returns its answer encrypted with the inverted IV as a plain-text base64 body. Meta gives
 * up after 10 s: keep `handle` fast.
 *
 * @example
 * const flows = createFlowEndpoint({
 *   privateKey: process.env.FLOW_PRIVATE_KEY!,
 *   appSecrets: [process.env.WHATSAPP_APP_SECRET!],
 *   handle: async (request) =>
 *     request.action === 'INIT'
 *       ? { screen: 'SLOTS', data: { slots: await freeSlots() } }
 *       : { screen: 'SUCCESS', data: { extension_message_response: { params: { flow_token: request.flow_token } } } },
 * });
 * http.createServer(flows.node).listen(3001);
 */
export function createFlowEndpoint(options: FlowEndpointOptions): FlowEndpoint {
  const logger = options.logger ?? silentLogger;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;

  const respond = async (url: URL, raw: Uint8Array, signature: string | null): Promise<Response> => {
    const context = { url };
    try {
      const check = verifyMetaSignature(raw, signature, options.appSecrets);
      if (!check.ok) throw new FlowEndpointError(432, `request signature ${check.reason}`);
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder().decode(raw));
      } catch {
        throw new FlowEndpointError(400, 'the body is not JSON');
      }
      const key =
        typeof options.privateKey === 'function' ? await options.privateKey(context) : options.privateKey;
      const { request, session } = decryptFlowRequest(body, key, options.passphrase);
      let response: FlowResponse;
      if (request.action === 'ping') response = { data: { status: 'active' } };
      else if (isClientError(request)) {
        logger.warn('flow client reported an error', {
          error: request.data?.error,
          screen: request.screen ?? null,
        });
        await options.onClientError?.(request, context);
        response = { data: { acknowledged: true } };
      } else response = await options.handle(request, context);
      return text(200, encryptFlowResponse(response, session));
    } catch (error) {
      if (!(error instanceof FlowEndpointError)) {
        logger.error('flow endpoint handler failed', {
          error: error instanceof Error ? error.message : String(error),
        });
        return text(500, 'internal error');
      }
      logger.warn('flow request refused', { status: error.status, reason: error.message });
      return error.status === 427
        ? new Response(JSON.stringify({ error_msg: error.message }), {
            status: 427,
            headers: { 'content-type': 'application/json' },
          })
        : text(error.status, error.message);
    }
  };

  const fetch: FlowEndpoint['fetch'] = async (request) => {
    if (request.method !== 'POST') return text(405, 'POST only');
    const raw = await readCapped(request, maxBodyBytes);
    if (raw === null) return text(413, `body exceeds ${maxBodyBytes} bytes`);
    return respond(new URL(request.url), raw, request.headers.get('x-hub-signature-256'));
  };

  return {
    fetch,
    node(req, res) {
      readBody(req, maxBodyBytes)
        .then(async (raw) => {
          const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
          const header = req.headers['x-hub-signature-256'];
          const answer =
            req.method !== 'POST'
              ? text(405, 'POST only')
              : raw === null
                ? text(413, `body exceeds ${maxBodyBytes} bytes`)
                : await respond(url, raw, typeof header === 'string' ? header : null);
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'text/plain',
          });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch((error: unknown) => {
          logger.error('flow endpoint failed', {
            error: error instanceof Error ? error.message : String(error),
          });
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('internal error');
        });
    },
  };
}

/** The body, read no further than `max` bytes (null past it): an oversized upload is never held whole. */
async function readCapped(request: Request, max: number): Promise<Uint8Array | null> {
  if (Number(request.headers.get('content-length') ?? 0) > max) return null;
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body?.getReader();
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) return Buffer.concat(chunks);
    total += next.value.byteLength;
    if (total > max) {
      await reader?.cancel();
      return null;
    }
    chunks.push(next.value);
  }
}

function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | null> {
  if (req.readableEnded)
    return Promise.reject(
      new Error(
        'the request body was already consumed by a body parser: mount the Flow endpoint before express.json()',
      ),
    );
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total <= max) chunks.push(chunk);
    });
    req.on('end', () => resolve(total > max ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
