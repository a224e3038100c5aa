import type { OutageResult } from './outages.js';
import type { DrillResult } from './scenarios.js';

const minutes = (ms: number | null) => (ms === null ? '—' : `${(ms / 60_000).toFixed(1)} min`);
const time = (at: number | null) => (at === null ? '—' : new Date(at).toISOString().slice(11, 19));

/** The drill's summary table (markdown). */
export function summaryTable(results: readonly DrillResult[]): string {
  const rows = [
    '| scenario | time to detect (by) | sent in window | missed by webhooks | recovered by backfill | lost (reported) | duplicates to handlers | false alarms | real time |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    rows.push(
      `| ${r.name} | ${minutes(r.detectionMs)} (${r.detectedBy ?? 'not detected'}) | ${r.sent} | ${r.missedByWebhook} | ${r.recovered} | ${r.lost} (${r.reportedUnrecoverable}) | ${r.duplicatesToHandlers} | ${r.falseAlarms.length} | ${(r.realMs / 1000).toFixed(1)} s |`,
    );
  }
  return rows.join('\n');
}

/** Per affected account: when its first message was lost and when the engine noticed. */
export function accountTable(r: DrillResult): string {
  const rows = [
    `| ${r.channel} account | first lost message | first alarm | alarm after first loss | silence alarm |`,
    '| --- | --- | --- | ---: | --- |',
  ];
  for (const a of r.perAccount) {
    const after = a.firstLostAt !== null && a.alarmAt !== null ? a.alarmAt - a.firstLostAt : null;
    rows.push(
      `| ${a.accountId} | ${time(a.firstLostAt)} | ${time(a.alarmAt)} ${a.alarmType ?? ''} | ${minutes(after)} | ${time(a.silenceAt)} |`,
    );
  }
  return rows.join('\n');
}

export function lossNotes(r: DrillResult): string[] {
  const notes: string[] = [];
  if (r.lost > 0 && r.channel === 'whatsapp')
    notes.push(
      `${r.lost} message(s) lost on ${r.affected.length} account(s) (${r.affected.join(', ')}): WhatsApp has no history API, nothing can be backfilled. Meta's retries (up to 7 days) only redeliver what our endpoint refused; a Meta-side drop is final, so detection and the alarm are all the engine can give.`,
    );
  else if (r.lost > 0)
    notes.push(
      `${r.lost} message(s) lost for good in ${r.unrecoverableConversations.length} conversation(s) (${r.unrecoverableConversations.join(', ')}): more than 20 messages arrived there between two reconciliation passes, and the Conversations API details only the newest 20. The engine reported ${r.reportedUnrecoverable}; unreported losses: ${r.lostUnreported}.`,
    );
  if (r.falseAlarms.length)
    notes.push(
      `false alarms: ${r.falseAlarms.map((a) => `${a.type} ${a.channel}:${a.accountId} at ${time(a.at)}`).join('; ')}`,
    );
  if (r.resubscribedAt !== null) notes.push(`the engine resubscribed the app at ${time(r.resubscribedAt)}.`);
  return [...notes, ...r.notes];
}

/** One row per short-outage variant (`outages.ts`); the same rows go into bench/README.md. */
export function outageTable(results: readonly OutageResult[]): string {
  const rows = [
    '| outage | start in pass cycle | dropped (masked) | recovered | named unrecoverable | lost unreported | duplicates to handlers | time to detect (by) | time to full recovery | alarm cleared early | real time |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    const named = r.named + r.countedByConversation;
    rows.push(
      `| ${r.name} | ${(r.phaseMs / 1000).toFixed(0)} s | ${r.dropped.length} (${r.masked.length}) | ${r.held} | ${named}${r.countedByConversation ? ' (by count)' : ''} | ${r.unreported.length} | ${r.duplicatesToHandlers} | ${minutes(r.detectionMs)} (${r.detectedBy ?? 'not detected'}) | ${r.recoveryMs === null ? 'never' : minutes(r.recoveryMs)} | ${r.earlyClears.length} | ${(r.realMs / 1000).toFixed(1)} s |`,
    );
  }
  return rows.join('\n');
}
