import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Test-side JSON is navigated loosely; the assertions check the shapes. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Loose = any;

export interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  json: Record<string, unknown>;
}

/** A real webhook receiver on 127.0.0.1; `respond` picks the status of each POST. */
export async function startReceiver(
  respond: (n: number) => number | 'hang' = () => 200,
  verifyToken?: string,
) {
  const received: Received[] = [];
  let count = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET') {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      const ok =
        q.get('hub.mode') === 'subscribe' &&
        verifyToken !== undefined &&
        q.get('hub.verify_token') === verifyToken;
      res.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' });
      res.end(ok ? (q.get('hub.challenge') ?? '') : 'forbidden');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const status = respond(count++);
      received.push({
        headers: req.headers,
        raw,
        json: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
      });
      if (status === 'hang') return;
      res.writeHead(status);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Independent signature check (node:crypto, not the simulator's signer). */
export function verifySignature(raw: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(header.slice(7), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface GraphResult {
  status: number;
  body: Record<string, Loose>;
  headers: Headers;
}

/** Calls the simulated Graph API with JSON. */
export async function graph(
  base: string,
  method: string,
  path: string,
  options: { token?: string; bearer?: string; body?: unknown; query?: Record<string, string> } = {},
): Promise<GraphResult> {
  const url = new URL(base + path);
  if (options.token) url.searchParams.set('access_token', options.token);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, Loose>, headers: res.headers };
}

/** All messaging events / WA values of the received webhooks, flattened. */
export function messagingEvents(received: Received[]): Array<Record<string, Loose>> {
  return received.flatMap((r) =>
    (r.json.entry as Array<Record<string, Loose>>).flatMap(
      (e) => (e.messaging ?? []) as Array<Record<string, Loose>>,
    ),
  );
}
export function waValues(received: Received[]): Array<Record<string, Loose>> {
  return received.flatMap((r) =>
    (r.json.entry as Array<Record<string, Loose>>).flatMap((e) =>
      (e.changes as Array<Record<string, Loose>>).map((c) => c.value as Record<string, Loose>),
    ),
  );
}
