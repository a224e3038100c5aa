import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CallEvent,
  type ChannelEvent,
  createMemoryStore,
  createSwitchboard,
  type EventOfKind,
  ManualClock,
  type OutboundMessage,
} from '@switchboard/core';
import { signMetaBody } from '@switchboard/meta-graph';
import { describe, expect, it } from 'vitest';
import { buildSendBody, createWhatsAppAdapter } from '../src/index.js';
import { APP_SECRET, FIXTURES, parseFixture, VERIFY_TOKEN } from './helpers.js';

const GROUP = 'HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA';
const PHONE = '106540352242922';

describe('group messages', () => {
  it('land in the group conversation, with the participant as userId', () => {
    const { events, problems } = parseFixture('group-message');
    expect(problems).toEqual([]);
    expect(events).toMatchObject([
      {
        kind: 'message',
        userId: '16505551234',
        groupId: GROUP,
        conversationId: `whatsapp:${PHONE}:group:${GROUP}`,
        text: 'What does everyone think?',
        profile: { name: 'Tiago Mingo' },
      },
    ]);
    // Never the sender's one-to-one thread.
    expect((events[0] as { conversationId?: string }).conversationId).not.toBe(
      `whatsapp:${PHONE}:16505551234`,
    );
  });

  it('aggregated group statuses: one event per participant, whichever key names it', () => {
    const { events } = parseFixture('group-statuses');
    expect(
      events.map((e) => [e.kind, (e as { userId?: string }).userId, (e as { groupId?: string }).groupId]),
    ).toEqual([
      ['status', '16505551234', 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD'],
      ['status', '16505559999', 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD'],
      ['status', 'US.13491208655302741918', 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD'],
    ]);
    // Distinct keys: a participant's read is not a duplicate of another's.
    expect(new Set(events.map((e) => e.key)).size).toBe(3);
  });

  it('sends to the group (recipient_type group), and refuses what groups do not take', () => {
    const to = { channel: 'whatsapp', accountId: PHONE, userId: '16505551234', groupId: GROUP };
    expect(buildSendBody({ to, content: { type: 'text', text: 'Thanks all' } })).toMatchObject({
      recipient_type: 'group',
      to: GROUP,
      type: 'text',
    });
    expect(() =>
      buildSendBody({
        to,
        content: { type: 'buttons', text: 'Pick', buttons: [{ type: 'postback', title: 'A', payload: 'a' }] },
      }),
    ).toThrow(expect.objectContaining({ code: 'NOT_SUPPORTED' }));
  });

  it('a reply from a handler goes to the group, not privately to the participant', async () => {
    const adapter = createWhatsAppAdapter({
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      accessToken: 'EAAGx',
    });
    const sent: OutboundMessage[] = [];
    adapter.send = async (message) => {
      sent.push(message);
      return { messageId: 'wamid.reply', acceptedAt: 0, raw: {} };
    };
    const switchboard = createSwitchboard({
      adapters: [adapter],
      store: createMemoryStore(),
      clock: new ManualClock(),
      watch: false,
    });
    switchboard.on('message', async (_event, { reply }) => {
      await reply({ type: 'text', text: 'Noted!' });
    });
    const body = readFileSync(join(FIXTURES, 'group-message.json'));
    const response = await switchboard.handleWebhook(
      new Request('http://x/webhooks/whatsapp', {
        method: 'POST',
        body,
        headers: { 'x-hub-signature-256': signMetaBody(body, APP_SECRET) },
      }),
    );
    expect(response.status).toBe(200);
    await switchboard.drain();
    expect(sent.map((m) => m.to)).toEqual([
      { channel: 'whatsapp', accountId: PHONE, userId: '16505551234', groupId: GROUP },
    ]);
    const [conversation] = await switchboard.store.conversations.list({ limit: 10 });
    expect(conversation).toMatchObject({ id: `whatsapp:${PHONE}:group:${GROUP}`, userId: GROUP });
  });
});

describe('calls', () => {
  const call = (name: string) => {
    const { events, problems } = parseFixture(name);
    expect(problems).toEqual([]);
    return events as CallEvent[];
  };

  it('connect: a call event with the SDP offer, the customer as userId (not the business number)', () => {
    expect(call('calls-connect')).toEqual([
      expect.objectContaining({
        kind: 'call',
        key: 'whatsapp:call:wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh:connect',
        accountId: '436666719526789',
        userId: '13175552222',
        conversationId: 'whatsapp:436666719526789:13175552222',
        callId: 'wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh',
        phase: 'connect',
        direction: 'inbound',
        session: { sdpType: 'offer', sdp: expect.stringContaining('v=0') },
        timestamp: 1671644824000,
      }),
    ]);
  });

  it('terminate: outcome, duration and times', () => {
    expect(call('calls-terminate')).toEqual([
      expect.objectContaining({
        phase: 'terminate',
        direction: 'inbound',
        status: 'COMPLETED',
        durationSec: 480,
        startedAt: 1671644824000,
        endedAt: 1671644944000,
        correlationId: 'support-call-7',
      }),
    ]);
  });

  it('status of a business-initiated call', () => {
    expect(call('calls-status')).toEqual([
      expect.objectContaining({
        phase: 'status',
        direction: 'outbound',
        status: 'RINGING',
        userId: '13175552222',
      }),
    ]);
  });

  it('a malformed call item is a problem, not a crash, and the rest of the batch survives', () => {
    const body = JSON.parse(readFileSync(join(FIXTURES, 'calls-connect.json'), 'utf8'));
    const calls = body.entry[0].changes[0].value.calls;
    calls.unshift({ id: 'wacid.bad', event: 'connect' }); // no timestamp
    const adapter = createWhatsAppAdapter({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
    const parsed = adapter.parseWebhook(new TextEncoder().encode(JSON.stringify(body)));
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.events.map((e: ChannelEvent) => e.kind)).toEqual(['call']);
    const typed: EventOfKind<'call'>[] = parsed.events as CallEvent[];
    expect(typed[0]?.callId).toBe('wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh');
  });
});
