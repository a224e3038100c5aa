/**
 * The server side of bench/ack.ts, in its own process so autocannon never shares its thread.
 * Mode (argv[2]):
 * - `floor`: bare node:http — read the body, check the HMAC-SHA256, answer 200. What any receiver pays.
 * - `engine`: createSwitchboard + WhatsApp adapter + SQLite (durability `full`) behind toNodeListener,
 *   processor running (parse, dedup, persist, dispatch to a no-op handler) as in production.
 * - `engine-ack-only`: the same without `start()`: only the durable ack path runs.
 * argv[3]: SQLite file. Sends `{ type: 'ready', port }`; on `{ type: 'stats' }` answers with row
 * counts and the process's CPU time so far; on `{ type: 'stop' }` exits.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSwitchboard, silentLogger } from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { createSqliteStore } from '@switchboard/store-sqlite';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import { APP_SECRET, PHONE_NUMBER_ID, VERIFY_TOKEN } from './lib/webhooks.js';

const mode = process.argv[2] ?? 'floor';
const dbPath = process.argv[3] ?? '';

function floorListener(): RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
      const expected = Buffer.from(`sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`);
      const ok = given.length === expected.length && timingSafeEqual(given, expected);
      res.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(ok ? 'EVENT_RECEIVED' : 'bad signature');
    });
  };
}

let stats: () => Promise<Record<string, unknown>> = async () => ({});
let shutdown: () => Promise<void> = async () => {};
let listener: RequestListener;

if (mode === 'floor') {
  listener = floorListener();
} else {
  const store = createSqliteStore({ path: dbPath, durability: 'full' });
  const switchboard = createSwitchboard({
    adapters: [
      createWhatsAppAdapter({
        appSecret: APP_SECRET,
        verifyToken: VERIFY_TOKEN,
        phoneNumberIds: [PHONE_NUMBER_ID],
      }),
    ],
    store,
    logger: silentLogger,
  });
  switchboard.on('*', () => {});
  if (mode === 'engine') await switchboard.start();
  listener = toNodeListener(switchboard) as RequestListener;
  stats = async () => ({ inbox: await store.inbox.count(), events: await store.events.count() });
  shutdown = async () => {
    await switchboard.stop();
    await store.close();
  };
}

const server = createServer(listener);
server.listen(0, '127.0.0.1', () =>
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port }),
);
process.on('message', async (message: { type?: string }) => {
  if (message?.type === 'stats') {
    const { user, system } = process.cpuUsage();
    process.send?.({ type: 'stats', stats: { ...(await stats()), cpuMicros: user + system } });
  }
  if (message?.type !== 'stop') return;
  server.close();
  server.closeAllConnections();
  await shutdown();
  process.exit(0);
});
