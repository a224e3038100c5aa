import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningInbox } from '../src/server/app.js';
import {
  type InboxFetch,
  launchBrowser,
  screenshot,
  signIn,
  startTestInbox,
  watchConsole,
} from './browser.js';

let browser: Browser;
let page: Page;
let inbox: RunningInbox;
let cleanup: () => Promise<void>;
let consoleErrors: string[];
let api: InboxFetch;

/** The demo's top-level comment with a reply under it, on the channel's post. */
function seededThread(channel: 'messenger' | 'instagram') {
  const sim = inbox.simulator!;
  const all = sim.comments.list({ channel });
  const top = all.find((c) => c.parentId === undefined && all.some((r) => r.parentId === c.id));
  if (!top) throw new Error(`no seeded ${channel} comment thread`);
  return { top, id: `${channel}:${top.accountId}:comment:${top.id}` };
}

async function openThread(id: string): Promise<void> {
  await page.locator(`a.conv[data-conversation-id="${id}"]`).click();
  await page.locator('[data-testid="reply-public"]').waitFor();
}

describe('Comments in the inbox (real browser)', () => {
  beforeAll(async () => {
    ({ inbox, cleanup } = await startTestInbox());
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    consoleErrors = watchConsole(page);
    api = await signIn(inbox);
    await page.goto(inbox.openUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('lists comment threads under their post, apart from direct conversations', async () => {
    await expect.poll(() => page.locator('li.comment-thread > a.conv').count(), { timeout: 20_000 }).toBe(4);
    const headings = page.locator('[data-testid="post-heading"]');
    expect(await headings.count()).toBe(2);
    const { top, id } = seededThread('messenger');
    expect(await headings.first().getAttribute('data-post')).toMatch(/^\d|_/);
    // The thread sits below a post heading, and its reply by another customer is in the same thread.
    await openThread(id);
    await page.locator('.msg.in', { hasText: top.text }).waitFor();
    expect(await page.locator('.messages .msg.in').count()).toBe(2);
    expect(await page.locator('[data-testid="comment-author"]').allTextContents()).toContain(top.authorName);
  });

  it('replies publicly under the comment: the reply comes back as the Page’s own comment, not as a new thread', async () => {
    const { top, id } = seededThread('messenger');
    await page.locator('[data-testid="composer-text"]').fill('Yes, size M is in stock!');
    await page.locator('[data-testid="reply-public"]').click();
    const reply = page.locator('.msg.out', { hasText: 'Yes, size M is in stock!' });
    await reply.waitFor();
    await expect
      .poll(
        () =>
          inbox
            .simulator!.comments.list()
            .filter((c) => c.parentId === top.id && c.authorId === top.accountId).length,
        { timeout: 20_000 },
      )
      .toBe(1);
    // Once the outbound comment webhook is processed the thread shows one copy of it.
    await expect
      .poll(() => page.locator('.msg.out', { hasText: 'Yes, size M is in stock!' }).count(), {
        timeout: 20_000,
      })
      .toBe(1);
    expect(await page.locator(`a.conv[data-conversation-id="${id}"]`).count()).toBe(1);
  });

  it('replies privately once: the button then turns off, and a second private reply is refused', async () => {
    const { top, id } = seededThread('messenger');
    await page.locator('[data-testid="composer-text"]').fill('I sent you the size guide 📏');
    await page.locator('[data-testid="reply-private"]').click();
    await page.locator('.msg.out [data-testid="reply-label-private"]').waitFor();
    await expect
      .poll(() => inbox.simulator!.comments.get(top.id)?.privateReplyId, { timeout: 20_000 })
      .toBeDefined();
    await expect
      .poll(() => page.locator('[data-testid="reply-private"]').isDisabled(), { timeout: 20_000 })
      .toBe(true);
    const again = await api(`/api/conversations/${encodeURIComponent(id)}/comment-reply`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'private', text: 'One more thing' }),
    });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toMatch(
      /^INVALID_REQUEST: .*already has a private reply/,
    );
    await screenshot(page, 'comments-messenger');
  });

  it('answers an Instagram comment publicly, and refuses bad requests with 4xx', async () => {
    const { top, id } = seededThread('instagram');
    await openThread(id);
    await page.locator('[data-testid="composer-text"]').fill('DM us for the price 💌');
    await page.locator('[data-testid="reply-public"]').click();
    await expect
      .poll(
        () =>
          inbox
            .simulator!.comments.list()
            .filter((c) => c.parentId === top.id && c.authorId === top.accountId).length,
        { timeout: 20_000 },
      )
      .toBe(1);
    const post = (body: unknown, conversation = id) =>
      api(`/api/conversations/${encodeURIComponent(conversation)}/comment-reply`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ mode: 'loud', text: 'x' })).status).toBe(400);
    expect((await post({ mode: 'public', text: '   ' })).status).toBe(400);
    const direct = inbox.simulator!.world.customers.find((c) => c.channel === 'instagram')!;
    expect(
      (await post({ mode: 'public', text: 'x' }, `instagram:${direct.accountId}:${direct.userId}`)).status,
    ).toBe(404);
    expect(consoleErrors).toEqual([]);
  });

  it('the comment-reply route is behind the login, the same-origin check and the body cap', async () => {
    const { id } = seededThread('instagram');
    const url = `${inbox.url}/api/conversations/${encodeURIComponent(id)}/comment-reply`;
    const body = JSON.stringify({ mode: 'public', text: 'forged' });
    const before = inbox.simulator!.businessSends().length;
    const anonymous = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(anonymous.status).toBe(401);
    const crossSite = await api(url.slice(inbox.url.length), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body,
    });
    expect(crossSite.status).toBe(403);
    const huge = await api(url.slice(inbox.url.length), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'public', text: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(inbox.simulator!.businessSends().length).toBe(before);
  });
});
