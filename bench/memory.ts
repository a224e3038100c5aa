/**
 * Memory and disk per 100k stored events on SQLite: N WhatsApp bodies go through the real path
 * (handleWebhook → inbox, drain → events, conversations, messages), then we read the process's RSS and
 * heap (after a GC when run with --expose-gc, as run-all does) and the database size after a WAL checkpoint.
 * Durability `normal` to fill faster (size and memory do not depend on it). Values are scaled to 100k.
 * Writes bench/results/memory.md.
 *
 * Run: npm run bench:memory -w @switchboard/bench  (env BENCH_MEMORY_EVENTS, default 100000)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSwitchboard, silentLogger } from '@switchboard/core';
import { createSqliteStore } from '@switchboard/store-sqlite';
import { fmt, markdownTable, writeResult } from './lib/report.js';
import { benchWhatsAppAdapter, signedWebhook } from './lib/webhooks.js';

const EVENTS = Number(process.env.BENCH_MEMORY_EVENTS ?? 100_000);
const WARMUP = 1_000;
const MiB = 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc;

function sample() {
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external };
}

const dir = mkdtempSync(join(tmpdir(), 'sb-bench-memory-'));
const path = join(dir, 'memory.db');
try {
  const store = createSqliteStore({ path, durability: 'normal' });
  const switchboard = createSwitchboard({
    adapters: [benchWhatsAppAdapter()],
    store,
    logger: silentLogger,
  });
  switchboard.on('*', () => {});
  const fill = async (count: number) => {
    let bytes = 0;
    for (let i = 0; i < count; i += 500) {
      const requests = Array.from({ length: Math.min(500, count - i) }, () => {
        const { body, headers } = signedWebhook();
        bytes += Buffer.byteLength(body);
        return new Request('http://127.0.0.1/webhooks/whatsapp', { method: 'POST', body, headers });
      });
      const responses = await Promise.all(requests.map((r) => switchboard.handleWebhook(r)));
      if (responses.some((r) => r.status !== 200)) throw new Error('a webhook was not acknowledged');
      if ((i / 500) % 10 === 9) await switchboard.drain();
    }
    await switchboard.drain();
    return bytes;
  };
  // Warm-up (JIT, statement cache, SQLite page cache) so the growth below is what the events cost.
  await fill(WARMUP);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const fileBefore = statSync(path).size;
  const before = sample();
  const load1 = loadavg()[0] ?? 0;
  const bodyBytes = await fill(EVENTS);
  const after = sample();
  const counts = await store.events.count();
  if (counts.done !== EVENTS + WARMUP)
    throw new Error(`expected ${EVENTS} done events, found ${counts.done - WARMUP}`);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const dbBytes = statSync(path).size - fileBefore;
  await store.close();

  const per100k = (bytes: number) => `${fmt(((bytes / EVENTS) * 100_000) / MiB, 1)} MiB`;
  const rows = [
    [
      'RSS',
      `${fmt(before.rss / MiB, 1)} MiB`,
      `${fmt(after.rss / MiB, 1)} MiB`,
      per100k(after.rss - before.rss),
    ],
    [
      'JS heap used',
      `${fmt(before.heap / MiB, 1)} MiB`,
      `${fmt(after.heap / MiB, 1)} MiB`,
      per100k(after.heap - before.heap),
    ],
    [
      'SQLite file (after checkpoint)',
      `${fmt(fileBefore / MiB, 1)} MiB`,
      `${fmt((fileBefore + dbBytes) / MiB, 1)} MiB`,
      per100k(dbBytes),
    ],
    ['raw webhook bodies received', '—', `${fmt(bodyBytes / MiB, 1)} MiB`, per100k(bodyBytes)],
  ];
  console.info(`memory: ${fmt(EVENTS)} events, file ${fmt(dbBytes / MiB, 1)} MiB`);
  writeResult(
    'memory',
    'Memory and disk per 100k stored events (SQLite)',
    `${fmt(EVENTS)} WhatsApp bodies (one inbound text message each, ~${fmt(bodyBytes / EVENTS)} bytes) acknowledged through \`handleWebhook\` and processed by \`drain()\`: each leaves its raw body in \`inbox\`, one row in \`events\`, one in \`messages\`, and 50 conversations in total. After a warm-up of ${fmt(WARMUP)} bodies, memory is sampled in the same process before and after (after a forced GC when run with \`--expose-gc\`${gc ? ', as here' : ' — not the case in this run'}); the last column scales the growth to 100,000 events. Load average (1 min) at the start: ${fmt(load1, 2)}.

${markdownTable(['measure', 'before', 'after', 'per 100k events'], rows)}

The rows live in SQLite on disk, not on the JS heap, so the heap barely grows with the store; RSS also counts SQLite's page cache (bounded by \`cache_size\`) and memory the allocator keeps after the bursts of requests, so it is an upper bound. The file holds each raw body plus the normalized event and message JSON and their indexes.

Reproduce: \`npm run bench:memory -w @switchboard/bench\` (env \`BENCH_MEMORY_EVENTS\`).`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
