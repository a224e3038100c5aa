import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * The root README's commands as a user on a fresh clone types them. npm links a workspace's bin only
 * when its target existed at install time (not on a fresh clone, where `dist/` comes later), so a
 * script must not rely on the link.
 */
describe('root README commands', () => {
  it('npm run sim starts the simulator and prints where it listens', async () => {
    const child = spawn('npm', ['run', 'sim', '--', '--port', '0', '--json'], {
      cwd: ROOT,
      detached: true,
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no startup line in 120 s:\n${out}\n${err}`)), 120_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{') && l.includes('"url"'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as Record<string, unknown>);
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm run sim exited with ${code}:\n${out}\n${err}`));
      });
    }).catch((error: unknown) => {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
      throw error;
    });
    try {
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const truth = await fetch(`${info.url as string}/_sim/truth`);
      expect(truth.status).toBe(200);
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    }
  }, 150_000);
});
