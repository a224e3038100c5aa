import { ManualClock } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MetaSimulator, startMetaSimulator } from '../src/index.js';
import { appSecretProof } from '../src/meta-json.js';
import { graph, messagingEvents, startReceiver, verifySignature } from './helpers.js';

const HOUR = 3_600_000;
let sim: MetaSimulator;
let clock: ManualClock;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-29T10:00:00Z'));
  receiver = await startReceiver();
  sim = await startMetaSimulator({ clock, webhooks: { messenger: receiver.url, instagram: receiver.url } });
});
afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

describe('Messenger send', () => {
  it('answers {recipient_id, message_id} under any version prefix and sends an echo with metadata and app_id', async () => {
    const { accountId, token, customers } = sim.account('messenger');
    const psid = customers[0]!.userId;
    const res = await graph(sim.url, 'POST', `/v19.0/${accountId}/messages`, {
      token,
      body: {
        recipient: { id: psid },
        messaging_type: 'RESPONSE',
        message: { text: 'Salut 👋 / ok', metadata: 'outbox:42' },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ recipient_id: psid, message_id: expect.stringMatching(/^m_/) });
    expect(res.headers.get('x-business-use-case-usage')).toContain(accountId);
    await clock.advance(6000);
    await sim.idle();
    const events = messagingEvents(receiver.received);
    const echo = events.find((e) => e.message?.is_echo);
    expect(echo).toMatchObject({
      sender: { id: accountId },
      recipient: { id: psid },
      message: {
        mid: res.body.message_id,
        is_echo: true,
        app_id: Number(sim.world.app.id),
        metadata: 'outbox:42',
        text: 'Salut 👋 / ok',
      },
    });
    expect(events.some((e) => e.delivery?.mids?.includes(res.body.message_id))).toBe(true);
    expect(events.some((e) => typeof e.read?.watermark === 'number')).toBe(true);
    for (const r of receiver.received)
      expect(verifySignature(r.raw, r.headers['x-hub-signature-256'], sim.world.app.secret)).toBe(true);
    expect(sim.businessSends({ channel: 'messenger' })).toHaveLength(1);
  });

  it('accepts Bearer auth, /me/messages and form-encoded bodies', async () => {
    const { token, customers } = sim.account('messenger');
    const form = new URLSearchParams({
      recipient: JSON.stringify({ id: customers[1]!.userId }),
      message: JSON.stringify({ text: 'form' }),
    });
    const res = await fetch(`${sim.url}/v24.0/me/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { recipient_id: string }).recipient_id).toBe(customers[1]!.userId);
  });

  it('enforces the 24 h window (10/2018278) and HUMAN_AGENT for 7 days', async () => {
    const { accountId, token, customers } = sim.account('messenger');
    const psid = customers[0]!.userId;
    await clock.advance(25 * HOUR);
    const body = { recipient: { id: psid }, message: { text: 'late' } };
    const late = await graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, { token, body });
    expect(late.status).toBe(400);
    expect(late.body.error).toMatchObject({
      code: 10,
      error_subcode: 2018278,
      type: 'OAuthException',
      fbtrace_id: expect.any(String),
    });
    const agent = await graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, {
      token,
      body: { ...body, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' },
    });
    expect(agent.status).toBe(200);
    await clock.advance(7 * 24 * HOUR);
    const tooLate = await graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, {
      token,
      body: { ...body, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' },
    });
    expect(tooLate.body.error.error_subcode).toBe(2018278);
    sim.customerSends({ channel: 'messenger', userId: psid, text: 'back' });
    expect((await graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, { token, body })).status).toBe(200);
  });

  it('rejects bad requests with Meta error objects', async () => {
    const { accountId, token, customers } = sim.account('messenger');
    const psid = customers[0]!.userId;
    const post = (body: unknown, t = token) =>
      graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, { token: t, body });
    expect(
      (await post({ recipient: { id: psid }, message: { text: 'x'.repeat(2001) } })).body.error.code,
    ).toBe(100);
    expect((await post({ recipient: { id: psid }, message: { text: 'x'.repeat(2000) } })).status).toBe(200);
    expect((await post({ message: { text: 'hi' } })).body.error.code).toBe(100);
    expect((await post({ recipient: { id: '999' }, message: { text: 'hi' } })).body.error).toMatchObject({
      code: 100,
      error_subcode: 2018001,
    });
    expect(
      (
        await post({
          recipient: { id: psid },
          message: { attachment: { type: 'image', payload: { url: 'ftp://x' } } },
        })
      ).body.error.error_subcode,
    ).toBe(2018008);
    expect(
      (await post({ recipient: { id: psid }, messaging_type: 'MESSAGE_TAG', message: { text: 'x' } })).body
        .error.code,
    ).toBe(100);
    const noToken = await graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, {
      body: { recipient: { id: psid }, message: { text: 'x' } },
    });
    expect(noToken.body.error.code).toBe(104);
    const other = sim.account('messenger', 1);
    expect(
      (await post({ recipient: { id: psid }, message: { text: 'x' } }, other.token)).body.error,
    ).toMatchObject({ code: 100, error_subcode: 33 });
    const sa = await post({ recipient: { id: psid }, sender_action: 'typing_on' });
    expect(sa.body).toEqual({ recipient_id: psid });
  });

  it('checks tokens: unknown 190, expired 190/463, revoked 190/467, missing scope 10', async () => {
    const { accountId, token, customers } = sim.account('messenger');
    const body = { recipient: { id: customers[0]!.userId }, message: { text: 'x' } };
    const post = (t: string) => graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, { token: t, body });
    const unknown = await post('EAAnope');
    expect(unknown.body.error.code).toBe(190);
    expect(unknown.body.error.error_subcode).toBeUndefined();
    expect((await post(sim.world.testTokens.expired)).body.error).toMatchObject({
      code: 190,
      error_subcode: 463,
    });
    expect((await post(sim.world.testTokens.revoked)).body.error).toMatchObject({
      code: 190,
      error_subcode: 460,
    });
    expect((await post(sim.world.testTokens.noScopes)).body.error.code).toBe(10);
    sim.faults.revokeToken(token);
    expect((await post(token)).body.error).toMatchObject({ code: 190, error_subcode: 467 });
  });

  it('validates appsecret_proof when present', async () => {
    const { accountId, token } = sim.account('messenger');
    const good = await graph(sim.url, 'GET', `/v24.0/${accountId}`, {
      token,
      query: { appsecret_proof: appSecretProof(token, sim.world.app.secret) },
    });
    expect(good.status).toBe(200);
    expect(good.body.id).toBe(accountId);
    const bad = await graph(sim.url, 'GET', `/v24.0/${accountId}`, {
      token,
      query: { appsecret_proof: 'deadbeef' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 100, message: expect.stringContaining('appsecret_proof') });
  });
});

describe('Instagram send', () => {
  it('sends via the linked Page, and via the Instagram Login host shape with Bearer', async () => {
    const ig = sim.world.instagram[0]!;
    const igsid = sim.account('instagram').customers[0]!.userId;
    const viaPage = await graph(sim.url, 'POST', `/v24.0/${ig.pageId}/messages`, {
      token: ig.accessToken,
      body: { recipient: { id: igsid }, message: { text: 'hey' } },
    });
    expect(viaPage.body).toEqual({ recipient_id: igsid, message_id: expect.any(String) });
    const login = sim.world.instagram[1]!;
    const loginUser = sim.account('instagram', 1).customers[0]!.userId;
    const viaLogin = await graph(sim.url, 'POST', `/v24.0/${login.id}/messages`, {
      bearer: login.loginToken,
      body: { recipient: { id: loginUser }, message: { text: 'hi' } },
    });
    expect(viaLogin.status).toBe(200);
    const viaMe = await graph(sim.url, 'POST', '/me/messages', {
      bearer: login.loginToken,
      body: { recipient: { id: loginUser }, message: { text: 'hi' } },
    });
    expect(viaMe.body.recipient_id).toBe(loginUser);
    await clock.advance(200);
    await sim.idle();
    const echoes = messagingEvents(receiver.received).filter((e) => e.message?.is_echo);
    expect(echoes.map((e) => e.sender.id).sort()).toEqual([ig.id, login.id, login.id].sort());
    expect(receiver.received.every((r) => r.json.object === 'instagram')).toBe(true);
  });

  it('limits text to 1000 bytes and enforces its window (10/2534022)', async () => {
    const login = sim.world.instagram[1]!;
    const user = sim.account('instagram', 1).customers[0]!.userId;
    const send = (text: string, extra: Record<string, unknown> = {}) =>
      graph(sim.url, 'POST', `/v24.0/${login.id}/messages`, {
        bearer: login.loginToken,
        body: { recipient: { id: user }, message: { text }, ...extra },
      });
    expect((await send('é'.repeat(501))).body.error.code).toBe(100);
    expect((await send('é'.repeat(500))).status).toBe(200);
    await clock.advance(25 * HOUR);
    expect((await send('late')).body.error).toMatchObject({ code: 10, error_subcode: 2534022 });
    expect((await send('agent', { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' })).status).toBe(200);
    expect(
      (await send('tag', { messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' })).body.error.code,
    ).toBe(100);
  });
});
