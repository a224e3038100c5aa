/**
 * A fleet of accounts on one SQLite-backed engine (issue 14): how connecting, memory, the ack path and
 * the per-send account lookup behave with N accounts (three channels, 500 tenants) against 3 accounts.
 *
 * - connect: latency of each `switchboard.accounts.connect` (a durable write, durability `full`), p50/p99;
 * - memory: JS heap after a GC, engine started with the watch on, before and after connecting N accounts;
 * - ack cost: CPU per acknowledged webhook (`handleWebhook`, signature check + durable inbox append), for an
 *   account of the N-account fleet against an engine with 3 accounts, processor stopped in both; three
 *   alternating rounds, median of each;
 * - send lookup: what a send resolves before calling Meta — the account's credentials through the adapter's
 *   host (registry copy + sealed credentials, opened once then cached), p50/p99 over connected accounts; and
 *   the refusal of a send for a disconnected account (validation + registry copy, nothing stored).
 * Every account is connected with its own access token (sealed with AES-256-GCM before it is stored).
 *
 * Writes bench/results/fleet.md; its last line is the summary line quoted in bench/README.md.
 * Run: npm run bench:fleet -w @switchboard/bench  (env BENCH_FLEET_ACCOUNTS, default 10000)
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AdapterHost,
  type ChannelAdapter,
  createSwitchboard,
  type Switchboard,
  silentLogger,
} from '@switchboard/core';
import { createInstagramAdapter } from '@switchboard/instagram';
import { createMessengerAdapter } from '@switchboard/messenger';
import { createSqliteStore } from '@switchboard/store-sqlite';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import { fmt, markdownTable, writeResult } from './lib/report.js';
import { APP_SECRET, PHONE_NUMBER_ID, signedWebhook, VERIFY_TOKEN } from './lib/webhooks.js';

const ACCOUNTS = Number(process.env.BENCH_FLEET_ACCOUNTS ?? 10_000);
const ACKS = Number(process.env.BENCH_FLEET_ACKS ?? 3_000);
const LOOKUPS = 2_000;
const MiB = 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const CHANNELS = ['whatsapp', 'messenger', 'instagram'] as const;
/** Account i of the fleet; the first WhatsApp one is the number the bench webhooks are addressed to. */
const account = (i: number) => ({
  channel: CHANNELS[i % 3] as string,
  accountId: i === 0 ? PHONE_NUMBER_ID : String(100_000_000_000_000 + i),
  tenantId: `tenant-${i % 500}`,
});
const KEYS = [{ id: 'bench', key: randomBytes(32) }];
/** The adapters' hosts of the last engine built, by channel: what a send asks for credentials. */
const hosts = new Map<string, AdapterHost>();
const capturingHost = (adapter: ChannelAdapter): ChannelAdapter => {
  const attach = adapter.attach?.bind(adapter);
  adapter.attach = (host) => {
    hosts.set(adapter.channel, host);
    attach?.(host);
  };
  return adapter;
};

const dir = mkdtempSync(join(tmpdir(), 'sb-bench-fleet-'));

function engine(name: string): Switchboard {
  // A closed local port: no probe of the watch ever reaches Meta from a bench.
  const common = {
    appSecrets: [APP_SECRET],
    verifyToken: VERIFY_TOKEN,
    graphBaseUrl: 'http://127.0.0.1:9',
    logger: silentLogger,
  };
  return createSwitchboard({
    adapters: [
      createWhatsAppAdapter({ ...common, phoneNumberIds: [PHONE_NUMBER_ID] }),
      createMessengerAdapter(common),
      createInstagramAdapter(common),
    ].map(capturingHost),
    store: createSqliteStore({ path: join(dir, `${name}.db`) }),
    logger: silentLogger,
    credentials: { keys: KEYS },
  });
}

async function connectAll(switchboard: Switchboard, n: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await switchboard.accounts.connect({
      ...account(i),
      credentials: { accessToken: `EAAbench${i}${randomBytes(16).toString('hex')}` },
    });
    latencies.push(performance.now() - started);
  }
  return latencies;
}

