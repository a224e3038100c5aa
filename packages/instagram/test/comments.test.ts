import { describe, expect, it } from 'vitest';
import { IG, offlineAdapter, only } from './helpers.js';

const changes = (field: string, value: unknown) =>
  new TextEncoder().encode(
    JSON.stringify({
      object: 'instagram',
      entry: [{ id: IG, time: 1764410400, changes: [{ field, value }] }],
    }),
  );

describe('Instagram comments, live comments and mentions', () => {
  it("the account's own reply is outbound and joins the thread of the comment it answers", () => {
    expect(only('comments-own-reply', 'comment')).toMatchObject({
      direction: 'outbound',
      userId: IG,
      parentId: '17865799348089038',
      conversationId: `instagram:${IG}:comment:17865799348089038`,
    });
  });

  it('an ad comment carries the ad id; the organic and ad copies share one key', () => {
    const ad = only('comments-ad', 'comment');
    expect(ad).toMatchObject({ adId: '120210000000000001', mediaProductType: 'AD', direction: 'inbound' });
    expect(ad.key).toBe('instagram:comment:17865799348089060:add');
  });

  it('a caption mention names no comment: unsupported with the reason, no problem', () => {
    expect(only('mentions-caption', 'unsupported')).toMatchObject({ itemKind: 'changes.mentions.caption' });
  });

  it('a comment without an id or a mention without media_id is a problem', () => {
    const noId = offlineAdapter().parseWebhook(changes('comments', { text: 'hi', from: { id: '1' } }));
    expect(noId.events).toEqual([]);
    expect(noId.problems[0]?.message).toMatch(/^comment: id/);
    const noMedia = offlineAdapter().parseWebhook(changes('mentions', { comment_id: '1' }));
    expect(noMedia.problems[0]?.message).toMatch(/^mention: media_id/);
  });

  it('other change fields stay unsupported', () => {
    const parsed = offlineAdapter().parseWebhook(
      changes('story_insights', { media_id: '1', impressions: 3 }),
    );
    expect(parsed.events[0]).toMatchObject({ kind: 'unsupported', itemKind: 'changes.story_insights' });
  });
});
