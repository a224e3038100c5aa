import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const readme = readFileSync(`${ROOT}README.md`, 'utf8');
const quickStart = readme.slice(
  readme.indexOf('## Quick start'),
  readme.indexOf('\n## ', readme.indexOf('## Quick start') + 5),
);
const blocks = [...quickStart.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1],
  code: m[2] ?? '',
}));

/** A command of a sh block, `\` continuations joined, the comment after it dropped. */
function commands(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function waitForLine(child: ChildProcess, match: (line: string) => boolean, what: string): Promise<string> {
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what}: no startup line in 30 s\n${out}\n${err}`)),
      30_000,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find(match);
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}\n${out}\n${err}`));
    });
  });
}

const children: ChildProcess[] = [];
const dir = mkdtempSync(`${ROOT}tests/packaging/.readme-`);
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/** The root README's consumer quick start, as a user runs it: simulator CLI, `node bot.mjs`, the two curls. */
describe('root README quick start', () => {
  it('has the install + simulator commands, the bot, and the curls', () => {
    expect(blocks.map((b) => b.lang)).toEqual(['sh', 'js', 'sh']);
    expect(commands(blocks[0]?.code ?? '')[0]).toMatch(/^npm install @switchboard\/core /);
    expect(blocks[1]?.code.split('\n').length).toBeLessThan(45);
  });

  it('the bot answers a simulated customer through the simulator', async () => {
    const [simBlock, bot, curls] = blocks.map((b) => b.code);
    const botPort = await freePort();
    const simPort = await freePort();
    // `npx switchboard-sim …` as written; the workspace runs the built CLI (npx needs the published package).
    const simCommand = commands(simBlock ?? '').find((c) => c.startsWith('npx switchboard-sim'));
    expect(simCommand).toBeDefined();
    const args = (simCommand ?? '')
      .replace('npx switchboard-sim', '')
      .replaceAll('4010', String(simPort))
      .replaceAll('127.0.0.1:3000', `127.0.0.1:${botPort}`)
      .trim()
      .split(/\s+/);
    const sim = spawn(process.execPath, [`${ROOT}packages/simulator/dist/cli.js`, ...args], { cwd: dir });
    children.push(sim);
    await waitForLine(sim, (l) => l.includes('listening on'), 'switchboard-sim');

    writeFileSync(`${dir}/bot.mjs`, bot ?? '');
    const node = spawn(process.execPath, ['bot.mjs'], {
      cwd: dir,
      env: { ...process.env, SIM_URL: `http://127.0.0.1:${simPort}`, PORT: String(botPort) },
    });
    children.push(node);
    await waitForLine(node, (l) => l.includes('bot listening'), 'node bot.mjs');

    const [post, list] = commands(curls ?? '').map((c) => c.replaceAll('4010', String(simPort)));
    execFileSync('sh', ['-c', post ?? 'false'], { encoding: 'utf8' });
    let sends = '';
    for (let i = 0; i < 100 && !sends.includes('You said: Bonjour'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      sends = execFileSync('sh', ['-c', list ?? 'false'], { encoding: 'utf8' });
    }
    const data = (JSON.parse(sends) as { data: { channel: string; body: unknown }[] }).data;
    expect(data.filter((s) => JSON.stringify(s.body).includes('You said: Bonjour'))).toHaveLength(1);
    expect(data[0]?.channel).toBe('messenger');
  }, 90_000);
});
