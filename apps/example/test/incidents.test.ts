import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningInbox } from '../src/server/app.js';
import type { IncidentsView, TrafficView } from '../src/shared/incident-types.js';
import { launchBrowser, screenshot, signIn, startTestInbox, watchConsole } from './browser.js';

let browser: Browser;
let page: Page;
let inbox: RunningInbox;
let cleanup: () => Promise<void>;
let consoleErrors: string[];

/** What a test reads from a chart's uPlot instance in the page. */
interface ChartState {
  columns: number;
  buckets: number;
  received: number;
  expectedMax: number;
  bandOk: boolean;
  bands: number;
  marksDrawn: number;
  incidentsDrawn: number;
}

/** Reads the uPlot instance behind a chart element (not just the canvas). */
async function chartState(selector: string): Promise<ChartState> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      type Plot = { data: Array<Array<number | null>>; bands: unknown[] };
      const u = (el as HTMLElement & { uplot?: Plot }).uplot;
      if (!u) throw new Error('no uPlot instance on the chart');
      const [x = [], received = [], expected = [], low = [], high = []] = u.data;
      return {
        columns: u.data.length,
        buckets: x.length,
        received: received.reduce<number>((a, b) => a + (b ?? 0), 0),
        expectedMax: Math.max(0, ...expected.map((v) => v ?? 0)),
        bandOk: low.every((l, i) => (l ?? 0) <= (high[i] ?? 0)) && high.some((v) => (v ?? 0) > 0),
        bands: u.bands.length,
        marksDrawn: Number((el as HTMLElement).dataset.marksDrawn ?? 0),
        incidentsDrawn: Number((el as HTMLElement).dataset.incidentsDrawn ?? 0),
      };
    });
}

