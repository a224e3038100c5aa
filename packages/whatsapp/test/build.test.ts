import type { OutboundMessage } from '@switchboard/core';

type OutboundContent = OutboundMessage['content'];

import { describe, expect, it } from 'vitest';
import { buildSendBody, isBusinessScopedUserId } from '../src/index.js';
import { BSUID, P1, U1, wamid } from './helpers.js';

const to = { channel: 'whatsapp', accountId: P1, userId: U1 };
const build = (content: OutboundContent | Record<string, unknown>, extra: Partial<OutboundMessage> = {}) =>
  buildSendBody({ to, content: content as OutboundContent, ...extra });
const head = { messaging_product: 'whatsapp', recipient_type: 'individual', to: U1 };
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

describe('buildSendBody: content', () => {
  it('text with preview_url, reply context and correlation data', () => {
    expect(
      build(
        { type: 'text', text: 'See https://example.com', previewUrl: true },
        { replyTo: wamid(1), correlationId: 'outbox_1' },
      ),
    ).toEqual({
      ...head,
      context: { message_id: wamid(1) },
      biz_opaque_callback_data: 'outbox_1',
      type: 'text',
      text: { body: 'See https://example.com', preview_url: true },
    });
  });

  it('BSUID recipients go in `recipient`, phones in `to`', () => {
    const body = buildSendBody({ to: { ...to, userId: BSUID }, content: { type: 'text', text: 'hi' } });
    expect(body.recipient).toBe(BSUID);
    expect(body.to).toBeUndefined();
    expect(isBusinessScopedUserId('US.ENT.99887766')).toBe(true);
    expect(isBusinessScopedUserId('16315551234')).toBe(false);
  });

  it('media by id or link', () => {
    expect(build({ type: 'image', mediaId: '123', caption: 'c' })).toMatchObject({
      type: 'image',
      image: { id: '123', caption: 'c' },
    });
    expect(build({ type: 'video', url: 'https://cdn.example.com/v.mp4' })).toMatchObject({
      type: 'video',
      video: { link: 'https://cdn.example.com/v.mp4' },
    });
    expect(build({ type: 'audio', mediaId: '9' })).toMatchObject({ type: 'audio', audio: { id: '9' } });
    expect(
      build({ type: 'file', url: 'https://cdn.example.com/a.pdf', filename: 'a.pdf', caption: 'Invoice' }),
    ).toMatchObject({
      type: 'document',
      document: { link: 'https://cdn.example.com/a.pdf', filename: 'a.pdf', caption: 'Invoice' },
    });
    expect(build({ type: 'sticker', mediaId: '77' })).toMatchObject({
      type: 'sticker',
      sticker: { id: '77' },
    });
  });

  it('location, contacts, reaction and its removal', () => {
    expect(build({ type: 'location', latitude: 38.7, longitude: -9.1, name: 'Shop' })).toMatchObject({
      location: { latitude: 38.7, longitude: -9.1, name: 'Shop' },
    });
    expect(
      build({
        type: 'contacts',
        contacts: [
          {
            name: { formattedName: 'Jo Silva', firstName: 'Jo' },
            phones: [{ phone: '+351912345678', type: 'CELL', waId: '351912345678' }],
          },
        ],
      }),
    ).toMatchObject({
      contacts: [
        {
          name: { formatted_name: 'Jo Silva', first_name: 'Jo' },
          phones: [{ phone: '+351912345678', type: 'CELL', wa_id: '351912345678' }],
        },
      ],
    });
    expect(build({ type: 'reaction', messageId: wamid(2), emoji: '❤️' }, { replyTo: wamid(3) })).toEqual({
      ...head,
      type: 'reaction',
      reaction: { message_id: wamid(2), emoji: '❤️' },
    });
    expect(build({ type: 'reaction', messageId: wamid(2) }).reaction).toEqual({
      message_id: wamid(2),
      emoji: '',
    });
  });

  it('reply buttons, CTA URL, quick replies as buttons, list', () => {
    expect(
      build({
        type: 'buttons',
        text: 'Pick',
        header: 'Order 1234',
        footer: 'Shop',
        buttons: [
          { type: 'postback', title: 'Track', payload: 'TRACK' },
          { type: 'postback', title: 'Cancel', payload: 'CANCEL' },
        ],
      }),
    ).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'text', text: 'Order 1234' },
        body: { text: 'Pick' },
        footer: { text: 'Shop' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'TRACK', title: 'Track' } },
            { type: 'reply', reply: { id: 'CANCEL', title: 'Cancel' } },
          ],
        },
      },
    });
    expect(
      build({
        type: 'buttons',
        text: 'Track it',
        buttons: [{ type: 'url', title: 'Open', url: 'https://shop.example.com/t/1' }],
      }).interactive,
    ).toEqual({
      type: 'cta_url',
      body: { text: 'Track it' },
      action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'https://shop.example.com/t/1' } },
    });
    expect(
      build({
        type: 'quick_replies',
        text: 'OK?',
        replies: [{ title: 'Yes', payload: 'Y' }, { title: 'No' }],
      }).interactive,
    ).toMatchObject({
      type: 'button',
      action: { buttons: [{ reply: { id: 'Y', title: 'Yes' } }, { reply: { id: 'No', title: 'No' } }] },
    });
    expect(
      build({
        type: 'list',
        text: 'Pick a slot',
        buttonText: 'Slots',
        sections: [
          { title: 'Tomorrow', rows: [{ id: 's1', title: '09:00', description: 'Morning' }] },
          { title: 'Friday', rows: [{ id: 's2', title: '14:00' }] },
        ],
      }).interactive,
    ).toEqual({
      type: 'list',
      body: { text: 'Pick a slot' },
      action: {
        button: 'Slots',
        sections: [
          { title: 'Tomorrow', rows: [{ id: 's1', title: '09:00', description: 'Morning' }] },
          { title: 'Friday', rows: [{ id: 's2', title: '14:00' }] },
        ],
      },
    });
  });

  it('template with header, body and button parameters', () => {
    expect(
      build({
        type: 'template',
        name: 'order_update',
        language: 'en_US',
        components: [
          { type: 'header', parameters: [{ type: 'image', url: 'https://cdn.example.com/box.jpg' }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Kerry', parameterName: 'name' },
              { type: 'currency', fallbackValue: '€12.99', code: 'EUR', amount1000: 12990 },
              { type: 'date_time', fallbackValue: 'Nov 30' },
            ],
          },
          { type: 'button', subType: 'url', index: 1, parameters: [{ type: 'text', text: 'ord-1234' }] },
          { type: 'button', parameters: [{ type: 'payload', payload: 'STOP' }] },
        ],
      }).template,
    ).toEqual({
      name: 'order_update',
      language: { code: 'en_US' },
      components: [
        {
          type: 'header',
          parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/box.jpg' } }],
        },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Kerry', parameter_name: 'name' },
            { type: 'currency', currency: { fallback_value: '€12.99', code: 'EUR', amount_1000: 12990 } },
            { type: 'date_time', date_time: { fallback_value: 'Nov 30' } },
          ],
        },
        { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'ord-1234' }] },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '1',
          parameters: [{ type: 'payload', payload: 'STOP' }],
        },
      ],
    });
  });

  it('mark as read and typing indicator', () => {
    expect(build({ type: 'sender_action', action: 'mark_seen', messageId: wamid(5) })).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: wamid(5),
    });
    expect(build({ type: 'sender_action', action: 'typing_on', messageId: wamid(5) })).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: wamid(5),
      typing_indicator: { type: 'text' },
    });
  });
});

