import {
  createMemoryStore,
  type GroupEvent,
  type MessageEvent,
  type OutboundMessage,
  systemClock,
} from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { createInboxState } from '../src/server/inbox-state.js';
import { buildThread } from '../src/server/thread.js';
import { flowSummary } from '../src/shared/flow-summary.js';
import type { MessageItem } from '../src/shared/types.js';

const PHONE = '106540352242922';
const USER = '16315551234';
const CONVERSATION = `whatsapp:${PHONE}:${USER}`;
const T = 1_765_000_000_000;

const flowSend: OutboundMessage = {
  to: { channel: 'whatsapp', accountId: PHONE, userId: USER },
  content: { type: 'flow', flowId: '1234567890', cta: 'Book now', body: 'Pick a slot' },
};

const completion = (id: string, parts: MessageEvent['parts'], replyTo?: string): MessageEvent => ({
  kind: 'message',
  channel: 'whatsapp',
  key: `whatsapp:msg:${id}`,
  accountId: PHONE,
  userId: USER,
  conversationId: CONVERSATION,
  timestamp: T + 60_000,
  source: 'webhook',
  raw: {},
  messageId: id,
  direction: 'inbound',
  text: 'Sent',
  parts,
  ...(replyTo ? { replyTo: { messageId: replyTo } } : {}),
});

async function threadWith(events: Array<MessageEvent | GroupEvent>) {
  const store = createMemoryStore();
  await store.outbox.enqueue({ id: 'ob_flow1', idempotencyKey: null, message: flowSend, now: T });
  await store.outbox.advance('ob_flow1', { state: 'sent', at: T + 1, platformMessageId: 'wamid.FLOW1' });
  await store.events.insertMany(events, { inboxId: null, owner: 'test', leaseMs: 1, now: T });
  return buildThread(store, events[0]?.conversationId ?? CONVERSATION, ['ob_flow1']);
}

describe('Flow completions in the thread', () => {
  const response = {
    slot_time: '10:00',
    party_size: 2,
    dietary_needs: ['vegan', 'no nuts'],
    newsletter: true,
  };

  it('quote the Flow message they answer, and the Flow reads as its body and button', async () => {
    const items = await threadWith([
      completion(
        'wamid.DONE1',
        [{ type: 'flow_reply', flowToken: 'ob_flow1', response, body: 'Sent' }],
        'wamid.FLOW1',
      ),
    ]);
    const messages = items.filter((i): i is MessageItem => i.type === 'message');
    const flow = messages.find((m) => m.direction === 'outbound');
    expect(flow?.parts).toEqual([{ type: 'text', text: '📋 Pick a slot [Book now]' }]);
    const done = messages.find((m) => m.id === 'wamid.DONE1');
    expect(done?.replyTo).toEqual({ messageId: 'wamid.FLOW1', preview: '📋 Pick a slot [Book now]' });
    expect(done?.parts[0]).toMatchObject({ type: 'flow_reply', response });
  });

  it('find their Flow by flow_token when the reply context is missing', async () => {
    const items = await threadWith([
      completion('wamid.DONE2', [{ type: 'flow_reply', flowToken: 'ob_flow1', response, body: 'Sent' }]),
    ]);
    const done = items.find((i): i is MessageItem => i.type === 'message' && i.id === 'wamid.DONE2');
    expect(done?.replyTo).toEqual({ messageId: 'wamid.FLOW1', preview: '📋 Pick a slot [Book now]' });
  });

  it('summarise the answers with readable labels and values', () => {
    expect(flowSummary(response)).toEqual([
      { label: 'Slot time', value: '10:00' },
      { label: 'Party size', value: '2' },
      { label: 'Dietary needs', value: 'vegan, no nuts' },
      { label: 'Newsletter', value: 'Yes' },
    ]);
    expect(flowSummary({ address: { streetName: 'Main St', zip: null } })).toEqual([
      { label: 'Address', value: 'Street name: Main St; Zip: —' },
    ]);
  });
});

describe('group notices in the thread', () => {
  it('say who joined, left or was removed, and what changed', async () => {
    const group = `whatsapp:${PHONE}:group:G1`;
    const base = {
      channel: 'whatsapp',
      accountId: PHONE,
      source: 'webhook',
      raw: {},
      groupId: 'G1',
      conversationId: group,
    } as const;
    const items = await threadWith([
      {
        ...base,
        kind: 'group',
        key: 'k1',
        timestamp: T,
        action: 'participants_added',
        succeeded: true,
        reason: 'invite_link',
        participants: [{ userId: '1650' }],
      },
      {
        ...base,
        kind: 'group',
        key: 'k2',
        timestamp: T + 1,
        action: 'participants_removed',
        succeeded: true,
        initiatedBy: 'participant',
        participants: [{ userId: '1650' }],
      },
      {
        ...base,
        kind: 'group',
        key: 'k3',
        timestamp: T + 2,
        action: 'updated',
        succeeded: false,
        changes: [
          { setting: 'subject', value: 'Launch', succeeded: true },
          { setting: 'picture', succeeded: false },
        ],
      },
    ]);
    expect(items.filter((i) => i.type === 'notice').map((i) => (i as { text: string }).text)).toEqual([
      '👥 1650 joined via the invite link',
      '👥 1650 left',
      '👥 Group settings changed: subject → “Launch”, picture (failed)',
    ]);
  });
});

describe('group conversations in the inbox list', () => {
  it('are named by the group subject, not by the last participant, with the sender in the preview', async () => {
    const store = createMemoryStore();
    const state = createInboxState(store, systemClock, () => undefined);
    const id = `whatsapp:${PHONE}:group:G1`;
    await store.conversations.touch({ id, channel: 'whatsapp', accountId: PHONE, userId: 'G1', eventAt: T });
    const base = {
      channel: 'whatsapp',
      accountId: PHONE,
      source: 'webhook',
      raw: {},
      groupId: 'G1',
      conversationId: id,
    } as const;
    await state.onEvent({
      ...base,
      kind: 'group',
      key: 'c',
      timestamp: T,
      action: 'created',
      succeeded: true,
      subject: 'Launch',
    });
    await state.onEvent({
      ...base,
      kind: 'message',
      key: 'm',
      timestamp: T + 1,
      userId: '1650',
      messageId: 'wamid.G',
      direction: 'inbound',
      text: 'hello all',
      parts: [{ type: 'text', text: 'hello all' }],
      profile: { name: 'Tiago' },
    });
    expect(await state.get(id)).toMatchObject({ name: '👥 Launch', preview: 'Tiago: hello all', unread: 1 });
    await state.onEvent({
      ...base,
      kind: 'group',
      key: 'u',
      timestamp: T + 2,
      action: 'updated',
      succeeded: false,
      changes: [
        { setting: 'subject', value: 'Launch 2026', succeeded: true },
        { setting: 'picture', succeeded: false },
      ],
    });
    expect((await state.get(id))?.name).toBe('👥 Launch 2026');
  });
});
