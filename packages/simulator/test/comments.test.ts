import { ManualClock } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MetaSimulator, startMetaSimulator } from '../src/index.js';
import { graph, type Loose, startReceiver, verifySignature } from './helpers.js';

const DAY = 24 * 3_600_000;
let sim: MetaSimulator;
let clock: ManualClock;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

const changes = () =>
  receiver.received.flatMap((r) =>
    (r.json.entry as Array<{ time: number; changes?: Array<{ field: string; value: Loose }> }>).flatMap((e) =>
      (e.changes ?? []).map((c) => ({ ...c, time: e.time })),
    ),
  );

async function settle(): Promise<void> {
  await clock.advance(1_000);
  await sim.idle();
}

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-29T10:00:00Z'));
  receiver = await startReceiver();
  sim = await startMetaSimulator({ clock, webhooks: { messenger: receiver.url, instagram: receiver.url } });
  // Subscribe the Page to feed and (through it) the linked Instagram account to comments.
  const page = sim.account('messenger');
  await graph(sim.url, 'POST', `/${page.accountId}/subscribed_apps`, {
    token: page.token,
    query: { subscribed_fields: 'messages,message_echoes,feed,comments,live_comments,mentions' },
  });
});
afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

describe('comments in the simulator', () => {
  it('a Facebook comment is a signed feed change; the public reply comes back from the Page', async () => {
    const page = sim.account('messenger');
    const { comment } = sim.comments.customerComments({ channel: 'messenger', text: 'Still available?' });
    await settle();
    expect(
      verifySignature(
        receiver.received[0]!.raw,
        receiver.received[0]!.headers['x-hub-signature-256'],
        sim.world.app.secret,
      ),
    ).toBe(true);
    const [feed] = changes();
    expect(feed).toMatchObject({
      field: 'feed',
      value: {
        item: 'comment',
        verb: 'add',
        comment_id: comment.id,
        parent_id: comment.postId,
        message: 'Still available?',
      },
    });
    expect(feed!.time).toBeLessThan(1e11);
    const reply = await graph(sim.url, 'POST', `/v25.0/${comment.id}/comments`, {
      token: page.token,
      body: { message: 'Yes!' },
    });
    expect(reply.status).toBe(200);
    await settle();
    expect(changes().at(-1)).toMatchObject({
      value: { comment_id: reply.body.id, parent_id: comment.id, from: { id: page.accountId } },
    });
    const wrongEdge = await graph(sim.url, 'POST', `/${comment.id}/replies`, {
      token: page.token,
      body: { message: 'x' },
    });
    expect(wrongEdge.body.error.code).toBe(2500);
  });

  it('private replies: once per comment, within 7 days, Meta’s errors otherwise', async () => {
    const page = sim.account('messenger');
    const send = (commentId: string) =>
      graph(sim.url, 'POST', `/${page.accountId}/messages`, {
        token: page.token,
        body: { recipient: { comment_id: commentId }, message: { text: 'Check your inbox' } },
      });
    const { comment } = sim.comments.customerComments({ channel: 'messenger', text: 'Price?' });
    const first = await send(comment.id);
    expect(first.body).toEqual({ recipient_id: comment.authorId, message_id: expect.stringMatching(/^m_/) });
    const twice = await send(comment.id);
    expect(twice.body.error).toMatchObject({ code: 100, error_subcode: 2534025 });
    const old = sim.comments.customerComments({
      channel: 'messenger',
      text: 'Old',
      at: clock.now() - 8 * DAY,
    });
    expect((await send(old.comment.id)).body.error).toMatchObject({ code: 10, error_subcode: 2018278 });
    expect((await send('404_404')).body.error).toMatchObject({ code: 100, error_subcode: 2018292 });
  });

  it('Instagram: comments / live_comments / mentions webhooks, hide, and the (#3) of a Page token on the IG node', async () => {
    const ig = sim.world.instagram.find((a) => a.pageId)!;
    const live = sim.comments.post({ channel: 'instagram', accountId: ig.id, live: true });
    sim.comments.customerComments({ channel: 'instagram', accountId: ig.id, text: 'Nice' });
    const onLive = sim.comments.customerComments({
      channel: 'instagram',
      accountId: ig.id,
      postId: live.id,
      text: '🔥',
    });
    sim.comments.customerComments({ channel: 'instagram', accountId: ig.id, text: '@shop', mention: true });
    await settle();
    expect(changes().map((c) => c.field)).toEqual(['comments', 'live_comments', 'mentions']);
    expect(changes()[2]!.value).toEqual({ comment_id: expect.any(String), media_id: expect.any(String) });
    const hide = await graph(sim.url, 'POST', `/${onLive.comment.id}`, {
      token: ig.accessToken,
      body: { hide: true },
    });
    expect(hide.body).toEqual({ success: true });
    expect(sim.comments.get(onLive.comment.id)?.hidden).toBe(true);
    const viaIgNode = await graph(sim.url, 'POST', `/${ig.id}/messages`, {
      token: ig.accessToken,
      body: { recipient: { comment_id: onLive.comment.id }, message: { text: 'hi' } },
    });
    expect(viaIgNode.body.error.code).toBe(3);
    sim.comments.endLive(live.id);
    const afterLive = await graph(sim.url, 'POST', `/${ig.pageId}/messages`, {
      token: ig.accessToken,
      body: { recipient: { comment_id: onLive.comment.id }, message: { text: 'hi' } },
    });
    expect(afterLive.body.error).toMatchObject({ code: 10, error_subcode: 2534022 });
  });

  it('the control API creates posts and comments', async () => {
    const post = await fetch(`${sim.url}/_sim/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'messenger' }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const made = await fetch(`${sim.url}/_sim/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'messenger', postId: post.id, text: 'via control' }),
    });
    expect(made.status).toBe(200);
    const bad = await fetch(`${sim.url}/_sim/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'whatsapp', text: 'x' }),
    });
    expect(bad.status).toBe(400);
    const list = (await fetch(`${sim.url}/_sim/comments?postId=${post.id}`).then((r) => r.json())) as {
      data: Array<{ text: string }>;
    };
    expect(list.data.map((c) => c.text)).toEqual(['via control']);
  });
});
