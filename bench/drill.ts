/**
 * The incident drill: replays 2024-07-11 (Instagram webhooks dropped 15:56 → 00:00 UTC) on the Meta
 * simulator with a manual clock, plus three variants and outages of 30 s to 8 h on Messenger and
 * Instagram, and writes the tables to results/drill.md.
 * Run: `npm run drill` (root) or `npm run drill -w bench`.
 * `npm run drill -- --fleet` runs the fleet drill instead (bench/drill/fleet.ts → results/fleet-drill.md;
 * `FLEET_FULL=0` for the quarter fleet); its Instagram variant runs in a second process.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { alarmThreshold, DEFAULT_FLEET, windowForThreshold } from '@switchboard/core/watch';
import {
  type FleetDrillResult,
  FULL_FLEET,
  fleetGraphLine,
  fleetLine,
  forkFleetDrill,
  QUARTER_FLEET,
  runFleetDrill,
} from './drill/fleet.js';
import { promiseTable } from './drill/fleet-promise.js';
import { OUTAGE_VARIANTS, RECONCILE_INTERVAL_MS, runOutage } from './drill/outages.js';
import { accountTable, lossNotes, outageTable, summaryTable } from './drill/report.js';
import { type DrillResult, PLANS, runPlan } from './drill/scenarios.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** How long a silence must last before the alarm fires, at a constant rate (the default tuning). */
function silenceWindow(perMinute: number): number {
  const rate = perMinute / MINUTE;
  return windowForThreshold(
    rate,
    alarmThreshold({ ratePerMs: rate, checkIntervalMs: MINUTE, periodMs: 30 * DAY, budget: 1 }),
  );
}

/** Writes a results file and formats it like the rest of the repository (biome formats markdown tables). */
function writeResults(name: string, text: string) {
  const file = fileURLToPath(new URL(`./results/${name}`, import.meta.url));
  writeFileSync(file, text);
  try {
    const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
    execFileSync(process.execPath, [biome, 'format', '--write', file], { stdio: 'ignore' });
  } catch {
    console.warn(`biome not found: results/${name} left unformatted`);
  }
}

async function fleetDrill() {
  const started = performance.now();
  const fleet = process.env.FLEET_FULL === '0' ? QUARTER_FLEET : FULL_FLEET;
  const print = (r: FleetDrillResult) => {
    console.log(fleetLine(r));
    console.log(fleetGraphLine(r));
    return r;
  };
  // Two processes (the machine has two cores): the Instagram variant with its Graph side is the longest,
  // the other three run one after the other beside it.
  const instagram = forkFleetDrill({ variant: 'instagram', fleet }).then(print);
  const others: FleetDrillResult[] = [];
  for (const variant of ['whatsapp', 'app', 'quiet'] as const)
    others.push(print(await runFleetDrill({ variant, fleet })));
  const results = [await instagram, ...others];
  const total = performance.now() - started;
  const graphCells = (r: FleetDrillResult) => {
    const g = r.graph;
    // WhatsApp has no history API: nothing dropped is reachable, all of it lost, none of it nameable.
    if (r.variant === 'whatsapp')
      return `${r.engine.recovered} / 0 | ${r.dropped - r.engine.recovered} (${r.engine.named} named) | 0 | — | —`;
    if (!g) return 'not reconciled (no Graph side) | — | 0 | — | —';
    const min = (ms: number | null) => (ms === null ? '—' : `${(ms / 60_000).toFixed(0)} min`);
    return `${g.recovered} / ${g.reachable} | ${g.lost} (${g.named} named) | ${g.duplicates} | ${g.usage.throttledCalls} of ${g.graphCalls} (peak ${g.usage.peakAppPercent} %) | ${min(g.catchUpMs)} (ETA ${min(g.etaAtResumeMs)})`;
  };
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.platformAlarmAfterMs === null ? '—' : `${(r.platformAlarmAfterMs / 1000).toFixed(0)} s`} | ${r.scopeAccounts} / ${r.affected} | ${graphCells(r)} | ${r.estimatedMissed} | ${r.falsePlatformAlarms.length} | ${r.accountAlarms} | ${r.singleAccountAlarmed} / ${r.singleAccountProblems} | ${r.messages} (${r.dropped} dropped) | ${(r.realMs / 1000).toFixed(1)} s (cpu ${(r.cpuMs / 1000).toFixed(1)} s) |`,
  );
  const text = [
    '# Fleet drill — 2024-07-11 across a fleet',
    '',
    `Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Run: ${new Date().toISOString()}. Total real time ${(total / 1000).toFixed(1)} s.`,
    '',
    `Fleet: ${fleet.instagram} Instagram, ${fleet.messenger} Messenger, ${fleet.whatsapp} WhatsApp accounts across ${fleet.tenants} tenants, 20 % on a second Meta app;`,
    'per-account peak rates log-normal (median 12 a day, σ 2.2, capped at 10 a minute), day-shaped, customers writing in sessions of 3 messages',
    'on average. Two weeks of history imported; the engine watch (per-account silence every 5 min, pooled check every 10 s) on the manual clock',
    '(the quiet month checks each account every 15 min).',
    '',
    '| variant | platform alarm after | incident scope / affected | recovered / reachable | lost (named) | duplicates | throttled Graph calls (app usage peak) | catch-up after the outage (ETA at resume) | incident estimated missed | false platform alarms | account alarms | single-account problems alarmed | inbound messages | real time |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...results.flatMap((r) => [fleetLine(r), fleetGraphLine(r)]),
    '',
    '## What the pooled alarm can promise',
    '',
    `Silence of a whole pool before \`platform_outage\` fires (false alarms ≤ ${DEFAULT_FLEET.falseAlarmBudget} per pool per ${DEFAULT_FLEET.falseAlarmPeriodMs / DAY} days), for pools drawn like this fleet:`,
    '',
    promiseTable(),
    '',
  ].join('\n');
  console.log(`\n${text}`);
  writeResults('fleet-drill.md', text);
}

