import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ContractPlatform, RecordedRequest } from './types.js';

/** What the fake platform does with the next requests: accept sends, or fail with an HTTP status. */
export type PlatformMode = { kind: 'accept' } | { kind: 'fail'; status: number };

/** A local HTTP server standing in for the platform: records every request, answers as told. */
export interface FakePlatform {
  start(): Promise<string>;
  stop(): Promise<void>;
  mode: PlatformMode;
  requests: RecordedRequest[];
  /** Ids handed out by accepted sends, in order. */
  messageIds: string[];
}

export function createFakePlatform(platform: ContractPlatform): FakePlatform {
  let server: Server | undefined;
  const fake: FakePlatform = {
    mode: { kind: 'accept' },
    requests: [],
    messageIds: [],
    async start() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(req.headers))
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          const recorded: RecordedRequest = {
            method: req.method ?? 'GET',
            url: req.url ?? '/',
            headers,
            body: Buffer.concat(chunks).toString('utf8'),
          };
          fake.requests.push(recorded);
          let status: number;
          let body: unknown;
          if (fake.mode.kind === 'fail') {
            status = fake.mode.status;
            body = platform.error?.(status) ?? { error: `contract: the platform answers ${status}` };
          } else {
            const id = `contract-msg-${fake.messageIds.length + 1}`;
            fake.messageIds.push(id);
            const answer = platform.accept(recorded, id);
            status = answer.status ?? 200;
            body = answer.body;
          }
          const text = typeof body === 'string' ? body : JSON.stringify(body);
          res.writeHead(status, { 'content-type': 'application/json' }).end(text);
        });
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
  return fake;
}
