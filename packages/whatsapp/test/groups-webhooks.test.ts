import type { GroupEvent } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { parseFixture, parserAdapter } from './helpers.js';

const PHONE = '106540352242922';
const GROUP = 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD';
const groups = (name: string) => {
  const { events, problems } = parseFixture(name);
  expect(problems).toEqual([]);
  return events as GroupEvent[];
};

const body = (field: string, items: unknown[]) =>
  new TextEncoder().encode(
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          time: 1749197000,
          changes: [
            {
              field,
              value: { messaging_product: 'whatsapp', metadata: { phone_number_id: PHONE }, groups: items },
            },
          ],
        },
      ],
    }),
  );

describe('group lifecycle webhooks', () => {
  it('a created group: id, conversation, invite link, matched to the create call by request id', () => {
    const [created, failed] = groups('group-lifecycle-create');
    expect(created).toMatchObject({
      kind: 'group',
      action: 'created',
      succeeded: true,
      accountId: PHONE,
      groupId: GROUP,
      conversationId: `whatsapp:${PHONE}:group:${GROUP}`,
      requestId: '6e1c3f0b8a2d4e5f',
      subject: 'Spring launch',
      inviteLink: 'https://chat.whatsapp.com/AbCdEfGhIjKlMn',
      joinApprovalMode: 'auto_approve',
      timestamp: 1749197000_000,
    });
    expect(created).not.toHaveProperty('userId');
    // Creation can fail after the 200: no group id, the request id and Meta's error.
    expect(failed).toMatchObject({
      action: 'created',
      succeeded: false,
      requestId: '9f8e7d6c5b4a3210',
      errors: [{ code: 131211, title: 'Group creation limit reached' }],
    });
    expect(failed).not.toHaveProperty('groupId');
    expect(failed).not.toHaveProperty('conversationId');
  });

  it('a deleted group', () => {
    expect(groups('group-lifecycle-delete')).toMatchObject([
      { action: 'deleted', groupId: GROUP, succeeded: true },
    ]);
  });

  it('participants joined, removed (by the business, with failures; by themselves) and join requests', () => {
    const [added, removed, left, requested, revoked] = groups('group-participants-update');
    expect(added).toMatchObject({
      action: 'participants_added',
      reason: 'invite_link',
      participants: [{ userId: '16505551234', input: '16505551234' }, { userId: '16505559999' }],
      succeeded: true,
    });
    expect(removed).toMatchObject({
      action: 'participants_removed',
      initiatedBy: 'business',
      requestId: '4c5d6e7f8a9b0c1d',
      participants: [{ userId: '16505559999', input: '16505559999' }],
      failedParticipants: [{ input: '16505550000', errors: [{ code: 131212 }] }],
      succeeded: false,
    });
    expect(left).toMatchObject({
      action: 'participants_removed',
      initiatedBy: 'participant',
      succeeded: true,
    });
    expect(requested).toMatchObject({
      action: 'join_requested',
      joinRequestId: 'MTY1MDU1NTc3Nzc6MTc0OQ',
      participants: [{ userId: '16505557777' }],
    });
    expect(revoked).toMatchObject({ action: 'join_request_revoked', reason: 'request_expired' });
  });

  it('settings updates: each setting with its outcome', () => {
    const [texts, picture] = groups('group-settings-update');
    expect(texts).toMatchObject({
      action: 'updated',
      succeeded: true,
      subject: 'Spring launch 2026',
      description: 'All launch questions here',
      changes: [
        { setting: 'subject', value: 'Spring launch 2026', succeeded: true },
        { setting: 'description', value: 'All launch questions here', succeeded: true },
      ],
    });
    expect(picture).toMatchObject({
      action: 'updated',
      succeeded: false,
      changes: [{ setting: 'picture', succeeded: false, errors: [{ code: 131209 }] }],
    });
  });

  it('suspension and its end', () => {
    expect(groups('group-status-update').map((e) => e.action)).toEqual(['suspended', 'unsuspended']);
  });

  it('keys are stable across redeliveries and distinct per notification', () => {
    const first = groups('group-participants-update').map((e) => e.key);
    const again = groups('group-participants-update').map((e) => e.key);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    for (const key of first) expect(key).toMatch(new RegExp(`^whatsapp:group:${PHONE}:${GROUP}:`));
  });

  it('an unknown type is kept as unsupported, a malformed item is a problem, the rest of the batch survives', () => {
    const parsed = parserAdapter().parseWebhook(
      body('group_participants_update', [
        { type: 'group_participants_promote', group_id: GROUP, timestamp: '1749197000' },
        { type: 'group_participants_add', timestamp: '1749197000' },
        { type: 'group_participants_add', group_id: GROUP, added_participants: 'everyone' },
        { type: 'group_participants_add', group_id: GROUP, added_participants: [{ wa_id: '16505551234' }] },
      ]),
    );
    expect(parsed.events.map((e) => e.kind)).toEqual(['unsupported', 'group']);
    expect(parsed.events[0]).toMatchObject({
      itemKind: 'whatsapp.group_participants_update.group_participants_promote',
      conversationId: `whatsapp:${PHONE}:group:${GROUP}`,
    });
    // Without its own timestamp an item takes entry.time.
    expect(parsed.events[1]?.timestamp).toBe(1749197000_000);
    expect(parsed.problems.map((p) => p.path)).toEqual([
      'entry[0].changes[0].value.groups[1]',
      'entry[0].changes[0].value.groups[2].added_participants',
    ]);
  });

  it('a group value without groups[] is a problem, not a crash', () => {
    const raw = new TextEncoder().encode(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [{ field: 'group_lifecycle_update', value: { metadata: { phone_number_id: PHONE } } }],
          },
        ],
      }),
    );
    const parsed = parserAdapter().parseWebhook(raw);
    expect(parsed.events).toEqual([]);
    expect(parsed.problems).toHaveLength(1);
  });
});

describe('call permission replies', () => {
  it('become typed parts: accepted until a time, or rejected (case-folded)', () => {
    const { events, problems } = parseFixture('call-permission-reply');
    expect(problems).toEqual([]);
    expect(events).toMatchObject([
      {
        kind: 'message',
        userId: '16315551234',
        replyTo: { messageId: 'wamid.HBgLMTYzMTU1NTEyMzQVAgARGBJDQUxMUEVSTVJFUTAwMDEA' },
        parts: [
          {
            type: 'call_permission_reply',
            response: 'accept',
            permanent: false,
            expiresAt: 1749802600_000,
            source: 'user_action',
          },
        ],
      },
      { kind: 'message', parts: [{ type: 'call_permission_reply', response: 'reject' }] },
    ]);
  });
});
