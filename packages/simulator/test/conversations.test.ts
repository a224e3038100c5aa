import { ManualClock } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MetaSimulator, startMetaSimulator } from '../src/index.js';
import type { Loose } from './helpers.js';
import { graph } from './helpers.js';

let sim: MetaSimulator;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2024-07-11T15:56:00Z'));
  sim = await startMetaSimulator({ clock });
});
afterEach(async () => {
  await sim.stop();
});

/** Conversations API calls are limited to 2/s per account: step the clock between calls. */
async function call(path: string, token: string, query: Record<string, string> = {}) {
  await clock.advance(1000);
  return graph(sim.url, 'GET', path, { token, query });
}

describe('Conversations API', () => {
  it('lists conversations newest first with updated_time, user_id filter, limit and cursors', async () => {
    const { accountId, token, customers } = sim.account('messenger');
    for (const c of customers) {
      sim.customerSends({ channel: 'messenger', userId: c.userId, text: `hi from ${c.userId}` });
      await clock.advance(60_000);
    }
    const all = await call(`/v24.0/${accountId}/conversations`, token, { platform: 'messenger' });
    expect(all.status).toBe(200);
    expect(all.body.data).toHaveLength(3);
    expect(all.body.data[0]).toEqual({
      id: expect.stringMatching(/^t_/),
      updated_time: '2024-07-11T15:58:00+0000',
    });
    const one = await call(`/v24.0/${accountId}/conversations`, token, {
      platform: 'messenger',
      user_id: customers[0]!.userId,
    });
    expect(one.body.data).toHaveLength(1);
    expect(one.body.data[0].updated_time).toBe('2024-07-11T15:56:00+0000');
    const page1 = await call(`/v24.0/${accountId}/conversations`, token, { limit: '2' });
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.paging.next).toContain('after=');
    const page2 = await call(`/v24.0/${accountId}/conversations`, token, {
      limit: '2',
      after: page1.body.paging.cursors.after,
    });
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.paging.next).toBeUndefined();
    expect(page2.body.data[0].id).toBe(one.body.data[0].id);
  });

  it('lists Instagram conversations through the Page and through /me with an Instagram Login token', async () => {
    const ig = sim.world.instagram[0]!;
    sim.customerSends({ channel: 'instagram', accountId: ig.id, text: 'hi' });
    const viaPage = await call(`/v24.0/${ig.pageId}/conversations`, ig.accessToken, {
      platform: 'instagram',
    });
    expect(viaPage.body.data).toHaveLength(1);
    const login = sim.world.instagram[1]!;
    sim.customerSends({ channel: 'instagram', accountId: login.id, text: 'yo' });
    await clock.advance(1000);
    const viaMe = await graph(sim.url, 'GET', '/v24.0/me/conversations', {
      bearer: login.loginToken,
      query: { platform: 'instagram' },
    });
    expect(viaMe.body.data).toHaveLength(1);
    const page2 = sim.world.pages[1]!;
    const unlinked = await call(`/v24.0/${page2.id}/conversations`, page2.accessToken, {
      platform: 'instagram',
    });
    expect(unlinked.body.error.code).toBe(100);
  });

  it('lists every message id newest first but details only the 20 newest; older ones answer 9000001', async () => {
    const { accountId, token, customers } = sim.account('messenger');
    const userId = customers[0]!.userId;
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      ids.push(sim.customerSends({ channel: 'messenger', userId, text: `message ${i} ✓` }).messageId!);
      await clock.advance(1000);
    }
    const reply = sim.customerSends({ channel: 'messenger', userId, text: 'a reply', replyTo: ids[24] });
    ids.push(reply.messageId!);
    const list = await call(`/v24.0/${accountId}/conversations`, token, { user_id: userId });
    const convId = list.body.data[0].id as string;
    const conv = await call(`/v24.0/${convId}`, token, {
      fields: 'messages.limit(100){id,created_time,from,to,message,reply_to}',
    });
    const data = conv.body.messages.data as Array<Record<string, Loose>>;
    expect(data).toHaveLength(26);
    expect(data.map((m) => m.id)).toEqual([...ids].reverse());
    expect(data[0]).toMatchObject({
      message: 'a reply',
      from: { id: userId },
      to: { data: [{ id: accountId }] },
      reply_to: { mid: ids[24], is_self_reply: true },
    });
    expect(data[19]!.message).toBe('message 6 ✓');
    expect(data[20]).toEqual({
      id: ids[5],
      created_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/),
    });
    const newest = await call(`/v24.0/${ids[25]}`, token, { fields: 'id,created_time,message,from' });
    expect(newest.body).toMatchObject({ id: ids[25], message: 'a reply', from: { id: userId } });
    const old = await call(`/v24.0/${ids[0]}`, token, { fields: 'id,message' });
    expect(old.status).toBe(400);
    expect(old.body.error.code).toBe(9000001);
    const edge = await call(`/v24.0/${convId}/messages`, token, { fields: 'id,message', limit: '10' });
    expect(edge.body.data).toHaveLength(10);
    const more = await call(`/v24.0/${convId}/messages`, token, {
      fields: 'id,message',
      limit: '10',
      after: edge.body.paging.cursors.after,
    });
    expect(more.body.data[0].id).toBe(ids[15]);
    const bad = await call(`/v24.0/${convId}`, token, { fields: 'messages{id' });
    expect(bad.body.error.code).toBe(100);
  });

  it('includes business sends and attachments in the conversation', async () => {
    const { accountId, token, customers } = sim.account('messenger');
    const userId = customers[0]!.userId;
    sim.customerSends({ channel: 'messenger', userId, kind: 'image' });
    const sent = await graph(sim.url, 'POST', `/v24.0/${accountId}/messages`, {
      token,
      body: { recipient: { id: userId }, message: { text: 'thanks' } },
    });
    const list = await call(`/v24.0/${accountId}/conversations`, token, {
      fields: 'id,updated_time,participants,messages{id,from,message,attachments}',
    });
    const messages = list.body.data[0].messages.data as Array<Record<string, Loose>>;
    expect(messages[0]).toMatchObject({
      id: sent.body.message_id,
      from: { id: accountId },
      message: 'thanks',
    });
    expect(messages[1]!.attachments.data[0].image_data.url).toMatch(/^https:\/\//);
    expect(list.body.data[0].participants.data.map((p: { id: string }) => p.id)).toEqual([userId, accountId]);
  });

  it('allows 2 calls per second per account, then 613 with usage headers', async () => {
    const { accountId, token } = sim.account('messenger');
    const get = () => graph(sim.url, 'GET', `/v24.0/${accountId}/conversations`, { token });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    const limited = await get();
    expect(limited.body.error.code).toBe(613);
    const usage = JSON.parse(limited.headers.get('x-business-use-case-usage') ?? '{}') as Record<
      string,
      Array<{ call_count: number }>
    >;
    expect(usage[accountId]?.[0]?.call_count).toBe(100);
    await clock.advance(1000);
    expect((await get()).status).toBe(200);
  });
});
