import { describe, expect, it } from 'vitest';
import { offlineAdapter, only, PAGE, PSID, parseFixture } from './helpers.js';

const POST = `${PAGE}_122131676912594941`;
const TOP = '122131676912594941_1213590066982748';
const THREAD = `messenger:${PAGE}:comment:${TOP}`;

const feedBody = (value: unknown) =>
  new TextEncoder().encode(
    JSON.stringify({
      object: 'page',
      entry: [{ id: PAGE, time: 1764410400, changes: [{ field: 'feed', value }] }],
    }),
  );

describe('Messenger Page feed comments', () => {
  it('a top-level comment: its own thread, the post as postId, no parent, created_time seconds → ms', () => {
    expect(only('feed-comment-add', 'comment')).toMatchObject({
      commentId: TOP,
      postId: POST,
      text: 'Is this still available?',
      verb: 'add',
      direction: 'inbound',
      userId: PSID,
      name: 'Jane Doe',
      timestamp: 1764410400000,
      conversationId: THREAD,
      key: `messenger:comment:${TOP}:add`,
    });
    expect(only('feed-comment-add', 'comment').parentId).toBeUndefined();
  });

  it('a reply joins the thread of its top-level comment', () => {
    const reply = only('feed-comment-reply', 'comment');
    expect(reply).toMatchObject({ parentId: TOP, conversationId: THREAD, direction: 'inbound' });
  });

  it("the Page's own reply is outbound, so a bot does not answer itself", () => {
    expect(only('feed-comment-page-reply', 'comment')).toMatchObject({
      direction: 'outbound',
      userId: PAGE,
      conversationId: THREAD,
    });
  });

  it('edited, remove and hide verbs map to edit / remove / hide with keys of their own', () => {
    const edit = only('feed-comment-edited', 'comment');
    expect(edit).toMatchObject({ verb: 'edit', text: 'Is this still available in blue?' });
    expect(edit.key).toMatch(new RegExp(`^messenger:comment:${TOP}:edit:`));
    expect(only('feed-comment-remove', 'comment')).toMatchObject({ verb: 'remove', conversationId: THREAD });
    const hide = only('feed-comment-hide', 'comment');
    expect(hide).toMatchObject({ verb: 'hide', hidden: true });
    expect(new Set([edit.key, hide.key, `messenger:comment:${TOP}:add`]).size).toBe(3);
  });

  it('two different edits of one comment are two events; the same edit twice is one key', () => {
    const parse = (message: string) =>
      offlineAdapter().parseWebhook(
        feedBody({
          item: 'comment',
          verb: 'edit',
          comment_id: TOP,
          post_id: POST,
          message,
          from: { id: PSID },
        }),
      ).events[0]?.key;
    expect(parse('a')).toBe(parse('a'));
    expect(parse('a')).not.toBe(parse('b'));
  });

  it('other feed items stay unsupported events, without a problem', () => {
    expect(only('feed-status-post', 'unsupported')).toMatchObject({ itemKind: 'changes.feed' });
  });

  it('an unknown verb is kept as unsupported; a comment without comment_id is a problem', () => {
    const odd = offlineAdapter().parseWebhook(
      feedBody({ item: 'comment', verb: 'block', comment_id: TOP, from: { id: PSID } }),
    );
    expect(odd.problems).toEqual([]);
    expect(odd.events[0]).toMatchObject({ kind: 'unsupported', itemKind: 'changes.feed.comment.block' });
    const bad = offlineAdapter().parseWebhook(feedBody({ item: 'comment', verb: 'add', message: 'hi' }));
    expect(bad.events).toEqual([]);
    expect(bad.problems[0]?.path).toBe('entry[0].changes[0].value');
    expect(bad.problems[0]?.message).toMatch(/comment_id/);
  });

  it('a bad comment does not reject the rest of the batch', () => {
    const body = {
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: 1764410400,
          changes: [
            { field: 'feed', value: { item: 'comment', verb: 'add', from: 'nobody' } },
            {
              field: 'feed',
              value: { item: 'comment', verb: 'add', comment_id: TOP, post_id: POST, message: 'ok' },
            },
          ],
        },
      ],
    };
    const parsed = offlineAdapter().parseWebhook(new TextEncoder().encode(JSON.stringify(body)));
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.events).toHaveLength(1);
    // The author's privacy may hide `from`: the comment is kept without a userId.
    expect(parsed.events[0]).toMatchObject({ kind: 'comment', commentId: TOP, direction: 'inbound' });
    expect(parseFixture('feed-comment-add')).toHaveLength(1);
  });
});
