import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { GRAPH_API_VERSION } from '@switchboard/meta-graph/wire';
import { extractToken, tokenProblem } from './auth.js';
import type { GraphRequest, SimContext } from './context.js';
import { avatarImage } from './graph/people.js';
import { GraphError } from './graph-error.js';
import { parseParams, readBody } from './http-body.js';
import { routeGraph, type UsageTarget } from './router.js';
import { mediaUrlValid } from './state.js';
import { canAct, indexOf } from './world-index.js';

/** Handles `/_sim/...` control requests; returns status and JSON body. */
export type ControlHandler = (
  method: string,
  segments: string[],
  query: URLSearchParams,
  body: unknown,
) => Promise<{ status: number; body: unknown }>;

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'facebook-api-version': GRAPH_API_VERSION,
    ...headers,
  });
  res.end(text);
}

async function serveMedia(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  query: URLSearchParams,
): Promise<void> {
  const media = ctx.state.media.get(id);
  const fake = { headers: req.headers, params: Object.fromEntries(query) } as unknown as GraphRequest;
  const value = extractToken(fake);
  const token = value === undefined ? undefined : indexOf(ctx.state.world).tokens.get(value);
  if (!media || media.deleted || !mediaUrlValid(query, ctx.clock.now())) {
    // Meta's CDN answers an expired URL with 404: the client fetches a fresh one from GET /{media-id}.
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(!media || media.deleted ? 'Not Found' : 'URL signature expired');
    return;
  }
  if (!token || tokenProblem(token, ctx.clock.now()) || !canAct(token, media.phoneNumberId)) {
    res.writeHead(401, { 'content-type': 'text/plain' });
    res.end('Unauthorized');
    return;
  }
  res.writeHead(200, { 'content-type': media.mimeType, 'content-length': String(media.bytes.length) });
  res.end(Buffer.from(media.bytes));
}

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i;
const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Why a `/_sim/*` request is refused, if it is: that API hands out the app secret and every token and
 * drives faults. With a control token, only requests bearing it pass; without one (a loopback
 * listener), only requests addressed to a loopback name, so a web page that rebinds its DNS name to
 * 127.0.0.1 cannot read it. Browser requests from another origin are refused either way (CSRF).
 */
function controlRefusal(
  req: IncomingMessage,
  controlToken: string | undefined,
): { status: 401 | 403; error: string } | undefined {
  const host = req.headers.host ?? '';
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if (
    site === 'cross-site' ||
    site === 'same-site' ||
    (origin && origin.replace(/^https?:\/\//, '') !== host)
  )
    return { status: 403, error: 'the control API does not answer requests from other origins' };
  if (controlToken === undefined) {
    if (LOOPBACK_HOST.test(host)) return undefined;
    return { status: 403, error: 'the control API answers only on a loopback Host' };
  }
  const given = req.headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1] ?? '';
  if (timingSafeEqual(digest(given), digest(controlToken))) return undefined;
  return {
    status: 401,
    error: 'the control API needs Authorization: Bearer <control token> (printed at start)',
  };
}

/** Creates the simulator's HTTP server: Graph paths (any `/vNN.0` prefix), `/_media/`, `/_sim/`. */
export function createSimServer(
  ctx: () => SimContext,
  control: ControlHandler,
  controlToken: string | undefined,
): Server {
  return createServer((req, res) => {
    void handle(ctx(), control, controlToken, req, res).catch((err: unknown) => {
      if (!res.headersSent)
        send(res, 500, {
          error: {
            message: String((err as Error).message),
            type: 'OAuthException',
            code: 1,
            fbtrace_id: 'Asimulator',
          },
        });
      else res.destroy();
    });
  });
}

async function handle(
  ctx: SimContext,
  control: ControlHandler,
  controlToken: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments[0] && /^v\d+\.\d+$/.test(segments[0])) segments = segments.slice(1);
  const method = (req.method ?? 'GET').toUpperCase();
  if (segments[0] === '_sim') {
    const refusal = controlRefusal(req, controlToken);
    if (refusal) return send(res, refusal.status, { error: refusal.error });
  }
  const raw = await readBody(req);
  if (segments[0] === '_sim') {
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
    } catch {
      return send(res, 400, { error: 'invalid JSON body' });
    }
    const out = await control(method, segments.slice(1), url.searchParams, body);
    return send(res, out.status, out.body);
  }
  if (segments[0] === '_media' && segments[1])
    return serveMedia(ctx, req, res, segments[1], url.searchParams);
  if (segments[0] === '_avatar' && segments[1] && segments[2]) {
    const image = avatarImage(ctx, segments[1], segments[2], url.searchParams);
    res.writeHead(image.status, {
      'content-type': image.contentType,
      'content-length': Buffer.byteLength(image.body),
    });
    res.end(image.body);
    return;
  }
  const usage: UsageTarget = { type: 'pages', appToken: false, throttledForMs: 0 };
  const usageHeaders = () =>
    usage.objectId
      ? ctx.usage.headers(
          ctx.state.world.app.id,
          usage.objectId,
          usage.type,
          usage.appToken,
          usage.throttledForMs,
        )
      : {};
  try {
    let parsed: ReturnType<typeof parseParams>;
    try {
      parsed = parseParams(url.searchParams, raw, String(req.headers['content-type'] ?? ''));
    } catch {
      throw new GraphError(400, 100, '(#100) Invalid JSON in request body', { type: 'OAuthException' });
    }
    const graphReq: GraphRequest = {
      method,
      segments,
      query: url.searchParams,
      params: parsed.params,
      headers: req.headers,
      rawBody: raw,
      ...(parsed.parts ? { parts: parsed.parts } : {}),
    };
    const out = await routeGraph(ctx, graphReq, usage);
    send(res, out.status ?? 200, out.body, { ...usageHeaders(), ...out.headers });
  } catch (err) {
    if (err instanceof GraphError) {
      send(res, err.httpStatus, err.body(ctx.rng), {
        ...(err.code === 190 ? { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token"' } : {}),
        ...usageHeaders(),
        ...err.extra.headers,
      });
      return;
    }
    ctx.logger?.error('simulator handler failed', { error: String(err) });
    send(res, 500, {
      error: {
        message: 'An unknown error has occurred.',
        type: 'OAuthException',
        code: 1,
        is_transient: true,
        fbtrace_id: 'Asimulator',
      },
    });
  }
}
