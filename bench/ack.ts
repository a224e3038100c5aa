/**
 * Durable ack throughput on SQLite vs the floor, in one run: signed WhatsApp webhooks (a unique message
 * per request) POSTed by autocannon (in this process) at a server in a child process (bench/ack-server.ts):
 * 1. floor — bare node:http that checks the HMAC and answers 200;
 * 2. engine, ack only — createSwitchboard + SQLite (durability `full`: the WAL is fsynced before the 200);
 * 3. engine + processor — the same with the processor parsing, deduplicating, persisting and dispatching
 *    in the same thread, as deployed;
 * 4. engine-worker (opt-in, BENCH_ACK_MODES) — the ack path of 2. in the main thread and the processor in
 *    a worker thread with its own SQLite connection to the same file.
 * Writes bench/results/<BENCH_ACK_RESULT, default ack>.md.
 *
 * Run: npm run bench:ack -w @switchboard/bench  (env BENCH_DURATION_S, default 10; BENCH_CONNECTIONS, default 100)
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { fmt, markdownTable, writeResult } from './lib/report.js';
import { signedWebhook } from './lib/webhooks.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = Math.min(3, Math.max(1, Math.round(DURATION_S / 3)));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const ROUNDS = Number(process.env.BENCH_ACK_ROUNDS ?? 5);
const ALL_MODES = ['floor', 'engine-ack-only', 'engine', 'engine-worker'] as const;
type Mode = (typeof ALL_MODES)[number];
// BENCH_ACK_MODES=engine,floor runs a subset (the ratio needs `floor`); engine-worker only when named.
const MODES = ALL_MODES.filter((m) =>
  (process.env.BENCH_ACK_MODES ?? 'floor,engine-ack-only,engine').split(',').includes(m),
);
const RESULT = process.env.BENCH_ACK_RESULT ?? 'ack';
const LABELS: Record<Mode, string> = {
  floor: 'floor: node:http + HMAC check',
  'engine-ack-only': 'engine, ack path only (SQLite full)',
  engine: 'engine + processor running (SQLite full)',
  'engine-worker': 'engine, processor in a worker thread (SQLite full, 2 connections)',
};
const PROCESSING: readonly Mode[] = ['engine', 'engine-worker'];

interface Server {
  child: ChildProcess;
  port: number;
}

function startServer(mode: Mode, dbPath: string): Promise<Server> {
  const child = fork(fileURLToPath(new URL('./ack-server.ts', import.meta.url)), [mode, dbPath], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
    child.on('message', (m: { type?: string; port?: number }) => {
      if (m.type === 'ready' && m.port) resolve({ child, port: m.port });
    });
  });
}

function ask<T>(server: Server, type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string; stats?: T }) => {
      if (m.type !== type) return;
      server.child.off('message', onMessage);
      resolve(m.stats as T);
    };
    server.child.on('message', onMessage);
    server.child.send({ type });
  });
}

function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.child.removeAllListeners('exit');
    server.child.once('exit', () => resolve());
    server.child.send({ type: 'stop' });
  });
}

function load(port: number, duration: number): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/webhooks/whatsapp',
        setupRequest: (request) => ({ ...request, ...signedWebhook() }),
      },
    ],
  });
}

interface Row {
  round: number;
  mode: Mode;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  load1: number;
  processedPerS: number;
  waiting: number;
  /** Bodies waiting at the end minus at the start of the measurement, per second. */
  backlogPerS: number;
  threads: Record<'main' | 'worker', ThreadUse | undefined>;
  /** Server CPU time (all threads) per answered request: less sensitive to a busy machine than req/s. */
  cpuPerRequest: number;
}

interface LockWaits {
  begins: number;
  waitMs: number;
  slow: number;
  heldMs: number;
}
interface ThreadCounts {
  lock: LockWaits;
  elu: { idle: number; active: number };
}
interface Counts {
  inbox?: { pending: number; done: number; dead: number };
  cpuMicros: number;
  threads?: Partial<Record<'main' | 'worker', ThreadCounts>>;
}
/** One thread during the measurement: share of wall time busy, and time blocked on the writer lock. */
interface ThreadUse {
  elu: number;
  /** Share of the wall time this thread's connection held the writer lock. */
  held: number;
  lockWaitMsPerS: number;
  slowBeginsPerS: number;
  beginsPerS: number;
}

