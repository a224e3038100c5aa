import { describe, expect, it } from 'vitest';
import { ChannelEvent, type GroupEvent } from '../src/index.js';
import { ACCOUNT } from './fake-adapter.js';
import { setup } from './helpers.js';

const group = (overrides: Partial<GroupEvent> = {}): GroupEvent => ({
  kind: 'group',
  channel: 'fake',
  key: 'fake:group:g1:add:1',
  accountId: ACCOUNT,
  timestamp: 1_700_000_000_000,
  source: 'webhook',
  raw: {},
  groupId: 'g1',
  conversationId: `fake:${ACCOUNT}:group:g1`,
  action: 'participants_added',
  succeeded: true,
  participants: [{ userId: 'u7' }],
  ...overrides,
});

describe('group events', () => {
  it('are part of the event model; a failed creation may have no group yet', () => {
    expect(ChannelEvent.safeParse(group()).success).toBe(true);
    const failed = group({
      action: 'created',
      succeeded: false,
      requestId: 'r1',
      errors: [{ code: 131211 }],
    });
    delete failed.groupId;
    delete failed.conversationId;
    expect(ChannelEvent.safeParse(failed).success).toBe(true);
    expect(ChannelEvent.safeParse({ ...group(), action: 'promoted' }).success).toBe(false);
  });

  it('a reply to a group event goes to the group, once, and the event opens no conversation of its own', async () => {
    const { switchboard, fake, store } = setup();
    switchboard.on('group', async (event, { reply }) => {
      await reply({ type: 'text', text: `Welcome ${event.participants?.[0]?.userId}` });
    });
    expect(await switchboard.ingest([group(), group()])).toMatchObject({ inserted: 1, duplicates: 1 });
    await switchboard.drain();
    await switchboard.drain();
    expect(fake.sent.map((m) => [m.to, m.content])).toEqual([
      [
        { channel: 'fake', accountId: ACCOUNT, userId: 'g1', groupId: 'g1' },
        { type: 'text', text: 'Welcome u7' },
      ],
    ]);
    // A notification is no customer message: it opens no thread (and no 24-hour window).
    expect(await store.conversations.list({ limit: 10 })).toEqual([]);
  });

  it('a group event without a group (failed creation) cannot be replied to', async () => {
    const { switchboard } = setup();
    const errors: unknown[] = [];
    switchboard.on('group', async (_event, { reply }) => {
      await reply({ type: 'text', text: 'x' }).catch((e: unknown) => errors.push(e));
    });
    const failed = group({ key: 'fake:group:req:r1', action: 'created', succeeded: false, requestId: 'r1' });
    delete failed.groupId;
    delete failed.conversationId;
    await switchboard.ingest([failed]);
    await switchboard.drain();
    expect(errors).toEqual([expect.objectContaining({ code: 'INVALID_REQUEST' })]);
  });
});
