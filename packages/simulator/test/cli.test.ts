import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function start(args: string[]): Promise<{ output: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start: ${output}`)), 20_000);
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('/_sim/state') || output.trim().startsWith('{')) {
        clearTimeout(timer);
        resolve({
          output,
          stop: () =>
            new Promise((done) => {
              child.once('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${code}: ${output}`));
    });
  });
}

describe('switchboard-sim CLI', () => {
  it('starts, prints its URL and the world without secrets, and serves the Graph API', async () => {
    const { output, stop } = await start([
      '--port',
      '0',
      '--seed',
      '3',
      '--webhook',
      'messenger=http://127.0.0.1:9/webhooks/messenger',
      '--traffic',
      '20/min',
    ]);
    try {
      const url = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
      expect(url).toBeDefined();
      expect(output).toContain('messenger -> http://127.0.0.1:9/webhooks/messenger');
      const state = (await (await fetch(`${url}/_sim/state?secrets=1`)).json()) as {
        world: { pages: Array<{ id: string }> };
        secrets: { appSecret: string; verifyToken: string };
      };
      expect(output).toContain(state.world.pages[0]!.id);
      expect(output).not.toContain(state.secrets.appSecret);
      expect(output).toContain(`verify token    ${state.secrets.verifyToken}`);
      const me = await fetch(`${url}/v24.0/me?access_token=nope`);
      expect(((await me.json()) as { error: { code: number } }).error.code).toBe(190);
    } finally {
      expect(await stop()).toBe(0);
    }
  }, 30_000);

  it('prints secrets only with --print-secrets, as JSON with --json, honouring fixed secrets', async () => {
    const { output, stop } = await start([
      '--port',
      '0',
      '--json',
      '--print-secrets',
      '--app-secret',
      'demo-secret',
      '--verify-token',
      'demo-verify',
    ]);
    try {
      const info = JSON.parse(output.trim().split('\n')[0]!) as {
        url: string;
        verifyToken: string;
        secrets: { appSecret: string; systemUserToken: string };
      };
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info.secrets.appSecret).toBe('demo-secret');
      expect(info.verifyToken).toBe('demo-verify');
      expect(info.secrets.systemUserToken).toMatch(/^EAA/);
    } finally {
      await stop();
    }
  }, 30_000);

  it('listening beyond loopback, prints a control token that /_sim/* requires', async () => {
    const { output, stop } = await start(['--port', '0', '--host', '0.0.0.0']);
    try {
      const port = output.match(/listening on http:\/\/0\.0\.0\.0:(\d+)/)?.[1];
      const token = output.match(/control token\s+([A-Za-z0-9]{32})/)?.[1];
      expect(port).toBeDefined();
      expect(token).toBeDefined();
      const state = `http://127.0.0.1:${port}/_sim/state`;
      expect((await fetch(state)).status).toBe(401);
      expect((await fetch(state, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await stop();
    }
  }, 30_000);

  it('rejects a malformed --webhook', async () => {
    await expect(start(['--port', '0', '--webhook', 'telegram=http://x'])).rejects.toThrow(
      /--webhook must look like/,
    );
  }, 30_000);
});