describe('Incidents page and traffic charts', () => {
  beforeAll(async () => {
    // Short watch intervals (reconciliation notices an outage within seconds) and 5 s chart buckets.
    ({ inbox, cleanup } = await startTestInbox({
      WATCH_RECONCILE_INTERVAL_MS: '2000',
      WATCH_RECONCILE_GRACE_MS: '2000',
      WATCH_SILENCE_CHECK_INTERVAL_MS: '3000',
      WATCH_CHART_BUCKET_MS: '5000',
      WATCH_CHART_WINDOW_MS: '600000',
      // Demo traffic, and a week of it as the learned history: the expected band is the demo's rate.
      DEMO_TRAFFIC_PER_MINUTE: '30',
    }));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
    consoleErrors = watchConsole(page);
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('the incident and traffic routes need the login and answer their shapes', async () => {
    for (const path of [
      '/api/incidents',
      '/api/traffic',
      '/api/incidents/inc_x/packet',
      '/api/incidents/inc_x/packet.json',
      '/api/incidents/inc_x/packet.md',
    ]) {
      const response = await fetch(`${inbox.url}${path}`);
      expect(response.status, path).toBe(401);
    }
    const api = await signIn(inbox);
    // A page of another site cannot read them (or start a packet download) with the user's cookie.
    for (const path of ['/api/incidents', '/api/traffic', '/api/incidents/inc_x/packet.json'])
      expect((await api(path, { headers: { 'sec-fetch-site': 'cross-site' } })).status, path).toBe(403);
    const incidents = (await (await api('/api/incidents')).json()) as IncidentsView;
    expect(incidents).toEqual({ watching: true, active: [], past: [] });
    for (const path of [
      '/api/incidents/inc_nope',
      '/api/incidents/inc_nope/packet',
      '/api/incidents/inc_nope/packet.md',
    ])
      expect((await api(path)).status, path).toBe(404);
    expect((await api('/api/incidents/..%2F..%2Fetc/packet.json')).status).toBe(404);
    const traffic = (await (await api('/api/traffic')).json()) as TrafficView;
    expect(traffic.watching).toBe(true);
    expect(traffic.bucketMs).toBe(5000);
    expect(traffic.pools.map((p) => p.channel).sort()).toEqual(['instagram', 'messenger', 'whatsapp']);
    // 10 minutes of 5 s buckets, every column as long as the times.
    for (const s of [...traffic.pools, ...traffic.accounts]) {
      expect(s.times).toHaveLength(120);
      for (const column of [s.observed, s.expected, s.low, s.high]) expect(column).toHaveLength(120);
    }
    expect(traffic.accounts.length).toBeGreaterThanOrEqual(3);
    // No secret of the simulated apps in either answer.
    const world = inbox.simulator?.world;
    const text = JSON.stringify(traffic) + JSON.stringify(incidents);
    for (const secret of [
      world?.app.secret,
      world?.systemUserToken,
      ...(world?.tokens ?? []).map((t) => t.token),
    ])
      if (secret) expect(text).not.toContain(secret);
  });

  it('an Instagram outage opens an incident with scope, counts, timeline, status and packet, marked on the charts', async () => {
    await page.goto(inbox.openUrl);
    await page.goto(`${inbox.url}/health`);
    await page.locator('[data-testid="overall"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="chaos-ig-drop"]').click();
    await page.locator('.faults [data-fault="webhook-outage"]').waitFor();

    const sim = inbox.simulator!;
    const customers = sim.world.customers.filter((c) => c.channel === 'instagram').slice(0, 3);
    for (const [i, c] of customers.entries())
      sim.customerSends({
        channel: 'instagram',
        accountId: c.accountId,
        userId: c.userId,
        kind: 'text',
        text: `Lost #${i + 1}`,
      });
    // The engine's reconciliation finds the gap: the alarm opens an incident, pushed live to the page.
    await page.goto(`${inbox.url}/incidents`);
    const card = page.locator('[data-testid="open-incidents"] .incident[data-kind="account"]').first();
    await card.waitFor({ timeout: 30_000 });
    expect(await card.locator('[data-testid="scope"]').textContent()).toContain('Instagram');
    expect(await card.locator('[data-testid="scope-accounts"]').textContent()).toBe('1 account(s)');
    const id = (await card.getAttribute('data-incident')) as string;
    // The counts are the engine's (`watch.incidents`), shown as they are.
    expect(inbox.switchboard.watch?.incidents.get(id)?.scope.channel).toBe('instagram');
    for (const key of ['recovered', 'lost', 'named'] as const)
      await expect
        .poll(async () => {
          const shown = Number(await card.locator(`[data-testid="count-${key}"]`).textContent());
          return shown === inbox.switchboard.watch?.incidents.get(id)?.counts[key];
        })
        .toBe(true);
    expect(await card.locator('[data-testid="timeline"] li').count()).toBeGreaterThanOrEqual(1);
    expect(await card.locator('[data-testid="timeline"]').textContent()).toContain('webhook_gap');
    expect(await card.locator('.status-text[data-tenant="acme"]').textContent()).toMatch(
      /instagram stopped delivering messages|Recovering|Resolved/,
    );

    // The packet, viewed in the page in both formats and downloaded as files.
    await card.locator('[data-testid="view-markdown"]').click();
    await expect
      .poll(() => page.locator(`.incident[data-incident="${id}"] [data-testid="packet"]`).textContent())
      .toContain('webhook outage: instagram');
    await page.locator(`.incident[data-incident="${id}"] [data-testid="view-json"]`).click();
    await page
      .locator(`.incident[data-incident="${id}"] [data-testid="packet"][data-format="json"]`)
      .waitFor();
    const shown = JSON.parse(
      (await page.locator(`.incident[data-incident="${id}"] [data-testid="packet"]`).textContent()) ?? '{}',
    ) as { incident?: string; channel?: string };
    expect(shown).toMatchObject({ incident: id, channel: 'instagram' });
    for (const [testid, check] of [
      ['download-json', (body: string) => expect(JSON.parse(body).incident).toBe(id)],
      ['download-markdown', (body: string) => expect(body).toContain(`**Incident:** ${id}`)],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator(`.incident[data-incident="${id}"] [data-testid="${testid}"]`).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^incident-.+\.(json|md)$/);
      check(readFileSync((await download.path()) as string, 'utf8'));
    }

    // The channel chart: real series in the uPlot instance, the band, the alarm lines and the incident span.
    const igChart = '.pool-chart[data-channel="instagram"] .traffic-chart';
    await page.locator(igChart).waitFor();
    await expect
      .poll(async () => (await chartState(igChart)).marksDrawn, { timeout: 15_000 })
      .toBeGreaterThan(0);
    const pool = await chartState(igChart);
    expect(pool).toMatchObject({ columns: 5, buckets: 120, bands: 1, bandOk: true });
    expect(pool.received).toBeGreaterThan(0);
    expect(pool.expectedMax).toBeGreaterThan(0);
    expect(pool.incidentsDrawn).toBeGreaterThan(0);
    expect(await page.locator('.pool-chart').count()).toBe(3);
    await page.locator('[data-testid="fleet-traffic"]').scrollIntoViewIfNeeded();
    await screenshot(page, '11-incidents');

    // The same small chart on the Instagram account's health card.
    await page.goto(`${inbox.url}/health`);
    const accountChart = '.account[data-channel="instagram"] .account-chart .traffic-chart';
    await page.locator(accountChart).waitFor({ timeout: 15_000 });
    await expect
      .poll(async () => (await chartState(accountChart)).marksDrawn, { timeout: 15_000 })
      .toBeGreaterThan(0);
    const account = await chartState(accountChart);
    expect(account).toMatchObject({ columns: 5, buckets: 120, bands: 1, bandOk: true });
    expect(account.received).toBeGreaterThan(0);
    await page.locator(accountChart).scrollIntoViewIfNeeded();
    await screenshot(page, '12-health-account-chart');

    // The outage ends: the alarm clears once verified, and the incident closes into the past list.
    await page.locator('[data-testid="chaos-clear"]').click();
    await page.goto(`${inbox.url}/incidents`);
    await page
      .locator(`[data-testid="past-incidents"] .incident[data-incident="${id}"][data-state="closed"]`)
      .waitFor({ timeout: 45_000 });
    expect(
      await page.locator(`.incident[data-incident="${id}"] .status-text[data-tenant="acme"]`).textContent(),
    ).toContain('Resolved');
    expect(consoleErrors).toEqual([]);
  });
});
