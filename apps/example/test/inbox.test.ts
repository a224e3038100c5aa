import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningInbox } from '../src/server/app.js';
import { launchBrowser, screenshot, signIn, startTestInbox, watchConsole } from './browser.js';

let browser: Browser;
let page: Page;
let inbox: RunningInbox;
let cleanup: () => Promise<void>;
let consoleErrors: string[];

const conversationLink = (channel: string) => page.locator(`a.conv[data-channel="${channel}"]`);

/** The health page re-renders on live updates: scroll again when the element was replaced meanwhile. */
async function scrollTo(locator: Locator): Promise<void> {
  await expect
    .poll(() =>
      locator.scrollIntoViewIfNeeded({ timeout: 2_000 }).then(
        () => true,
        () => false,
      ),
    )
    .toBe(true);
}

/** Opens the conversation of a simulated customer from the list. */
async function openConversation(id: string): Promise<void> {
  await page.locator(`a.conv[data-conversation-id="${id}"]`).click();
  await page.locator('.thread-head').waitFor();
  await page.locator('.messages .msg, .messages .notice').first().waitFor();
}

describe('Switchboard Inbox in a real browser', () => {
  beforeAll(async () => {
    // Short watch intervals so the engine's reconciliation notices an outage within seconds.
    ({ inbox, cleanup } = await startTestInbox({
      WATCH_RECONCILE_INTERVAL_MS: '2000',
      WATCH_RECONCILE_GRACE_MS: '2000',
      WATCH_SILENCE_CHECK_INTERVAL_MS: '3000',
    }));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    consoleErrors = watchConsole(page);
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('shows conversations from Messenger, Instagram and WhatsApp in one inbox', async () => {
    // Logs in as a user does: the URL printed at start sets the cookie and redirects to the inbox.
    await page.goto(inbox.openUrl);
    expect(page.url()).toBe(`${inbox.url}/`);
    for (const channel of ['messenger', 'instagram', 'whatsapp']) {
      await conversationLink(channel).first().waitFor({ timeout: 20_000 });
    }
    await page.locator('#live-state', { hasText: 'Live' }).waitFor();
    // Every seeded conversation (4 per channel), then the comment threads (2 per post, under their post).
    await expect
      .poll(() => page.locator('li:not(.comment-thread) > a.conv').count(), { timeout: 20_000 })
      .toBe(12);
    await expect.poll(() => page.locator('li.comment-thread > a.conv').count(), { timeout: 20_000 }).toBe(4);
    expect(await page.locator('a.conv .badge').count()).toBeGreaterThan(0);
    await screenshot(page, '01-inbox');
  });

  it('renders every content kind of the demo conversations', async () => {
    const sim = inbox.simulator!;
    const kinds = new Set<string>();
    const probes: Array<[string, string]> = [
      ['.location-card', 'location'],
      ['.contact-card', 'contacts'],
      ['.order-card', 'order'],
      ['.sticker-wrap img', 'sticker'],
      ['.media.image img', 'image'],
      ['.bubble.postback', 'postback'],
      ['.story', 'story'],
      ['.share-card', 'share'],
      ['.chip-reply', 'quick reply'],
    ];
    for (const customer of sim.world.customers) {
      await openConversation(`${customer.channel}:${customer.accountId}:${customer.userId}`);
      for (const [selector, kind] of probes)
        if (await page.locator(`.messages ${selector}`).count()) kinds.add(kind);
    }
    expect([...kinds].sort()).toEqual(probes.map(([, k]) => k).sort());
  });

  it('replies on WhatsApp and shows the message reach delivered', async () => {
    const customer = inbox.simulator!.world.customers.find((c) => c.channel === 'whatsapp')!;
    const id = `whatsapp:${customer.accountId}:${customer.userId}`;
    await openConversation(id);
    await expect.poll(() => page.locator(`a.conv[data-conversation-id="${id}"] .badge`).count()).toBe(0);
    await page.locator('[data-testid="window"]', { hasText: 'Window open' }).waitFor();
    await page
      .locator('[data-testid="composer-text"]')
      .fill('Sorry about that! A replacement ships today 📦');
    await page.locator('[data-testid="send"]').click();
    const sent = page.locator('.msg.out', { hasText: 'A replacement ships today' });
    await sent.waitFor();
    await expect
      .poll(() => sent.getAttribute('data-state'), { timeout: 20_000 })
      .toMatch(/^(delivered|read)$/);
    const business = inbox.simulator!.businessSends({ channel: 'whatsapp', userId: customer.userId });
    expect(business.map((b) => (b.body.text as { body?: string } | undefined)?.body)).toContain(
      'Sorry about that! A replacement ships today 📦',
    );
    await screenshot(page, '02-whatsapp-delivered');
  });

  it('replies on Messenger with quick replies and follows the echo to read', async () => {
    const customer = inbox.simulator!.world.customers.find((c) => c.channel === 'messenger')!;
    await openConversation(`messenger:${customer.accountId}:${customer.userId}`);
    await page.locator('.composer-tabs button[data-mode="quick_replies"]').click();
    await page.locator('[data-testid="composer-text"]').fill('Which size do you need?');
    await page.locator('input[name="replies"]').fill('S, M, L');
    await page.locator('[data-testid="send"]').click();
    const sent = page.locator('.msg.out', { hasText: 'Which size do you need?' });
    // The composer shows why a send was refused: say it instead of timing out.
    const refused = page.locator('.composer-error:not([hidden])');
    await sent.locator('.chip', { hasText: 'M' }).or(refused).first().waitFor();
    expect((await refused.isVisible()) ? await refused.textContent() : null).toBeNull();
    await sent.locator('.chip', { hasText: 'M' }).waitFor();
    await expect.poll(() => sent.getAttribute('data-state'), { timeout: 20_000 }).toBe('read');
  });

  it('shows a new customer message live, with an unread badge', async () => {
    const sim = inbox.simulator!;
    const customer = sim.world.customers.filter((c) => c.channel === 'instagram')[1]!;
    const id = `instagram:${customer.accountId}:${customer.userId}`;
    sim.customerSends({
      channel: 'instagram',
      accountId: customer.accountId,
      userId: customer.userId,
      kind: 'text',
      text: 'Is this live? ⚡',
    });
    const row = page.locator(`a.conv[data-conversation-id="${id}"]`);
    await row.locator('.preview', { hasText: 'Is this live? ⚡' }).waitFor({ timeout: 15_000 });
    await row.locator('.badge').waitFor();
    await openConversation(id);
    await page.locator('.msg.in', { hasText: 'Is this live? ⚡' }).waitFor();
  });

  it('sends a WhatsApp template when the 24-hour window is closed', async () => {
    const sim = inbox.simulator!;
    const account = sim.account('whatsapp');
    const userId = '15550009999';
    sim.customerSends({
      channel: 'whatsapp',
      accountId: account.accountId,
      userId,
      kind: 'text',
      text: 'Old question from two days ago',
      at: Date.now() - 48 * 3_600_000,
    });
    const id = `whatsapp:${account.accountId}:${userId}`;
    await page.locator(`a.conv[data-conversation-id="${id}"]`).waitFor({ timeout: 15_000 });
    await openConversation(id);
    await page.locator('[data-testid="window"]', { hasText: 'Window closed' }).waitFor();
    await page.locator('.window-banner.closed').waitFor();
    expect(await page.locator('.composer-tabs button[data-mode="text"]').isDisabled()).toBe(true);
    await page.locator('[data-testid="template-select"]').selectOption({ label: 'hello_world · en_US' });
    await page.locator('[data-testid="send"]').click();
    const sent = page.locator('.msg.out', { hasText: 'hello_world' });
    await sent.waitFor();
    await expect
      .poll(() => sent.getAttribute('data-state'), { timeout: 20_000 })
      .toMatch(/^(delivered|read)$/);
    await screenshot(page, '03-template-window-closed');
  });

  it('turns the health page degraded when a token expires, and back when it is renewed', async () => {
    await page.goto(`${inbox.url}/health`);
    const overall = page.locator('[data-testid="overall"]');
    await overall.waitFor({ timeout: 20_000 });
    expect(await overall.getAttribute('data-status')).toBe('ok');
    expect(await page.locator('.account').count()).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator('[data-testid="last-event"]').first().textContent()).toMatch(/ago/);
    await screenshot(page, '04-health-ok');

    await page.locator('[data-testid="chaos-expire-whatsapp"]').click();
    await expect.poll(() => overall.getAttribute('data-status'), { timeout: 20_000 }).not.toBe('ok');
    const whatsapp = page.locator('.account[data-channel="whatsapp"][data-status="down"]');
    await whatsapp.first().waitFor();
    await expect(whatsapp.first().locator('.probe.down p').first().textContent()).resolves.toMatch(
      /expired|invalid/i,
    );
    await screenshot(page, '05-health-token-expired');

    await page.locator('[data-testid="chaos-clear"]').click();
    await expect.poll(() => overall.getAttribute('data-status'), { timeout: 20_000 }).toBe('ok');
  });

  it('shows a 429 storm as an active fault and a send waiting to retry', async () => {
    await page.locator('[data-testid="chaos-429"]').click();
    await page.locator('.faults [data-fault="rate-limit-storm"]').waitFor();
    await expect
      .poll(() => page.locator('[data-testid="overall"]').getAttribute('data-status'), { timeout: 20_000 })
      .not.toBe('ok');
    await screenshot(page, '06-health-429-storm');

    const customer = inbox.simulator!.world.customers.filter((c) => c.channel === 'whatsapp')[1]!;
    await page.goto(
      `${inbox.url}/c/${encodeURIComponent(`whatsapp:${customer.accountId}:${customer.userId}`)}`,
    );
    await page.locator('[data-testid="composer-text"]').fill('Are you still there?');
    await page.locator('[data-testid="send"]').click();
    const sent = page.locator('.msg.out', { hasText: 'Are you still there?' });
    await sent.locator('.msg-error.retrying', { hasText: 'RATE_LIMITED' }).waitFor({ timeout: 20_000 });
    expect(await sent.getAttribute('data-state')).toBe('pending');
    await screenshot(page, '07-send-retrying');

    await page.goto(`${inbox.url}/health`);
    await page.locator('[data-testid="chaos-clear"]').click();
    await page.locator('.faults li.muted', { hasText: 'No active fault' }).waitFor();
  });

  it('raises a webhook_gap alarm live in an Instagram outage and backfills the dropped messages', async () => {
    await page.goto(`${inbox.url}/health`);
    await page.locator('[data-testid="overall"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="watch"] [data-testid="silence"]').first().waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="chaos-ig-drop"]').click();
    await page.locator('.faults [data-fault="webhook-outage"]').waitFor();

    const sim = inbox.simulator!;
    const customers = sim.world.customers.filter((c) => c.channel === 'instagram').slice(0, 3);
    const texts = customers.map((c, i) => `Lost in the outage #${i + 1} from ${c.userId.slice(-4)}`);
    for (const [i, c] of customers.entries()) {
      sim.customerSends({
        channel: 'instagram',
        accountId: c.accountId,
        userId: c.userId,
        kind: 'text',
        text: texts[i]!,
      });
    }

    // The alarm arrives over SSE (no reload); the page then shows the recovered count. Reconciliation
    // first waits out the 429 storm of the test before: the engine's call budget honours the storm's
    // estimated_time_to_regain_access (one minute) even though the fault was cleared sooner.
    const alarms = page.locator('[data-testid="alarms"]');
    await alarms
      .locator('.alarm[data-alarm="webhook_gap"][data-state="raised"]')
      .waitFor({ timeout: 100_000 });
    await page.locator('.toast', { hasText: 'Alarm raised' }).waitFor();
    await alarms.locator('.history li[data-alarm="webhook_gap"][data-state="raised"]').first().waitFor();
    await expect
      .poll(async () => Number(await page.locator('[data-testid="loss-backfilled"]').textContent()), {
        timeout: 20_000,
      })
      .toBeGreaterThanOrEqual(texts.length);
    const run = page.locator(
      '[data-testid="recovery"] tr[data-trigger="automatic"][data-channel="instagram"]',
    );
    await run.first().waitFor();
    expect(Number(await run.first().locator('[data-testid="run-backfilled"]').textContent())).toBeGreaterThan(
      0,
    );
    const igCard = page.locator('.account[data-channel="instagram"]').first();
    await igCard.locator('.alarm[data-alarm="webhook_gap"]').waitFor();
    expect(await igCard.locator('[data-testid="reconciliation"]').textContent()).toMatch(
      /[1-9]\d* message\(s\) backfilled/,
    );
    await scrollTo(igCard);
    await screenshot(page, '09-health-webhook-gap');
    await scrollTo(alarms);
    await screenshot(page, '10-health-alarms-loss');

    // No webhook reached the app, yet every message is in the inbox: backfill brought them.
    expect(sim.truth.summary().lost).toBeGreaterThanOrEqual(texts.length);
    await page.goto(inbox.url);
    for (const [i, c] of customers.entries()) {
      await openConversation(`instagram:${c.accountId}:${c.userId}`);
      await page.locator('.msg.in', { hasText: texts[i]! }).waitFor({ timeout: 15_000 });
    }

    await page.goto(`${inbox.url}/health`);
    await page.locator('[data-testid="chaos-clear"]').click();
    await page.locator('.faults li.muted', { hasText: 'No active fault' }).waitFor();
  }, 180_000);

  it('lists accounts by tenant; a disconnected account holds its webhooks until it is reconnected', async () => {
    const sim = inbox.simulator!;
    await page.setViewportSize({ width: 1360, height: 860 });
    await page.goto(`${inbox.url}/accounts`);
    const rows = page.locator('[data-testid="accounts"] tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    const whatsapp = page.locator(`tr[data-account="whatsapp:${sim.world.phoneNumbers[0]!.id}"]`);
    expect(await whatsapp.locator('input.tenant').inputValue()).toBe('globex');
    await page.locator('.accounts-head select').selectOption('acme');
    await expect.poll(() => rows.count()).toBe(2);
    await page.locator('.accounts-head select').selectOption('');
    await screenshot(page, '07b-accounts');

    // The inbox filtered to one tenant shows that tenant's conversations only.
    await page.goto(inbox.url);
    await page.locator('a.conv').first().waitFor();
    await page.locator('select.tenant-filter').selectOption('globex');
    await expect
      .poll(
        async () =>
          new Set(
            await page.locator('a.conv').evaluateAll((els) => els.map((e) => e.getAttribute('data-channel'))),
          ),
      )
      .toEqual(new Set(['whatsapp']));
    await page.locator('select.tenant-filter').selectOption('');

    // Disconnect WhatsApp: a customer's message is acknowledged and held, not shown.
    await page.goto(`${inbox.url}/accounts`);
    await whatsapp.locator('button', { hasText: 'Disconnect' }).click();
    await whatsapp
      .locator('[data-status="disconnected"], td .status', { hasText: 'disconnected' })
      .first()
      .waitFor();
    const customer = sim.world.customers.find((c) => c.channel === 'whatsapp')!;
    const held = sim.customerSends({
      channel: 'whatsapp',
      userId: customer.userId,
      text: 'anyone there? (held)',
    });
    await sim.idle();
    expect(held.deliveredCount).toBe(1);
    await new Promise((r) => setTimeout(r, 1_500));
    const id = `whatsapp:${customer.accountId}:${customer.userId}`;
    const api = await signIn(inbox);
    const thread = async () =>
      JSON.stringify(await api(`/api/conversations/${encodeURIComponent(id)}`).then((r) => r.json()));
    await expect.poll(thread).toContain('is held: the account is not connected');
    expect(await thread()).not.toContain('anyone there? (held)');

    // Reconnected: the held message is processed (one processor lease later, 30 s by default).
    await whatsapp.locator('button', { hasText: 'Reconnect' }).click();
    await whatsapp.locator('button', { hasText: 'Disconnect' }).waitFor();
    await expect.poll(thread, { timeout: 45_000, interval: 1_000 }).toContain('anyone there? (held)');
  });

  it('onboards a new WhatsApp business through Embedded Signup; it receives and replies with its own token', async () => {
    const sim = inbox.simulator!;
    await page.goto(`${inbox.url}/accounts`);
    const rows = page.locator('[data-testid="accounts"] tbody tr');
    const before = await rows.count();
    await page.locator('.onboarding input.tenant').fill('initech');
    await page.locator('button[data-flow="embedded-signup"]').click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(before + 1);
    const number = sim.world.phoneNumbers.at(-1)!;
    const row = page.locator(`tr[data-account="whatsapp:${number.id}"]`);
    expect(await row.locator('input.tenant').inputValue()).toBe('initech');
    await screenshot(page, '07c-accounts-onboarded');

    // Its customer writes; the conversation shows under the new tenant; the reply goes out with the
    // business token of that signup (the simulator refuses any other token for this number).
    const customer = sim.world.customers.find((c) => c.channel === 'whatsapp' && c.accountId === number.id)!;
    sim.customerSends({ channel: 'whatsapp', userId: customer.userId, text: 'Hello from Initech' });
    await sim.idle();
    const api = await signIn(inbox);
    const id = `whatsapp:${number.id}:${customer.userId}`;
    await expect
      .poll(
        async () =>
          (await api('/api/conversations?tenant=initech').then((r) => r.json())) as Array<{ id: string }>,
        {
          timeout: 15_000,
        },
      )
      .toEqual([expect.objectContaining({ id })]);
    const sent = await api(`/api/conversations/${encodeURIComponent(id)}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'text', text: 'Welcome aboard' }),
    });
    expect(sent.status).toBe(202);
    await expect
      .poll(() => sim.businessSends({ channel: 'whatsapp', accountId: number.id }).length, {
        timeout: 15_000,
      })
      .toBe(1);
  });

  it('fits a phone screen without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 820 });
    await page.goto(inbox.url);
    await page.locator('a.conv').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.locator('a.conv[data-channel="instagram"]').first().click();
    await page.locator('.thread-head .back').waitFor();
    expect(await page.locator('.list-pane').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, '08-phone-conversation');
    await page.locator('.thread-head .back').click();
    await page.locator('.list-pane').waitFor();
  });

  it('serves Prometheus metrics and kept the browser console free of errors', async () => {
    const api = await signIn(inbox);
    const metrics = await api('/metrics').then((r) => r.text());
    expect(metrics).toContain('switchboard_');
    expect(consoleErrors).toEqual([]);
  });
});
