import type { DoctorReport } from './doctor.js';

/** The report as people read it: one ✓ / ✗ line per check, then a count. */
export function formatReport(report: DoctorReport): string {
  if (report.checks.length === 0)
    return '✗ nothing to check: set MESSENGER_*, INSTAGRAM_* or WHATSAPP_* variables (at least the app secret)\n';
  const width = (pick: (c: DoctorReport['checks'][number]) => string) =>
    Math.max(...report.checks.map((c) => pick(c).length));
  const w = {
    channel: width((c) => c.channel),
    account: width((c) => c.accountId),
    probe: width((c) => c.probe),
  };
  const lines = report.checks.map((c) =>
    [
      c.ok ? '✓' : '✗',
      c.channel.padEnd(w.channel),
      c.accountId.padEnd(w.account),
      c.probe.padEnd(w.probe),
      `${c.tenantId ? `[${c.tenantId}] ` : ''}${c.ok ? '' : `${c.status}: `}${c.reason}`,
    ].join('  '),
  );
  const problems = report.checks.filter((c) => !c.ok).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(
    `${plural(report.checks.length, 'check')}, ${problems ? plural(problems, 'problem') : 'no problems'}`,
  );
  return `${lines.join('\n')}\n`;
}
