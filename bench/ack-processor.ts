/**
 * The processor of bench/ack-server.ts's `engine-worker` mode, in a worker thread: the same engine on
 * the same SQLite file through its own connection, started (processor, outbox, watch) but serving no
 * HTTP. The inbox's leases make the two connections safe to share it; SQLite serialises their writes
 * (`busy_timeout`). With no appends of its own to wake it, the processor polls every 50 ms when idle.
 * workerData: the SQLite path. Answers `stats` with its lock waits and event-loop utilisation; `stop`
 * stops the engine and closes the store.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { createBenchEngine } from './lib/ack-engine.js';

const { store, switchboard, lock } = createBenchEngine(workerData as string, { pollIntervalMs: 50 });
await switchboard.start();
parentPort?.on('message', async (message: { type?: string }) => {
  if (message.type === 'stats')
    parentPort?.postMessage({ type: 'stats', lock: lock(), elu: performance.eventLoopUtilization() });
  if (message.type === 'stop') {
    await switchboard.stop();
    await store.close();
    parentPort?.postMessage({ type: 'stopped' });
  }
});
parentPort?.postMessage({ type: 'ready' });