async function main() {
  if (process.argv.includes('--fleet')) return fleetDrill();
  const started = performance.now();
  const results: DrillResult[] = [];
  for (const key of ['instagram', 'whatsapp', 'quiet', 'unsubscribed'] as const) {
    const result = await runPlan(PLANS[key]);
    results.push(result);
    console.log(`${result.name}: done in ${(result.realMs / 1000).toFixed(1)} s`);
  }
  const outages = [];
  for (const variant of OUTAGE_VARIANTS) {
    const result = await runOutage(variant);
    outages.push(result);
    console.log(`${result.name}: done in ${(result.realMs / 1000).toFixed(1)} s`);
  }
  const total = performance.now() - started;
  const promise = [3, 1, 0.5, 0.1, 1 / 60]
    .map((r) => `| ${r >= 0.1 ? r : r.toFixed(3)} | ${(silenceWindow(r) / MINUTE).toFixed(1)} min |`)
    .join('\n');
  const lines = [
    '# Incident drill — 2024-07-11',
    '',
    `Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Run: ${new Date().toISOString()}. Total real time ${(total / 1000).toFixed(1)} s.`,
    '',
    'Simulated with `ManualClock` on `@switchboard/simulator`; session traffic (customers write bursts, the business answers) with a day-shaped rate',
    '(peaks per minute: Messenger 2 / 1 / 0.5, Instagram 3 / 1.5 / 0.8, WhatsApp 2.5 / 1 / 0.5), engine defaults',
    '(silence check every minute, reconciliation every 2 min with 60 s grace, probes every 5 min, `autoResubscribe: true`),',
    'four weeks of traffic history imported into the baselines. Detection = first alarm on an affected account.',
    '',
    summaryTable(results),
    '',
  ];
  lines.push(
    '## Short outages',
    '',
    `One Messenger or Instagram account's webhooks dropped for 30 s to 8 h, starting at a seeded moment of the ${RECONCILE_INTERVAL_MS / 60_000}-minute`,
    'reconciliation cycle, after 20 minutes of session traffic (3 messages/min on the account, 30 customers); in every run one customer',
    'writes just before, during and just after the outage (a masked gap: its conversation is updated by a delivered message).',
    '"masked" = dropped messages followed by a delivered one in their conversation. Time to full recovery runs from the end of the',
    'outage until every dropped message is held or named unrecoverable (10 s resolution); an alarm cleared early is a `webhook_gap`',
    'clear while a message of its window was neither.',
    '',
    outageTable(outages),
    '',
  );
  for (const r of results) {
    lines.push(`## ${r.name}`, '', accountTable(r), '');
    for (const note of lossNotes(r)) lines.push(`- ${note}`);
    lines.push('');
  }
  lines.push(
    '## What the silence alarm can promise',
    '',
    'Silence needed before the alarm fires at a steady rate (false alarms ≤ 1 per 30 days per account):',
    '',
    '| inbound messages / min | silence before the alarm |',
    '| ---: | ---: |',
    promise,
    '',
    'A quiet account cannot be watched by volume: at 6 messages an hour the alarm needs close to two hours of',
    'silence. There, reconciliation is the detector (it fires within grace + one period after the first message',
    'the webhooks missed, and backfills it), and the subscription / token probes catch the unsubscribes. On',
    'WhatsApp nothing can be backfilled: detection is by volume only, and the messages of the window are lost',
    'unless Meta redelivers them.',
    '',
  );
  const text = lines.join('\n');
  console.log(`\n${text}`);
  writeResults('drill.md', text);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
