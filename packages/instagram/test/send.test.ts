import { type OutboundMessage, SwitchboardError } from '@switchboard/core';
import { buildMessengerPlatformSendRequest } from '@switchboard/meta-graph';
import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstagramAdapter, type InstagramAdapter } from '../src/index.js';

let sim: MetaSimulator;
let fbLogin: InstagramAdapter;
let igLogin: InstagramAdapter;
let igId: string;
let igsid: string;
let silentIgsid: string;
let loginIgId: string;
let loginIgsid: string;

async function failure(promise: Promise<unknown>): Promise<SwitchboardError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SwitchboardError) return error;
    throw error;
  }
  throw new Error('expected the send to fail');
}

beforeAll(async () => {
  sim = await startMetaSimulator({ seed: 8, world: { windowsOpen: false } });
  const linked = sim.world.instagram.find((a) => a.pageId)!;
  const unlinked = sim.world.instagram.find((a) => !a.pageId)!;
  igId = linked.id;
  loginIgId = unlinked.id;
  const customers = sim.account('instagram', sim.world.instagram.indexOf(linked)).customers;
  igsid = customers[0]!.userId;
  silentIgsid = customers[1]!.userId;
  loginIgsid = sim.account('instagram', sim.world.instagram.indexOf(unlinked)).customers[0]!.userId;
  const common = {
    appId: sim.world.app.id,
    appSecret: sim.world.app.secret,
    verifyToken: sim.world.app.verifyToken,
    graphBaseUrl: sim.url,
  };
  fbLogin = createInstagramAdapter({
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
  sim.customerSends({ channel: 'instagram', accountId: igId, userId: igsid, kind: 'text', text: 'hi' });
  sim.customerSends({
    channel: 'instagram',
    accountId: loginIgId,
    userId: loginIgsid,
    kind: 'text',
    text: 'hi',
  });
  await sim.idle();
});

afterAll(async () => {
  await sim?.stop();
});

describe('Instagram send over HTTP against the simulator', () => {
  const contents: Array<[string, OutboundMessage['content'], Partial<OutboundMessage>?]> = [
    ['text', { type: 'text', text: 'We ship to Canada 🇨🇦' }, { correlationId: 'outbox_7' }],
    ['image by url', { type: 'image', url: 'https://cdn.example.com/p/1.jpg' }],
    ['video by url', { type: 'video', url: 'https://cdn.example.com/p/1.mp4' }],
    ['audio by url', { type: 'audio', url: 'https://cdn.example.com/p/1.m4a' }],
    ['file by url', { type: 'file', url: 'https://cdn.example.com/p/size-chart.pdf' }],
    ['quick replies', { type: 'quick_replies', text: 'Size?', replies: [{ title: 'M', payload: 'SIZE_M' }] }],
    [
      'generic template',
      {
        type: 'cards',
        cards: [
          {
            title: 'Sneaker',
            subtitle: '$89',
            imageUrl: 'https://cdn.example.com/s.jpg',
            buttons: [{ type: 'url', title: 'Shop', url: 'https://shop.example.com/s' }],
          },
        ],
      },
    ],
    ['HUMAN_AGENT tag', { type: 'text', text: 'An agent here' }, { tag: 'HUMAN_AGENT' }],
    [
      'button template',
      {
        type: 'buttons',
        text: 'Your order shipped',
        buttons: [
          { type: 'url', title: 'Track', url: 'https://shop.example.com/t/1' },
          { type: 'postback', title: 'Talk to us', payload: 'HUMAN' },
        ],
      },
    ],
  ];

  it.each(contents)('facebook-login: %s', async (_name, content, extra) => {
    const message: OutboundMessage = {
      to: { channel: 'instagram', accountId: igId, userId: igsid },
      content,
      ...extra,
    };
    const receipt = await fbLogin.send(message);
    expect(receipt.messageId.length).toBeGreaterThan(10);
    const sent = sim
      .businessSends({ channel: 'instagram', accountId: igId, userId: igsid })
      .find((s) => s.messageId === receipt.messageId);
    expect(sent?.body).toMatchObject(buildMessengerPlatformSendRequest(message, 'instagram').body);
    if (extra?.correlationId) expect(sent?.metadata).toBe(extra.correlationId);
  });

  it('instagram-login: text with a Bearer token on /{ig-id}/messages, replying to a message', async () => {
    const inbound = sim.truth.all({ channel: 'instagram', accountId: loginIgId, type: 'inbound' })[0]!;
    const receipt = await igLogin.send({
      to: { channel: 'instagram', accountId: loginIgId, userId: loginIgsid },
      content: { type: 'text', text: 'Thanks!' },
      replyTo: inbound.messageId!,
    });
    const sent = sim
      .businessSends({ channel: 'instagram', accountId: loginIgId })
      .find((s) => s.messageId === receipt.messageId);
    expect(sent?.body).toMatchObject({ reply_to: { mid: inbound.messageId } });
  });

  it('attachment upload then send by attachment_id', async () => {
    const { mediaId } = await fbLogin.uploadMedia(igId, {
      type: 'image',
      url: 'https://cdn.example.com/logo.png',
    });
    const receipt = await fbLogin.send({
      to: { channel: 'instagram', accountId: igId, userId: igsid },
      content: { type: 'image', mediaId },
    });
    expect(receipt.messageId.length).toBeGreaterThan(10);
  });

  it('reactions (react / unreact) and sender actions', async () => {
    const inbound = sim.truth.all({ channel: 'instagram', accountId: igId, type: 'inbound' })[0]!;
    const to = { channel: 'instagram', accountId: igId, userId: igsid };
    await fbLogin.send({ to, content: { type: 'reaction', messageId: inbound.messageId!, emoji: '❤️' } });
    await fbLogin.send({ to, content: { type: 'reaction', messageId: inbound.messageId! } });
    const bodies = sim
      .businessSends({ channel: 'instagram', accountId: igId })
      .map((s) => s.body as { sender_action?: string; payload?: unknown });
    expect(bodies.filter((b) => b.sender_action)).toEqual([
      expect.objectContaining({
        sender_action: 'react',
        payload: { message_id: inbound.messageId, reaction: 'love' },
      }),
      expect.objectContaining({ sender_action: 'unreact', payload: { message_id: inbound.messageId } }),
    ]);
    for (const action of ['typing_on', 'typing_off', 'mark_seen'] as const) {
      await expect(fbLogin.send({ to, content: { type: 'sender_action', action } })).resolves.toMatchObject({
        recipientId: igsid,
      });
    }
  });

  it('outside the window → OUTSIDE_WINDOW (10/2534022)', async () => {
    const error = await failure(
      fbLogin.send({
        to: { channel: 'instagram', accountId: igId, userId: silentIgsid },
        content: { type: 'text', text: 'hello?' },
      }),
    );
    expect(error.code).toBe('OUTSIDE_WINDOW');
    expect(error.platform).toMatchObject({ code: 10, subcode: 2534022 });
  });

  it('rate limited → RATE_LIMITED', async () => {
    const id = sim.faults.rateLimitStorm({ channel: 'instagram' });
    try {
      expect(
        (
          await failure(
            fbLogin.send({
              to: { channel: 'instagram', accountId: igId, userId: igsid },
              content: { type: 'text', text: 'x' },
            }),
          )
        ).code,
      ).toBe('RATE_LIMITED');
    } finally {
      sim.faults.clear(id);
    }
  });

  it('bad token → AUTH_FAILED', async () => {
    const bad = createInstagramAdapter({
      appSecret: 's',
      verifyToken: 'v',
      apiFlavour: 'instagram-login',
      accessTokens: { [loginIgId]: 'IGAAbadtoken1234567890' },
      graphBaseUrl: sim.url,
    });
    expect(
      (
        await failure(
          bad.send({
            to: { channel: 'instagram', accountId: loginIgId, userId: loginIgsid },
            content: { type: 'text', text: 'x' },
          }),
        )
      ).code,
    ).toBe('AUTH_FAILED');
  });

  it('over 1000 UTF-8 bytes, phone buttons, other tags → rejected before any call', async () => {
    const before = sim.businessSends().length;
    const to = { channel: 'instagram', accountId: igId, userId: igsid };
    expect((await failure(fbLogin.send({ to, content: { type: 'text', text: 'é'.repeat(501) } }))).code).toBe(
      'INVALID_REQUEST',
    );
    expect(
      (
        await failure(
          fbLogin.send({
            to,
            content: {
              type: 'buttons',
              text: 'x',
              buttons: [{ type: 'phone', title: 'Call', phone: '+15551234567' }],
            },
          }),
        )
      ).code,
    ).toBe('NOT_SUPPORTED');
    expect(
      (await failure(fbLogin.send({ to, content: { type: 'text', text: 'x' }, tag: 'ACCOUNT_UPDATE' }))).code,
    ).toBe('NOT_SUPPORTED');
    expect(sim.businessSends().length).toBe(before);
  });
});
