import type { OutboundMessage, SwitchboardError } from '@switchboard/core';

type OutboundContent = OutboundMessage['content'];

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld } from './sim.js';

let w: Awaited<ReturnType<typeof startWorld>>;
let inbound: string;

beforeAll(async () => {
  w = await startWorld();
  // The customer writes first: this opens the 24-hour window and gives a message to reply/react to.
  inbound = w.sim.customerSends({
    channel: 'whatsapp',
    accountId: w.phone.id,
    userId: w.customer.userId,
    kind: 'text',
    text: 'Hi',
  }).messageId!;
});
afterAll(async () => {
  await w.sim.stop();
});

const lastSend = () => w.sim.businessSends({ channel: 'whatsapp' }).at(-1)!;
const send = (content: OutboundContent, extra: Record<string, unknown> = {}) =>
  w.adapter.send({ to: w.to, content, ...extra });

describe('send over HTTP to the simulator: every content type', () => {
  it('text with preview_url, reply and correlation', async () => {
    const receipt = await send(
      { type: 'text', text: 'Your order shipped https://shop.example.com/t/1', previewUrl: true },
      { replyTo: inbound, correlationId: 'outbox_42' },
    );
    const sent = lastSend();
    expect(receipt.messageId).toBe(sent.messageId);
    expect(receipt.recipientId).toBe(w.customer.userId);
    expect(receipt.acceptedAt).toBeGreaterThan(0);
    expect(sent.bizOpaqueCallbackData).toBe('outbox_42');
    expect(sent.body).toMatchObject({
      to: w.customer.userId,
      context: { message_id: inbound },
      text: { preview_url: true },
    });
  });

  it('uploads media and sends it by id; sends every media type by link', async () => {
    const { mediaId } = await w.adapter.uploadMedia({
      phoneNumberId: w.phone.id,
      bytes: new TextEncoder().encode('%PDF-1.4 fake'),
      mimeType: 'application/pdf',
      filename: 'invoice.pdf',
    });
    expect(mediaId).toMatch(/\S/);
    await send({ type: 'file', mediaId, filename: 'invoice.pdf', caption: 'Invoice' });
    expect(lastSend()).toMatchObject({
      kind: 'document',
      body: { document: { id: mediaId, filename: 'invoice.pdf' } },
    });
    for (const type of ['image', 'video', 'audio', 'sticker'] as const) {
      const receipt = await send({ type, url: `https://cdn.example.com/a.${type}` });
      expect(lastSend()).toMatchObject({
        kind: type,
        messageId: receipt.messageId,
        body: { [type]: { link: `https://cdn.example.com/a.${type}` } },
      });
    }
  });

  it('location and contacts', async () => {
    await send({
      type: 'location',
      latitude: 38.72,
      longitude: -9.14,
      name: 'Shop',
      address: 'Rua Augusta 1',
    });
    expect(lastSend()).toMatchObject({
      kind: 'location',
      body: { location: { latitude: 38.72, name: 'Shop' } },
    });
    await send({
      type: 'contacts',
      contacts: [{ name: { formattedName: 'Support' }, phones: [{ phone: '+15550783881', type: 'WORK' }] }],
    });
    expect(lastSend()).toMatchObject({
      kind: 'contacts',
      body: { contacts: [{ name: { formatted_name: 'Support' } }] },
    });
  });

  it('interactive: reply buttons, quick replies, CTA URL, list', async () => {
    await send({
      type: 'buttons',
      text: 'Pick one',
      buttons: [
        { type: 'postback', title: 'Track', payload: 'TRACK' },
        { type: 'postback', title: 'Cancel', payload: 'CANCEL' },
      ],
    });
    expect(lastSend().body).toMatchObject({ interactive: { type: 'button' } });
    await send({ type: 'quick_replies', text: 'OK?', replies: [{ title: 'Yes', payload: 'Y' }] });
    expect(lastSend().body).toMatchObject({
      interactive: { type: 'button', action: { buttons: [{ reply: { id: 'Y' } }] } },
    });
    await send({
      type: 'buttons',
      text: 'Track online',
      buttons: [{ type: 'url', title: 'Open', url: 'https://shop.example.com/t/1' }],
    });
    expect(lastSend().body).toMatchObject({ interactive: { type: 'cta_url' } });
    await send({
      type: 'list',
      text: 'Pick a slot',
      buttonText: 'Slots',
      sections: [{ rows: [{ id: 's1', title: '09:00' }] }],
    });
    expect(lastSend().body).toMatchObject({ interactive: { type: 'list', action: { button: 'Slots' } } });
  });

  it('template with parameters', async () => {
    const receipt = await send({
      type: 'template',
      name: 'order_update',
      language: 'en_US',
      components: [
        { type: 'header', parameters: [{ type: 'image', url: 'https://cdn.example.com/box.jpg' }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Kerry' }] },
        { type: 'button', subType: 'url', index: 0, parameters: [{ type: 'text', text: 'ord-1' }] },
      ],
    });
    expect(lastSend()).toMatchObject({
      kind: 'template',
      messageId: receipt.messageId,
      body: { template: { name: 'order_update', language: { code: 'en_US' } } },
    });
  });

  it('reaction and its removal', async () => {
    await send({ type: 'reaction', messageId: inbound, emoji: '👍' });
    expect(lastSend()).toMatchObject({
      kind: 'reaction',
      body: { reaction: { message_id: inbound, emoji: '👍' } },
    });
    await send({ type: 'reaction', messageId: inbound });
    expect(lastSend().body).toMatchObject({ reaction: { emoji: '' } });
  });

  it('mark as read with the typing indicator', async () => {
    const before = w.sim.businessSends().length;
    const receipt = await send({ type: 'sender_action', action: 'typing_on', messageId: inbound });
    expect(receipt).toMatchObject({ messageId: '', raw: { success: true } });
    expect(w.sim.businessSends().length).toBe(before);
  });

  it('BSUID recipient goes in `recipient`', async () => {
    const user = w.sim.world.customers.find((c) => c.channel === 'whatsapp' && c.bsuid);
    if (!user) throw new Error('the simulator world has no customer with a BSUID');
    const receipt = await w.adapter.send({
      to: { channel: 'whatsapp', accountId: user.accountId, userId: user.bsuid! },
      content: { type: 'text', text: 'hi' },
    });
    expect(receipt.recipientId).toBe(user.bsuid);
    expect(lastSend().body).toMatchObject({ recipient: user.bsuid });
    expect(lastSend().body.to).toBeUndefined();
  });

  it('limits and unsupported content fail before any call', async () => {
    const before = w.sim.businessSends().length;
    await expect(send({ type: 'text', text: 'x'.repeat(4097) })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(send({ type: 'cards', cards: [{ title: 'A' }] })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
    });
    expect(w.sim.businessSends().length).toBe(before);
  });
});

describe('send over HTTP: Meta errors are classified', () => {
  const cases: Array<[number, SwitchboardError['code'], boolean]> = [
    [131047, 'OUTSIDE_WINDOW', false],
    [131026, 'RECIPIENT_UNAVAILABLE', false],
    [130429, 'RATE_LIMITED', true],
    [131056, 'RATE_LIMITED', true],
    [80007, 'RATE_LIMITED', true],
    [133010, 'PERMISSION_DENIED', false],
    [132000, 'INVALID_REQUEST', false],
    [132015, 'POLICY_BLOCKED', false],
    [131000, 'TEMPORARY', true],
    [131057, 'TEMPORARY', true],
    [131062, 'NOT_SUPPORTED', false],
    [100, 'INVALID_REQUEST', false],
    [10, 'PERMISSION_DENIED', false],
    [368, 'POLICY_BLOCKED', false],
  ];
  it.each(cases)('Graph error %i → %s (retryable %s)', async (code, expected, retryable) => {
    const id = w.sim.faults.sendFailures({ code, count: 1, channel: 'whatsapp' });
    try {
      const error = await send({ type: 'text', text: 'hello' }).then(
        () => undefined,
        (e: SwitchboardError) => e,
      );
      expect(error).toMatchObject({
        name: 'SwitchboardError',
        code: expected,
        retryable,
        platform: { code },
      });
      expect(error?.platform?.fbtraceId).toMatch(/\S/);
    } finally {
      w.sim.faults.clear(id);
    }
  });

  it('pair rate limit carries a retry delay', async () => {
    const id = w.sim.faults.sendFailures({ code: 131056, count: 1, channel: 'whatsapp' });
    await expect(send({ type: 'text', text: 'again' })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: expect.any(Number),
    });
    w.sim.faults.clear(id);
  });

  it('an unknown template is a 132001 INVALID_REQUEST from the platform', async () => {
    await expect(
      send({ type: 'template', name: 'no_such_template', language: 'en_US' }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      platform: { code: 132001 },
    });
  });

  it('a blocked number is POLICY_BLOCKED (131048)', async () => {
    w.sim.faults.whatsappQuality({
      phoneNumberId: w.phone.id,
      qualityRating: 'RED',
      canSendMessage: 'BLOCKED',
    });
    try {
      await expect(send({ type: 'text', text: 'hello' })).rejects.toMatchObject({
        code: 'POLICY_BLOCKED',
        platform: { code: 131048 },
      });
    } finally {
      w.sim.faults.whatsappQuality({
        phoneNumberId: w.phone.id,
        qualityRating: 'GREEN',
        canSendMessage: 'AVAILABLE',
      });
    }
  });

  it('an expired token is AUTH_FAILED', async () => {
    const other = await startWorld();
    try {
      other.sim.faults.expireToken(other.sim.world.systemUserToken);
      await expect(
        other.adapter.send({ to: other.to, content: { type: 'text', text: 'x' } }),
      ).rejects.toMatchObject({ code: 'AUTH_FAILED', platform: { code: 190 } });
    } finally {
      await other.sim.stop();
    }
  });
});
