import { ManualClock } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MetaSimulator, startMetaSimulator } from '../src/index.js';
import { graph, startReceiver, waValues } from './helpers.js';

let sim: MetaSimulator;
let clock: ManualClock;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const DAY = 86_400_000;

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-29T10:00:00Z'));
  receiver = await startReceiver(() => 200, 'tenant-verify');
  sim = await startMetaSimulator({
    clock,
    seed: 9,
    webhooks: { whatsapp: receiver.url, messenger: receiver.url },
  });
});
afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

const client = () => ({ client_id: sim.world.app.id, client_secret: sim.world.app.secret });
const exchange = (query: Record<string, string>) =>
  graph(sim.url, 'GET', '/v24.0/oauth/access_token', { query });
const debug = async (token: string) =>
  (
    await graph(sim.url, 'GET', '/v24.0/debug_token', {
      token: sim.world.app.appToken,
      query: { input_token: token },
    })
  ).body.data;

describe('Embedded Signup', () => {
  it('the code gives a business token once, within 30 s; wrong secrets and stale codes get Meta’s errors', async () => {
    const session = sim.onboarding.embeddedSignup({ phoneNumbers: 2 });
    expect(session.message).toMatchObject({ type: 'WA_EMBEDDED_SIGNUP', event: 'FINISH' });
    const wrong = await exchange({ ...client(), client_secret: 'nope', code: session.code });
    expect(wrong.body.error).toMatchObject({ code: 1, message: 'Error validating client secret.' });
    const ok = await exchange({ ...client(), code: session.code });
    expect(ok.status).toBe(200);
    const token = ok.body.access_token as string;
    expect(ok.body.expires_in).toBeUndefined();
    const again = await exchange({ ...client(), code: session.code });
    expect(again.body.error).toMatchObject({ code: 100, error_subcode: 36009 });

    const late = sim.onboarding.embeddedSignup({ tokenExpires: true });
    await clock.advance(31_000);
    expect((await exchange({ ...client(), code: late.code })).body.error).toMatchObject({
      code: 100,
      error_subcode: 36007,
    });
    const garbage = await exchange({ ...client(), code: 'not-a-code' });
    expect(garbage.body.error.code).toBe(100);

    // debug_token: valid, never expires, WABA found through granular_scopes.
    const info = await debug(token);
    expect(info).toMatchObject({ is_valid: true, expires_at: 0, type: 'SYSTEM_USER' });
    expect(info.granular_scopes).toContainEqual({
      scope: 'whatsapp_business_management',
      target_ids: [session.wabaId],
    });
    const numbers = await graph(sim.url, 'GET', `/v24.0/${session.wabaId}/phone_numbers`, { token });
    expect(numbers.body.data.map((p: { id: string }) => p.id)).toEqual(session.phoneNumberIds);

    // A 60-day configuration: the exchange says so and debug_token shows the expiry.
    const sixty = sim.onboarding.embeddedSignup({ tokenExpires: true });
    const sixtyToken = (await exchange({ ...client(), code: sixty.code })).body;
    expect(sixtyToken.expires_in).toBeGreaterThan(59 * 86_400);
    expect((await debug(sixtyToken.access_token)).expires_at).toBe(
      Math.floor((clock.now() + 60 * DAY) / 1000),
    );
  });

  it('a number sends only once registered; PIN rules; 10 register requests per 72 h, then 133016', async () => {
    const session = sim.onboarding.embeddedSignup();
    const token = (await exchange({ ...client(), code: session.code })).body.access_token as string;
    const [phoneId] = session.phoneNumberIds;
    if (!phoneId) throw new Error('number expected');
    const register = (pin: unknown) =>
      graph(sim.url, 'POST', `/v24.0/${phoneId}/register`, {
        token,
        body: { messaging_product: 'whatsapp', pin },
      });
    const send = () =>
      graph(sim.url, 'POST', `/v24.0/${phoneId}/messages`, {
        token,
        body: { messaging_product: 'whatsapp', to: '33612345678', type: 'text', text: { body: 'hi' } },
      });
    expect((await send()).body.error.code).toBe(133010);
    expect((await register('12345')).body.error.code).toBe(100);
    expect((await register('581063')).body).toEqual({ success: true });
    expect((await send()).status).toBe(200);
    expect((await register('000000')).body.error.code).toBe(133005);
    // Another business's token cannot register this number.
    const other = sim.accounts.addWaba();
    const foreign = await graph(sim.url, 'POST', `/v24.0/${phoneId}/register`, {
      token: other.token,
      body: { messaging_product: 'whatsapp', pin: '581063' },
    });
    expect(foreign.body.error.code).toBe(200);
    for (let i = 3; i < 10; i++) expect((await register('581063')).status).toBe(200);
    const limited = await register('581063');
    expect(limited.body.error.code).toBe(133016);
    await clock.advance(71 * 3_600_000);
    expect((await register('581063')).body.error.code).toBe(133016);
    await clock.advance(2 * 3_600_000);
    expect((await register('581063')).status).toBe(200);
  });

  it('subscribed_apps with override_callback_uri: verified first, then that WABA’s messages go there; account_update stays on the app URL', async () => {
    const tenant = await startReceiver(() => 200, 'tenant-verify');
    try {
      const session = sim.onboarding.embeddedSignup();
      await sim.idle();
      expect(waValues(receiver.received).find((v) => v.event === 'PARTNER_ADDED')).toMatchObject({
        waba_info: { waba_id: session.wabaId, owner_business_id: session.businessId },
      });
      const token = (await exchange({ ...client(), code: session.code })).body.access_token as string;
      const subscribe = (body?: unknown) =>
        graph(sim.url, 'POST', `/v24.0/${session.wabaId}/subscribed_apps`, { token, body });
      expect(
        (
          await subscribe({
            override_callback_uri: `${tenant.url}/${'x'.repeat(200)}`,
            verify_token: 'tenant-verify',
          })
        ).body.error.code,
      ).toBe(100);
      expect(
        (await subscribe({ override_callback_uri: tenant.url, verify_token: 'wrong' })).body.error.code,
      ).toBe(2200);
      expect((await subscribe({ override_callback_uri: tenant.url })).body.error.code).toBe(100);
      expect(
        (await subscribe({ override_callback_uri: tenant.url, verify_token: 'tenant-verify' })).body,
      ).toEqual({
        success: true,
      });
      const listed = await graph(sim.url, 'GET', `/v24.0/${session.wabaId}/subscribed_apps`, { token });
      expect(listed.body.data[0].override_callback_uri).toBe(tenant.url);

      const phoneId = session.phoneNumberIds[0] ?? '';
      const before = receiver.received.length;
      const inbound = sim.customerSends({ channel: 'whatsapp', accountId: phoneId, text: 'hello' });
      await sim.idle();
      expect(inbound.deliveredCount).toBe(1);
      expect(receiver.received.length).toBe(before);
      expect(waValues(tenant.received)[0]?.metadata).toMatchObject({ phone_number_id: phoneId });

      // A POST without body removes the override: back to the app URL.
      expect((await subscribe()).body).toEqual({ success: true });
      sim.customerSends({ channel: 'whatsapp', accountId: phoneId, text: 'again' });
      await sim.idle();
      expect(receiver.received.length).toBe(before + 1);
      expect(tenant.received).toHaveLength(1);
    } finally {
      await tenant.close();
    }
  });
});

