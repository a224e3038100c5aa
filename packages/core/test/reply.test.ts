import { describe, expect, it } from 'vitest';
import { replyKey } from '../src/engine/reply.js';
import { type ChannelEvent, SwitchboardError } from '../src/index.js';
import { ACCOUNT, body, signedRequest } from './fake-adapter.js';
import { setup } from './helpers.js';

describe('context.reply: replies that happen once', () => {
  it('a handler that throws after replying is retried without sending the reply again', async () => {
    const { switchboard, clock, store, fake } = setup({ processor: { baseDelayMs: 1_000, maxAttempts: 5 } });
    const attempts: number[] = [];
    switchboard.on('message', async (event, { attempt, reply }) => {
      attempts.push(attempt);
      await reply({ type: 'text', text: `echo: ${event.text}` });
      await reply({ type: 'text', text: 'anything else?' });
      if (attempt < 3) throw new Error('CRM down after the reply');
    });
    await switchboard.handleWebhook(
      signedRequest(body([{ type: 'message', id: 'm1', user: 'u9', text: 'hi', ts: 1 }])),
    );
    await switchboard.drain();
    await clock.advance(1_000);
    await switchboard.drain();
    await clock.advance(2_000);
    await switchboard.drain();
    expect(attempts).toEqual([1, 2, 3]);
    expect(fake.sent.map((m) => [m.to, m.content])).toEqual([
      [
        { channel: 'fake', accountId: ACCOUNT, userId: 'u9' },
        { type: 'text', text: 'echo: hi' },
      ],
      [
        { channel: 'fake', accountId: ACCOUNT, userId: 'u9' },
        { type: 'text', text: 'anything else?' },
      ],
    ]);
    expect((await store.outbox.list({ limit: 10 })).length).toBe(2);
    expect(await store.events.count()).toEqual({ pending: 0, done: 1, dead: 0 });
  });

  it('replies to different events are different sends, and a named reply keeps its key across attempts', async () => {
    const { switchboard, clock, fake } = setup({ processor: { baseDelayMs: 1_000, maxAttempts: 5 } });
    switchboard.on('message', async (event, { attempt, reply }) => {
      // On the retry this handler replies in another order: named keys keep each reply once.
      if (attempt === 1) {
        await reply({ type: 'text', text: `a:${event.messageId}` }, { key: 'a' });
        throw new Error('fail once');
      }
      await reply({ type: 'text', text: `b:${event.messageId}` }, { key: 'b' });
      await reply({ type: 'text', text: `a:${event.messageId}` }, { key: 'a' });
    });
    await switchboard.handleWebhook(
      signedRequest(
        body([
          { type: 'message', id: 'm1', user: 'u1', ts: 1 },
          { type: 'message', id: 'm2', user: 'u2', ts: 2 },
        ]),
      ),
    );
    await switchboard.drain();
    await clock.advance(1_000);
    await switchboard.drain();
    const texts = fake.sent.map((m) => (m.content.type === 'text' ? m.content.text : '')).sort();
    expect(texts).toEqual(['a:m1', 'a:m2', 'b:m1', 'b:m2']);
  });

  it('refuses to reply to an event without a conversation, with a typed error', async () => {
    const { switchboard, fake } = setup();
    const errors: unknown[] = [];
    const account: ChannelEvent = {
      kind: 'account',
      channel: 'fake',
      key: 'fake:account:1',
      accountId: ACCOUNT,
      timestamp: 1,
      source: 'webhook',
      raw: {},
      field: 'quality',
      data: {},
    };
    fake.adapter.parseWebhook = () => ({ events: [account], problems: [] });
    switchboard.on('account', async (_event, { reply }) => {
      await reply({ type: 'text', text: 'x' }).catch((e: unknown) => errors.push(e));
    });
    await switchboard.handleWebhook(signedRequest(body([])));
    await switchboard.drain();
    expect(SwitchboardError.is(errors[0], 'INVALID_REQUEST')).toBe(true);
    expect(fake.sent).toEqual([]);
  });

  it('derives keys from channel, event key and position, hashing keys past the outbox limit', () => {
    const event = { channel: 'fake', key: 'fake:msg:1' } as ChannelEvent;
    expect(replyKey(event, '1')).toBe('reply:fake:fake:msg:1:1');
    const long = replyKey({ channel: 'fake', key: 'k'.repeat(400) } as ChannelEvent, '1');
    expect(long).toMatch(/^reply:[0-9a-f]{64}$/);
  });
});
