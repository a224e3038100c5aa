import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningInbox } from '../src/server/app.js';
import { launchBrowser, screenshot, signIn, startTestInbox, watchConsole } from './browser.js';

let browser: Browser;
let page: Page;
let inbox: RunningInbox;
let cleanup: () => Promise<void>;
let consoleErrors: string[];

const row = (name: string) => page.locator(`tr[data-template="${name}|en_US"]`);

describe('Templates page and template picker in a real browser', () => {
  beforeAll(async () => {
    ({ inbox, cleanup } = await startTestInbox());
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    consoleErrors = watchConsole(page);
    await page.goto(inbox.openUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('lists the WABA templates with status and quality from the template cache', async () => {
    await page.goto(`${inbox.url}/templates`);
    await row('hello_world').first().waitFor({ timeout: 20_000 });
    expect(await row('hello_world').first().getAttribute('data-status')).toBe('APPROVED');
    expect(await row('order_update').first().locator('[data-testid="quality"]').textContent()).toBe('GREEN');
  });

  it('creates a template in simulator mode: PENDING, then APPROVED when Meta’s webhook arrives', async () => {
    await page.locator('[data-testid="template-name"]').fill('pickup_ready');
    await page
      .locator('[data-testid="template-body"]')
      .fill('Hi {{1}}, your order {{2}} is ready for pickup.');
    await page.locator('[data-testid="template-examples"]').fill('Ana, A-1001');
    await page.locator('[data-testid="template-form"] button[type="submit"]').click();
    await page.locator('[data-testid="template-note"]', { hasText: 'PENDING' }).waitFor();
    // The simulator approves after its review delay and sends message_template_status_update to the engine.
    await expect
      .poll(() => row('pickup_ready').first().getAttribute('data-status'), { timeout: 20_000 })
      .toBe('APPROVED');
    await screenshot(page, '20-templates-page');
  });

  it('refuses a definition Meta would reject, before any Graph call', async () => {
    await page.locator('[data-testid="template-name"]').fill('no_examples');
    await page.locator('[data-testid="template-body"]').fill('Hi {{1}}');
    await page.locator('[data-testid="template-examples"]').fill('');
    await page.locator('[data-testid="template-form"] button[type="submit"]').click();
    await page
      .locator('[data-testid="template-note"]', { hasText: '1 parameter(s) but 0 example' })
      .waitFor();
    expect(inbox.simulator?.templates.list().some((t) => t.name === 'no_examples')).toBe(false);
  });

  it('fills a template’s parameters in the composer when the 24-hour window is closed', async () => {
    const sim = inbox.simulator!;
    const account = sim.account('whatsapp');
    const userId = '15550008888';
    sim.customerSends({
      channel: 'whatsapp',
      accountId: account.accountId,
      userId,
      kind: 'text',
      text: 'Is my order ready?',
      at: Date.now() - 48 * 3_600_000,
    });
    const id = `whatsapp:${account.accountId}:${userId}`;
    await page.goto(`${inbox.url}/`);
    await page.locator(`a.conv[data-conversation-id="${id}"]`).click({ timeout: 20_000 });
    await page.locator('.window-banner.closed').waitFor();
    await page.locator('[data-testid="template-select"]').selectOption({ label: 'pickup_ready · en_US' });
    const fields = page.locator('[data-testid="template-params"] input');
    await expect.poll(() => fields.count()).toBe(2);
    await fields.nth(0).fill('Ana');
    await fields.nth(1).fill('A-1001');
    await page.locator('[data-testid="send"]').click();
    const sent = page.locator('.msg.out', { hasText: 'pickup_ready' });
    await sent.waitFor();
    await expect
      .poll(() => sent.getAttribute('data-state'), { timeout: 20_000 })
      .toMatch(/^(sent|delivered|read)$/);
    const body = sim.businessSends({ channel: 'whatsapp' }).at(-1)?.body as { template?: unknown };
    expect(body.template).toMatchObject({
      name: 'pickup_ready',
      components: [{ type: 'body', parameters: [{ text: 'Ana' }, { text: 'A-1001' }] }],
    });
    await screenshot(page, '21-template-picker');
  });

  it('the template API needs the login, like every route', async () => {
    const anonymous = await fetch(`${inbox.url}/api/templates`);
    expect(anonymous.status).toBe(401);
    const authed = await signIn(inbox);
    const crossSite = await authed('/api/templates', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(crossSite.status).toBe(403);
    // The one 400 is the refused definition above: the browser logs every failed fetch.
    expect(consoleErrors.filter((e) => !e.includes('status of 400 (Bad Request)'))).toEqual([]);
    expect(consoleErrors).toHaveLength(1);
  });
});
