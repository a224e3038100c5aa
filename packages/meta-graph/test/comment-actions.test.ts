import { SwitchboardError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { buildCommentActionRequest, buildMessengerPlatformSendRequest } from '../src/index.js';

const to = (channel: 'messenger' | 'instagram') => ({
  channel,
  accountId: '105927095402516',
  userId: '6571349092893521',
  commentId: '122131676912594941_1213590066982748',
});

const thrown = (run: () => unknown): SwitchboardError => {
  try {
    run();
  } catch (error) {
    if (error instanceof SwitchboardError) return error;
    throw error;
  }
  throw new Error('expected a SwitchboardError');
};

describe('private replies: the Send API addressed to a comment', () => {
  it('the recipient is the comment, not the author', () => {
    for (const channel of ['messenger', 'instagram'] as const) {
      const { body } = buildMessengerPlatformSendRequest(
        { to: to(channel), content: { type: 'text', text: 'Sent you the price' }, correlationId: 'ob_1' },
        channel,
      );
      expect(body).toEqual({
        recipient: { comment_id: to(channel).commentId },
        messaging_type: 'RESPONSE',
        message: { text: 'Sent you the price', metadata: 'ob_1' },
      });
    }
  });

  it('refuses what a private reply cannot carry, before any call', () => {
    const base = { to: to('messenger') };
    expect(
      thrown(() =>
        buildMessengerPlatformSendRequest(
          { ...base, content: { type: 'sender_action', action: 'typing_on' } },
          'messenger',
        ),
      ).code,
    ).toBe('NOT_SUPPORTED');
    expect(
      thrown(() =>
        buildMessengerPlatformSendRequest(
          { ...base, content: { type: 'text', text: 'x' }, tag: 'HUMAN_AGENT' },
          'messenger',
        ),
      ).code,
    ).toBe('NOT_SUPPORTED');
    expect(
      thrown(() =>
        buildMessengerPlatformSendRequest(
          { ...base, content: { type: 'text', text: 'x'.repeat(2001) } },
          'messenger',
        ),
      ).code,
    ).toBe('INVALID_REQUEST');
  });
});

describe('comment actions: public replies and moderation', () => {
  const id = '17865799348089039';
  it('Facebook replies on /comments, Instagram on /replies', () => {
    expect(buildCommentActionRequest('messenger', id, { type: 'public_reply', text: 'Thanks!' })).toEqual({
      method: 'POST',
      path: `/${id}/comments`,
      body: { message: 'Thanks!' },
    });
    expect(buildCommentActionRequest('instagram', id, { type: 'public_reply', text: 'Thanks!' })).toEqual({
      method: 'POST',
      path: `/${id}/replies`,
      body: { message: 'Thanks!' },
    });
  });

  it('hide / unhide use each network field; delete is a DELETE of the comment', () => {
    expect(
      buildCommentActionRequest('messenger', id, { type: 'comment_moderation', action: 'hide' }).body,
    ).toEqual({
      is_hidden: true,
    });
    expect(
      buildCommentActionRequest('instagram', id, { type: 'comment_moderation', action: 'unhide' }).body,
    ).toEqual({ hide: false });
    expect(
      buildCommentActionRequest('instagram', id, { type: 'comment_moderation', action: 'delete' }),
    ).toEqual({
      method: 'DELETE',
      path: `/${id}`,
    });
  });

  it('a missing comment or an over-long reply is INVALID_REQUEST; ids are path-encoded', () => {
    expect(
      thrown(() => buildCommentActionRequest('messenger', undefined, { type: 'public_reply', text: 'x' }))
        .code,
    ).toBe('INVALID_REQUEST');
    expect(
      thrown(() =>
        buildCommentActionRequest('instagram', id, { type: 'public_reply', text: 'x'.repeat(2201) }),
      ).code,
    ).toBe('INVALID_REQUEST');
    expect(
      buildCommentActionRequest('messenger', '1/../me', { type: 'comment_moderation', action: 'delete' })
        .path,
    ).toBe('/1%2F..%2Fme');
  });

  it('comment content is not a Send API body', () => {
    expect(
      thrown(() =>
        buildMessengerPlatformSendRequest(
          { to: to('messenger'), content: { type: 'public_reply', text: 'x' } },
          'messenger',
        ),
      ).code,
    ).toBe('INVALID_REQUEST');
  });
});
