import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const scripts = (
  JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }
).scripts;

/**
 * Runs `npm run <script>` from the repository root as a user on a fresh clone types it, until a stdout
 * line matches; then stops the whole process group. npm links a workspace's bin only when its target
 * existed at install time (not on a fresh clone, where `dist/` comes later), so a script must not rely
 * on the link.
 */
async function runUntil(
  args: string[],
  match: (line: string) => boolean,
  use: (line: string, output: string) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  const child = spawn('npm', args, { cwd: ROOT, detached: true, env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no startup line in 150 s:\n${out}\n${err}`)), 150_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const found = out.split('\n').find(match);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm ${args.join(' ')} exited with ${code}:\n${out}\n${err}`));
      });
    });
    await use(line, out);
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
  }
}

describe('root README commands', () => {
  it('every npm command the README lists is a root script', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const listed = new Set(
      [...readme.matchAll(/npm (?:run )?([a-z:]+)/g)]
        .map((m) => m[1] ?? '')
        .filter((name) => !['install', 'ci', 'run', 'pack'].includes(name)),
    );
    expect([...listed]).toEqual(
      expect.arrayContaining(['start', 'test', 'build', 'typecheck', 'lint', 'sim']),
    );
    for (const name of listed) expect(scripts[name], `npm run ${name}`).toBeDefined();
  });

  it('npm run sim starts the simulator and prints where it listens', async () => {
    await runUntil(
      ['run', 'sim', '--', '--port', '0', '--json'],
      (l) => l.startsWith('{') && l.includes('"url"'),
      async (line) => {
        const info = JSON.parse(line) as { url: string };
        expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect((await fetch(`${info.url}/_sim/truth`)).status).toBe(200);
      },
    );
  }, 180_000);

  it('npm start builds and starts the example inbox on the simulator and prints its URL', async () => {
    const data = mkdtempSync(join(tmpdir(), 'switchboard-start-'));
    try {
      await runUntil(
        ['start'],
        (l) => l.includes('Health ') && l.includes('/health'),
        async (line, output) => {
          expect(output).toContain('Switchboard Inbox is running');
          expect(output).toMatch(/Mode\s+simulator at http:\/\/127\.0\.0\.1:\d+/);
          const health = line.trim().split(/\s+/)[1] ?? '';
          const res = await fetch(health);
          expect(res.status).toBe(200);
        },
        { PORT: '0', DATA_DIR: data },
      );
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 180_000);
});