describe('phone number override', () => {
  it('a number’s webhook_configuration wins over its WABA’s override; "" removes it', async () => {
    const wabaHook = await startReceiver(() => 200, 'tenant-verify');
    const phoneHook = await startReceiver(() => 200, 'phone-verify');
    try {
      const { waba, phoneNumbers, token } = sim.accounts.addWaba({ phoneNumbers: 2 });
      const [first, second] = phoneNumbers.map((p) => p.id);
      if (!first || !second) throw new Error('numbers expected');
      await graph(sim.url, 'POST', `/v24.0/${waba.id}/subscribed_apps`, {
        token,
        body: { override_callback_uri: wabaHook.url, verify_token: 'tenant-verify' },
      });
      const set = (body: unknown) => graph(sim.url, 'POST', `/v24.0/${first}`, { token, body });
      expect(
        (await set({ webhook_configuration: { override_callback_uri: phoneHook.url, verify_token: 'x' } }))
          .body.error.code,
      ).toBe(2200);
      expect(
        (
          await set({
            webhook_configuration: { override_callback_uri: phoneHook.url, verify_token: 'phone-verify' },
          })
        ).body,
      ).toEqual({ success: true });
      const node = await graph(sim.url, 'GET', `/v24.0/${first}`, {
        token,
        query: { fields: 'webhook_configuration' },
      });
      expect(node.body.webhook_configuration).toMatchObject({
        phone_number: phoneHook.url,
        whatsapp_business_account: wabaHook.url,
      });
      sim.customerSends({ channel: 'whatsapp', accountId: first, text: 'to the number hook' });
      sim.customerSends({ channel: 'whatsapp', accountId: second, text: 'to the WABA hook' });
      await sim.idle();
      expect(waValues(phoneHook.received).map((v) => v.metadata.phone_number_id)).toEqual([first]);
      expect(waValues(wabaHook.received).map((v) => v.metadata.phone_number_id)).toEqual([second]);
      expect((await set({ webhook_configuration: { override_callback_uri: '' } })).body).toEqual({
        success: true,
      });
      sim.customerSends({ channel: 'whatsapp', accountId: first, text: 'back to the WABA hook' });
      await sim.idle();
      expect(waValues(wabaHook.received)).toHaveLength(2);
    } finally {
      await wabaHook.close();
      await phoneHook.close();
    }
  });
});

