import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SwitchboardError } from '@switchboard/core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createGraphClient, type GraphClientOptions } from '../src/index.js';

export const TOKEN = 'EAAtesttoken1234567890';
export const SECRET = 'app-secret';
export const PROOF = createHmac('sha256', SECRET).update(TOKEN).digest('hex');

export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: Seen, res: ServerResponse) => void;

export interface GraphServer {
  base: string;
  /** Requests received since the current test started. */
  seen: Seen[];
  /** TCP connections opened since the current test started. */
  connections: number;
  handler: Handler;
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A tiny Graph stand-in on 127.0.0.1:0; each test sets `handler`. */
export function useGraphServer(): GraphServer {
  let server: Server;
  const ctx: GraphServer = {
    base: '',
    seen: [],
    connections: 0,
    handler: (_req, res) => json(res, 404, { error: { message: 'no route', code: 803 } }),
  };
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const entry: Seen = {
          method: req.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        ctx.seen.push(entry);
        ctx.handler(entry, res);
      });
    });
    server.on('connection', () => ctx.connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ctx.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    ctx.seen = [];
    ctx.connections = 0;
    ctx.handler = (_req, res) => json(res, 404, { error: { message: 'no route', code: 803 } });
  });
  return ctx;
}

export function clientFor(ctx: GraphServer, extra: Partial<GraphClientOptions> = {}) {
  return createGraphClient({
    accessToken: TOKEN,
    appSecret: SECRET,
    baseUrl: `${ctx.base}/`,
    channel: 'messenger',
    ...extra,
  });
}

export async function failure(promise: Promise<unknown>): Promise<SwitchboardError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SwitchboardError) return error;
    throw error;
  }
  throw new Error('expected a SwitchboardError');
}