describe('buildSendBody: limits (INVALID_REQUEST) and unsupported content (NOT_SUPPORTED)', () => {
  const pb = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ type: 'postback' as const, title: `B${i}`, payload: `P${i}` }));
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));

  it.each([
    ['text over 4096 characters', { type: 'text', text: 'x'.repeat(4097) }],
    ['4 reply buttons', { type: 'buttons', text: 't', buttons: pb(4) }],
    [
      'button title over 20',
      { type: 'buttons', text: 't', buttons: [{ type: 'postback', title: 'x'.repeat(21), payload: 'p' }] },
    ],
    [
      '11 list rows',
      {
        type: 'list',
        text: 't',
        buttonText: 'b',
        sections: [
          { title: 'a', rows: rows(6) },
          { title: 'b', rows: rows(5).map((r) => ({ ...r, id: `${r.id}b` })) },
        ],
      },
    ],
    [
      'list button over 20',
      { type: 'list', text: 't', buttonText: 'x'.repeat(21), sections: [{ rows: rows(1) }] },
    ],
    [
      'row title over 24',
      {
        type: 'list',
        text: 't',
        buttonText: 'b',
        sections: [{ rows: [{ id: 'a', title: 'x'.repeat(25) }] }],
      },
    ],
    [
      'row description over 72',
      {
        type: 'list',
        text: 't',
        buttonText: 'b',
        sections: [{ rows: [{ id: 'a', title: 'a', description: 'x'.repeat(73) }] }],
      },
    ],
    [
      'untitled sections',
      {
        type: 'list',
        text: 't',
        buttonText: 'b',
        sections: [{ rows: rows(1) }, { rows: [{ id: 'z', title: 'z' }] }],
      },
    ],
    ['mark read without message id', { type: 'sender_action', action: 'mark_seen' }],
    ['media with neither url nor id', { type: 'image' }],
    [
      'template image without source',
      {
        type: 'template',
        name: 'n',
        language: 'en',
        components: [{ type: 'header', parameters: [{ type: 'image' }] }],
      },
    ],
  ])('%s → INVALID_REQUEST', (_, content) => {
    expect(codeOf(() => build(content))).toBe('INVALID_REQUEST');
  });

  it('text of exactly 4096 characters (emoji count once) passes', () => {
    expect(codeOf(() => build({ type: 'text', text: '😀'.repeat(4096) }))).toBe('no error');
  });

  it('correlation data over 512 bytes → INVALID_REQUEST', () => {
    expect(codeOf(() => build({ type: 'text', text: 'a' }, { correlationId: 'é'.repeat(300) }))).toBe(
      'INVALID_REQUEST',
    );
  });

  it.each([
    ['cards', { type: 'cards', cards: [{ title: 'A' }] }],
    [
      '4 quick replies',
      {
        type: 'quick_replies',
        text: 't',
        replies: [{ title: 'a' }, { title: 'b' }, { title: 'c' }, { title: 'd' }],
      },
    ],
    [
      'phone-number quick reply',
      { type: 'quick_replies', text: 't', replies: [{ kind: 'user_phone_number' }] },
    ],
    [
      'phone button',
      { type: 'buttons', text: 't', buttons: [{ type: 'phone', title: 'Call', phone: '+1555' }] },
    ],
    [
      'url + postback buttons',
      {
        type: 'buttons',
        text: 't',
        buttons: [{ type: 'url', title: 'U', url: 'https://x.example' }, ...pb(1)],
      },
    ],
    ['typing off', { type: 'sender_action', action: 'typing_off', messageId: 'wamid.X' }],
    ['caption on audio', { type: 'audio', mediaId: '1', caption: 'c' }],
  ])('%s → NOT_SUPPORTED', (_, content) => {
    expect(codeOf(() => build(content))).toBe('NOT_SUPPORTED');
  });
});