describe('Facebook Login', () => {
  it('short-lived user token → long-lived → /me/accounts Pages with non-expiring Page tokens and the linked Instagram account', async () => {
    const login = sim.onboarding.facebookLogin({ pages: 3, instagram: 1 });
    expect((await debug(login.userAccessToken)).expires_at).toBe(
      Math.floor((clock.now() + 3_600_000) / 1000),
    );
    const long = await exchange({
      ...client(),
      grant_type: 'fb_exchange_token',
      fb_exchange_token: login.userAccessToken,
    });
    expect(long.body).toMatchObject({ token_type: 'bearer', expires_in: 5_183_944 });
    const userToken = long.body.access_token as string;
    const first = await graph(sim.url, 'GET', '/v24.0/me/accounts', {
      token: userToken,
      query: { limit: '2' },
    });
    expect(first.body.data).toHaveLength(2);
    expect(first.body.paging.next).toBeDefined();
    const rest = await graph(sim.url, 'GET', '/v24.0/me/accounts', {
      token: userToken,
      query: { limit: '2', after: first.body.paging.cursors.after },
    });
    const pages = [...first.body.data, ...rest.body.data];
    expect(pages.map((p: { id: string }) => p.id)).toEqual(login.pageIds);
    expect(rest.body.paging.next).toBeUndefined();
    const pageToken = pages[0].access_token as string;
    expect(pages[0].tasks).toContain('MESSAGING');
    expect(await debug(pageToken)).toMatchObject({ is_valid: true, expires_at: 0, type: 'PAGE' });
    const node = await graph(sim.url, 'GET', `/v24.0/${login.pageIds[0]}`, {
      token: pageToken,
      query: { fields: 'instagram_business_account' },
    });
    expect(node.body.instagram_business_account).toEqual({ id: login.instagramIds[0] });
    // A Page token derived from the short-lived user token dies with it.
    const shortPages = await graph(sim.url, 'GET', '/v24.0/me/accounts', { token: login.userAccessToken });
    expect((await debug(shortPages.body.data[0].access_token)).expires_at).not.toBe(0);

    await clock.advance(2 * 3_600_000);
    const expired = await exchange({
      ...client(),
      grant_type: 'fb_exchange_token',
      fb_exchange_token: login.userAccessToken,
    });
    expect(expired.body.error).toMatchObject({ code: 190, error_subcode: 463 });
  });

  it('the redirect flow’s code needs the same redirect_uri', async () => {
    const login = sim.onboarding.facebookLogin({ redirectUri: 'https://platform.example/cb' });
    const mismatch = await exchange({
      ...client(),
      code: login.code,
      redirect_uri: 'https://elsewhere.example/cb',
    });
    expect(mismatch.body.error).toMatchObject({ code: 100, error_subcode: 36008 });
    const ok = await exchange({ ...client(), code: login.code, redirect_uri: 'https://platform.example/cb' });
    expect(ok.body.access_token).toMatch(/^EAA/);
  });
});