/** CPU µs per acknowledged webhook, 50 in flight (as Meta delivers concurrently). */
async function ackCost(switchboard: Switchboard): Promise<number> {
  const request = () => {
    const { body, headers } = signedWebhook();
    return new Request('http://bench/webhooks/whatsapp', { method: 'POST', body, headers });
  };
  for (let i = 0; i < 200; i++) await switchboard.handleWebhook(request()); // warm-up
  const before = process.cpuUsage();
  for (let done = 0; done < ACKS; done += 50) {
    const answers = await Promise.all(Array.from({ length: 50 }, () => switchboard.handleWebhook(request())));
    if (answers.some((a) => a.status !== 200)) throw new Error('a webhook was not acknowledged');
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / ACKS;
}

try {
  const fleet = engine('fleet');
  await fleet.start();
  const heapBefore = heap();
  const connect = await connectAll(fleet, ACCOUNTS);
  const heapAfter = heap();
  const mibPer1k = (heapAfter - heapBefore) / MiB / (ACCOUNTS / 1000);

  // Credentials as a send resolves them, for accounts across the fleet: opened on first use, then cached.
  const credentialLookups: number[] = [];
  for (let pass = 0; pass < 2; pass++)
    for (let k = 0; k < LOOKUPS; k++) {
      const a = account((k * 7919) % ACCOUNTS);
      const started = performance.now();
      const credentials = await hosts.get(a.channel)?.credentials(a.accountId);
      if (pass === 1) credentialLookups.push(performance.now() - started);
      if (!credentials?.accessToken) throw new Error(`no credentials for ${a.channel}:${a.accountId}`);
    }

  // A tenth of the fleet leaves; a send for one of them is refused right after the lookup.
  const gone = Array.from({ length: Math.max(1, Math.floor(ACCOUNTS / 10)) }, (_, k) => account(k * 10 + 1));
  for (const a of gone) await fleet.accounts.disconnect(a.channel, a.accountId);
  const lookups: number[] = [];
  for (let k = 0; k < LOOKUPS; k++) {
    const a = gone[k % gone.length]!;
    const started = performance.now();
    const refused = await fleet
      .send({ to: { ...a, userId: '16315551234' }, content: { type: 'text', text: 'hi' } })
      .then(
        () => false,
        (e: { code?: string }) => e.code === 'ACCOUNT_NOT_CONNECTED',
      );
    lookups.push(performance.now() - started);
    if (!refused) throw new Error('a send for a disconnected account was not refused');
  }
  await fleet.stop();

  const small = engine('small');
  await small.start();
  await connectAll(small, 3);
  await small.stop();
  // Alternating rounds, median of each: the machine is shared and its load drifts.
  const fleetAcks: number[] = [];
  const smallAcks: number[] = [];
  for (let round = 0; round < 3; round++) {
    fleetAcks.push(await ackCost(fleet));
    smallAcks.push(await ackCost(small));
  }
  const fleetAck = percentile(fleetAcks, 50);
  const smallAck = percentile(smallAcks, 50);

  const ratio = fleetAck / smallAck;
  const rows = [
    ['accounts connected', fmt(ACCOUNTS), '—'],
    [
      'connect p50 / p99 (ms)',
      `${fmt(percentile(connect, 50), 2)} / ${fmt(percentile(connect, 99), 2)}`,
      '≤ 20 (p99)',
    ],
    ['JS heap per 1,000 accounts (MiB, watch on)', fmt(mibPer1k, 2), '≤ 5'],
    ['ack CPU per webhook, N accounts / 3 accounts (µs)', `${fmt(fleetAck, 1)} / ${fmt(smallAck, 1)}`, '—'],
    ['ack cost ratio', `${fmt(ratio, 2)}x`, '≤ 1.1x'],
    [
      'send lookup: credentials, cached, p50 / p99 (ms)',
      `${fmt(percentile(credentialLookups, 50), 4)} / ${fmt(percentile(credentialLookups, 99), 4)}`,
      '≤ 1 (p99)',
    ],
    [
      'send refused for a disconnected account p50 / p99 (ms)',
      `${fmt(percentile(lookups, 50), 3)} / ${fmt(percentile(lookups, 99), 3)}`,
      '—',
    ],
  ];
  const line = `fleet: ${ACCOUNTS} accounts, connect p99 ${fmt(percentile(connect, 99), 2)} ms, ${fmt(mibPer1k, 2)} MiB per 1k accounts, ack cost ${ACCOUNTS} vs 3 accounts ${fmt(ratio, 2)}x, send lookup p99 ${fmt(percentile(credentialLookups, 99), 4)} ms`;
  writeResult(
    'fleet',
    `Fleet of ${fmt(ACCOUNTS)} accounts (SQLite, durability full)`,
    `${markdownTable(['measure', 'value', 'goal'], rows)}\n\nLoad average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}. Each account is connected with its own token (sealed, AES-256-GCM); the send lookup resolves it through the adapter's host, as a send does.\n\n${line}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
