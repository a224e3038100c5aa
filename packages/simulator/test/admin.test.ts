import { ManualClock } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MetaSimulator, startMetaSimulator } from '../src/index.js';
import { graph, startReceiver } from './helpers.js';

let sim: MetaSimulator;
let clock: ManualClock;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-29T10:00:00Z'));
  receiver = await startReceiver();
  sim = await startMetaSimulator({ clock, webhooks: { messenger: receiver.url, whatsapp: receiver.url } });
});
afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

describe('subscriptions, debug_token and profile nodes', () => {
  it('GET/POST/DELETE /{page-id}/subscribed_apps, and delivery follows the subscription', async () => {
    const { accountId, token } = sim.account('messenger');
    const get = () => graph(sim.url, 'GET', `/v24.0/${accountId}/subscribed_apps`, { token });
    expect((await get()).body.data[0]).toMatchObject({
      id: sim.world.app.id,
      subscribed_fields: expect.arrayContaining(['messages', 'message_echoes']),
    });
    expect((await graph(sim.url, 'DELETE', `/v24.0/${accountId}/subscribed_apps`, { token })).body).toEqual({
      success: true,
    });
    expect((await get()).body.data).toEqual([]);
    const lost = sim.customerSends({ channel: 'messenger', text: 'nobody listens' });
    expect(lost.dropped).toBe('unsubscribed');
    const noFields = await graph(sim.url, 'POST', `/v24.0/${accountId}/subscribed_apps`, { token });
    expect(noFields.body.error.code).toBe(100);
    const badField = await graph(sim.url, 'POST', `/v24.0/${accountId}/subscribed_apps`, {
      token,
      query: { subscribed_fields: 'messages,bogus' },
    });
    expect(badField.body.error.code).toBe(100);
    const noScope = await graph(sim.url, 'POST', `/v24.0/${accountId}/subscribed_apps`, {
      token: sim.world.testTokens.noScopes,
      query: { subscribed_fields: 'messages' },
    });
    expect(noScope.body.error.code).toBe(200);
    const sub = await graph(sim.url, 'POST', `/v24.0/${accountId}/subscribed_apps`, {
      token,
      query: { subscribed_fields: 'messages,messaging_postbacks' },
    });
    expect(sub.body).toEqual({ success: true });
    expect((await get()).body.data[0].subscribed_fields).toEqual(['messages', 'messaging_postbacks']);
    const delivered = sim.customerSends({ channel: 'messenger', text: 'back' });
    const filtered = sim.customerSends({ channel: 'messenger', kind: 'reaction' });
    await sim.idle();
    expect(delivered.deliveredCount).toBe(1);
    expect(filtered.dropped).toBe('unsubscribed');
    expect(sim.truth.alerts.map((a) => a.kind)).toContain('resubscribed');
  });

  it('a POST replaces the app’s list on the Page, which its linked Instagram account shares', async () => {
    sim.setWebhook('instagram', receiver.url);
    const ig = sim.world.instagram.find((a) => a.pageId)!;
    const token = ig.accessToken;
    const post = (fields: string) =>
      graph(sim.url, 'POST', `/v24.0/${ig.pageId}/subscribed_apps`, {
        token,
        query: { subscribed_fields: fields },
      });
    const fields = async (id: string) =>
      (await graph(sim.url, 'GET', `/v24.0/${id}/subscribed_apps`, { token })).body.data[0]
        ?.subscribed_fields;
    expect(await fields(ig.pageId!)).toEqual(expect.arrayContaining(['message_echoes', 'messaging_seen']));
    await post('messages,messaging_seen,comments');
    expect(await fields(ig.pageId!)).toEqual(['messages', 'messaging_seen', 'comments']);
    expect(sim.customerSends({ channel: 'messenger', accountId: ig.pageId! }).dropped).toBeUndefined();
    expect(sim.customerSends({ channel: 'instagram', accountId: ig.id }).dropped).toBeUndefined();
    await post('feed'); // replaces: Messenger and Instagram messages stop, no field is kept or added
    expect(await fields(ig.pageId!)).toEqual(['feed']);
    expect(await fields(ig.id)).toEqual(['feed']); // the account has no list of its own
    expect(sim.customerSends({ channel: 'messenger', accountId: ig.pageId! }).dropped).toBe('unsubscribed');
    expect(sim.customerSends({ channel: 'instagram', accountId: ig.id }).dropped).toBe('unsubscribed');
    const comment = sim.comments.customerComments({ channel: 'instagram', accountId: ig.id, text: 'Hi' });
    expect(comment.record.dropped).toBe('unsubscribed');
    // Meta's unsubscribe (named by either id) removes the one list.
    await post('messages');
    sim.faults.unsubscribeApp(ig.id);
    expect((await graph(sim.url, 'GET', `/v24.0/${ig.pageId}/subscribed_apps`, { token })).body.data).toEqual(
      [],
    );
    await sim.idle();
  });

  it('WABA subscribed_apps and app subscriptions', async () => {
    const waba = sim.world.wabas[0]!.id;
    const token = sim.world.systemUserToken;
    const list = await graph(sim.url, 'GET', `/v24.0/${waba}/subscribed_apps`, { bearer: token });
    expect(list.body.data[0].whatsapp_business_api_data.id).toBe(sim.world.app.id);
    await graph(sim.url, 'DELETE', `/v24.0/${waba}/subscribed_apps`, { bearer: token });
    expect(sim.customerSends({ channel: 'whatsapp' }).dropped).toBe('unsubscribed');
    expect((await graph(sim.url, 'POST', `/v24.0/${waba}/subscribed_apps`, { bearer: token })).body).toEqual({
      success: true,
    });
    const subs = await graph(sim.url, 'GET', `/v24.0/${sim.world.app.id}/subscriptions`, {
      token: sim.world.app.appToken,
    });
    expect(subs.body.data.map((d: { object: string }) => d.object)).toEqual([
      'page',
      'whatsapp_business_account',
    ]);
    expect(subs.body.data[0]).toMatchObject({
      callback_url: receiver.url,
      active: true,
      fields: expect.arrayContaining([{ name: 'messages', version: 'v24.0' }]),
    });
    expect(subs.headers.get('x-app-usage')).toContain('call_count');
    const notApp = await graph(sim.url, 'GET', `/v24.0/${sim.world.app.id}/subscriptions`, { token });
    expect(notApp.body.error.code).toBe(15);
  });

  it('debug_token reports valid, expiring, expired, revoked and unknown tokens', async () => {
    const app = sim.world.app.appToken;
    const debug = async (input: string) =>
      (await graph(sim.url, 'GET', '/v24.0/debug_token', { token: app, query: { input_token: input } })).body
        .data;
    const page = await debug(sim.account('messenger').token);
    expect(page).toMatchObject({
      app_id: sim.world.app.id,
      type: 'PAGE',
      is_valid: true,
      expires_at: 0,
      profile_id: sim.account('messenger').accountId,
      scopes: expect.arrayContaining(['pages_messaging']),
    });
    expect(page.granular_scopes[0].target_ids).toContain(sim.account('messenger').accountId);
    const expiring = await debug(sim.world.testTokens.expiring);
    expect(expiring.is_valid).toBe(true);
    expect(expiring.expires_at).toBe(Math.floor((clock.now() + 3_600_000) / 1000));
    expect(await debug(sim.world.testTokens.expired)).toMatchObject({
      is_valid: false,
      error: { code: 190, subcode: 463 },
    });
    expect(await debug(sim.world.testTokens.revoked)).toMatchObject({
      is_valid: false,
      error: { code: 190, subcode: 460 },
    });
    expect(await debug('EAAunknown')).toMatchObject({ is_valid: false, error: { code: 190 } });
    expect((await debug(sim.world.systemUserToken)).type).toBe('SYSTEM_USER');
    sim.faults.expireToken(sim.world.testTokens.expiring);
    expect((await debug(sim.world.testTokens.expiring)).is_valid).toBe(false);
    const missing = await graph(sim.url, 'GET', '/v24.0/debug_token', { token: app });
    expect(missing.body.error.code).toBe(100);
  });

  it('sends the verification GET handshake to a webhook target', async () => {
    const good = await startReceiver(() => 200, sim.world.app.verifyToken);
    const bad = await startReceiver(() => 200, 'another-token');
    try {
      sim.setWebhook('instagram', good.url);
      const ok = await sim.verifyWebhook('instagram');
      expect(ok).toMatchObject({ ok: true, status: 200 });
      expect(ok.body).toBe(ok.challenge);
      sim.setWebhook('instagram', bad.url);
      expect(await sim.verifyWebhook('instagram')).toMatchObject({ ok: false, status: 403 });
      const viaHttp = await fetch(`${sim.url}/_sim/verify`, {
        method: 'POST',
        body: JSON.stringify({ channel: 'instagram' }),
      });
      expect(((await viaHttp.json()) as { ok: boolean }).ok).toBe(false);
      sim.setWebhook('instagram', undefined);
      await expect(sim.verifyWebhook('instagram')).rejects.toThrow(/no webhook target/);
    } finally {
      await good.close();
      await bad.close();
    }
  });

  it('serves /me and profile nodes', async () => {
    const { accountId, token } = sim.account('messenger');
    expect((await graph(sim.url, 'GET', '/v24.0/me', { token, query: { fields: 'id,name' } })).body).toEqual({
      id: accountId,
      name: sim.world.pages[0]!.name,
    });
    const page = await graph(sim.url, 'GET', `/v24.0/${accountId}`, {
      token,
      query: { fields: 'instagram_business_account' },
    });
    expect(page.body.instagram_business_account.id).toBe(sim.world.instagram[0]!.id);
    const login = sim.world.instagram[1]!;
    const me = await graph(sim.url, 'GET', '/me', {
      bearer: login.loginToken,
      query: { fields: 'user_id,username' },
    });
    expect(me.body).toEqual({ id: login.id, user_id: login.id, username: login.username });
    expect((await graph(sim.url, 'GET', '/v24.0/123456', { token })).body.error).toMatchObject({
      code: 100,
      error_subcode: 33,
    });
    expect((await graph(sim.url, 'GET', `/v24.0/${accountId}/bogus_edge`, { token })).body.error.code).toBe(
      2500,
    );
  });
});
