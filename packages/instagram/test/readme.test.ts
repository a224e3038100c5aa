import { type MetaSimulator, type SimInstagramAccount, startMetaSimulator } from '@switchboard/simulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createInstagramAdapter, instagramConfigFromEnv } from '../src/index.js';

/**
 * Runs the ```ts example of README.md (Quick start) against the Meta simulator: the README's ids become
 * the simulator's, and its `INSTAGRAM_*` variables are set to the simulator's app and tokens (the Page
 * token for the Facebook Login account, a per-account Instagram Login token for the unlinked one).
 */
describe('README examples', () => {
  let sim: MetaSimulator;
  let linked: SimInstagramAccount;
  let unlinked: SimInstagramAccount;
  const customerOf = (a: SimInstagramAccount) =>
    sim.world.customers.find((c) => c.channel === 'instagram' && c.accountId === a.id)!.userId;

  beforeAll(async () => {
    sim = await startMetaSimulator({ seed: 8 });
    linked = sim.world.instagram.find((a) => a.pageId)!;
    unlinked = sim.world.instagram.find((a) => !a.pageId)!;
    vi.stubEnv('INSTAGRAM_APP_SECRET', sim.world.app.secret);
    vi.stubEnv('INSTAGRAM_VERIFY_TOKEN', sim.world.app.verifyToken);
    vi.stubEnv('INSTAGRAM_ACCESS_TOKEN', linked.accessToken);
    vi.stubEnv('INSTAGRAM_ACCOUNT_IDS', unlinked.id);
    vi.stubEnv('INSTAGRAM_ACCESS_TOKENS', `${unlinked.id}:${unlinked.loginToken}`);
    vi.stubEnv('INSTAGRAM_GRAPH_BASE_URL', sim.url);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await sim?.stop();
  });

  it('Quick start (Facebook Login): text replying to a specific message', async () => {
    const instagram = createInstagramAdapter({
      appId: sim.world.app.id,
      appSecret: process.env.INSTAGRAM_APP_SECRET!,
      verifyToken: process.env.INSTAGRAM_VERIFY_TOKEN!,
      apiFlavour: 'facebook-login',
      instagramAccountIds: [linked.id],
      pageIdByInstagramAccountId: { [linked.id]: linked.pageId! },
      accessToken: process.env.INSTAGRAM_ACCESS_TOKEN,
      graphBaseUrl: sim.url, // not in the README: the simulator instead of graph.facebook.com
    });
    const userId = customerOf(linked);
    const inbound = sim.customerSends({
      channel: 'instagram',
      accountId: linked.id,
      userId,
      kind: 'text',
      text: 'Do you ship to Canada?',
    });

    const receipt = await instagram.send({
      to: { channel: 'instagram', accountId: linked.id, userId },
      content: { type: 'text', text: 'Yes, we ship to Canada.' },
      replyTo: inbound.messageId!, // optional: reply to a specific message
    });
    const sent = sim.businessSends({ channel: 'instagram', accountId: linked.id, userId }).at(-1);
    expect(sent?.messageId).toBe(receipt.messageId);
    expect(sent?.body).toMatchObject({
      recipient: { id: userId },
      message: { text: 'Yes, we ship to Canada.' },
      reply_to: { mid: inbound.messageId },
    });
  });

  it('Quick start (Instagram Login): adapter from instagramConfigFromEnv() sends', async () => {
    const instagramLogin = createInstagramAdapter({
      ...instagramConfigFromEnv(),
      apiFlavour: 'instagram-login',
    });
    expect(instagramLogin.accountIds).toEqual([unlinked.id]);
    const userId = customerOf(unlinked);

    const receipt = await instagramLogin.send({
      to: { channel: 'instagram', accountId: unlinked.id, userId },
      content: { type: 'text', text: 'Yes, we ship to Canada.' },
    });
    const sent = sim.businessSends({ channel: 'instagram', accountId: unlinked.id, userId }).at(-1);
    expect(sent?.messageId).toBe(receipt.messageId);
    expect(sent?.body).toMatchObject({ message: { text: 'Yes, we ship to Canada.' } });
  });
});