function threadUse(before: ThreadCounts | undefined, after: ThreadCounts | undefined): ThreadUse | undefined {
  if (!before || !after) return undefined;
  const active = after.elu.active - before.elu.active;
  const idle = after.elu.idle - before.elu.idle;
  return {
    elu: active / Math.max(1, active + idle),
    held: (after.lock.heldMs - before.lock.heldMs) / (DURATION_S * 1000),
    lockWaitMsPerS: (after.lock.waitMs - before.lock.waitMs) / DURATION_S,
    slowBeginsPerS: (after.lock.slow - before.lock.slow) / DURATION_S,
    beginsPerS: (after.lock.begins - before.lock.begins) / DURATION_S,
  };
}

async function measure(round: number, mode: Mode, dbPath: string): Promise<Row> {
  const server = await startServer(mode, dbPath);
  try {
    await load(server.port, WARMUP_S);
    const load1 = loadavg()[0] ?? 0;
    const before = await ask<Counts>(server, 'stats');
    const result = await load(server.port, DURATION_S);
    const after = await ask<Counts>(server, 'stats');
    const row: Row = {
      round,
      mode,
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      load1,
      processedPerS: ((after.inbox?.done ?? 0) - (before.inbox?.done ?? 0)) / DURATION_S,
      waiting: after.inbox?.pending ?? 0,
      backlogPerS: ((after.inbox?.pending ?? 0) - (before.inbox?.pending ?? 0)) / DURATION_S,
      threads: {
        main: threadUse(before.threads?.main, after.threads?.main),
        worker: threadUse(before.threads?.worker, after.threads?.worker),
      },
      cpuPerRequest: (after.cpuMicros - before.cpuMicros) / Math.max(1, result.requests.total),
    };
    console.info(
      `ack: round ${round} ${mode}: ${fmt(row.rps)} req/s, p99 ${row.p99} ms, processed ${fmt(row.processedPerS)}/s, waiting ${row.waiting}, load ${fmt(load1, 2)}`,
    );
    return row;
  } finally {
    await stopServer(server);
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const dir = mkdtempSync(join(tmpdir(), 'sb-bench-ack-'));
const rows: Row[] = [];
try {
  // Rounds interleave the servers, in reverse order every other round (floor, engine, engine, floor,
  // ...), so that a slow phase of the shared machine hits all of them alike; the table reports medians
  // over the rounds.
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 ? MODES : [...MODES].reverse();
    for (const mode of order) rows.push(await measure(round, mode, join(dir, `${mode}-${round}.db`)));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const ratio = (row: Row) =>
  row.rps / (rows.find((r) => r.round === row.round && r.mode === 'floor')?.rps ?? Number.NaN);
const summary = MODES.map((mode) => {
  const of = rows.filter((r) => r.mode === mode);
  return {
    mode,
    rps: median(of.map((r) => r.rps)),
    ratio: median(of.map(ratio)),
    ratios: of.map((r) => fmt(ratio(r), 2)).join(' / '),
    p50: median(of.map((r) => r.p50)),
    p99: median(of.map((r) => r.p99)),
    cpu: median(of.map((r) => r.cpuPerRequest)),
    non2xx: of.reduce((sum, r) => sum + r.non2xx, 0),
    errors: of.reduce((sum, r) => sum + r.errors, 0),
    processed: PROCESSING.includes(mode)
      ? `${fmt(median(of.map((r) => r.processedPerS)))} bodies/s (${fmt(median(of.map((r) => r.waiting)))} waiting at the end, ${of.map((r) => fmt(r.waiting)).join(' / ')})`
      : '—',
    load: of.map((r) => fmt(r.load1, 1)).join(' / '),
  };
});
const table = markdownTable(
  [
    'server',
    'req/s',
    'ratio to floor',
    ROUNDS > 1 ? 'ratio per round' : 'ratio',
    'p50 ms',
    'p99 ms',
    'server CPU µs/request',
    'non-2xx',
    'errors',
    'processed meanwhile',
    'load avg (1 min)',
  ],
  summary.map((r) => [
    LABELS[r.mode],
    fmt(r.rps),
    fmt(r.ratio, 2),
    r.ratios,
    r.p50,
    r.p99,
    fmt(r.cpu),
    r.non2xx,
    r.errors,
    r.processed,
    r.load,
  ]),
);
// Per thread of the engine servers: how busy it was and how long it sat in SQLite's busy handler.
const threadRows = MODES.filter((m) => m !== 'floor').flatMap((mode) =>
  (['main', 'worker'] as const).flatMap((thread) => {
    const uses = rows.filter((r) => r.mode === mode).flatMap((r) => r.threads[thread] ?? []);
    if (uses.length === 0) return [];
    const of = rows.filter((r) => r.mode === mode);
    return [
      [
        mode,
        thread === 'main' ? 'main (HTTP acks)' : 'worker (processor)',
        fmt(median(uses.map((u) => u.elu)), 2),
        fmt(median(uses.map((u) => u.beginsPerS))),
        fmt(median(uses.map((u) => u.held)), 2),
        fmt(median(uses.map((u) => u.lockWaitMsPerS))),
        fmt(median(uses.map((u) => u.slowBeginsPerS)), 1),
        thread === 'main' ? fmt(median(of.map((r) => r.backlogPerS))) : '',
      ],
    ];
  }),
);
const threadTable = markdownTable(
  [
    'server',
    'thread',
    'event-loop utilisation',
    'transactions/s',
    'writer lock held (share of time)',
    'ms/s blocked on the writer lock',
    'waits > 1 ms per s',
    'backlog growth, bodies/s',
  ],
  threadRows,
);
const verdict = (mode: Mode) => {
  const row = summary.find((r) => r.mode === mode);
  if (!row || Number.isNaN(row.ratio)) return 'not measured';
  const meets = row.ratio >= 0.8 && row.p99 < 50;
  return `${fmt(row.ratio, 2)} of the floor, p99 ${row.p99} ms — ${meets ? 'meets' : 'misses'} the goal (≥ 0.80, p99 < 50 ms)`;
};
writeResult(
  RESULT,
  'Webhook ack throughput on SQLite vs the floor (node:http, loopback)',
  `Signed WhatsApp webhooks (one new message per request, ~600 bytes) POSTed by autocannon with ${CONNECTIONS} connections for ${DURATION_S} s after a ${WARMUP_S} s warm-up. Autocannon runs in the bench process, each server in its own child process, so the load generator never shares the server's thread (on this machine they do share the cores). ${ROUNDS} round(s); each round measures the servers one after the other (in reverse order every other round), and the table shows medians over the rounds (the ratio is taken within each round). The engine answers 200 only once the raw body is committed to SQLite and the WAL synced (durability \`full\`, group commit).

${table}

- Engine, ack path only: ${verdict('engine-ack-only')}.
- Engine with the processor in the same thread: ${verdict('engine')}.
${
  MODES.includes('engine-worker')
    ? `- Engine with the processor in a worker thread: ${verdict('engine-worker')}.
`
    : ''
}- "processed meanwhile": inbox bodies fully processed (parsed, events stored and dispatched) per second during the measurement, and how many were still waiting when the load stopped. Under a flood the processor gives way to acknowledgements (it takes at least a quarter of the thread), so the backlog grows during the flood and is worked off afterwards; processing a body (parse, dedup insert, read model, dispatch, done mark: several writes that also make each group commit and its fsync larger) costs a few times the CPU of acknowledging it, so one thread cannot both ack at the floor's rate and keep up. In a worker thread the processor does not give way (it polls every 50 ms when idle), but each of its transactions needs SQLite's single writer lock, which the ack thread's group commit holds most of the time under a flood.
- "server CPU µs/request": CPU time of the server process (all its threads) divided by the requests it answered; for the engine with the processor it includes the processing done meanwhile. It is the least noisy column on a busy machine.
- Per thread (medians over the rounds): event-loop utilisation (share of the wall time the thread was busy); transactions/s (\`BEGIN IMMEDIATE\`, one per group-commit batch); the share of the wall time its connection held SQLite's writer lock (begin to commit; the store's batch stays open while the previous commit's WAL sync runs); the time the thread spent blocked in SQLite's busy handler waiting for the other connection's writer lock (better-sqlite3 blocks the whole thread there, HTTP included), and how often a begin waited over 1 ms; the backlog's growth during the measurement.

${threadTable}

- Load average (1 min) is read right before each measurement; above the core count, other processes compete for the CPU and the numbers are lower and noisier than on a quiet machine.

Reproduce: \`npm run bench:ack -w @switchboard/bench\` (env \`BENCH_DURATION_S\` default 10, \`BENCH_ACK_ROUNDS\` default 5, \`BENCH_CONNECTIONS\` default 100, \`BENCH_ACK_MODES\` default \`floor,engine-ack-only,engine\` (add \`engine-worker\`), \`BENCH_ACK_RESULT\` default \`ack\`).`,
);
