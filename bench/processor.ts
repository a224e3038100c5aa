/**
 * Processor throughput on SQLite: N signed WhatsApp bodies are acknowledged through `handleWebhook`
 * (stored in the inbox), then the processor drains them — parse, dedup insert, conversation/message
 * read model, dispatch to a no-op handler, done marks — and we time the drain. In-process, one thread,
 * durability `full` and `normal`. Writes bench/results/processor.md.
 *
 * Run: npm run bench:processor -w @switchboard/bench  (env BENCH_PROCESSOR_EVENTS, default 20000)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSwitchboard, silentLogger } from '@switchboard/core';
import { createSqliteStore, type SqliteDurability } from '@switchboard/store-sqlite';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import { fmt, markdownTable, writeResult } from './lib/report.js';
import { APP_SECRET, PHONE_NUMBER_ID, signedWebhook, VERIFY_TOKEN } from './lib/webhooks.js';

const EVENTS = Number(process.env.BENCH_PROCESSOR_EVENTS ?? 20_000);
const BATCH = Number(process.env.BENCH_PROCESSOR_BATCH ?? 200);

async function run(durability: SqliteDurability, dir: string) {
  const store = createSqliteStore({ path: join(dir, `${durability}.db`), durability });
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
    processor: { batchSize: BATCH },
  });
  let dispatched = 0;
  switchboard.on('*', () => {
    dispatched += 1;
  });
  // Fill the inbox through the real ack path, 100 concurrent requests at a time.
  for (let i = 0; i < EVENTS; i += 100) {
    const requests = Array.from({ length: Math.min(100, EVENTS - i) }, () => {
      const { body, headers } = signedWebhook();
      return new Request('http://127.0.0.1/webhooks/whatsapp', { method: 'POST', body, headers });
    });
    const responses = await Promise.all(requests.map((r) => switchboard.handleWebhook(r)));
    if (responses.some((r) => r.status !== 200)) throw new Error('a webhook was not acknowledged');
  }
  const load1 = loadavg()[0] ?? 0;
  const start = process.hrtime.bigint();
  await switchboard.drain();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const events = await store.events.count();
  await store.close();
  if (dispatched !== EVENTS || events.done !== EVENTS) {
    throw new Error(`expected ${EVENTS} events, dispatched ${dispatched}, stored done ${events.done}`);
  }
  console.info(`processor: ${durability}: ${fmt(EVENTS / seconds)} events/s`);
  return [
    durability,
    fmt(EVENTS),
    BATCH,
    fmt(seconds, 2),
    fmt(EVENTS / seconds),
    fmt((seconds * 1e6) / EVENTS, 0),
    fmt(load1, 2),
  ];
}

const dir = mkdtempSync(join(tmpdir(), 'sb-bench-processor-'));
const rows: (string | number)[][] = [];
try {
  for (const durability of ['full', 'normal'] as const) rows.push(await run(durability, dir));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

writeResult(
  'processor',
  'Processor throughput on SQLite (inbox → events → dispatch)',
  `${fmt(EVENTS)} WhatsApp bodies (one inbound text message each, 50 conversations) are first acknowledged through \`handleWebhook\` into the inbox; then \`drain()\` processes them: claim, parse and normalize, dedup insert into \`events\`, conversation and message rows, dispatch to a no-op handler, done marks. In-process, one thread; claim batch ${BATCH}.

${markdownTable(['durability', 'events', 'batch', 'seconds', 'events/s', 'µs/event', 'load avg (1 min)'], rows)}

Reproduce: \`npm run bench:processor -w @switchboard/bench\` (env \`BENCH_PROCESSOR_EVENTS\`, \`BENCH_PROCESSOR_BATCH\`).`,
);
