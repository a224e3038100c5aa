import { type OutboundMessage, SwitchboardError } from '@switchboard/core';
import { buildMessengerPlatformSendRequest } from '@switchboard/meta-graph';
import { type MetaSimulator, startMetaSimulator } from '@switchboard/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessengerAdapter, type MessengerAdapter } from '../src/index.js';

let sim: MetaSimulator;
let adapter: MessengerAdapter;
let pageId: string;
let psid: string;
let silentPsid: string;

const to = (userId = psid) => ({ channel: 'messenger', accountId: pageId, userId });

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
  sim = await startMetaSimulator({ seed: 7, world: { windowsOpen: false } });
  const account = sim.account('messenger');
  pageId = account.accountId;
  psid = account.customers[0]!.userId;
  silentPsid = account.customers[1]!.userId;
  adapter = createMessengerAdapter({
    appId: sim.world.app.id,
    appSecret: sim.world.app.secret,
    verifyToken: sim.world.app.verifyToken,
    pageIds: [pageId],
    accessToken: account.token,
    graphBaseUrl: sim.url,
  });
  sim.customerSends({ channel: 'messenger', accountId: pageId, userId: psid, kind: 'text', text: 'hi' });
  await sim.idle();
});

afterAll(async () => {
  await sim?.stop();
});

describe('Messenger send over HTTP against the simulator', () => {
  const contents: Array<[string, OutboundMessage['content'], Partial<OutboundMessage>?]> = [
    ['text', { type: 'text', text: 'Your order shipped' }, { correlationId: 'outbox_42' }],
    ['image by url', { type: 'image', url: 'https://cdn.example.com/p/1.jpg' }],
    ['video by url', { type: 'video', url: 'https://cdn.example.com/p/1.mp4' }],
    ['audio by url', { type: 'audio', url: 'https://cdn.example.com/p/1.m4a' }],
    ['file by url', { type: 'file', url: 'https://cdn.example.com/p/invoice.pdf' }],
    [
      'quick replies',
      {
        type: 'quick_replies',
        text: 'Size?',
        replies: [
          { title: 'M', payload: 'SIZE_M' },
          { title: 'L', payload: 'SIZE_L' },
        ],
      },
    ],
    [
      'button template',
      {
        type: 'buttons',
        text: 'Order 1234',
        buttons: [
          { type: 'postback', title: 'Track', payload: 'TRACK_1234' },
          { type: 'url', title: 'Details', url: 'https://shop.example.com/o/1234' },
        ],
      },
    ],
    [
      'generic template',
      {
        type: 'cards',
        cards: [
          {
            title: 'Sneaker',
            subtitle: '€89',
            imageUrl: 'https://cdn.example.com/s.jpg',
            buttons: [{ type: 'postback', title: 'Buy', payload: 'BUY_1' }],
          },
        ],
      },
    ],
    ['UPDATE', { type: 'text', text: 'Back in stock' }, { messagingType: 'UPDATE' }],
    ['HUMAN_AGENT tag', { type: 'text', text: 'An agent here' }, { tag: 'HUMAN_AGENT' }],
  ];

  it.each(contents)(
    '%s: the simulator receives the built body and answers a message id',
    async (_name, content, extra) => {
      const message: OutboundMessage = { to: to(), content, ...extra };
      const receipt = await adapter.send(message);
      expect(receipt.messageId).toMatch(/^m_/);
      expect(receipt.recipientId).toBe(psid);
      const sent = sim
        .businessSends({ channel: 'messenger', accountId: pageId, userId: psid })
        .find((s) => s.messageId === receipt.messageId);
      expect(sent?.body).toMatchObject(buildMessengerPlatformSendRequest(message, 'messenger').body);
      if (extra?.correlationId) expect(sent?.metadata).toBe(extra.correlationId);
    },
  );

  it('attachment by uploaded attachment_id', async () => {
    const { mediaId } = await adapter.uploadMedia(pageId, {
      type: 'image',
      url: 'https://cdn.example.com/logo.png',
    });
    expect(mediaId).toMatch(/^\d+$/);
    const receipt = await adapter.send({ to: to(), content: { type: 'image', mediaId } });
    expect(receipt.messageId).toMatch(/^m_/);
    // The former name still works.
    expect(
      await adapter.uploadAttachment(pageId, { type: 'image', url: 'https://cdn.example.com/a.png' }),
    ).toMatch(/^\d+$/);
  });

  it('reactions and sender actions', async () => {
    const inbound = sim.truth.all({ channel: 'messenger', type: 'inbound' })[0]!;
    await expect(
      adapter.send({ to: to(), content: { type: 'reaction', messageId: inbound.messageId!, emoji: '👍' } }),
    ).resolves.toBeDefined();
    await expect(
      adapter.send({ to: to(), content: { type: 'reaction', messageId: inbound.messageId! } }),
    ).resolves.toBeDefined();
    for (const action of ['typing_on', 'typing_off', 'mark_seen'] as const) {
      await expect(
        adapter.send({ to: to(), content: { type: 'sender_action', action } }),
      ).resolves.toMatchObject({ recipientId: psid });
    }
  });

  it('outside the 24-hour window → OUTSIDE_WINDOW with Meta code and subcode', async () => {
    const error = await failure(
      adapter.send({ to: to(silentPsid), content: { type: 'text', text: 'hello?' } }),
    );
    expect(error.code).toBe('OUTSIDE_WINDOW');
    expect(error.platform).toMatchObject({ code: 10, subcode: 2018278 });
  });

  it('rate limited → RATE_LIMITED, retryable', async () => {
    const id = sim.faults.rateLimitStorm({ channel: 'messenger', accountId: pageId });
    try {
      const error = await failure(adapter.send({ to: to(), content: { type: 'text', text: 'x' } }));
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.retryable).toBe(true);
    } finally {
      sim.faults.clear(id);
    }
  });

  it('temporary platform failure → TEMPORARY, retryable', async () => {
    const id = sim.faults.sendFailures({ code: 2, channel: 'messenger', count: 1 });
    try {
      const error = await failure(adapter.send({ to: to(), content: { type: 'text', text: 'x' } }));
      expect(error.code).toBe('TEMPORARY');
      expect(error.retryable).toBe(true);
    } finally {
      sim.faults.clear(id);
    }
  });

  it('bad token → AUTH_FAILED, not retryable', async () => {
    const bad = createMessengerAdapter({
      appSecret: sim.world.app.secret,
      verifyToken: 'v',
      pageIds: [pageId],
      accessToken: 'EAAinvalidtoken123456789',
      graphBaseUrl: sim.url,
    });
    const error = await failure(bad.send({ to: to(), content: { type: 'text', text: 'x' } }));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.retryable).toBe(false);
  });

  it('content Messenger cannot carry fails with NOT_SUPPORTED and sends nothing', async () => {
    const before = sim.businessSends().length;
    const error = await failure(
      adapter.send({ to: to(), content: { type: 'location', latitude: 52.52, longitude: 13.4 } }),
    );
    expect(error.code).toBe('NOT_SUPPORTED');
    const tooLong = await failure(
      adapter.send({ to: to(), content: { type: 'text', text: 'x'.repeat(2001) } }),
    );
    expect(tooLong.code).toBe('INVALID_REQUEST');
    expect(sim.businessSends().length).toBe(before);
  });
});
