import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** One line naming the machine and the date, printed above every result table. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  return `Machine: ${cpu}, ${cpus().length} cores, ${gib} GiB, Node ${process.version}, ${process.platform}. Date: ${new Date().toISOString().slice(0, 10)}.`;
}

export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Writes bench/results/<name>.md and prints it. */
export function writeResult(name: string, title: string, body: string): void {
  const text = `## ${title}\n\n${machineLine()}\n\n${body}\n`;
  mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
  writeFileSync(join(BENCH_DIR, 'results', `${name}.md`), text);
  process.stdout.write(`\n${text}\n`);
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
