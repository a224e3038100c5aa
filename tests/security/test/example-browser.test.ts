import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, type RunningInbox, startTestInbox } from '@switchboard/example/testing';
import { signSha256 } from '@switchboard/simulator';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw } from './http.js';

/** Another site: the browser resolves attacker.test to 127.0.0.1, so only the origin differs. */
const ATTACKER_HOST = 'attacker.test';

/** A page that posts JSON as text/plain, the one body type a cross-site form can send without CORS. */
function csrfPage(inbox: RunningInbox, conversationId: string): string {
  const form = (target: string, action: string, json: string) => {
    // enctype=text/plain sends name=value: the name carries the JSON up to a last field the value closes.
    const name = `${json.slice(0, -1)},"x":"`;
    return `<form target="${target}" method="POST" enctype="text/plain" action="${inbox.url}${action}"><input name='${name}' value='"}'></form>`;
  };
  return `<!doctype html><iframe name="a"></iframe><iframe name="b"></iframe>
${form('a', `/api/conversations/${encodeURIComponent(conversationId)}/send`, '{"kind":"text","text":"pwned by a form"}')}
${form('b', '/api/chaos', '{"type":"rate-limit-storm","durationMs":600000}')}
<script>for (const f of document.forms) f.submit();</script>`;
}

/** Issue 13, items 7 and 10, in a real browser: CSRF, framing, link schemes, and the printed URL. */
describe('Switchboard Inbox against a hostile page (headless Chromium)', () => {
  let browser: Browser;
  let page: Page;
  let inbox: RunningInbox;
  let cleanup: () => Promise<void>;
  let attacker: Server;
  let attackerPort: number;
  const pages = new Map<string, string>();

  beforeAll(async () => {
    ({ inbox, cleanup } = await startTestInbox());
    attacker = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(pages.get(req.url ?? '') ?? '');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerPort = (attacker.address() as AddressInfo).port;
    browser = await launchBrowser([`--host-resolver-rules=MAP ${ATTACKER_HOST} 127.0.0.1`]);
    page = await browser.newPage();
    await page.goto(inbox.openUrl); // logged in: the session cookie is in this browser
    await page.locator('a.conv').first().waitFor({ timeout: 20_000 });
  });
  afterAll(async () => {
    await browser?.close();
    attacker?.close();
    await cleanup?.();
  });

  for (const site of [ATTACKER_HOST, '127.0.0.1']) {
    it(`a form auto-submitted from http://${site}:<other port> neither sends a message nor trips a chaos fault`, async () => {
      const customer = inbox.simulator!.world.customers.find((c) => c.channel === 'whatsapp')!;
      const id = `whatsapp:${customer.accountId}:${customer.userId}`;
      pages.set('/csrf', csrfPage(inbox, id));
      const answered = ['/send', '/api/chaos'].map((path) =>
        page.waitForResponse((r) => r.url().endsWith(path) && r.request().method() === 'POST'),
      );
      await page.goto(`http://${site}:${attackerPort}/csrf`);
      const statuses = await Promise.all(answered.map(async (r) => (await r).status()));
      // Another site gets no cookie (401); a same-site page (another port) gets the cookie, not past the Origin check.
      expect(statuses).toEqual(site === ATTACKER_HOST ? [401, 401] : [403, 403]);
      expect(
        inbox.simulator!.businessSends().filter((s) => JSON.stringify(s.body).includes('pwned')),
      ).toEqual([]);
      expect(inbox.simulator!.faults.list()).toEqual([]);
    });
  }

  it('shows a browser without the login a sign-in form, and the token opens the inbox', async () => {
    const fresh = await browser.newPage(); // a new context: no cookie
    await fresh.goto(inbox.url);
    await fresh
      .locator('.sign-in input[name="token"]')
      .fill(new URL(inbox.openUrl).searchParams.get('token')!);
    await fresh.locator('.sign-in button').click();
    await fresh.locator('a.conv').first().waitFor({ timeout: 20_000 });
    expect(fresh.url()).toBe(`${inbox.url}/`);
    await fresh.close();
  });

  it('cannot be framed by another site', async () => {
    pages.set('/frame', `<!doctype html><iframe src="${inbox.url}/"></iframe>`);
    await page.goto(`http://${ATTACKER_HOST}:${attackerPort}/frame`, { waitUntil: 'load' });
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame).toBeDefined();
    expect(await frame!.locator('#app').count()).toBe(0);
  });

  it('links a platform URL only when it is http(s): a javascript: share link is inert', async () => {
    const sim = inbox.simulator!;
    const pageId = sim.world.pages[0]!.id;
    const userId = '7000000000000099';
    const now = Date.now();
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: pageId,
          time: now,
          messaging: [
            {
              sender: { id: userId },
              recipient: { id: pageId },
              timestamp: now,
              message: {
                mid: 'm_javascript_link',
                attachments: [
                  {
                    type: 'fallback',
                    payload: { url: 'javascript:alert(document.domain)', title: 'Click me' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const delivered = await raw(`${inbox.url}/webhooks/messenger`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signSha256(body, sim.world.app.secret),
      },
      body,
    });
    expect(delivered.status).toBe(200);
    await page.goto(`${inbox.url}/c/${encodeURIComponent(`messenger:${pageId}:${userId}`)}`);
    const link = page.locator('.share-card', { hasText: 'Click me' });
    await link.waitFor({ timeout: 15_000 });
    expect(await link.getAttribute('href')).toBe('#');
  });
});

describe('npm start', () => {
  const main = fileURLToPath(new URL('../../../apps/example/dist/main.js', import.meta.url));
  let child: ChildProcess | undefined;
  let dataDir: string;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints an Open URL that logs the browser in when clicked', async () => {
    if (!existsSync(main)) throw new Error(`${main} is missing: npm run build -w @switchboard/example`);
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-start-'));
    child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        PORT: '0',
        DATA_DIR: dataDir,
        ENV_FILE: join(dataDir, 'no.env'),
        DEMO_TRAFFIC_PER_MINUTE: '0',
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const open = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Open URL printed: ${output}`)), 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const url = output.match(/Open\s+(http:\/\/\S+)/)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      child!.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
    });
    expect(open).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+$/);
    const base = new URL(open).origin;
    expect((await raw(`${base}/api/conversations`)).status).toBe(401);

    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(open);
    expect(page.url()).toBe(`${base}/`);
    await page.locator('a.conv').first().waitFor({ timeout: 20_000 });
    await page.locator('#live-state', { hasText: 'Live' }).waitFor();
  });
});
