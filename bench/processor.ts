/**
 * Processor throughput on SQLite: N signed WhatsApp bodies are acknowledged through `handleWebhook`
 * (stored in the inbox), then the processor drains them — parse, dedup insert, conversation/message
 * read model, dispatch to a no-op handler, done marks — and we time the drain. In-process, one thread,
 * durability `full` and `normal`. Writes bench/results/processor.md.
 *
 * Run: npm run bench:processor -w @switchboard/bench  (env BENCH_PROCESSOR_EVENTS, default 20000)
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSwitchboard, silentLogger } from '@switchboard/core';
import { createSqliteStore, type SqliteDurability } from '@switchboard/store-sqlite';
import { fmt, markdownTable, writeResult } from './lib/report.js';
import { APP_SECRET, benchWhatsAppAdapter, signedWebhook, whatsappBody } from './lib/webhooks.js';

const EVENTS = Number(process.env.BENCH_PROCESSOR_EVENTS ?? 20_000);
const BATCH = Number(process.env.BENCH_PROCESSOR_BATCH ?? 200);

/** The floor per body, as in parse.ts: HMAC-SHA256 + compare + JSON.parse of the same kind of body. */
function floorMicros(): number {
  const bodies = Array.from({ length: 2000 }, () => {
    const body = whatsappBody();
    return { body, mac: createHmac('sha256', APP_SECRET).update(body).digest() };
  });
  const once = () => {
    for (const { body, mac } of bodies) {
      if (!timingSafeEqual(createHmac('sha256', APP_SECRET).update(body).digest(), mac))
        throw new Error('mac');
      JSON.parse(body);
    }
  };
  once();
  const start = process.hrtime.bigint();
  for (let i = 0; i < 5; i++) once();
  return Number(process.hrtime.bigint() - start) / 1e3 / (5 * bodies.length);
}

async function run(durability: SqliteDurability, readModel: boolean, dir: string) {
  const store = createSqliteStore({ path: join(dir, `${durability}-${readModel}.db`), durability });
  const switchboard = createSwitchboard({
    adapters: [benchWhatsAppAdapter()],
    store,
    logger: silentLogger,
    processor: { batchSize: BATCH },
    readModel,
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
  const floor = floorMicros();
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await switchboard.drain();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuPerEvent = (used.user + used.system) / EVENTS;
  const events = await store.events.count();
  await store.close();
  if (dispatched !== EVENTS || events.done !== EVENTS) {
    throw new Error(`expected ${EVENTS} events, dispatched ${dispatched}, stored done ${events.done}`);
  }
  const perEvent = (seconds * 1e6) / EVENTS;
  console.info(
    `processor: ${durability}: ${fmt(EVENTS / seconds)} events/s, ${fmt(perEvent / floor, 1)}x the floor`,
  );
  return [
    durability,
    readModel ? 'yes' : 'no',
    fmt(EVENTS),
    fmt(seconds, 2),
    fmt(EVENTS / seconds),
    fmt(perEvent, 0),
    fmt(cpuPerEvent, 0),
    fmt(floor, 1),
    `${fmt(perEvent / floor, 1)}×`,
    fmt(load1, 2),
  ];
}

const dir = mkdtempSync(join(tmpdir(), 'sb-bench-processor-'));
const rows: (string | number)[][] = [];
try {
  rows.push(await run('full', true, dir));
  rows.push(await run('full', false, dir));
  rows.push(await run('normal', true, dir));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

writeResult(
  'processor',
  'Processor throughput on SQLite (inbox → events → dispatch)',
  `${fmt(EVENTS)} WhatsApp bodies (one inbound text message each, 50 conversations) are first acknowledged through \`handleWebhook\` into the inbox; then \`drain()\` processes them: claim, parse and normalize, dedup insert into \`events\`, conversation and message rows (unless the read model is off: \`readModel: false\`), dispatch to a no-op handler, done marks. In-process, one thread; claim batch ${BATCH}. "floor" is HMAC-SHA256 + compare + \`JSON.parse\` of one such body, measured in the same process right before the drain; "× floor" is µs/event ÷ floor (issue 15's goal: ≤ 5× on \`full\`). CPU is the process's user + system time during the drain.

${markdownTable(['durability', 'read model', 'events', 'seconds', 'events/s', 'µs/event', 'CPU µs/event', 'floor µs/body', '× floor', 'load avg (1 min)'], rows)}

Reproduce: \`npm run bench:processor -w @switchboard/bench\` (env \`BENCH_PROCESSOR_EVENTS\`, \`BENCH_PROCESSOR_BATCH\`).`,
);
