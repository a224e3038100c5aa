import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { type RunningInbox, startInbox } from '../src/server/app.js';
import type { ConversationSummary, Thread } from '../src/shared/types.js';
import { type InboxFetch, signIn } from './browser.js';

/**
 * Meta mode: the inbox is configured only from environment variables, as with real credentials,
 * and a separately started simulator plays Meta (GRAPH_BASE_URL points at it).
 */
describe('Meta mode (credentials from the environment)', () => {
  let sim: MetaSimulator;
  let inbox: RunningInbox;
  let api: InboxFetch;
  let dataDir: string;

  beforeAll(async () => {
    sim = await startMetaSimulator({ seed: 7 });
    const w = sim.world;
    const page = w.pages[0]!;
    const phone = w.phoneNumbers[0]!;
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-inbox-meta-'));
    inbox = await startInbox(
      loadConfig({
        PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        GRAPH_BASE_URL: sim.url,
        MESSENGER_APP_ID: w.app.id,
        MESSENGER_APP_SECRET: w.app.secret,
        MESSENGER_VERIFY_TOKEN: w.app.verifyToken,
        MESSENGER_PAGE_IDS: page.id,
        MESSENGER_ACCESS_TOKEN: page.accessToken,
        WHATSAPP_APP_ID: w.app.id,
        WHATSAPP_APP_SECRET: w.app.secret,
        WHATSAPP_VERIFY_TOKEN: w.app.verifyToken,
        WHATSAPP_ACCESS_TOKEN: w.systemUserToken,
        WHATSAPP_PHONE_NUMBER_IDS: phone.id,
        WHATSAPP_WABA_IDS: phone.wabaId,
      }),
    );
    sim.setWebhook('messenger', `${inbox.url}/webhooks/messenger`);
    sim.setWebhook('whatsapp', `${inbox.url}/webhooks/whatsapp`);
    api = await signIn(inbox);
  });

  afterAll(async () => {
    await inbox?.stop();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('enables only the channels that have credentials, without a simulator of its own', async () => {
    expect(inbox.simulator).toBeUndefined();
    const info = (await api('/api/info').then((r) => r.json())) as {
      mode: string;
      channels: string[];
    };
    expect(info).toMatchObject({ mode: 'meta', channels: ['messenger', 'whatsapp'] });
    const chaos = await api('/api/chaos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":"clear"}',
    });
    expect(chaos.status).toBe(404);
  });

  it('answers the webhook handshake with the verify token and rejects unsigned posts', async () => {
    const token = sim.world.app.verifyToken;
    const ok = await fetch(
      `${inbox.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=42`,
    );
    expect(await ok.text()).toBe('42');
    const bad = await fetch(
      `${inbox.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=42`,
    );
    expect(bad.status).toBe(403);
    const unsigned = await fetch(`${inbox.url}/webhooks/messenger`, {
      method: 'POST',
      body: '{"object":"page","entry":[]}',
    });
    expect(unsigned.status).toBe(401);
  });

  it('receives signed webhooks and replies through the Graph API it was pointed at', async () => {
    const customer = sim.world.customers.find((c) => c.channel === 'whatsapp')!;
    sim.customerSends({
      channel: 'whatsapp',
      accountId: customer.accountId,
      userId: customer.userId,
      kind: 'text',
      text: 'Hello from Meta mode',
    });
    const id = `whatsapp:${customer.accountId}:${customer.userId}`;
    await expect
      .poll(
        async () =>
          ((await api('/api/conversations').then((r) => r.json())) as ConversationSummary[]).map((c) => c.id),
        {
          timeout: 10_000,
        },
      )
      .toContain(id);
    const response = await api(`/api/conversations/${encodeURIComponent(id)}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'text', text: 'Hi! How can we help?' }),
    });
    expect(response.status).toBe(202);
    const outboundState = async () => {
      const thread = (await api(`/api/conversations/${encodeURIComponent(id)}`).then((r) =>
        r.json(),
      )) as Thread;
      const sent = thread.items.find((i) => i.type === 'message' && i.direction === 'outbound');
      return sent?.type === 'message' ? sent.state : undefined;
    };
    await expect.poll(outboundState, { timeout: 15_000 }).toMatch(/^(delivered|read)$/);
    expect(sim.businessSends({ channel: 'whatsapp', userId: customer.userId })).toHaveLength(1);
  });

  it('refuses an empty message with a readable reason', async () => {
    const [conversation] = (await api('/api/conversations').then((r) => r.json())) as ConversationSummary[];
    const response = await api(`/api/conversations/${encodeURIComponent(conversation!.id)}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'text', text: ' ' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Type a message first.' });
  });
});
