import type { OutboundMessage } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import {
  buildAttachmentUploadBody,
  buildMessengerPlatformSendRequest,
} from '../src/messenger-platform/index.js';

const to = (channel: 'messenger' | 'instagram') => ({
  channel,
  accountId: '105927095402516',
  userId: '6571349092893521',
});
const msg = (
  channel: 'messenger' | 'instagram',
  content: OutboundMessage['content'],
  extra: Partial<OutboundMessage> = {},
): OutboundMessage => ({
  to: to(channel),
  content,
  ...extra,
});
const body = (m: OutboundMessage, channel: 'messenger' | 'instagram' = m.to.channel as 'messenger') =>
  buildMessengerPlatformSendRequest(m, channel).body;
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

describe('Messenger Platform send bodies', () => {
  it('text with RESPONSE by default and metadata = correlationId', () => {
    expect(body(msg('messenger', { type: 'text', text: 'Hello' }, { correlationId: 'outbox_1' }))).toEqual({
      recipient: { id: '6571349092893521' },
      messaging_type: 'RESPONSE',
      message: { text: 'Hello', metadata: 'outbox_1' },
    });
  });

  it('UPDATE and MESSAGE_TAG with HUMAN_AGENT', () => {
    expect(body(msg('messenger', { type: 'text', text: 'x' }, { messagingType: 'UPDATE' }))).toMatchObject({
      messaging_type: 'UPDATE',
    });
    expect(body(msg('messenger', { type: 'text', text: 'x' }, { tag: 'HUMAN_AGENT' }))).toMatchObject({
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
    });
    expect(body(msg('instagram', { type: 'text', text: 'x' }, { tag: 'HUMAN_AGENT' }))).toMatchObject({
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
    });
    expect(
      code(() => body(msg('messenger', { type: 'text', text: 'x' }, { messagingType: 'MESSAGE_TAG' }))),
    ).toBe('INVALID_REQUEST');
    expect(code(() => body(msg('instagram', { type: 'text', text: 'x' }, { tag: 'ACCOUNT_UPDATE' })))).toBe(
      'NOT_SUPPORTED',
    );
  });

  it('text length: Messenger 2000 characters, Instagram 1000 UTF-8 bytes', () => {
    expect(() => body(msg('messenger', { type: 'text', text: 'é'.repeat(2000) }))).not.toThrow();
    expect(code(() => body(msg('messenger', { type: 'text', text: 'a'.repeat(2001) })))).toBe(
      'INVALID_REQUEST',
    );
    expect(() => body(msg('instagram', { type: 'text', text: 'a'.repeat(1000) }))).not.toThrow();
    expect(code(() => body(msg('instagram', { type: 'text', text: 'é'.repeat(501) })))).toBe(
      'INVALID_REQUEST',
    );
  });

  it('attachments by URL (reusable) and by attachment_id', () => {
    expect(body(msg('messenger', { type: 'image', url: 'https://example.com/a.png' })).message).toEqual({
      attachment: { type: 'image', payload: { url: 'https://example.com/a.png', is_reusable: true } },
    });
    expect(body(msg('instagram', { type: 'file', mediaId: '1857777774821032' })).message).toEqual({
      attachment: { type: 'file', payload: { attachment_id: '1857777774821032' } },
    });
    expect(
      buildMessengerPlatformSendRequest(
        msg('messenger', { type: 'video', url: 'https://example.com/v.mp4' }),
        'messenger',
      ).media,
    ).toBe(true);
    expect(
      code(() => body(msg('messenger', { type: 'image', url: 'https://example.com/a.png', caption: 'hi' }))),
    ).toBe('NOT_SUPPORTED');
  });

  it('quick replies (≤13, text titles ≤20) and Messenger phone/email pickers', () => {
    const replies = [
      { kind: 'text' as const, title: 'Yes', payload: 'YES' },
      { kind: 'user_email' as const },
    ];
    expect(body(msg('messenger', { type: 'quick_replies', text: 'Pick', replies })).message).toEqual({
      text: 'Pick',
      quick_replies: [{ content_type: 'text', title: 'Yes', payload: 'YES' }, { content_type: 'user_email' }],
    });
    expect(code(() => body(msg('instagram', { type: 'quick_replies', text: 'Pick', replies })))).toBe(
      'NOT_SUPPORTED',
    );
    const many = Array.from({ length: 14 }, (_, i) => ({ title: `R${i}`, payload: `P${i}` }));
    expect(code(() => body(msg('messenger', { type: 'quick_replies', text: 'Pick', replies: many })))).toBe(
      'INVALID_REQUEST',
    );
    expect(
      code(() =>
        body(
          msg('messenger', {
            type: 'quick_replies',
            text: 'Pick',
            replies: [{ title: 'x'.repeat(21), payload: 'P' }],
          }),
        ),
      ),
    ).toBe('INVALID_REQUEST');
  });

  it('button template (≤3 buttons) on Messenger and Instagram', () => {
    const buttons = [
      { type: 'postback' as const, title: 'Track', payload: 'TRACK' },
      { type: 'url' as const, title: 'Open', url: 'https://example.com/o/1' },
      { type: 'phone' as const, title: 'Call', phone: '+15551234567' },
    ];
    expect(body(msg('messenger', { type: 'buttons', text: 'Order 1', buttons })).message).toEqual({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'button',
          text: 'Order 1',
          buttons: [
            { type: 'postback', title: 'Track', payload: 'TRACK' },
            { type: 'web_url', title: 'Open', url: 'https://example.com/o/1' },
            { type: 'phone_number', title: 'Call', payload: '+15551234567' },
          ],
        },
      },
    });
    expect(
      code(() => body(msg('messenger', { type: 'buttons', text: 'x', buttons: [...buttons, buttons[0]!] }))),
    ).toBe('INVALID_REQUEST');
    // Instagram documents the button template too, with web_url and postback buttons only.
    expect(code(() => body(msg('instagram', { type: 'buttons', text: 'x', buttons })))).toBe('NOT_SUPPORTED');
    expect(
      body(msg('instagram', { type: 'buttons', text: 'Order 1', buttons: buttons.slice(0, 2) })).message,
    ).toEqual({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'button',
          text: 'Order 1',
          buttons: [
            { type: 'postback', title: 'Track', payload: 'TRACK' },
            { type: 'web_url', title: 'Open', url: 'https://example.com/o/1' },
          ],
        },
      },
    });
  });

  it('user_ref recipients, notification_type and persona_id on Messenger; refused on Instagram', () => {
    const sent = body(
      msg(
        'messenger',
        { type: 'text', text: 'Thanks for opting in' },
        { notification: 'silent', personaId: '1857', to: { ...to('messenger'), userIdType: 'user_ref' } },
      ),
    );
    expect(sent).toEqual({
      recipient: { user_ref: '6571349092893521' },
      messaging_type: 'RESPONSE',
      notification_type: 'SILENT_PUSH',
      persona_id: '1857',
      message: { text: 'Thanks for opting in' },
    });
    expect(
      body(msg('messenger', { type: 'text', text: 'x' }, { notification: 'none' })).notification_type,
    ).toBe('NO_PUSH');
    expect(
      body(msg('messenger', { type: 'text', text: 'x' }, { notification: 'regular' })),
    ).not.toHaveProperty('notification_type');
    expect(
      body(msg('messenger', { type: 'sender_action', action: 'typing_on' }, { personaId: '1857' })),
    ).toEqual({ recipient: { id: '6571349092893521' }, sender_action: 'typing_on', persona_id: '1857' });
    const ig = (extra: Partial<OutboundMessage>) =>
      code(() => body(msg('instagram', { type: 'text', text: 'x' }, extra)));
    expect(ig({ personaId: '1857' })).toBe('NOT_SUPPORTED');
    expect(ig({ notification: 'none' })).toBe('NOT_SUPPORTED');
    expect(ig({ to: { ...to('instagram'), userIdType: 'user_ref' } })).toBe('NOT_SUPPORTED');
  });

  it('generic template cards on both channels', () => {
    const cards = [
      {
        title: 'Sneaker',
        subtitle: '€89',
        imageUrl: 'https://example.com/s.jpg',
        defaultActionUrl: 'https://example.com/s',
        buttons: [{ type: 'postback' as const, title: 'Buy', payload: 'BUY_1' }],
      },
    ];
    const expected = {
      attachment: {
        type: 'template',
        payload: {
          template_type: 'generic',
          elements: [
            {
              title: 'Sneaker',
              subtitle: '€89',
              image_url: 'https://example.com/s.jpg',
              default_action: { type: 'web_url', url: 'https://example.com/s' },
              buttons: [{ type: 'postback', title: 'Buy', payload: 'BUY_1' }],
            },
          ],
        },
      },
    };
    expect(body(msg('messenger', { type: 'cards', cards })).message).toEqual(expected);
    expect(body(msg('instagram', { type: 'cards', cards })).message).toEqual(expected);
  });

  it('reactions: Messenger any emoji, Instagram love only; unreact without emoji', () => {
    expect(body(msg('messenger', { type: 'reaction', messageId: 'm_1', emoji: '😂' }))).toEqual({
      recipient: { id: '6571349092893521' },
      sender_action: 'react',
      payload: { message_id: 'm_1', reaction: '😂' },
    });
    expect(body(msg('instagram', { type: 'reaction', messageId: 'aWdf1', emoji: '❤️' }))).toMatchObject({
      sender_action: 'react',
      payload: { message_id: 'aWdf1', reaction: 'love' },
    });
    expect(body(msg('instagram', { type: 'reaction', messageId: 'aWdf1' }))).toEqual({
      recipient: { id: '6571349092893521' },
      sender_action: 'unreact',
      payload: { message_id: 'aWdf1' },
    });
    expect(code(() => body(msg('instagram', { type: 'reaction', messageId: 'aWdf1', emoji: '😂' })))).toBe(
      'NOT_SUPPORTED',
    );
  });

  it('sender actions without message or messaging_type', () => {
    for (const action of ['typing_on', 'typing_off', 'mark_seen'] as const) {
      expect(
        buildMessengerPlatformSendRequest(msg('messenger', { type: 'sender_action', action }), 'messenger'),
      ).toEqual({
        body: { recipient: { id: '6571349092893521' }, sender_action: action },
        kind: 'sender_action',
        media: false,
      });
    }
  });

  it('Instagram reply_to; Messenger cannot reply to a message', () => {
    expect(body(msg('instagram', { type: 'text', text: 'Sure' }, { replyTo: 'aWdf9' }))).toMatchObject({
      reply_to: { mid: 'aWdf9' },
    });
    expect(code(() => body(msg('messenger', { type: 'text', text: 'Sure' }, { replyTo: 'm_9' })))).toBe(
      'NOT_SUPPORTED',
    );
  });

  it('content the channels cannot carry → NOT_SUPPORTED', () => {
    const contents: OutboundMessage['content'][] = [
      { type: 'template', name: 'order_update', language: 'en_US' },
      { type: 'list', text: 't', buttonText: 'b', sections: [{ rows: [{ id: '1', title: 'r' }] }] },
      { type: 'location', latitude: 52.5, longitude: 13.4 },
      { type: 'contacts', contacts: [{ name: { formattedName: 'Ann' } }] },
      { type: 'sticker', mediaId: '369239263222822' },
    ];
    for (const content of contents) {
      expect(code(() => body(msg('messenger', content)))).toBe('NOT_SUPPORTED');
      expect(code(() => body(msg('instagram', content)))).toBe('NOT_SUPPORTED');
    }
  });

  it('upload body', () => {
    expect(buildAttachmentUploadBody('image', 'https://example.com/a.png')).toEqual({
      message: {
        attachment: { type: 'image', payload: { url: 'https://example.com/a.png', is_reusable: true } },
      },
    });
  });
});