describe('Instagram Login', () => {
  it('code → short-lived → 60-day token; refresh only once 24 h old and before expiry', async () => {
    const login = sim.onboarding.instagramLogin({ redirectUri: 'https://platform.example/ig' });
    const form = (code: string, secret = sim.world.app.secret) =>
      fetch(`${sim.url}/oauth/access_token`, {
        method: 'POST',
        body: new URLSearchParams({
          client_id: sim.world.app.id,
          client_secret: secret,
          grant_type: 'authorization_code',
          redirect_uri: 'https://platform.example/ig',
          code,
        }),
      });
    const badSecret = await form(login.code, 'nope');
    expect(badSecret.status).toBe(400);
    expect(await badSecret.json()).toMatchObject({ error_type: 'OAuthException', code: 400 });
    const res = await form(login.code);
    const short = (await res.json()) as { access_token: string; user_id: string; permissions: string[] };
    expect(short.user_id).toBe(login.instagramId);
    expect(short.permissions).toContain('instagram_business_basic');
    expect(await (await form(login.code)).json()).toMatchObject({
      error_message: 'Matching code was not found or was already used',
    });
    const wrongSecret = await graph(sim.url, 'GET', '/access_token', {
      token: short.access_token,
      query: { grant_type: 'ig_exchange_token', client_secret: 'nope' },
    });
    expect(wrongSecret.body.error.code).toBe(1);
    const long = await graph(sim.url, 'GET', '/access_token', {
      token: short.access_token,
      query: { grant_type: 'ig_exchange_token', client_secret: sim.world.app.secret },
    });
    expect(long.body).toMatchObject({ token_type: 'bearer', expires_in: 5_183_944 });
    const longToken = long.body.access_token as string;
    const refresh = (token: string) =>
      graph(sim.url, 'GET', '/refresh_access_token', { token, query: { grant_type: 'ig_refresh_token' } });
    expect((await refresh(longToken)).body.error.message).toMatch(/24 hours/);
    expect((await refresh(short.access_token)).body.error.code).toBe(100);
    await clock.advance(DAY + 1000);
    const refreshed = await refresh(longToken);
    expect(refreshed.body.expires_in).toBe(5_183_944);
    expect((await debug(refreshed.body.access_token)).expires_at).toBe(
      Math.floor((clock.now() + 60 * DAY) / 1000),
    );
    await clock.advance(61 * DAY);
    expect((await refresh(refreshed.body.access_token)).body.error).toMatchObject({
      code: 190,
      error_subcode: 463,
    });
  });
});

describe('/_sim/onboarding', () => {
  it('starts each flow over HTTP with validated bodies', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${sim.url}/_sim/onboarding/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const es = (await (await post('embedded-signup', { phoneNumbers: 2 })).json()) as {
      code: string;
      phoneNumberIds: string[];
    };
    expect(es.phoneNumberIds).toHaveLength(2);
    expect((await exchange({ ...client(), code: es.code })).status).toBe(200);
    const fb = (await (await post('facebook-login', { pages: 2, instagram: 1 })).json()) as {
      instagramIds: string[];
    };
    expect(fb.instagramIds).toHaveLength(1);
    const ig = (await (await post('instagram-login', {})).json()) as { code: string };
    expect(ig.code).toMatch(/^AQD/);
    expect((await post('facebook-login', { pages: -1 })).status).toBe(400);
    expect((await post('nothing', {})).status).toBe(404);
  });
});
