import { createHash } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A round-robin HTTP proxy in front of the engine instances, recording which bodies got a 200. */
export interface RoundRobinProxy {
  readonly url: string;
  /** sha256 (hex) of every request body the proxy answered 200 to the platform. */
  readonly acknowledged: string[];
  /** Status codes returned to the platform, by code. */
  readonly statuses: Map<number, number>;
  /** Requests served per backend port. */
  readonly perBackend: Map<number, number>;
  close(): Promise<void>;
}

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/**
 * Like a load balancer with passive health checks: a backend that refuses the connection (nothing was
 * sent) is skipped and the next one is tried; any other failure after sending answers 502, so the
 * platform retries later — the proxy never answers 200 for a request no instance acknowledged.
 */
export async function startProxy(backendPorts: readonly number[]): Promise<RoundRobinProxy> {
  const acknowledged: string[] = [];
  const statuses = new Map<number, number>();
  const perBackend = new Map<number, number>();
  const dead = new Set<number>();
  let next = 0;

  type Answer = { status: number; headers: Record<string, string>; body: Buffer };
  const forward = (
    port: number,
    method: string,
    path: string,
    headers: Record<string, string>,
    body: Buffer,
  ) =>
    new Promise<Answer>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method, path, headers: { ...headers, connection: 'close' }, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 502,
              headers: { 'content-type': String(res.headers['content-type'] ?? 'text/plain') },
              body: Buffer.concat(chunks),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string' && name !== 'connection' && name !== 'host') headers[name] = value;
    let answer: Answer = {
      status: 502,
      headers: { 'content-type': 'text/plain' },
      body: Buffer.from('no backend'),
    };
    for (let tries = 0; tries < backendPorts.length; tries++) {
      const port = backendPorts[next++ % backendPorts.length]!;
      if (dead.has(port)) continue;
      try {
        answer = await forward(port, req.method ?? 'GET', req.url ?? '/', headers, body);
        perBackend.set(port, (perBackend.get(port) ?? 0) + 1);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
          dead.add(port);
          continue;
        }
        answer = {
          status: 502,
          headers: { 'content-type': 'text/plain' },
          body: Buffer.from('backend failed'),
        };
        break;
      }
    }
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    if (answer.status === 200 && req.method === 'POST') acknowledged.push(sha256(body));
    res.writeHead(answer.status, answer.headers).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    acknowledged,
    statuses,
    perBackend,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Largest number of timestamps inside any half-open window `[t, t + windowMs)`. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