describe('raw bodies', () => {
  const to = { channel: 'instagram', accountId: '17841400000000001', userId: '1234567890' };
  it('carry what the model does not cover, with our recipient and the correlation id as metadata', () => {
    const { body, kind } = buildMessengerPlatformSendRequest(
      {
        to,
        correlationId: 'outbox-7',
        content: {
          type: 'raw',
          body: {
            recipient: { id: 'someone else' },
            message: {
              attachment: {
                type: 'template',
                payload: {
                  template_type: 'button',
                  text: 'Track?',
                  buttons: [{ type: 'postback', title: 'Yes', payload: 'Y' }],
                },
              },
            },
          },
        },
      },
      'instagram',
    );
    expect(kind).toBe('message');
    expect(body).toEqual({
      recipient: { id: '1234567890' },
      messaging_type: 'RESPONSE',
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'button',
            text: 'Track?',
            buttons: [{ type: 'postback', title: 'Yes', payload: 'Y' }],
          },
        },
        metadata: 'outbox-7',
      },
    });
  });

  it('sends a raw sender action without messaging_type', () => {
    const request = buildMessengerPlatformSendRequest(
      { to: { ...to, channel: 'messenger' }, content: { type: 'raw', body: { sender_action: 'mark_seen' } } },
      'messenger',
    );
    expect(request).toEqual({
      body: { sender_action: 'mark_seen', recipient: { id: '1234567890' } },
      kind: 'sender_action',
      media: false,
    });
  });
});
