import { describe, expect, it } from 'vitest';
import { BSUID, only, P1, parseFixture, T, U1, wamid } from './helpers.js';

const conv = `whatsapp:${P1}:${U1}`;

describe('parseWebhook: inbound messages', () => {
  it('text: key, ids, ms timestamp, profile, unicode', () => {
    const e = only('text', 'message');
    expect(e).toMatchObject({
      channel: 'whatsapp',
      key: `whatsapp:msg:${wamid(1)}`,
      accountId: P1,
      userId: U1,
      conversationId: conv,
      timestamp: T * 1000,
      source: 'webhook',
      messageId: wamid(1),
      direction: 'inbound',
      text: 'Hi, is my order 1234 on its way? äöå',
      parts: [{ type: 'text', text: 'Hi, is my order 1234 on its way? äöå' }],
      profile: { name: 'Kerry Fisher', phone: U1 },
    });
    expect((e.raw as { id: string }).id).toBe(wamid(1));
  });

  it('reply context and forwarding flags', () => {
    expect(only('text-reply', 'message').replyTo).toEqual({ messageId: wamid(900) });
    const fwd = only('forwarded', 'message');
    expect(fwd.forwarded).toBe(true);
    expect(fwd.frequentlyForwarded).toBe(true);
    expect(fwd.replyTo).toBeUndefined();
  });

  it('image keeps media id, url, hash and caption', () => {
    const e = only('image', 'message');
    expect(e.parts).toEqual([
      {
        type: 'image',
        mediaId: '1003383421387256',
        url: expect.stringContaining('lookaside.fbsbx.com'),
        mimeType: 'image/jpeg',
        sha256: 'Rq1kYt4mDLiJQsSOf4QLv8AbCEr2aQ0sZXgo97Zn+6M=',
        caption: 'The damaged box',
      },
    ]);
    expect(e.text).toBe('The damaged box');
  });

  it('voice note, video, document with filename, sticker', () => {
    expect(only('audio-voice', 'message').parts[0]).toMatchObject({
      type: 'audio',
      voice: true,
      mediaId: '1928348920347723',
    });
    expect(only('video', 'message').parts[0]).toMatchObject({
      type: 'video',
      caption: 'Unboxing',
      mimeType: 'video/mp4',
    });
    expect(only('document', 'message').parts[0]).toMatchObject({
      type: 'file',
      filename: 'invoice-1234.pdf',
      mimeType: 'application/pdf',
    });
    expect(only('sticker', 'message').parts[0]).toMatchObject({
      type: 'sticker',
      animated: false,
      mimeType: 'image/webp',
    });
  });

  it('location and contacts', () => {
    expect(only('location', 'message').parts).toEqual([
      {
        type: 'location',
        latitude: 38.7223,
        longitude: -9.1393,
        name: 'Praça do Comércio',
        address: '1100-148 Lisboa',
        url: 'https://maps.example.com/pc',
      },
    ]);
    const c = only('contacts', 'message').parts[0];
    expect(c).toEqual({
      type: 'contacts',
      contacts: [
        {
          name: { formattedName: 'João Silva', firstName: 'João', lastName: 'Silva' },
          phones: [{ phone: '+351 912 345 678', waId: '351912345678', type: 'CELL' }],
          emails: [{ email: 'joao@example.com', type: 'WORK' }],
          urls: [{ url: 'https://example.com', type: 'WORK' }],
          org: { company: 'Loja Lda', title: 'Manager' },
          addresses: [{ city: 'Lisboa', country: 'Portugal', country_code: 'PT', type: 'WORK' }],
          birthday: '1980-05-17',
        },
      ],
    });
  });

  it('interactive replies: button, list, flow (response_json parsed)', () => {
    const b = only('interactive-button-reply', 'message');
    expect(b.parts).toEqual([{ type: 'button_reply', id: 'track-order', title: 'Track order' }]);
    expect(b.text).toBe('Track order');
    expect(b.replyTo).toEqual({ messageId: wamid(901) });
    expect(only('interactive-list-reply', 'message').parts).toEqual([
      { type: 'list_reply', id: 'slot-0900', title: '09:00', description: 'Tomorrow morning' },
    ]);
    const flow = only('interactive-nfm-reply', 'message');
    // A Flow completion, linked to its send by flow_token and to the Flow message by replyTo.
    expect(flow.parts).toEqual([
      {
        type: 'flow_reply',
        flowToken: 'ft-123',
        response: { rating: '5', comment: 'Great service' },
        body: 'Sent',
      },
    ]);
    expect(flow.text).toBe('Sent');
    expect(flow.replyTo).toEqual({ messageId: expect.stringMatching(/^wamid\./) });
  });

  it('template quick-reply button becomes a quick_reply part', () => {
    const e = only('template-button', 'message');
    expect(e.parts).toEqual([{ type: 'quick_reply', payload: 'CONFIRM_DELIVERY', title: 'Confirm' }]);
    expect(e.text).toBe('Confirm');
  });

  it('reaction and its removal', () => {
    const r = only('reaction', 'reaction');
    expect(r).toMatchObject({
      key: `whatsapp:msg:${wamid(15)}`,
      messageId: wamid(905),
      action: 'react',
      emoji: '👍',
    });
    const u = only('reaction-removed', 'reaction');
    expect(u).toMatchObject({ key: `whatsapp:msg:${wamid(16)}`, messageId: wamid(905), action: 'unreact' });
    expect(u.emoji).toBeUndefined();
  });

  it('order keeps prices as decimal strings', () => {
    expect(only('order', 'message').parts).toEqual([
      {
        type: 'order',
        catalogId: '1562939384829372',
        text: 'For the party',
        items: [
          { productRetailerId: 'SKU-RED-M', quantity: 2, itemPrice: '12.99', currency: 'EUR' },
          { productRetailerId: 'SKU-BLUE-L', quantity: 1, itemPrice: '100', currency: 'EUR' },
        ],
      },
    ]);
  });

  it('system message (number change) is an account event of the number', () => {
    const e = only('system', 'account');
    expect(e).toMatchObject({
      key: `whatsapp:msg:${wamid(18)}`,
      accountId: P1,
      field: 'messages.system',
      event: 'user_changed_number',
      data: { userId: U1, newWaId: '16315559999', body: expect.stringContaining('changed') },
    });
  });

  it('click-to-WhatsApp referral and referred product', () => {
    const e = only('referral-ctwa', 'message');
    expect(e.referral).toMatchObject({
      source: 'ctwa_ad',
      adId: '120212345678900123',
      url: 'https://fb.me/3cr4Wqqkv',
      headline: 'Winter sale',
      body: '30% off all coats',
      type: 'image',
      ctwaClid: expect.stringMatching(/^ARAk/),
    });
    const p = only('referred-product', 'message');
    expect(p.parts).toEqual([
      { type: 'text', text: 'Is this in stock?' },
      {
        type: 'share',
        shareType: 'referred_product',
        payload: { catalogId: '1562939384829372', productRetailerId: 'SKU-RED-M' },
      },
    ]);
  });

  it('request_welcome is a postback', () => {
    expect(only('request-welcome', 'postback')).toMatchObject({
      key: `whatsapp:msg:${wamid(21)}`,
      payload: 'request_welcome',
      userId: U1,
    });
  });

  it('unsupported and legacy unknown keep the errors', () => {
    const u = only('unsupported', 'message');
    expect(u.parts[0]).toMatchObject({ type: 'unsupported', reason: expect.stringContaining('131051') });
    expect(u.parts[0]?.type === 'unsupported' && u.parts[0].reason).toContain('poll');
    expect(JSON.stringify(u.parts[0])).toContain('Message type unknown');
    const legacy = only('unknown-legacy', 'message');
    expect(legacy.parts[0]).toMatchObject({ type: 'unsupported', reason: expect.stringContaining('131051') });
  });

  it('interactive without its object (with value.errors) is kept, not dropped', () => {
    const { events, problems } = parseFixture('interactive-missing');
    expect(problems).toEqual([]);
    expect(events.map((e) => e.kind)).toEqual(['message', 'unsupported']);
    expect(events[0]).toMatchObject({ parts: [{ type: 'unsupported' }] });
    expect(events[1]).toMatchObject({ itemKind: 'whatsapp.errors', errors: [{ code: 131000 }] });
  });

  it('edit and revoke (coexistence numbers)', () => {
    expect(only('edit', 'edit')).toMatchObject({
      key: `whatsapp:msg:${wamid(24)}`,
      messageId: wamid(1),
      text: 'Hi, is my order 1235 on its way?',
    });
    expect(only('revoke', 'delete')).toMatchObject({ key: `whatsapp:msg:${wamid(25)}`, messageId: wamid(1) });
  });

  it('BSUID user without phone: userId is the BSUID, username in the profile', () => {
    const e = only('bsuid-username', 'message');
    expect(e.userId).toBe(BSUID);
    expect(e.conversationId).toBe(`whatsapp:${P1}:${BSUID}`);
    expect(e.profile).toEqual({ name: 'Ana', username: 'ana.sousa' });
  });

  it('smb_message_echoes are outbound echoes to the customer', () => {
    const e = only('smb-message-echoes', 'message');
    expect(e).toMatchObject({
      direction: 'outbound',
      echo: true,
      userId: U1,
      text: 'Sent from the Business app on my phone',
    });
  });
});
