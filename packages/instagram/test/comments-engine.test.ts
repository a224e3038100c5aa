import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMemoryStore,
  createSwitchboard,
  type EventOfKind,
  type OutboxEntry,
  type Switchboard,
  SwitchboardError,
  silentLogger,
} from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstagramAdapter, type InstagramAdapter } from '../src/index.js';

let sim: MetaSimulator;
let switchboard: Switchboard;
let server: http.Server;
let igId: string;
let loginIgId: string;
let igLogin: InstagramAdapter;
const comments: Array<EventOfKind<'comment'>> = [];

async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await sim.idle();
    await switchboard.drain();
  }
}

const outbox = async (entry: OutboxEntry) => (await switchboard.store.outbox.get(entry.id)) as OutboxEntry;

beforeAll(async () => {
  sim = await startMetaSimulator({ seed: 12 });
  const linked = sim.world.instagram.find((a) => a.pageId)!;
  const unlinked = sim.world.instagram.find((a) => !a.pageId)!;
  igId = linked.id;
  loginIgId = unlinked.id;
  const common = {
    appSecret: sim.world.app.secret,
    verifyToken: sim.world.app.verifyToken,
    graphBaseUrl: sim.url,
    comments: true,
  };
  const fbLogin = createInstagramAdapter({
    ...common,
    apiFlavour: 'facebook-login',
    instagramAccountIds: [igId],
    pageIdByInstagramAccountId: { [igId]: linked.pageId! },
    accessToken: linked.accessToken,
  });
  igLogin = createInstagramAdapter({
    ...common,
    apiFlavour: 'instagram-login',
    accessTokens: { [loginIgId]: unlinked.loginToken },
  });
  // With `comments: true` the subscription includes comments, live_comments and mentions.
  await fbLogin.resubscribe(igId);
  switchboard = createSwitchboard({
    adapters: [fbLogin],
    store: createMemoryStore(),
    logger: silentLogger,
    watch: false,
    outbox: { maxAttempts: 3, baseDelayMs: 1 },
  });
  switchboard.on('comment', (event) => void comments.push(event));
  server = http.createServer(toNodeListener(switchboard));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sim.setWebhook(
    'instagram',
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/instagram`,
  );
});

afterAll(async () => {
  await switchboard?.stop();
  await sim?.stop();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

describe('Instagram comments through the engine against the simulator (Facebook Login)', () => {
  it('comment → public reply on /replies (outbound, same thread) → private reply once via the Page', async () => {
    const { comment } = sim.comments.customerComments({
      channel: 'instagram',
      accountId: igId,
      text: 'Price?',
    });
    await settle();
    const inbound = comments.find((e) => e.commentId === comment.id);
    expect(inbound).toMatchObject({ direction: 'inbound', mediaId: comment.postId, verb: 'add' });
    const to = { channel: 'instagram', accountId: igId, userId: comment.authorId, commentId: comment.id };
    const pub = await switchboard.send({ to, content: { type: 'public_reply', text: 'Sent you a DM!' } });
    const priv = await switchboard.send({ to, content: { type: 'text', text: 'It is 20 €.' } });
    await settle();
    const reply = (await outbox(pub)).receipt?.messageId;
    expect(comments.find((e) => e.commentId === reply)).toMatchObject({
      direction: 'outbound',
      userId: igId,
      parentId: comment.id,
      conversationId: inbound?.conversationId,
    });
    expect((await outbox(priv)).state).not.toBe('failed');
    expect(sim.comments.get(comment.id)?.privateReplyId).toBe((await outbox(priv)).receipt?.messageId);
    const before = sim.businessSends().length;
    await expect(switchboard.send({ to, content: { type: 'text', text: 'Again' } })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      retryable: false,
    });
    expect(sim.businessSends().length).toBe(before);
  });

  it('a live comment can be answered privately only while the broadcast is live', async () => {
    const live = sim.comments.post({ channel: 'instagram', accountId: igId, live: true });
    const { comment } = sim.comments.customerComments({
      channel: 'instagram',
      accountId: igId,
      postId: live.id,
      text: '🔥',
    });
    await settle();
    expect(comments.find((e) => e.commentId === comment.id)).toMatchObject({ live: true });
    sim.comments.endLive(live.id);
    const entry = await switchboard.send({
      to: { channel: 'instagram', accountId: igId, userId: comment.authorId, commentId: comment.id },
      content: { type: 'text', text: 'Thanks for watching' },
    });
    await settle();
    expect(await outbox(entry)).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: { code: 'OUTSIDE_WINDOW', platform: { code: 10, subcode: 2534022 } },
    });
  });

  it('a mention arrives as a comment event without text or author; hide works, a public reply to a hidden comment is refused', async () => {
    const other = sim.comments.post({ channel: 'instagram', accountId: igId });
    const { comment } = sim.comments.customerComments({
      channel: 'instagram',
      accountId: igId,
      postId: other.id,
      text: '@shop look',
      mention: true,
    });
    await settle();
    const mention = comments.find((e) => e.commentId === comment.id);
    expect(mention).toMatchObject({ mention: true, mediaId: other.id });
    expect(mention?.userId).toBeUndefined();
    const to = { channel: 'instagram', accountId: igId, userId: comment.authorId, commentId: comment.id };
    await switchboard.send({ to, content: { type: 'comment_moderation', action: 'hide' } });
    await settle();
    expect(sim.comments.get(comment.id)?.hidden).toBe(true);
    const refused = await switchboard.send({ to, content: { type: 'public_reply', text: 'hi' } });
    await settle();
    expect(await outbox(refused)).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: { code: 'INVALID_REQUEST' },
    });
  });
});

describe('Instagram Login: comment actions on graph.instagram.com nodes', () => {
  it('public reply, private reply to the IG account node, delete', async () => {
    const { comment } = sim.comments.customerComments({
      channel: 'instagram',
      accountId: loginIgId,
      text: 'Hi',
    });
    const to = {
      channel: 'instagram',
      accountId: loginIgId,
      userId: comment.authorId,
      commentId: comment.id,
    };
    const pub = await igLogin.send({ to, content: { type: 'public_reply', text: 'Hello!' } });
    expect(sim.comments.get(pub.messageId)).toMatchObject({ parentId: comment.id, authorId: loginIgId });
    const priv = await igLogin.send({ to, content: { type: 'text', text: 'DM' } });
    expect(priv.recipientId).toBe(comment.authorId);
    const twice = await igLogin.send({ to, content: { type: 'text', text: 'DM' } }).catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(SwitchboardError);
    expect(twice).toMatchObject({
      code: 'INVALID_REQUEST',
      retryable: false,
      platform: { subcode: 2534025 },
    });
    await igLogin.send({ to, content: { type: 'comment_moderation', action: 'delete' } });
    expect(sim.comments.get(comment.id)?.deleted).toBe(true);
  });
});
