/**
 * Send CPU: text messages sent through the outbox (switchboard.send → SQLite `full` → outbox worker →
 * the WhatsApp adapter's axios client → the simulator) against a bare keep-alive undici POST of the
 * same kind of body to the same simulator, in the same run. The simulator runs in its own process;
 * CPU is this process's (all threads: the SQLite syncs included). The limiter is a no-op, so only CPU
 * is measured, not Meta's send rates. Writes bench/results/send.md.
 *
 * Run: npm run bench:send -w @switchboard/bench   (env BENCH_SENDS, default 3000)
 */
import { fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSwitchboard, silentLogger } from '@switchboard/core';
import { createSqliteStore } from '@switchboard/store-sqlite';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import { Pool } from 'undici';
import { fmt, markdownTable, writeResult } from './lib/report.js';

const SENDS = Number(process.env.BENCH_SENDS ?? 3000);
/** Requests in flight for the bare POST: the outbox's default batch. */
const CONCURRENCY = 20;
const ROUNDS = Number(process.env.BENCH_SEND_ROUNDS ?? 3);

interface World {
  url: string;
  token: string;
  appSecret: string;
  verifyToken: string;
  phoneNumberId: string;
  userId: string;
}

const child = fork(fileURLToPath(new URL('./send-sim.ts', import.meta.url)), [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const world = await new Promise<World>((resolve) =>
  child.on('message', (m: World & { type?: string }) => {
    if (m.type === 'ready') resolve(m);
  }),
);

/** 100 recipients: the outbox sends one recipient's messages in order, different recipients concurrently. */
const recipient = (i: number) => `1555${String(1_000_000 + (i % 100)).slice(1)}`;

const cpuMicros = async (fn: () => Promise<void>): Promise<number> => {
  const start = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(start);
  return used.user + used.system;
};

/** CPU per send through the engine: enqueue SENDS messages, then drain the outbox. */
async function outboxRound(dir: string, round: number): Promise<number> {
  const store = createSqliteStore({ path: join(dir, `send-${round}.db`) });
  const switchboard = createSwitchboard({
    adapters: [
      createWhatsAppAdapter({
        appSecret: world.appSecret,
        verifyToken: world.verifyToken,
        accessToken: world.token,
        phoneNumberIds: [world.phoneNumberId],
        graphBaseUrl: world.url,
      }),
    ],
    store,
    logger: silentLogger,
    limiter: { take: async () => 0 },
    watch: false,
  });
  const to = { channel: 'whatsapp', accountId: world.phoneNumberId, userId: world.userId };
  const send = (i: number) =>
    switchboard.send({ to, content: { type: 'text', text: `Your order ${i} has shipped.` } });
  await Promise.all(Array.from({ length: 200 }, (_, i) => send(i))); // warm-up
  await switchboard.drain();
  const cpu = await cpuMicros(async () => {
    await Promise.all(Array.from({ length: SENDS }, (_, i) => send(i)));
    await switchboard.drain();
  });
  const pending = (await store.outbox.backlog()).reduce((n, b) => n + b.pending, 0);
  const failed = await store.outbox.list({ state: 'failed', limit: 1 });
  await store.close();
  if (pending > 0 || failed.length > 0)
    throw new Error(`outbox: ${pending} pending, failed: ${failed[0]?.id}`);
  return cpu / SENDS;
}

/** CPU per bare POST: undici keep-alive pool, same endpoint, token and appsecret_proof, same body shape. */
async function bareRound(): Promise<number> {
  const pool = new Pool(world.url, { connections: CONCURRENCY, pipelining: 1 });
  const proof = createHmac('sha256', world.appSecret).update(world.token).digest('hex');
  const path = `/v24.0/${world.phoneNumberId}/messages?appsecret_proof=${proof}`;
  const post = async (i: number) => {
    const { statusCode, body } = await pool.request({
      method: 'POST',
      path,
      headers: { authorization: `Bearer ${world.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: recipient(i),
        type: 'text',
        text: { body: `Your order ${i} has shipped.`, preview_url: false },
        biz_opaque_callback_data: `ob_${i}`,
      }),
    });
    const json = (await body.json()) as { messages?: unknown[] };
    if (statusCode !== 200 || !json.messages) throw new Error(`bare POST: ${statusCode}`);
  };
  const run = async (n: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < n) await post(next++);
      }),
    );
  };
  await run(200); // warm-up
  const cpu = await cpuMicros(() => run(SENDS));
  await pool.close();
  return cpu / SENDS;
}

const dir = mkdtempSync(join(tmpdir(), 'sb-bench-send-'));
const rows: (string | number)[][] = [];
const ratios: number[] = [];
const load = loadavg()[0] ?? 0;
try {
  for (let round = 0; round < ROUNDS; round++) {
    const bare = await bareRound();
    const ours = await outboxRound(dir, round);
    ratios.push(ours / bare);
    rows.push([round + 1, fmt(bare, 0), fmt(ours, 0), `${fmt(ours / bare, 2)}×`]);
    console.info(`send: round ${round + 1}: bare ${fmt(bare, 0)} µs, outbox ${fmt(ours, 0)} µs per send`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  child.send({ type: 'stop' });
}
const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)] ?? Number.NaN;

writeResult(
  'send',
  'Send CPU: through the outbox vs a bare keep-alive POST',
  `${fmt(SENDS)} WhatsApp text messages per round. "outbox": \`switchboard.send\` (validated, stored in the SQLite outbox with durability \`full\`), then \`drain()\`: the outbox worker claims them, builds the Graph body and POSTs it through the adapter's axios client (keep-alive agents, no redirects, no interceptors, appsecret_proof), records each receipt. Messages go to 100 recipients in turn (the outbox keeps each recipient's messages in order and sends to different recipients concurrently). "bare": the same endpoint, token, proof, recipients and body shape POSTed with an undici keep-alive pool, ${CONCURRENCY} in flight (the outbox's batch). Both against \`@switchboard/simulator\` in its own process; CPU of the sending process only (user + system, all threads), per message; the limiter is a no-op. Rounds alternate the two. Load average (1 min) at the start: ${fmt(load, 2)}.

${markdownTable(['round', 'bare undici POST: CPU µs/send', 'outbox: CPU µs/send', 'outbox / bare'], rows)}

Median outbox / bare: ${fmt(median, 2)}× (issue 15's goal: ≤ 2×).

Reproduce: \`npm run bench:send -w @switchboard/bench\` (env \`BENCH_SENDS\`, \`BENCH_SEND_ROUNDS\`).`,
);
