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
import { connectInstagramLogin, createInstagramAdapter } from '../src/index.js';

let sim: MetaSimulator;
let clock: ManualClock;
const redirectUri = 'https://platform.example/ig/callback';

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-12-06T10:00:00Z'));
  sim = await startMetaSimulator({ clock, seed: 41, webhooks: { instagram: 'http://127.0.0.1:9/webhooks' } });
});
afterEach(async () => {
  await sim.stop();
});

const options = () => ({
  appId: sim.world.app.id,
  appSecret: sim.world.app.secret,
  graphBaseUrl: sim.url,
  instagramGraphBaseUrl: sim.url,
  instagramApiBaseUrl: sim.url,
  now: () => clock.now(),
});

describe('connectInstagramLogin', () => {
  it('code → 60-day token, subscribed, connected as an instagram-login account with its expiry', async () => {
    const login = sim.onboarding.instagramLogin({ username: 'atelier.lumiere', redirectUri });
    const accounts = recordingAccounts();
    expect(sim.customerSends({ channel: 'instagram', accountId: login.instagramId }).dropped).toBe(
      'unsubscribed',
    );
    const account = await connectInstagramLogin({
      ...options(),
      accounts,
      code: login.code,
      redirectUri,
      tenantId: 't1',
    });
    expect(account).toMatchObject({
      channel: 'instagram',
      accountId: login.instagramId,
      loginFlavour: 'instagram-login',
      tenantId: 't1',
      label: '@atelier.lumiere',
    });
    const call = accounts.calls[0];
    expect(call?.token?.expiresAt).toBe(clock.now() + 5_183_944_000);
    expect(call?.token?.scopes).toContain('instagram_business_manage_messages');
    expect(sim.customerSends({ channel: 'instagram', accountId: login.instagramId }).dropped).toBeUndefined();

    // The stored token sends for this account…
    const token = call?.credentials?.accessToken ?? '';
    const customer = sim.world.customers.find((c) => c.accountId === login.instagramId);
    const send = (accountId: string, userId: string) =>
      fetch(`${sim.url}/v24.0/${accountId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ recipient: { id: userId }, message: { text: 'Merci !' } }),
      });
    expect((await send(login.instagramId, customer?.userId ?? '')).status).toBe(200);
    // …and no other.
    const other = sim.world.instagram[0];
    const otherCustomer = sim.world.customers.find((c) => c.accountId === other?.id);
    expect((await send(other?.id ?? '', otherCustomer?.userId ?? '')).status).toBe(400);
  });

  it('classifies a reused code, a wrong secret and a redirect_uri mismatch, without leaking the secret', async () => {
    const accounts = recordingAccounts();
    const login = sim.onboarding.instagramLogin({ redirectUri });
    const attempt = (extra: Record<string, string>) =>
      connectInstagramLogin({ ...options(), accounts, code: login.code, redirectUri, ...extra }).catch(
        (e: unknown) => e as SwitchboardError,
      );
    const wrongSecret = await attempt({ appSecret: 'secret-that-is-wrong' });
    expect(wrongSecret).toMatchObject({ code: 'AUTH_FAILED', message: expect.stringMatching(/app secret/) });
    expect(JSON.stringify(wrongSecret)).not.toContain('secret-that-is-wrong');
    const mismatch = await attempt({ redirectUri: 'https://elsewhere.example/cb' });
    expect(mismatch).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await attempt({})).not.toBeInstanceOf(SwitchboardError);
    const reused = await attempt({});
    expect(reused).toMatchObject({ code: 'AUTH_FAILED', message: expect.stringMatching(/already used/) });
    const late = sim.onboarding.instagramLogin({ redirectUri });
    await clock.advance(3_600_000 + 1);
    const expired = await connectInstagramLogin({
      ...options(),
      accounts,
      code: late.code,
      redirectUri,
    }).catch((e: unknown) => e as SwitchboardError);
    expect(expired).toMatchObject({ code: 'AUTH_FAILED', message: expect.stringMatching(/expired/) });
    expect(accounts.calls).toHaveLength(1);
  });
});

describe('with the engine', () => {
  it('connects into switchboard.accounts beside a Page-linked account; the engine sends with the Instagram Login token', async () => {
    const switchboard = createSwitchboard({
      adapters: [
        createInstagramAdapter({
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
    const login = sim.onboarding.instagramLogin({ redirectUri });
    const account = await connectInstagramLogin({
      ...options(),
      accounts: switchboard.accounts,
      code: login.code,
      redirectUri,
    });
    expect(account).toMatchObject({ loginFlavour: 'instagram-login', status: 'active' });
    expect(account.token?.expiresAt).toBe(clock.now() + 5_183_944_000);
    const customer = sim.world.customers.find((c) => c.accountId === login.instagramId);
    await switchboard.send({
      to: { channel: 'instagram', accountId: login.instagramId, userId: customer?.userId ?? '' },
      content: { type: 'text', text: 'Merci !' },
    });
    await switchboard.drain();
    expect(sim.businessSends({ accountId: login.instagramId })).toHaveLength(1);
  });
});
