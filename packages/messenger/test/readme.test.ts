import { signMetaBody } from '@switchboard/meta-graph';
import { type MetaSimulator, type SimAccount, startMetaSimulator } from '@switchboard/simulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMessengerAdapter, messengerConfigFromEnv } from '../src/index.js';
import { fixture, PAGE, PSID } from './helpers.js';

/**
 * Runs the ```ts examples of README.md against the Meta simulator: the README's ids become the
 * simulator's, and its `MESSENGER_*` variables are set to the simulator's app, Page and token.
 */
describe('README examples', () => {
  let sim: MetaSimulator;
  let account: SimAccount;
  beforeAll(async () => {
    sim = await startMetaSimulator({ seed: 7 });
    account = sim.account('messenger');
    vi.stubEnv('MESSENGER_APP_ID', sim.world.app.id);
    vi.stubEnv('MESSENGER_APP_SECRET', sim.world.app.secret);
    vi.stubEnv('MESSENGER_VERIFY_TOKEN', sim.world.app.verifyToken);
    vi.stubEnv('MESSENGER_PAGE_IDS', account.accountId);
    vi.stubEnv('MESSENGER_ACCESS_TOKEN', account.token);
    vi.stubEnv('MESSENGER_GRAPH_BASE_URL', sim.url);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await sim?.stop();
  });

  it('Quick start: adapters from env and explicit options send quick replies', async () => {
    const messenger = createMessengerAdapter(messengerConfigFromEnv());
    const messenger2 = createMessengerAdapter({
      appId: sim.world.app.id,
      appSecret: process.env.MESSENGER_APP_SECRET!,
      verifyToken: process.env.MESSENGER_VERIFY_TOKEN!,
      pageIds: [account.accountId],
      accessToken: process.env.MESSENGER_ACCESS_TOKEN, // Page access token
      graphBaseUrl: sim.url, // not in the README: the simulator instead of graph.facebook.com
    });
    const userId = account.customers[0]!.userId;

    for (const adapter of [messenger, messenger2]) {
      const receipt = await adapter.send({
        to: { channel: 'messenger', accountId: account.accountId, userId },
        content: {
          type: 'quick_replies',
          text: 'Track your order?',
          replies: [{ title: 'Yes', payload: 'TRACK' }],
        },
      });
      const sent = sim.businessSends({ channel: 'messenger', accountId: account.accountId, userId }).at(-1);
      expect(sent?.messageId).toBe(receipt.messageId);
      expect(sent?.body).toMatchObject({
        recipient: { id: userId },
        message: {
          text: 'Track your order?',
          quick_replies: [{ content_type: 'text', title: 'Yes', payload: 'TRACK' }],
        },
      });
    }
    expect(messenger.accountIds).toEqual([account.accountId]);
  });

  it('Used on its own: verifySignature, then parseWebhook', () => {
    const messenger = createMessengerAdapter(messengerConfigFromEnv());
    const rawBody = new Uint8Array(fixture('message-text')); // the raw bytes Meta POSTs
    const request = new Request('https://hooks.example.com/webhooks/messenger', {
      method: 'POST',
      body: rawBody,
      headers: { 'x-hub-signature-256': signMetaBody(rawBody, sim.world.app.secret) },
    });

    const check = messenger.verifySignature(rawBody, request.headers); // never throws
    expect(check.ok).toBe(true);
    const { events, problems } = messenger.parseWebhook(rawBody);
    expect(problems).toEqual([]);
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'message',
        accountId: PAGE,
        userId: PSID,
        text: 'Hello, is my order on its way?',
      }),
    ]);

    const forged = new Headers({ 'x-hub-signature-256': signMetaBody(rawBody, 'not-the-app-secret') });
    expect(messenger.verifySignature(rawBody, forged).ok).toBe(false);
    expect(messenger.verifySignature(rawBody, new Headers()).ok).toBe(false);
  });
});
