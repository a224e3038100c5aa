import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ChannelEvent,
  createMemoryStore,
  createSwitchboard,
  type Switchboard,
  silentLogger,
} from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import {
  connectFacebookLogin,
  createMessengerAdapter,
  MESSENGER_SUBSCRIBED_FIELDS,
} from '@switchboard/messenger';
import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { recordingAccounts } from '@switchboard/testkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createInstagramAdapter,
  INSTAGRAM_COMMENT_FIELDS,
  INSTAGRAM_SUBSCRIBED_FIELDS,
} from '../src/index.js';

// The Messenger adapter and the Instagram adapter (Facebook Login) subscribe the same app on the same
// Page, and Meta's POST replaces the app's field list there: neither may drop the other's fields.

let sim: MetaSimulator;
let switchboard: Switchboard;
let server: http.Server;
let events: ChannelEvent[];
let pageId: string;
let igId: string;
let pageToken: string;
let messenger: ReturnType<typeof createMessengerAdapter>;
let instagram: ReturnType<typeof createInstagramAdapter>;

const INSTAGRAM_FIELDS = [
  ...INSTAGRAM_SUBSCRIBED_FIELDS['facebook-login'],
  ...INSTAGRAM_COMMENT_FIELDS['facebook-login'],
];
const BOTH = [...new Set([...MESSENGER_SUBSCRIBED_FIELDS, ...INSTAGRAM_FIELDS])];

const subscribedApps = async (method: 'GET' | 'POST', fields?: string[]) => {
  const query = new URLSearchParams({
    access_token: pageToken,
    ...(fields ? { subscribed_fields: fields.join(',') } : {}),
  });
  const res = await fetch(`${sim.graphUrl}/${pageId}/subscribed_apps?${query}`, { method });
  return (await res.json()) as { data?: Array<{ id: string; subscribed_fields: string[] }> };
};
const pageFields = async () => (await subscribedApps('GET')).data?.[0]?.subscribed_fields ?? [];
const subscriptionProbe = async (adapter: typeof messenger | typeof instagram) =>
  adapter
    .probes()
    .find((p) => p.name.endsWith('.subscription'))!
    .run();

async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await sim.idle();
    await switchboard.drain();
  }
}

/** Webhooks of both channels: a message each, the business's answer (echo), then what only one adapter's fields carry. */
async function expectBothChannelsDelivered(): Promise<void> {
  events.length = 0;
  const inbound = [
    sim.customerSends({ channel: 'messenger', accountId: pageId, text: 'Bonjour' }),
    sim.customerSends({ channel: 'instagram', accountId: igId, text: 'Salut' }),
  ];
  const echoes = sim.truth.all({ type: 'echo' }).length;
  for (const r of inbound) {
    const to = { channel: r.channel, accountId: r.accountId, userId: r.userId };
    await switchboard.send({ to, content: { type: 'text', text: 'Hello!' } });
  }
  // The outbox worker sends in the background: wait for both echoes to be generated and handled.
  await vi.waitFor(async () => {
    await settle();
    expect(events.filter((e) => e.kind === 'message' && e.echo)).toHaveLength(2);
  });
  expect(sim.truth.all({ type: 'echo' }).length).toBe(echoes + 2);
  const records = [
    ...inbound,
    ...sim.truth.all({ type: 'echo' }),
    sim.customerSends({ channel: 'messenger', accountId: pageId, kind: 'read' }), // message_reads
    sim.customerSends({ channel: 'instagram', accountId: igId, kind: 'read' }), // messaging_seen
    sim.comments.customerComments({ channel: 'instagram', accountId: igId, text: 'Price?' }).record, // comments
  ];
  for (const r of records) expect(r.dropped, `${r.channel} ${r.type} ${r.kind}`).toBeUndefined();
  await settle();
  const seen = events.map((e) => `${e.channel}:${e.kind}${e.kind === 'message' && e.echo ? ':echo' : ''}`);
  for (const expected of [
    'messenger:message',
    'messenger:message:echo', // message_echoes
    'messenger:read',
    'instagram:message',
    'instagram:message:echo',
    'instagram:read',
    'instagram:comment',
  ])
    expect(seen).toContain(expected);
}

