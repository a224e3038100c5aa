import { randomBytes } from 'node:crypto';
import {
  createMemoryStore,
  createSwitchboard,
  ManualClock,
  SwitchboardError,
  silentLogger,
} from '@switchboard/core';
import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { recordingAccounts } from '@switchboard/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectFacebookLogin, createMessengerAdapter } from '../src/index.js';

let sim: MetaSimulator;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-12-06T10:00:00Z'));
  // A target that refuses connections: what matters here is whether Meta would send at all.
  sim = await startMetaSimulator({
    clock,
    seed: 31,
    webhooks: { messenger: 'http://127.0.0.1:9/webhooks', instagram: 'http://127.0.0.1:9/webhooks' },
  });
});
afterEach(async () => {
  await sim.stop();
});

const app = () => ({
  appId: sim.world.app.id,
  appSecret: sim.world.app.secret,
  graphBaseUrl: sim.url,
  now: () => clock.now(),
});

const send = (accountId: string, token: string, userId: string) =>
  fetch(`${sim.url}/v24.0/${accountId}/messages?access_token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ recipient: { id: userId }, message: { text: 'Bonjour' } }),
  });

describe('connectFacebookLogin', () => {
  it('connects every Page with a non-expiring Page token and the linked Instagram accounts, subscribed', async () => {
    const login = sim.onboarding.facebookLogin({ pages: 3, instagram: 2 });
    const accounts = recordingAccounts();
    expect(sim.customerSends({ channel: 'messenger', accountId: login.pageIds[0] }).dropped).toBe(
      'unsubscribed',
    );
    const result = await connectFacebookLogin({
      ...app(),
      accounts,
      userAccessToken: login.userAccessToken,
      tenantId: 'acme',
    });
    expect(result.pages.map((p) => p.accountId)).toEqual(login.pageIds);
    expect(result.instagram.map((a) => a.accountId)).toEqual(login.instagramIds);
    expect(result.instagram[0]).toMatchObject({
      channel: 'instagram',
      loginFlavour: 'facebook-login',
      linkedIds: { pageId: login.pageIds[0] },
      tenantId: 'acme',
    });
    const pageCall = accounts.calls.find((c) => c.accountId === login.pageIds[2]);
    // Derived from the long-lived user token: the Page token never expires.
    expect(pageCall?.token).toMatchObject({ expiresAt: null, checkedAt: clock.now() });
    expect(pageCall?.token?.scopes).toContain('pages_messaging');

    // The short-lived user token is gone in an hour; the Page tokens keep working.
    await clock.advance(2 * 3_600_000);
    for (const pageId of login.pageIds) {
      const call = accounts.calls.find((c) => c.channel === 'messenger' && c.accountId === pageId);
      const customer = sim.world.customers.find((c) => c.channel === 'messenger' && c.accountId === pageId);
      expect((await send(pageId, call?.credentials?.accessToken ?? '', customer?.userId ?? '')).status).toBe(
        200,
      );
    }
    // Each Page token works for its own Page only.
    const firstToken = accounts.calls[0]?.credentials?.accessToken ?? '';
    const other = sim.world.customers.find(
      (c) => c.channel === 'messenger' && c.accountId === login.pageIds[1],
    );
    expect((await send(login.pageIds[1] ?? '', firstToken, other?.userId ?? '')).status).toBe(400);
    // Subscribed: customers' messages on a Page and on its Instagram account are delivered (not dropped).
    const messenger = sim.customerSends({ channel: 'messenger', accountId: login.pageIds[0] });
    const instagram = sim.customerSends({ channel: 'instagram', accountId: login.instagramIds[0] });
    expect(messenger.dropped).toBeUndefined();
    expect(instagram.dropped).toBeUndefined();
  });

  it('follows /me/accounts paging: a person with 30 Pages gets all 30 connected', async () => {
    const login = sim.onboarding.facebookLogin({ pages: 30 });
    const accounts = recordingAccounts();
    const result = await connectFacebookLogin({ ...app(), accounts, userAccessToken: login.userAccessToken });
    expect(result.pages.map((p) => p.accountId)).toEqual(login.pageIds);
    expect(new Set(accounts.calls.map((c) => c.credentials?.accessToken)).size).toBe(30);
  });

  it('takes the redirect code, honours pageIds and instagram: false', async () => {
    const login = sim.onboarding.facebookLogin({
      pages: 2,
      instagram: 2,
      redirectUri: 'https://platform.example/fb',
    });
    const accounts = recordingAccounts();
    const result = await connectFacebookLogin({
      ...app(),
      accounts,
      code: login.code,
      redirectUri: 'https://platform.example/fb',
      pageIds: [login.pageIds[1] ?? '', '999'],
      instagram: false,
    });
    expect(result.pages.map((p) => p.accountId)).toEqual([login.pageIds[1]]);
    expect(result.instagram).toEqual([]);
    expect(result.skipped).toEqual([{ pageId: '999', reason: 'not among the person’s Pages' }]);
  });

  it('classifies an expired user token, a wrong app secret and a reused code', async () => {
    const accounts = recordingAccounts();
    const login = sim.onboarding.facebookLogin();
    const wrong = await connectFacebookLogin({
      ...app(),
      appSecret: 'bad',
      accounts,
      userAccessToken: login.userAccessToken,
    }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(SwitchboardError);
    expect(wrong).toMatchObject({ code: 'AUTH_FAILED', message: expect.stringMatching(/app secret/) });
    const redirect = { code: login.code, redirectUri: login.redirectUri };
    await connectFacebookLogin({ ...app(), accounts, ...redirect });
    const reused = await connectFacebookLogin({ ...app(), accounts, ...redirect }).catch((e: unknown) => e);
    expect(reused).toMatchObject({ code: 'AUTH_FAILED', platform: { subcode: 36009 } });
    await clock.advance(2 * 3_600_000);
    const expired = await connectFacebookLogin({
      ...app(),
      accounts,
      userAccessToken: login.userAccessToken,
    }).catch((e: unknown) => e);
    expect(expired).toMatchObject({ code: 'AUTH_FAILED', platform: { code: 190, subcode: 463 } });
    expect(accounts.calls).toHaveLength(1);
  });
});

describe('with the engine', () => {
  it('connects the Pages into switchboard.accounts; the engine replies on each Page with its own token', async () => {
    const switchboard = createSwitchboard({
      adapters: [
        createMessengerAdapter({
          appSecrets: [],
          verifyToken: 'v',
          graphBaseUrl: sim.url,
          appId: sim.world.app.id,
        }),
      ],
      store: createMemoryStore(),
      clock,
      logger: silentLogger,
      watch: false,
      credentials: { keys: [{ id: 'test', key: randomBytes(32) }] },
    });
    const login = sim.onboarding.facebookLogin({ pages: 2 });
    const result = await connectFacebookLogin({
      ...app(),
      accounts: switchboard.accounts,
      userAccessToken: login.userAccessToken,
      tenantId: 'globex',
    });
    expect(result.pages.map((p) => p.tenantId)).toEqual(['globex', 'globex']);
    for (const pageId of login.pageIds) {
      expect(switchboard.accounts.hasCredentials('messenger', pageId)).toBe(true);
      const customer = sim.world.customers.find((c) => c.channel === 'messenger' && c.accountId === pageId);
      await switchboard.send({
        to: { channel: 'messenger', accountId: pageId, userId: customer?.userId ?? '' },
        content: { type: 'text', text: 'Bonjour' },
      });
    }
    await switchboard.drain();
    for (const pageId of login.pageIds) expect(sim.businessSends({ accountId: pageId })).toHaveLength(1);
  });
});
