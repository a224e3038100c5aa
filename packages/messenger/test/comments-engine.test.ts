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
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMessengerAdapter } from '../src/index.js';
import { simAdapter } from './helpers.js';

let sim: MetaSimulator;
let switchboard: Switchboard;
let server: http.Server;
let pageId: string;
let comments: Array<EventOfKind<'comment'>>;

/** Lets every webhook and outbox round settle: the simulator posts, the engine stores, drains and sends. */
async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await sim.idle();
    await switchboard.drain();
  }
}

async function refusal(promise: Promise<unknown>): Promise<SwitchboardError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SwitchboardError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const sendsOf = (kind: string) => sim.businessSends({ channel: 'messenger' }).filter((s) => s.kind === kind);

beforeAll(async () => {
  sim = await startMetaSimulator({ seed: 11 });
  const account = sim.account('messenger');
  pageId = account.accountId;
  const adapter = createMessengerAdapter({
    appSecret: sim.world.app.secret,
    verifyToken: sim.world.app.verifyToken,
    pageIds: [pageId],
    accessToken: account.token,
    graphBaseUrl: sim.url,
    comments: true,
  });
  // With `comments: true` the subscription includes `feed`.
  await adapter.resubscribe(pageId);
  switchboard = createSwitchboard({
    adapters: [adapter],
    store: createMemoryStore(),
    logger: silentLogger,
    watch: false,
    outbox: { maxAttempts: 3, baseDelayMs: 1 },
  });
  // The bot: thanks every customer comment publicly, once; never answers its own comments.
  switchboard.on('comment', async (event) => {
    comments.push(event);
    if (event.direction === 'outbound' || event.verb !== 'add') return;
    await switchboard.send({
      to: {
        channel: event.channel,
        accountId: event.accountId,
        userId: event.userId ?? '',
        commentId: event.commentId,
      },
      content: { type: 'public_reply', text: 'Thanks! Check your messages.' },
      idempotencyKey: `public:${event.key}`,
    });
  });
  server = http.createServer(toNodeListener(switchboard));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sim.setWebhook(
    'messenger',
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/messenger`,
  );
});

beforeEach(() => {
  comments = [];
});

afterAll(async () => {
  await switchboard?.stop();
  await sim?.stop();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

const outbox = async (entry: OutboxEntry) => (await switchboard.store.outbox.get(entry.id)) as OutboxEntry;

describe('Messenger comments through the engine against the simulator', () => {
  it('a comment arrives as an inbound comment event; the public reply comes back outbound and is not answered', async () => {
    const { comment } = sim.comments.customerComments({
      channel: 'messenger',
      text: 'Is this still available?',
    });
    await settle();
    const inbound = comments.find((e) => e.commentId === comment.id);
    expect(inbound).toMatchObject({
      kind: 'comment',
      verb: 'add',
      direction: 'inbound',
      userId: comment.authorId,
      postId: comment.postId,
      conversationId: `messenger:${pageId}:comment:${comment.id}`,
    });
    const replies = sendsOf('public_reply').filter((s) => s.userId === comment.authorId);
    expect(replies).toHaveLength(1);
    const own = comments.find((e) => e.commentId === replies[0]?.messageId);
    expect(own).toMatchObject({ direction: 'outbound', parentId: comment.id, userId: pageId });
    // Same thread as the comment it answers, and no reply loop.
    expect(own?.conversationId).toBe(inbound?.conversationId);
    expect(sendsOf('public_reply')).toHaveLength(1);
    const thread = await switchboard.store.messages.list({
      conversationId: inbound?.conversationId ?? '',
      limit: 10,
    });
    expect(thread.map((m) => m.direction).sort()).toEqual(['inbound', 'outbound']);
  });

  it('a private reply goes once; a second one is refused before any Graph call', async () => {
    const { comment } = sim.comments.customerComments({ channel: 'messenger', text: 'Price?' });
    await settle();
    const to = { channel: 'messenger', accountId: pageId, userId: comment.authorId, commentId: comment.id };
    const first = await switchboard.send({
      to,
      content: { type: 'text', text: 'It is 20 €.' },
      idempotencyKey: 'pr-1',
    });
    await settle();
    expect((await outbox(first)).state).not.toBe('pending');
    expect(sim.comments.get(comment.id)?.privateReplyId).toBeDefined();
    // The same request again (same idempotency key) is the same entry, not an error.
    expect(
      (await switchboard.send({ to, content: { type: 'text', text: 'It is 20 €.' }, idempotencyKey: 'pr-1' }))
        .id,
    ).toBe(first.id);
    const before = sim.businessSends().length;
    const second = await refusal(switchboard.send({ to, content: { type: 'text', text: 'Again?' } }));
    expect(second.code).toBe('INVALID_REQUEST');
    expect(second.retryable).toBe(false);
    expect(second.message).toMatch(/already has a private reply/);
    expect(sim.businessSends().length).toBe(before);
    // The echo of the private reply (sent after the simulator's 100 ms) lands in the author's direct
    // conversation, linked to the outbox entry.
    await new Promise((resolve) => setTimeout(resolve, 250));
    await settle();
    const dm = await switchboard.store.messages.list({
      conversationId: `messenger:${pageId}:${comment.authorId}`,
      limit: 50,
    });
    expect(dm.some((m) => m.direction === 'outbound' && m.correlationId === first.id)).toBe(true);
  });

  it('Meta refusing a private reply (answered elsewhere: 100/2534025) fails it once, classified, not retried', async () => {
    const { comment } = sim.comments.customerComments({ channel: 'messenger', text: 'Hello' });
    await settle();
    // Answered by another tool: Meta knows, our store does not.
    sim.comments.get(comment.id)!.privateReplyId = 'm_elsewhere';
    const to = { channel: 'messenger', accountId: pageId, userId: comment.authorId, commentId: comment.id };
    const entry = await switchboard.send({ to, content: { type: 'text', text: 'Hi!' } });
    await settle();
    const after = await outbox(entry);
    expect(after).toMatchObject({ state: 'failed', attempts: 1 });
    expect(after.error).toMatchObject({
      code: 'INVALID_REQUEST',
      retryable: false,
      platform: { code: 100, subcode: 2534025 },
    });
    const again = await refusal(switchboard.send({ to, content: { type: 'text', text: 'Hi?' } }));
    expect(again.code).toBe('INVALID_REQUEST');
  });

  it('a private reply to a stored comment older than the 7-day window is refused before any Graph call', async () => {
    const { comment } = sim.comments.customerComments({
      channel: 'messenger',
      text: 'Old question',
      at: Date.now() - 8 * 24 * 3_600_000,
    });
    await settle();
    const to = { channel: 'messenger', accountId: pageId, userId: comment.authorId, commentId: comment.id };
    const before = sim.businessSends().length;
    const refused = await refusal(
      switchboard.send({ to, content: { type: 'text', text: 'Sorry for the delay' } }),
    );
    expect(refused).toMatchObject({ code: 'OUTSIDE_WINDOW', retryable: false });
    expect(sim.businessSends().length).toBe(before);
  });

  it("a comment the store never received: Meta's window refusal is OUTSIDE_WINDOW, once; the next attempt is refused locally", async () => {
    const drop = sim.faults.webhookOutage({ channel: 'messenger', mode: 'drop' });
    const { comment } = sim.comments.customerComments({
      channel: 'messenger',
      text: 'Old question',
      at: Date.now() - 8 * 24 * 3_600_000,
    });
    await settle();
    sim.faults.clear(drop);
    const to = { channel: 'messenger', accountId: pageId, userId: comment.authorId, commentId: comment.id };
    const entry = await switchboard.send({ to, content: { type: 'text', text: 'Sorry for the delay' } });
    await settle();
    expect(await outbox(entry)).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: { code: 'OUTSIDE_WINDOW' },
    });
    const before = sim.businessSends().length;
    expect((await refusal(switchboard.send({ to, content: { type: 'text', text: 'x' } }))).code).toBe(
      'OUTSIDE_WINDOW',
    );
    expect(sim.businessSends().length).toBe(before);
  });

  it('a private reply refused locally (text too long) leaves the comment answerable', async () => {
    const { comment } = sim.comments.customerComments({ channel: 'messenger', text: 'Long answer please' });
    await settle();
    const to = { channel: 'messenger', accountId: pageId, userId: comment.authorId, commentId: comment.id };
    const tooLong = await switchboard.send({ to, content: { type: 'text', text: 'x'.repeat(2001) } });
    await settle();
    expect(await outbox(tooLong)).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: { code: 'INVALID_REQUEST' },
    });
    const ok = await switchboard.send({ to, content: { type: 'text', text: 'Short answer' } });
    await settle();
    expect((await outbox(ok)).state).not.toBe('failed');
  });

  it('hide, unhide and delete go through the outbox; the feed reports them', async () => {
    const { comment } = sim.comments.customerComments({ channel: 'messenger', text: 'spam spam' });
    await settle();
    const to = { channel: 'messenger', accountId: pageId, userId: comment.authorId, commentId: comment.id };
    await switchboard.send({ to, content: { type: 'comment_moderation', action: 'hide' } });
    await settle();
    expect(sim.comments.get(comment.id)?.hidden).toBe(true);
    expect(comments.find((e) => e.commentId === comment.id && e.verb === 'hide')).toMatchObject({
      hidden: true,
    });
    await switchboard.send({ to, content: { type: 'comment_moderation', action: 'unhide' } });
    await switchboard.send({ to, content: { type: 'comment_moderation', action: 'delete' } });
    await settle();
    expect(sim.comments.get(comment.id)).toMatchObject({ hidden: false, deleted: true });
    expect(comments.filter((e) => e.commentId === comment.id).map((e) => e.verb)).toEqual([
      'add',
      'hide',
      'unhide',
      'remove',
    ]);
  });

  it('bad inputs: a public reply without a comment, a reply to a deleted comment: classified, not retried', async () => {
    const noComment = await switchboard.send({
      to: { channel: 'messenger', accountId: pageId, userId: '1' },
      content: { type: 'public_reply', text: 'hello' },
    });
    const { comment } = sim.comments.customerComments({ channel: 'messenger', text: 'bye' });
    await settle();
    sim.comments.get(comment.id)!.deleted = true;
    const gone = await switchboard.send({
      to: { channel: 'messenger', accountId: pageId, userId: comment.authorId, commentId: comment.id },
      content: { type: 'public_reply', text: 'hello' },
    });
    await settle();
    expect(await outbox(noComment)).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(await outbox(gone)).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'NOT_FOUND' } });
  });
});

describe('comments: true in the subscription and token probes', () => {
  it('the subscription probe requires feed until resubscribe adds it; the token probe asks for the engagement permissions', async () => {
    const account = sim.account('messenger', 1);
    const adapter = simAdapter(sim, account, { comments: true });
    const probe = async (name: string) => {
      const found = adapter.probes().find((p) => p.name === name && p.accountId === account.accountId);
      return found?.run();
    };
    expect(await probe('messenger.subscription')).toMatchObject({
      status: 'degraded',
      data: { missingFields: ['feed'] },
    });
    await adapter.resubscribe(account.accountId);
    expect((await probe('messenger.subscription'))?.status).toBe('ok');
    expect((await probe('messenger.token'))?.status).toBe('ok');
    expect(adapter.limits.privateReplies).toMatchObject({ windowHours: 168 });
  });
});