beforeEach(async () => {
  sim = await startMetaSimulator({ seed: 23 });
  const linked = sim.world.instagram.find((a) => a.pageId)!;
  igId = linked.id;
  pageId = linked.pageId!;
  pageToken = linked.accessToken;
  const common = {
    appId: sim.world.app.id,
    appSecret: sim.world.app.secret,
    verifyToken: sim.world.app.verifyToken,
    graphBaseUrl: sim.url,
  };
  messenger = createMessengerAdapter({ ...common, accessTokens: { [pageId]: pageToken } });
  instagram = createInstagramAdapter({
    ...common,
    apiFlavour: 'facebook-login',
    comments: true,
    instagramAccountIds: [igId],
    pageIdByInstagramAccountId: { [igId]: pageId },
    accessToken: pageToken,
  });
  switchboard = createSwitchboard({
    adapters: [messenger, instagram],
    store: createMemoryStore(),
    logger: silentLogger,
    watch: false,
  });
  events = [];
  switchboard.on('*', (event) => void events.push(event));
  server = http.createServer(toNodeListener(switchboard));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  sim.setWebhook('messenger', `${base}/messenger`);
  sim.setWebhook('instagram', `${base}/instagram`);
  // The business subscribed the app to `feed` itself (say, for its own moderation tool).
  expect(await subscribedApps('POST', ['feed'])).toEqual({ success: true });
});

afterEach(async () => {
  await switchboard.stop();
  await sim.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const steps = {
  'messenger.resubscribe': () => messenger.resubscribe(pageId),
  'instagram.resubscribe': () => instagram.resubscribe(igId),
  connectFacebookLogin: async () => {
    const login = sim.onboarding.facebookLogin({ pageIds: [pageId] });
    await connectFacebookLogin({
      accounts: recordingAccounts(),
      appId: sim.world.app.id,
      appSecret: sim.world.app.secret,
      graphBaseUrl: sim.url,
      userAccessToken: login.userAccessToken,
    });
  },
};
type Step = keyof typeof steps;

describe('Messenger and Instagram (Facebook Login) on one Page', () => {
  it.each<[Step, Step]>([
    ['messenger.resubscribe', 'instagram.resubscribe'],
    ['instagram.resubscribe', 'messenger.resubscribe'],
    ['connectFacebookLogin', 'instagram.resubscribe'],
    ['instagram.resubscribe', 'connectFacebookLogin'],
  ])(
    '%s then %s: both field sets and the business’s feed stay, both channels get webhooks',
    async (first, second) => {
      await steps[first]();
      await steps[second]();
      const fields = await pageFields();
      expect(fields[0]).toBe('feed'); // what was there first keeps its place
      expect(fields).toEqual(expect.arrayContaining(BOTH));
      expect(new Set(fields).size).toBe(fields.length);
      expect((await subscriptionProbe(messenger)).status).toBe('ok');
      expect((await subscriptionProbe(instagram)).status).toBe('ok');
      await expectBothChannelsDelivered();
      // The business's own field still delivers too.
      const feed = sim.comments.customerComments({
        channel: 'messenger',
        accountId: pageId,
        text: 'Open today?',
      });
      expect(feed.record.dropped).toBeUndefined();
    },
  );

  it('Meta unsubscribes the app: both probes say so, and their resubscribe restores the union', async () => {
    await steps['messenger.resubscribe']();
    await steps['instagram.resubscribe']();
    sim.faults.unsubscribeApp(pageId);
    expect(sim.customerSends({ channel: 'instagram', accountId: igId }).dropped).toBe('unsubscribed');
    expect((await subscriptionProbe(messenger)).status).toBe('down');
    expect((await subscriptionProbe(instagram)).status).toBe('down');
    // What the engine's watch does with autoResubscribe: each adapter whose probe found it down resubscribes.
    await instagram.resubscribe(igId);
    await messenger.resubscribe(pageId);
    expect(await pageFields()).toEqual(expect.arrayContaining(BOTH));
    expect((await subscriptionProbe(messenger)).status).toBe('ok');
    expect((await subscriptionProbe(instagram)).status).toBe('ok');
    await expectBothChannelsDelivered();
  });

  it('the subscription probe reports each adapter’s own missing fields', async () => {
    await subscribedApps('POST', ['feed', 'messages', 'messaging_postbacks', 'message_echoes']);
    expect((await subscriptionProbe(messenger)).status).toBe('ok');
    const ig = await subscriptionProbe(instagram);
    expect(ig.status).toBe('degraded');
    expect(ig.data?.missingFields).toEqual(['comments', 'live_comments', 'mentions']);
  });
});
