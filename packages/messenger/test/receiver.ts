import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelAdapter, ChannelEvent } from '@switchboard/core';

/** A minimal webhook endpoint for tests: verifies, parses and keeps the events. */
export async function startReceiver(
  adapter: ChannelAdapter,
): Promise<{ url: string; events: ChannelEvent[]; close(): Promise<void> }> {
  const events: ChannelEvent[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = new Uint8Array(Buffer.concat(chunks));
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      if (!adapter.verifySignature(raw, headers).ok) {
        res.writeHead(401).end();
        return;
      }
      events.push(...adapter.parseWebhook(raw).events);
      res.writeHead(200).end('EVENT_RECEIVED');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/${adapter.channel}`,
    events,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
