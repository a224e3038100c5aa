import { describe, expect, it } from 'vitest';
import { fixture, IG, IGSID, only, parseFixture } from './helpers.js';

const T = 1764410400456;

describe('Instagram webhook fixtures', () => {
  it('text message', () => {
    const e = only('message-text', 'message');
    expect(e).toMatchObject({
      channel: 'instagram',
      accountId: IG,
      userId: IGSID,
      conversationId: `instagram:${IG}:${IGSID}`,
      timestamp: T,
      direction: 'inbound',
      text: 'Hi! Do you ship to Canada?',
    });
    expect(e.key).toBe(`instagram:msg:${e.messageId}`);
  });

  it('\\uXXXX-escaped body', () => {
    expect(new TextDecoder().decode(fixture('message-unicode-escaped'))).toContain('\\u00bf');
    expect(only('message-unicode-escaped', 'message').text).toBe('¡Hola! ¿Tienen talla M? 😍 日本');
  });

  it.each([
    ['message-image', { type: 'image' }],
    ['message-video', { type: 'video' }],
    ['message-audio', { type: 'audio' }],
    ['message-file', { type: 'file' }],
    ['message-share', { type: 'share', shareType: 'share' }],
    [
      'message-ig-post',
      { type: 'share', shareType: 'ig_post', mediaId: '18034567890123456', title: 'New drop ✨' },
    ],
    ['message-ig-reel', { type: 'share', shareType: 'ig_reel', mediaId: '18045678901234567' }],
    ['message-reel', { type: 'share', shareType: 'reel', mediaId: '18056789012345678' }],
    ['message-story-mention', { type: 'story_mention', storyId: '3412345678901234567' }],
  ] as const)('%s', (name, part) => {
    const e = only(name, 'message');
    expect(e.parts).toHaveLength(1);
    expect(e.parts[0]).toMatchObject(part);
  });

  it('sticker sent as image + sticker attachment → one sticker part', () => {
    const e = only('message-sticker', 'message');
    expect(e.parts).toEqual([expect.objectContaining({ type: 'sticker', stickerId: '369239263222822' })]);
  });

  it('story reply carries the story in replyTo and a story_reply part', () => {
    const e = only('message-story-reply', 'message');
    expect(e.replyTo).toMatchObject({ storyId: '3412345678901234568' });
    expect(e.parts).toContainEqual(
      expect.objectContaining({ type: 'story_reply', storyId: '3412345678901234568' }),
    );
  });

  it('inline reply, quick reply, ad referral', () => {
    expect(only('message-reply-to', 'message').replyTo?.messageId).toMatch(/^aWdf/);
    expect(only('message-quick-reply', 'message').parts).toContainEqual({
      type: 'quick_reply',
      payload: 'SHOW_SIZES',
      title: 'Sizes',
    });
    expect(only('message-ad-referral', 'message').referral).toMatchObject({
      source: 'ADS',
      adId: '120211234567890123',
      ref: 'ctd-summer',
    });
  });

  it('echo: outbound, user = recipient, metadata = correlation id', () => {
    expect(only('message-echo', 'message')).toMatchObject({
      direction: 'outbound',
      echo: true,
      userId: IGSID,
      accountId: IG,
      appId: '1048573296213421',
      correlationId: 'outbox_01JDX9A1B2C3D4E5F6G7H8J9K0',
    });
  });

  it('is_deleted → delete of the same mid; is_unsupported → unsupported part; is_self flagged', () => {
    const del = only('message-deleted', 'delete');
    expect(del.messageId).toBe(only('message-text', 'message').messageId);
    expect(del.key).toBe(`instagram:delete:${del.messageId}`);
    expect(only('message-unsupported', 'message').parts).toEqual([
      expect.objectContaining({ type: 'unsupported' }),
    ]);
    expect(only('message-self', 'message').self).toBe(true);
  });

  it('edit with a quoted num_edit', () => {
    expect(only('message-edit', 'edit')).toMatchObject({
      editCount: 1,
      text: 'Hi! Do you ship to Canada and the US?',
    });
  });

  it('reactions (love only), removal without emoji', () => {
    expect(only('reaction-react', 'reaction')).toMatchObject({
      action: 'react',
      reaction: 'love',
      emoji: '❤️',
    });
    const un = only('reaction-unreact', 'reaction');
    expect(un.action).toBe('unreact');
    expect(un.emoji).toBeUndefined();
  });

  it('postback (ice breaker), ig.me referral, per-message read, opt-in', () => {
    expect(only('postback', 'postback')).toMatchObject({
      payload: 'ICEBREAKER_SHIPPING',
      messageId: expect.stringMatching(/^aWdf/),
    });
    expect(only('referral-igme', 'referral').referral).toMatchObject({
      ref: 'bio-link',
      type: 'OPEN_THREAD',
    });
    const read = only('read', 'read');
    expect(read.messageId).toMatch(/^aWdf/);
    expect(read.key).toBe(`instagram:read:${read.messageId}:${IGSID}`);
    expect(only('optin', 'optin')).toMatchObject({ optinType: 'notification_messages', frequency: 'DAILY' });
  });

  it('standby and handover', () => {
    expect(only('standby-message', 'message').standby).toBe(true);
    expect(only('handover-pass-thread-control', 'handover').newOwnerAppId).toBe('263902037430900');
  });

  it('comments, live comments and mentions become comment events, time in seconds → ms', () => {
    expect(only('comments', 'comment')).toMatchObject({
      commentId: '17865799348089039',
      parentId: '17865799348089038',
      mediaId: '18034567890123456',
      text: 'Where can I buy this?',
      verb: 'add',
      direction: 'inbound',
      userId: '2234567890123456',
      username: 'jane.doe',
      timestamp: 1764410400000,
      conversationId: `instagram:${IG}:comment:17865799348089038`,
      key: 'instagram:comment:17865799348089039:add',
    });
    expect(only('live-comments', 'comment')).toMatchObject({ live: true, mediaProductType: 'LIVE' });
    expect(only('mentions', 'comment')).toMatchObject({
      commentId: '17865799348089041',
      mediaId: '18034567890123499',
      mention: true,
      timestamp: 1764410402000,
      key: 'instagram:comment:17865799348089041:mention',
    });
  });

  it('batched body: several accounts, messaging and changes', () => {
    const events = parseFixture('batched-multi-entry');
    expect(events.map((e) => [e.kind, e.accountId])).toEqual([
      ['message', IG],
      ['message', IG],
      ['reaction', '17841463578421093'],
      ['comment', IG],
    ]);
    expect(events[1]?.kind === 'message' && events[1].userId).toBe('6972311298407145');
  });

  it('unknown messaging keys become unsupported', () => {
    expect(only('unknown-item', 'unsupported').itemKind).toBe('messaging.messaging_feedback');
  });
});
