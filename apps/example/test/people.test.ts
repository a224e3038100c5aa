import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationSummary, Thread } from '../src/shared/types.js';
import {
  type InboxFetch,
  launchBrowser,
  type RunningInbox,
  screenshot,
  signIn,
  startTestInbox,
  watchConsole,
} from './browser.js';

let browser: Browser;
let page: Page;
let inbox: RunningInbox;
let cleanup: () => Promise<void>;
let api: InboxFetch;
let consoleErrors: string[];

const pictureOf = (id: string) => page.locator(`a.conv[data-conversation-id="${id}"] img.avatar-picture`);
/** Whether the <img> was decoded (a broken picture is removed and leaves the initials). */
const loaded = (selector: string) =>
  page.evaluate((s) => {
    const img = document.querySelector<HTMLImageElement>(s);
    return Boolean(img?.complete && img.naturalWidth > 0);
  }, selector);

async function conversations(): Promise<ConversationSummary[]> {
  return (await (await api('/api/conversations')).json()) as ConversationSummary[];
}

describe('people in the inbox: real names, avatars, thread owners', () => {
  beforeAll(async () => {
    ({ inbox, cleanup } = await startTestInbox());
    api = await signIn(inbox);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    consoleErrors = watchConsole(page);
  });
  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('shows the names and pictures the platform gives for Messenger and Instagram people', async () => {
    await page.goto(inbox.openUrl);
    await page.locator('a.conv[data-channel="messenger"]').first().waitFor({ timeout: 20_000 });
    // The first listing starts the lookups; once cached, every listing carries them.
    await expect
      .poll(async () => (await conversations()).filter((c) => c.avatarUrl).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(8);
    const list = await conversations();
    const sim = inbox.simulator!;
    for (const c of list.filter((x) => x.channel === 'messenger' || x.channel === 'instagram')) {
      const person = sim.world.customers.find((p) => p.channel === c.channel && p.userId === c.userId);
      expect(c.name).toBe(person?.name);
      expect(c.avatarUrl).toBe(`/api/avatar/${encodeURIComponent(c.id)}`);
    }
    // Stored in the engine's store with an expiry, not only in memory.
    const first = list.find((c) => c.channel === 'instagram')!;
    const record = await inbox.switchboard.store.profiles.get('instagram', first.accountId, first.userId);
    expect(record?.profile?.username).toBeTruthy();
    expect(record?.expiresAt).toBeGreaterThan(Date.now());

    await page.reload();
    const messenger = list.find((c) => c.channel === 'messenger')!;
    await pictureOf(messenger.id).waitFor({ timeout: 10_000 });
    await expect
      .poll(() => loaded(`a.conv[data-conversation-id="${messenger.id}"] img.avatar-picture`))
      .toBe(true);
    await expect
      .poll(() => loaded(`a.conv[data-conversation-id="${first.id}"] img.avatar-picture`))
      .toBe(true);
    // WhatsApp has no profile API: initials, no picture.
    const whatsapp = list.find((c) => c.channel === 'whatsapp')!;
    expect(whatsapp.avatarUrl).toBeUndefined();
    expect(await pictureOf(whatsapp.id).count()).toBe(0);
    await screenshot(page, 'people-01-avatars');

    // The picture route sits behind the login like every other API route.
    expect((await fetch(`${inbox.url}${messenger.avatarUrl}`)).status).toBe(401);
    const picture = await api(messenger.avatarUrl!);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/svg+xml');
    expect(picture.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('says who holds a conversation another app took, and clears it when control comes back', async () => {
    const sim = inbox.simulator!;
    const messenger = (await conversations()).find((c) => c.channel === 'messenger' && !c.comment)!;
    const thread = {
      channel: 'messenger' as const,
      accountId: messenger.accountId,
      userId: messenger.userId,
    };
    sim.threads.takenByOtherApp(thread);
    await page.locator(`a.conv[data-conversation-id="${messenger.id}"]`).click();
    const note = page.locator('.thread-head .owner-note');
    await note.waitFor({ timeout: 10_000 });
    expect(await note.textContent()).toContain('Page Inbox (Meta Business Suite)');
    await expect.poll(() => loaded('.thread-head img.avatar-picture'), { timeout: 10_000 }).toBe(true);
    const view = (await (
      await api(`/api/conversations/${encodeURIComponent(messenger.id)}`)
    ).json()) as Thread;
    expect(view.owner).toMatchObject({ idle: false, ownedByUs: false, appId: '263902037430900' });
    await screenshot(page, 'people-02-owner');

    // The person writes meanwhile: the inbox still shows it (standby events are dispatched here).
    const standby = sim.customerSends({ ...thread, kind: 'text', text: 'Is a human there?' });
    await page.locator('.messages .msg', { hasText: 'Is a human there?' }).waitFor({ timeout: 10_000 });
    expect(standby.standby).toBe(true);

    // The Page Inbox passes the conversation back: a handover webhook, the note goes away.
    sim.threads.passedToUs(thread, { metadata: 'done' });
    await expect.poll(() => note.count(), { timeout: 15_000 }).toBe(0);
    expect(consoleErrors).toEqual([]);
  });
});
