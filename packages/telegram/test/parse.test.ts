import { ChannelEvent, SwitchboardError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { ANN, adapter, BOT, bytes, fixture, NOW } from './helpers.js';

const telegram = adapter();
const parse = (name: string) => telegram.parseWebhook(fixture(name));
const only = (name: string) => {
  const { events, problems } = parse(name);
  expect(problems).toEqual([]);
  expect(events).toHaveLength(1);
  expect(ChannelEvent.safeParse(events[0]).success).toBe(true);
  return events[0]!;
};

describe('parseWebhook: messages', () => {
  it('maps a text message: bot id as account, sender as user, chat as conversation, seconds to ms', () => {
    const e = only('message-text');
    expect(e).toMatchObject({
      kind: 'message',
      channel: 'telegram',
      key: `telegram:${BOT}:msg:${ANN}:17`,
      accountId: BOT,
      userId: ANN,
      conversationId: `telegram:${BOT}:${ANN}`,
      messageId: `${BOT}:${ANN}:17`,
      timestamp: 1753164384000,
      direction: 'inbound',
      text: 'hi /start',
      parts: [{ type: 'text', text: 'hi /start' }],
      profile: { name: 'Ann' },
      source: 'webhook',
    });
    expect(e.raw).toMatchObject({ message_id: 17 });
  });

  it('takes the largest photo size and keeps the caption', () => {
    const e = only('message-photo');
    expect(e.kind === 'message' && e.parts).toEqual([
      { type: 'image', mediaId: 'AgAC-b', caption: 'receipt' },
    ]);
  });

  it.each([
    [
      'message-document',
      {
        type: 'file',
        mediaId: 'BQACAgIAAxkBAAIB',
        mimeType: 'application/pdf',
        filename: 'invoice.pdf',
        caption: 'invoice',
      },
    ],
    [
      'message-audio',
      { type: 'audio', mediaId: 'CQACAgIAAxkBAAIC', mimeType: 'audio/mpeg', filename: 'song.mp3' },
    ],
    [
      'message-video',
      { type: 'video', mediaId: 'BAACAgIAAxkBAAID', mimeType: 'video/mp4', filename: 'clip.mp4' },
    ],
    ['message-voice', { type: 'audio', voice: true, mediaId: 'AwACAgIAAxkBAAIE', mimeType: 'audio/ogg' }],
    [
      'message-sticker',
      { type: 'sticker', mediaId: 'CAACAgIAAxkBAAIF', stickerId: 'AgADsti', animated: false, caption: '😀' },
    ],
    ['message-location', { type: 'location', latitude: 52.520008, longitude: 13.404954 }],
    [
      'message-venue',
      {
        type: 'location',
        latitude: 52.516275,
        longitude: 13.377704,
        name: 'Brandenburg Gate',
        address: 'Pariser Platz, Berlin',
      },
    ],
    [
      'message-contact',
      {
        type: 'contacts',
        contacts: [
          {
            name: { formattedName: 'Bob Example', firstName: 'Bob', lastName: 'Example' },
            phones: [{ phone: '+4915112345678' }],
          },
        ],
      },
    ],
  ])('%s becomes one content part', (name, part) => {
    const e = only(name);
    expect(e.kind === 'message' && e.parts).toEqual([part]);
  });

  it('keeps a poll as an unsupported part, not a dropped message', () => {
    const e = only('message-poll');
    expect(e.kind === 'message' && e.parts[0]).toMatchObject({
      type: 'unsupported',
      reason: 'telegram poll',
    });
  });

  it('links replies and marks forwards', () => {
    const e = only('message-reply-forwarded');
    expect(e).toMatchObject({
      replyTo: { messageId: `${BOT}:${ANN}:17` },
      forwarded: true,
      text: 'see above',
    });
  });

  it('in a group, the conversation is the group (groupId) and the user is the sender', () => {
    const e = only('message-group');
    expect(e).toMatchObject({
      userId: '100000002',
      conversationId: `telegram:${BOT}:group:-1001234567890`,
      groupId: '-1001234567890',
      messageId: `${BOT}:-1001234567890:501`,
    });
  });

  it('a channel post without a sender is attributed to the chat', () => {
    expect(only('channel-post')).toMatchObject({
      kind: 'message',
      userId: '-1001234567890',
      text: 'Launch!',
    });
  });

  it('business chats are keyed by connection and chat', () => {
    expect(only('business-message')).toMatchObject({
      kind: 'message',
      conversationId: `telegram:${BOT}:biz:AbCdEf:100000003`,
      key: `telegram:${BOT}:msg:biz:AbCdEf:100000003:55`,
      userId: 'biz:AbCdEf:100000003',
    });
    const deleted = parse('deleted-business-messages');
    expect(deleted.events.map((e) => e.kind === 'delete' && e.messageId)).toEqual([
      `${BOT}:biz:AbCdEf:100000003:55`,
      `${BOT}:biz:AbCdEf:100000003:56`,
    ]);
    expect(only('business-connection')).toMatchObject({
      kind: 'account',
      event: 'connected',
      data: { businessConnectionId: 'AbCdEf' },
    });
  });
});

describe('parseWebhook: other updates', () => {
  it('an edit is an edit event of the same message id, keyed by edit date', () => {
    expect(only('edited-message')).toMatchObject({
      kind: 'edit',
      messageId: `${BOT}:${ANN}:17`,
      text: 'hi!',
      timestamp: 1753164400000,
      key: `telegram:${BOT}:edit:${ANN}:17:1753164400`,
    });
  });

  it('a callback query is a postback with the data as payload and the button text as title', () => {
    const raw = JSON.parse(new TextDecoder().decode(fixture('callback-query')));
    raw.callback_query.message.reply_markup = {
      inline_keyboard: [[{ text: 'Option one', callback_data: 'opt:1' }]],
    };
    const { events } = telegram.parseWebhook(bytes(raw));
    expect(events[0]).toMatchObject({
      kind: 'postback',
      key: `telegram:${BOT}:callback:4382bfdwdsb323b2d9`,
      payload: 'opt:1',
      title: 'Option one',
      userId: ANN,
      conversationId: `telegram:${BOT}:${ANN}`,
      messageId: `${BOT}:${ANN}:19`,
      timestamp: NOW,
    });
  });

  it('a reaction change becomes react / unreact events per emoji', () => {
    expect(only('message-reaction')).toMatchObject({
      kind: 'reaction',
      action: 'react',
      emoji: '👍',
      messageId: `${BOT}:-1001234567890:42`,
      userId: ANN,
    });
    const raw = JSON.parse(new TextDecoder().decode(fixture('message-reaction')));
    raw.message_reaction.old_reaction = [{ type: 'emoji', emoji: '👍' }];
    raw.message_reaction.new_reaction = [{ type: 'emoji', emoji: '❤' }];
    const events = telegram.parseWebhook(bytes(raw)).events;
    expect(events.map((e) => e.kind === 'reaction' && [e.action, e.emoji])).toEqual([
      ['unreact', '👍'],
      ['react', '❤'],
    ]);
    expect(new Set(events.map((e) => e.key)).size).toBe(2);
  });

  it('a user blocking the bot is an account event', () => {
    expect(only('my-chat-member-blocked')).toMatchObject({
      kind: 'account',
      field: 'my_chat_member',
      event: 'blocked',
      data: { chatId: ANN, to: 'kicked' },
    });
  });

  it('unknown update types are unsupported events, keyed by update_id and content', () => {
    const e = only('message-reaction-count');
    expect(e).toMatchObject({
      kind: 'unsupported',
      itemKind: 'update.message_reaction_count',
      timestamp: 1753164600000,
    });
    expect(e.key).toMatch(new RegExp(`^telegram:${BOT}:update:106:[0-9a-f]{16}$`));
    const future = telegram.parseWebhook(bytes({ update_id: 7, guest_message: { text: 'x' } }));
    expect(future.events[0]).toMatchObject({
      kind: 'unsupported',
      itemKind: 'update.guest_message',
      timestamp: NOW,
    });
  });

  it('a known update with a bad shape is a problem, not an exception', () => {
    const result = telegram.parseWebhook(
      bytes({ update_id: 9, message: { message_id: 1, date: 1753164384, text: 'no chat' } }),
    );
    expect(result.events).toEqual([]);
    expect(result.problems).toEqual([expect.objectContaining({ path: 'message.chat' })]);
  });

  it('an update with no type is a problem', () => {
    expect(telegram.parseWebhook(bytes({ update_id: 9 })).problems).toHaveLength(1);
  });

  it('bad JSON and bodies without update_id are PAYLOAD_INVALID', () => {
    for (const body of [
      '{not json',
      '[]',
      '{"message":{}}',
      '{"update_id":"1"}',
      new Uint8Array([0xff, 0xfe]),
    ]) {
      const raw = typeof body === 'string' ? bytes(body) : body;
      let error: unknown;
      try {
        telegram.parseWebhook(raw);
      } catch (e) {
        error = e;
      }
      expect(SwitchboardError.is(error, 'PAYLOAD_INVALID'), String(body)).toBe(true);
    }
  });

  it('drops an event dated more than a day in the future as a problem', () => {
    const result = telegram.parseWebhook(
      bytes({
        update_id: 1,
        message: { message_id: 1, chat: { id: 1, type: 'private' }, date: NOW / 1000 + 3 * 86400, text: 'x' },
      }),
    );
    expect(result.events).toEqual([]);
    expect(result.problems[0]?.message).toMatch(/timestamp/);
  });

  it('keys are deterministic and unique across every fixture', () => {
    const names = [
      'message-text',
      'message-photo',
      'edited-message',
      'channel-post',
      'callback-query',
      'message-reaction',
      'message-reaction-count',
      'my-chat-member-blocked',
      'business-connection',
      'business-message',
      'deleted-business-messages',
      'message-document',
      'message-group',
    ];
    const keys = names.flatMap((n) => parse(n).events.map((e) => e.key));
    expect(names.flatMap((n) => parse(n).events.map((e) => e.key))).toEqual(keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("the bot's own message (business chats, channel posts it made) is outbound", () => {
    const raw = JSON.parse(new TextDecoder().decode(fixture('message-text')));
    raw.message.from = { id: Number(BOT), is_bot: true, first_name: 'Inbox' };
    expect(telegram.parseWebhook(bytes(raw)).events[0]).toMatchObject({ direction: 'outbound', userId: ANN });
  });

  it('uses a configured bot id when no token is given (parse-only deployments)', () => {
    const parseOnly = adapter({ botToken: undefined, botId: '42' });
    expect(parseOnly.parseWebhook(fixture('message-text')).events[0]).toMatchObject({
      accountId: '42',
      conversationId: `telegram:42:${ANN}`,
    });
  });
});
