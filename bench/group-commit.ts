/**
 * What group commit buys: CPU time per durably appended inbox row on SQLite as a function of how many
 * appends share one commit (and, with durability `full`, one WAL sync). The appends of a group are
 * issued in one event-loop turn and awaited together, so each group is exactly one commit; one append
 * per commit is the baseline. CPU is the process's (all threads: the sync runs on libuv's pool).
 * Writes bench/results/group-commit.md.
 *
 * Run: npm run bench:group-commit -w @switchboard/bench  (env BENCH_GROUP_ROWS, default 20000 per cell)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore, type SqliteDurability } from '@switchboard/store-sqlite';
import { fmt, markdownTable, writeResult } from './lib/report.js';
import { signedWebhook } from './lib/webhooks.js';

const ROWS = Number(process.env.BENCH_GROUP_ROWS ?? 20_000);
const GROUPS = [1, 5, 20, 60, 100];

const bodies = Array.from({ length: 2_000 }, () => {
  const { body, headers } = signedWebhook();
  const raw = Buffer.from(body);
  return { raw, headers: { ...headers, 'content-length': String(raw.byteLength), 'user-agent': 'bench' } };
});

async function measure(group: number, durability: SqliteDurability, dir: string) {
  const store = createSqliteStore({ path: join(dir, `${durability}-${group}.db`), durability });
  const append = async (count: number) => {
    for (let i = 0; i < count; i += group) {
      const writes = [];
      for (let j = 0; j < group; j++) {
        const { raw, headers } = bodies[(i + j) % bodies.length] as (typeof bodies)[number];
        writes.push(store.inbox.append({ channel: 'whatsapp', body: raw, headers, receivedAt: Date.now() }));
      }
      await Promise.all(writes);
    }
  };
  try {
    await append(Math.min(ROWS, 5_000));
    const cpu = process.cpuUsage();
    const started = performance.now();
    await append(ROWS);
    const used = process.cpuUsage(cpu);
    return {
      cpuPerRow: (used.user + used.system) / ROWS,
      wallPerRow: ((performance.now() - started) * 1000) / ROWS,
    };
  } finally {
    await store.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'sb-bench-group-'));
const rows: Array<Array<string | number>> = [];
try {
  let baseline = Number.NaN;
  for (const group of GROUPS) {
    const full = await measure(group, 'full', dir);
    const normal = await measure(group, 'normal', dir);
    if (group === 1) baseline = full.cpuPerRow;
    rows.push([
      group,
      fmt(full.cpuPerRow, 1),
      fmt(full.cpuPerRow / baseline, 2),
      fmt(full.wallPerRow, 1),
      fmt(normal.cpuPerRow, 1),
    ]);
    console.info(`group-commit: ${group} per commit: ${fmt(full.cpuPerRow, 1)} µs CPU/row (full)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

writeResult(
  'group-commit',
  'SQLite group commit: CPU per durably appended row vs rows per commit',
  [
    `${fmt(ROWS)} signed WhatsApp bodies (~600 bytes) appended to the inbox per cell after a warm-up, in groups issued in one event-loop turn and awaited together (one group = one commit). "full" syncs the WAL after each commit (the default: an acknowledged row survives power loss); "normal" does not sync. CPU is the whole process's, the sync's thread included.`,
    '',
    markdownTable(
      [
        'rows per commit',
        'CPU µs/row (full)',
        'vs 1 per commit',
        'wall µs/row (full)',
        'CPU µs/row (normal)',
      ],
      rows,
    ),
    '',
    '- The difference between the full and normal columns is the sync: a fixed cost per commit, so it shrinks per row as groups grow. This is why the store lets a batch collect writes for up to `groupCommitMs` (2 ms by default) while they keep arriving.',
  ].join('\n'),
);
