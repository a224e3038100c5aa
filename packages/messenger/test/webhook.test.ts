import { describe, expect, it } from 'vitest';
import { fixture, offlineAdapter, only, PAGE, PSID, parseFixture } from './helpers.js';

const T = 1764410400123;

describe('Messenger webhook fixtures', () => {
  it('text message: ids as strings, ms timestamp, deterministic key and conversation id', () => {
    const e = only('message-text', 'message');
    expect(e).toMatchObject({
      channel: 'messenger',
      accountId: PAGE,
      userId: PSID,
      conversationId: `messenger:${PAGE}:${PSID}`,
      timestamp: T,
      source: 'webhook',
      direction: 'inbound',
      text: 'Hello, is my order on its way?',
      parts: [{ type: 'text', text: 'Hello, is my order on its way?' }],
    });
    expect(e.key).toBe(`messenger:msg:${e.messageId}`);
  });

  it('decodes \\uXXXX-escaped bodies (surrogate pairs included)', () => {
    const raw = new TextDecoder().decode(fixture('message-unicode-escaped'));
    expect(raw).toContain('\\u00fc');
    expect(raw).toContain('\\ud83d\\udc4b');
    expect(only('message-unicode-escaped', 'message').text).toBe('Grüße aus Köln 👋 — äöå');
  });

  it.each([
    ['message-image', 'image'],
    ['message-video', 'video'],
    ['message-audio', 'audio'],
    ['message-file', 'file'],
  ] as const)('%s → %s part with its CDN url', (name, type) => {
    const e = only(name, 'message');
    expect(e.parts).toHaveLength(1);
    expect(e.parts[0]?.type).toBe(type);
    expect((e.parts[0] as { url?: string }).url).toMatch(/^https:\/\//);
  });

  it('fallback link shares become share parts, also without payload', () => {
    const e = only('message-fallback', 'message');
    expect(e.parts).toEqual([
      { type: 'text', text: 'https://www.example.com/blog/post-42' },
      {
        type: 'share',
        shareType: 'fallback',
        url: 'https://www.example.com/blog/post-42',
        title: 'Post 42 - Example blog',
      },
      { type: 'share', shareType: 'fallback' },
    ]);
  });

  it('legacy sticker (image + sticker_id) → one sticker part', () => {
    const e = only('message-sticker-legacy', 'message');
    expect(e.parts).toHaveLength(1);
    expect(e.parts[0]).toMatchObject({ type: 'sticker', stickerId: '369239263222822' });
  });

  it('2026 sticker sent twice (legacy image + sticker attachment) → one sticker part', () => {
    const e = only('message-sticker-2026', 'message');
    expect(e.parts).toHaveLength(1);
    expect(e.parts[0]).toMatchObject({ type: 'sticker', stickerId: '369239263222822' });
  });

  it('reel shares keep the reel id and title', () => {
    expect(only('message-reel', 'message').parts[0]).toMatchObject({
      type: 'share',
      shareType: 'ig_reel',
      mediaId: '18012345678901234',
      title: 'Summer collection',
    });
  });

  it('quick reply payload', () => {
    expect(only('message-quick-reply', 'message').parts).toContainEqual({
      type: 'quick_reply',
      payload: 'TRACK_ORDER',
      title: 'Track my order',
    });
  });

  it('reply_to', () => {
    expect(only('message-reply-to', 'message').replyTo?.messageId).toMatch(/^m_/);
  });

  it('ad referral on a message', () => {
    expect(only('message-ad-referral', 'message').referral).toMatchObject({
      source: 'ADS',
      type: 'OPEN_THREAD',
      adId: '120210123456789012',
      headline: 'Winter sale',
    });
  });

  it('echo: outbound, app id as string, metadata as correlation id, user = recipient', () => {
    const e = only('message-echo', 'message');
    expect(e).toMatchObject({
      direction: 'outbound',
      echo: true,
      appId: '1048573296213421',
      correlationId: 'outbox_01JDX8K2M3N4P5Q6R7S8T9V0W1',
      userId: PSID,
      accountId: PAGE,
    });
  });

  it('Page Inbox echo carries the inbox app id', () => {
    expect(only('message-echo-page-inbox', 'message').appId).toBe('263902037430900');
  });

  it('template echo → share part with the template payload', () => {
    const part = only('message-echo-template', 'message').parts[0];
    expect(part).toMatchObject({
      type: 'share',
      shareType: 'template',
      payload: { template_type: 'button' },
    });
  });

  it('message edit', () => {
    expect(only('message-edit', 'edit')).toMatchObject({
      text: 'Hello, is my order on its way yet?',
      editCount: 1,
      userId: PSID,
    });
  });

  it('reaction and its removal have different keys', () => {
    const react = only('reaction-react', 'reaction');
    const unreact = only('reaction-unreact', 'reaction');
    expect(react).toMatchObject({ action: 'react', emoji: '❤️', reaction: 'love' });
    expect(unreact.action).toBe('unreact');
    expect(unreact.messageId).toBe(react.messageId);
    expect(unreact.key).not.toBe(react.key);
  });

  it('postbacks, with and without referral', () => {
    expect(only('postback', 'postback')).toMatchObject({ payload: 'GET_STARTED', title: 'Get Started' });
    expect(only('postback-referral', 'postback').referral).toMatchObject({
      ref: 'winter-campaign',
      source: 'SHORTLINK',
    });
  });

  it('referrals from m.me links and ads', () => {
    expect(only('referral-shortlink', 'referral').referral).toMatchObject({
      source: 'SHORTLINK',
      ref: 'winter-campaign',
      url: 'https://m.me/acmeshoes?ref=winter-campaign',
    });
    expect(only('referral-ads', 'referral').referral).toMatchObject({
      source: 'ADS',
      adId: '120210123456789012',
    });
  });

  it('opt-ins: notification messages and plugin user_ref', () => {
    expect(only('optin-notification-messages', 'optin')).toMatchObject({
      optinType: 'notification_messages',
      token: '7212598302651238491',
      frequency: 'WEEKLY',
      status: 'RESUME_NOTIFICATIONS',
      tokenExpiresAt: 1772186400000,
    });
    expect(only('optin-plugin', 'optin')).toMatchObject({
      ref: 'checkout-page',
      userId: '1764410400123-ab12cd34',
    });
  });

  it('delivery without timestamp uses the watermark', () => {
    const e = only('delivery', 'delivery');
    expect(e.timestamp).toBe(T - 2000);
    expect(e.watermark).toBe(T - 2000);
    expect(e.messageIds).toHaveLength(2);
  });

  it('read watermark', () => {
    expect(only('read', 'read').watermark).toBe(T - 1000);
  });

  it('standby items are flagged', () => {
    const events = parseFixture('standby-message');
    expect(events.map((e) => e.kind)).toEqual(['message', 'read', 'postback']);
    for (const e of events) expect((e as { standby?: boolean }).standby).toBe(true);
  });

  it('handover events', () => {
    expect(only('handover-pass-thread-control', 'handover')).toMatchObject({
      action: 'pass_thread_control',
      previousOwnerAppId: '1048573296213421',
      newOwnerAppId: '263902037430900',
      metadata: 'escalated by bot',
    });
    expect(only('handover-take-thread-control', 'handover').action).toBe('take_thread_control');
    expect(only('handover-request-thread-control', 'handover')).toMatchObject({
      action: 'request_thread_control',
      requestedOwnerAppId: '263902037430900',
    });
    expect(only('handover-app-roles', 'account')).toMatchObject({
      event: 'app_roles',
      data: { '1048573296213421': ['primary_receiver'] },
    });
  });

  it('batched body with several entries and Pages: every item, routed by its own ids', () => {
    const events = parseFixture('batched-multi-entry');
    expect(events.map((e) => [e.kind, e.accountId])).toEqual([
      ['message', PAGE],
      ['message', PAGE],
      ['message', '112233445566778'],
      ['delivery', '112233445566778'],
      ['message', PAGE],
    ]);
    expect(new Set(events.map((e) => e.key)).size).toBe(5);
    expect((events[4] as { standby?: boolean }).standby).toBe(true);
  });

  it('unknown item kinds become unsupported events', () => {
    expect(only('unknown-item', 'unsupported')).toMatchObject({
      itemKind: 'messaging.game_play',
      userId: PSID,
    });
  });

  it('a malformed item is a problem; the rest of the batch still parses', () => {
    const body = {
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: T,
          messaging: [
            { sender: { id: PSID }, recipient: { id: PAGE }, timestamp: T, message: { text: 'no mid' } },
            'garbage',
          ],
        },
        {
          id: PAGE,
          time: T,
          messaging: [
            {
              sender: { id: PSID },
              recipient: { id: PAGE },
              timestamp: T,
              message: { mid: 'm_ok', text: 'ok' },
            },
          ],
        },
        { time: T },
      ],
    };
    const { events, problems } = offlineAdapter().parseWebhook(
      new TextEncoder().encode(JSON.stringify(body)),
    );
    expect(events.map((e) => e.key)).toEqual(['messenger:msg:m_ok']);
    expect(problems.map((p) => p.path)).toEqual([
      'entry[0].messaging[0].message.mid',
      'entry[0].messaging[1]',
      'entry[2]',
    ]);
  });

  it('rejects a body that is not JSON or not an envelope with PAYLOAD_INVALID', () => {
    const adapter = offlineAdapter();
    expect(() => adapter.parseWebhook(new TextEncoder().encode('nope'))).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_INVALID' }),
    );
    expect(() => adapter.parseWebhook(new TextEncoder().encode('{"object":"page"}'))).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_INVALID' }),
    );
  });

  it('a body for another object is a problem, not events', () => {
    const { events, problems } = offlineAdapter().parseWebhook(fixture('message-text').map((b) => b));
    expect(events).toHaveLength(1);
    const ig = new TextEncoder().encode('{"object":"instagram","entry":[]}');
    expect(offlineAdapter().parseWebhook(ig).problems[0]?.message).toContain('expected object "page"');
    expect(problems).toEqual([]);
  });
});
