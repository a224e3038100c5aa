import { describe, expect, it } from 'vitest';
import { type ChannelEvent, SwitchboardError } from '../src/index.js';
import { ACCOUNT } from './fake-adapter.js';
import { setup } from './helpers.js';

const comment = (commentId: string, userId = 'u1'): ChannelEvent => ({
  kind: 'comment',
  channel: 'fake',
  accountId: ACCOUNT,
  userId,
  conversationId: `fake:${ACCOUNT}:comment:${commentId}`,
  commentId,
  verb: 'add',
  direction: 'inbound',
  text: 'Price?',
  key: `fake:comment:${commentId}:add`,
  timestamp: 1_000,
  source: 'webhook',
  raw: {},
});

describe('comments in the engine (channel-neutral)', () => {
  it('reply() on a comment addresses the comment: a public reply, then one private reply; a second is refused', async () => {
    const { switchboard, fake } = setup();
    const refusals: SwitchboardError[] = [];
    switchboard.on('comment', async (_event, { reply }) => {
      await reply({ type: 'public_reply', text: 'Thanks!' });
      await reply({ type: 'text', text: 'Sent you the price' });
      await reply({ type: 'text', text: 'And a discount' }).catch((e: SwitchboardError) => refusals.push(e));
    });
    await switchboard.ingest([comment('c1')]);
    await switchboard.drain();
    expect(fake.sent.map((m) => [m.to, m.content.type])).toEqual([
      [{ channel: 'fake', accountId: ACCOUNT, userId: 'u1', commentId: 'c1' }, 'public_reply'],
      [{ channel: 'fake', accountId: ACCOUNT, userId: 'u1', commentId: 'c1' }, 'text'],
    ]);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ code: 'INVALID_REQUEST', retryable: false });
  });

  it('private replies are once per comment, not per author; the same idempotency key returns the same entry', async () => {
    const { switchboard } = setup();
    const to = (commentId: string) => ({ channel: 'fake', accountId: ACCOUNT, userId: 'u1', commentId });
    const first = await switchboard.send({
      to: to('c1'),
      content: { type: 'text', text: 'a' },
      idempotencyKey: 'k',
    });
    expect(
      (await switchboard.send({ to: to('c1'), content: { type: 'text', text: 'a' }, idempotencyKey: 'k' }))
        .id,
    ).toBe(first.id);
    await expect(
      switchboard.send({ to: to('c1'), content: { type: 'text', text: 'b' } }),
    ).rejects.toBeInstanceOf(SwitchboardError);
    // Another comment of the same person gets its own private reply; public replies are not limited.
    await switchboard.send({ to: to('c2'), content: { type: 'text', text: 'c' } });
    await switchboard.send({ to: to('c1'), content: { type: 'public_reply', text: 'd' } });
    await switchboard.send({ to: to('c1'), content: { type: 'public_reply', text: 'e' } });
  });

  it('two private replies to one comment at the same time: one is queued, the other refused', async () => {
    const { switchboard } = setup();
    const to = { channel: 'fake', accountId: ACCOUNT, userId: 'u1', commentId: 'c9' };
    const results = await Promise.allSettled([
      switchboard.send({ to, content: { type: 'text', text: 'a' } }),
      switchboard.send({ to, content: { type: 'text', text: 'b' } }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('comment threads are conversations of the read model; an outbound comment does not count as inbound', async () => {
    const { switchboard, store } = setup();
    await switchboard.ingest([
      comment('c1'),
      {
        ...comment('r1', ACCOUNT),
        direction: 'outbound',
        parentId: 'c1',
        conversationId: `fake:${ACCOUNT}:comment:c1`,
        key: 'fake:comment:r1:add',
        timestamp: 5_000,
      } as ChannelEvent,
    ]);
    await switchboard.drain();
    const thread = await store.conversations.get(`fake:${ACCOUNT}:comment:c1`);
    expect(thread).toMatchObject({ lastInboundAt: 1_000, lastEventAt: 5_000 });
    const messages = await store.messages.list({ conversationId: `fake:${ACCOUNT}:comment:c1`, limit: 10 });
    expect(messages.map((m) => [m.messageId, m.direction])).toEqual([
      ['c1', 'inbound'],
      ['r1', 'outbound'],
    ]);
  });
});
