/**
 * The server side of bench/ack.ts, in its own process so autocannon never shares its thread.
 * Mode (argv[2]):
 * - `floor`: bare node:http — read the body, check the HMAC-SHA256, answer 200. What any receiver pays.
 * - `engine`: createSwitchboard + WhatsApp adapter + SQLite (durability `full`) behind toNodeListener,
 *   processor running (parse, dedup, persist, dispatch to a no-op handler) as in production.
 * - `engine-ack-only`: the same without `start()`: only the durable ack path runs.
 * - `engine-worker`: the ack path as in `engine-ack-only` in the main thread, and the engine started in a
 *   worker thread (bench/ack-processor.ts) on the same file with its own connection: processing off the
 *   ack thread.
 * argv[3]: SQLite file. Sends `{ type: 'ready', port }`; on `{ type: 'stats' }` answers with row
 * counts, the process's CPU time so far (all threads), each thread's writer-lock waits and event-loop
 * utilisation; on `{ type: 'stop' }` exits.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { toNodeListener } from '@switchboard/core/node';
import { createBenchEngine } from './lib/ack-engine.js';
import { APP_SECRET } from './lib/webhooks.js';

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
  const { store, switchboard, lock } = createBenchEngine(dbPath);
  if (mode === 'engine') await switchboard.start();
  const worker = mode === 'engine-worker' ? await startProcessorWorker(dbPath) : null;
  listener = toNodeListener(switchboard) as RequestListener;
  stats = async () => ({
    inbox: await store.inbox.count(),
    events: await store.events.count(),
    threads: {
      main: { lock: lock(), elu: performance.eventLoopUtilization() },
      ...(worker ? { worker: await request(worker, 'stats') } : {}),
    },
  });
  shutdown = async () => {
    if (worker) {
      await request(worker, 'stop', 'stopped');
      await worker.terminate();
    }
    await switchboard.stop();
    await store.close();
  };
}

async function startProcessorWorker(path: string): Promise<Worker> {
  // Node 20 does not apply this process's `--import tsx` loader to worker threads: the worker
  // loads its TypeScript entry through tsx's API instead.
  const entry = new URL('./ack-processor.ts', import.meta.url).href;
  const worker = new Worker(
    `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`,
    { eval: true, workerData: path },
  );
  worker.once('error', (error) => {
    console.error('processor worker failed', error);
    process.exit(1);
  });
  await new Promise((resolve) => worker.once('message', resolve));
  return worker;
}

function request(worker: Worker, type: string, answer = type): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (m.type !== answer) return;
      worker.off('message', onMessage);
      resolve(m);
    };
    worker.on('message', onMessage);
    worker.postMessage({ type });
  });
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
