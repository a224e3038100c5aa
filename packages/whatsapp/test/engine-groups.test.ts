import type { GroupEvent } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWhatsAppAdapter } from '../src/index.js';
import { startEngineWorld } from './engine.js';

// Groups through the engine against the simulator: management calls, their asynchronous webhooks,
// participants writing in the group, and replies that go to the group (never privately).
let w: Awaited<ReturnType<typeof startEngineWorld>>;
let phone: string;
const ALICE = '16505551234';
const BOB = '16505559999';
const CAROL = '16505557777';

const groupEvent = (match: (e: GroupEvent) => boolean) => () => w.ofKind('group').find(match);

async function createGroup(subject: string, joinApprovalMode?: 'auto_approve' | 'approval_required') {
  const { requestId } = await w.adapter.groups.create(phone, {
    subject,
    description: 'Launch questions',
    ...(joinApprovalMode ? { joinApprovalMode } : {}),
  });
  const created = await w.until(groupEvent((e) => e.action === 'created' && e.requestId === requestId));
  return created;
}

beforeAll(async () => {
  w = await startEngineWorld();
  phone = w.phone.id;
  w.switchboard.on('message', async (event, { reply }) => {
    if (event.groupId && event.text === 'anyone there?') await reply({ type: 'text', text: 'We are!' });
  });
  w.switchboard.on('group', async (event, { reply }) => {
    if (event.action === 'participants_added' && event.subject === undefined)
      await reply({ type: 'text', text: `Welcome ${event.participants?.map((p) => p.userId).join(', ')}` });
  });
  await w.switchboard.start();
});
afterAll(async () => {
  await w.stop();
});

describe('group lifecycle through the engine', () => {
  it('create answers a request id at once; the group id and invite link arrive in a created event', async () => {
    const created = await createGroup('Spring launch');
    expect(created).toMatchObject({
      kind: 'group',
      action: 'created',
      succeeded: true,
      accountId: phone,
      subject: 'Spring launch',
      description: 'Launch questions',
      joinApprovalMode: 'auto_approve',
      inviteLink: expect.stringMatching(/^https:\/\/chat\.whatsapp\.com\//),
    });
    const groupId = created.groupId as string;
    expect(created.conversationId).toBe(`whatsapp:${phone}:group:${groupId}`);
    expect(await w.adapter.groups.getInviteLink(phone, groupId)).toBe(created.inviteLink);
    expect(await w.adapter.groups.get(phone, groupId)).toMatchObject({
      groupId,
      subject: 'Spring launch',
      participants: [],
      joinApprovalMode: 'auto_approve',
      suspended: false,
    });
  });

  it('participants write in the group: their messages land in the group thread, a reply goes to the group', async () => {
    const created = await createGroup('Support circle');
    const groupId = created.groupId as string;
    w.sim.groups.join(groupId, ALICE);
    w.sim.groups.join(groupId, BOB);
    const added = await w.until(() => {
      const joins = w
        .ofKind('group')
        .filter((e) => e.groupId === groupId && e.action === 'participants_added');
      return joins.length === 2 ? joins : undefined;
    });
    expect(added.flatMap((e) => e.participants?.map((p) => p.userId))).toEqual([ALICE, BOB]);
    expect(added[0]?.reason).toBe('invite_link');

    w.sim.groups.send({ groupId, userId: ALICE, text: 'anyone there?' });
    w.sim.groups.send({ groupId, userId: BOB, text: 'hello from Bob' });
    const messages = await w.until(() => {
      const list = w.ofKind('message').filter((e) => e.groupId === groupId);
      return list.length === 2 ? list : undefined;
    });
    expect(messages.map((m) => [m.userId, m.conversationId])).toEqual([
      [ALICE, `whatsapp:${phone}:group:${groupId}`],
      [BOB, `whatsapp:${phone}:group:${groupId}`],
    ]);
    // Never a one-to-one thread of a participant.
    const conversations = await w.switchboard.store.conversations.list({ limit: 100 });
    expect(conversations.map((c) => c.id)).not.toContain(`whatsapp:${phone}:${ALICE}`);
    expect(conversations.map((c) => c.id)).not.toContain(`whatsapp:${phone}:${BOB}`);
    expect(conversations.find((c) => c.id === `whatsapp:${phone}:group:${groupId}`)).toBeDefined();

    // The handler's reply (and the welcome on each join) went to the group, and each participant's read came back.
    const toGroup = () => w.sim.businessSends({ accountId: phone }).filter((s) => s.userId === groupId);
    const reply = await w.until(() =>
      toGroup().find((s) => (s.body as { text?: { body?: string } }).text?.body === 'We are!'),
    );
    expect(reply.body).toMatchObject({ recipient_type: 'group', to: groupId, type: 'text' });
    expect(toGroup().map((s) => (s.body as { text: { body: string } }).text.body)).toEqual(
      expect.arrayContaining([`Welcome ${ALICE}`, `Welcome ${BOB}`]),
    );
    const entry = await w.until(async () => {
      const e = await w.switchboard.store.outbox.findByPlatformMessageId('whatsapp', reply.messageId);
      return e?.state === 'read' ? e : undefined;
    });
    expect(entry.message.to).toMatchObject({ groupId });
    const reads = w
      .ofKind('status')
      .filter((s) => s.messageId === reply.messageId && s.status === 'read')
      .map((s) => s.userId);
    expect(reads.sort()).toEqual([ALICE, BOB]);
  });

  it('settings, invite link, removal, join approval and deletion each come back as typed events', async () => {
    const created = await createGroup('Beta testers', 'approval_required');
    const groupId = created.groupId as string;
    await w.adapter.groups.update(phone, groupId, { subject: 'Beta testers 2026', description: 'Bugs here' });
    const updated = await w.until(groupEvent((e) => e.groupId === groupId && e.action === 'updated'));
    expect(updated).toMatchObject({
      succeeded: true,
      subject: 'Beta testers 2026',
      description: 'Bugs here',
      changes: [
        { setting: 'subject', value: 'Beta testers 2026', succeeded: true },
        { setting: 'description', value: 'Bugs here', succeeded: true },
      ],
    });

    const oldLink = await w.adapter.groups.getInviteLink(phone, groupId);
    const newLink = await w.adapter.groups.resetInviteLink(phone, groupId);
    expect(newLink).not.toBe(oldLink);
    expect(await w.adapter.groups.getInviteLink(phone, groupId)).toBe(newLink);

    expect(w.sim.groups.join(groupId, CAROL)).toBe('requested');
    const requested = await w.until(
      groupEvent((e) => e.groupId === groupId && e.action === 'join_requested'),
    );
    expect(requested.participants).toEqual([{ userId: CAROL }]);
    const pending = await w.adapter.groups.listJoinRequests(phone, groupId);
    expect(pending).toEqual([
      expect.objectContaining({ joinRequestId: requested.joinRequestId, userId: CAROL }),
    ]);
    const approved = await w.adapter.groups.approveJoinRequests(phone, groupId, [
      requested.joinRequestId as string,
      'no-such-request',
    ]);
    expect(approved.done).toEqual([requested.joinRequestId]);
    expect(approved.failed.map((f) => f.joinRequestId)).toEqual(['no-such-request']);
    await w.until(groupEvent((e) => e.groupId === groupId && e.action === 'participants_added'));

    await w.adapter.groups.removeParticipants(phone, groupId, [CAROL, '16505550000']);
    const removed = await w.until(
      groupEvent((e) => e.groupId === groupId && e.action === 'participants_removed'),
    );
    expect(removed).toMatchObject({
      initiatedBy: 'business',
      succeeded: false,
      participants: [{ userId: CAROL }],
      failedParticipants: [{ input: '16505550000', errors: [{ code: 131212 }] }],
    });
    // Removed by the business: the invite link no longer lets them in.
    expect(() => w.sim.groups.join(groupId, CAROL)).toThrow(/cannot rejoin/);

    // Page by page, one group at a time, to the end: every group once, and no cursor after the last.
    const all = await w.adapter.groups.list(phone);
    expect(all.groups.map((g) => g.groupId)).toContain(groupId);
    expect(all.after).toBeUndefined();
    const paged: string[] = [];
    let after: string | undefined;
    do {
      const page = await w.adapter.groups.list(phone, { limit: 1, ...(after ? { after } : {}) });
      paged.push(...page.groups.map((g) => g.groupId));
      if (paged.length > 1) expect(page.before).toBeDefined();
      after = page.after;
    } while (after);
    expect(paged).toEqual(all.groups.map((g) => g.groupId));

    await w.adapter.groups.delete(phone, groupId);
    await w.until(groupEvent((e) => e.groupId === groupId && e.action === 'deleted'));
    expect((await w.adapter.groups.list(phone)).groups.map((g) => g.groupId)).not.toContain(groupId);
    // A deleted group: Meta's 131041, classified by meta-graph's table.
    await expect(w.adapter.groups.get(phone, groupId)).rejects.toMatchObject({
      code: 'RECIPIENT_UNAVAILABLE',
      platform: expect.objectContaining({ code: 131041 }),
    });
    const entry = await w.switchboard.send({
      to: { channel: 'whatsapp', accountId: phone, userId: groupId, groupId },
      content: { type: 'text', text: 'still there?' },
    });
    const failed = await w.until(async () => {
      const e = await w.switchboard.store.outbox.get(entry.id);
      return e?.state === 'failed' ? e : undefined;
    });
    expect(failed.error).toMatchObject({ code: 'RECIPIENT_UNAVAILABLE' });
  });

  it('a suspended group refuses sends (POLICY_BLOCKED) and the suspension is an event', async () => {
    const created = await createGroup('Flash sale');
    const groupId = created.groupId as string;
    w.sim.groups.suspend(groupId);
    await w.until(groupEvent((e) => e.groupId === groupId && e.action === 'suspended'));
    const entry = await w.switchboard.send({
      to: { channel: 'whatsapp', accountId: phone, userId: groupId, groupId },
      content: { type: 'text', text: 'sale starts now' },
    });
    const failed = await w.until(async () => {
      const e = await w.switchboard.store.outbox.get(entry.id);
      return e?.state === 'failed' ? e : undefined;
    });
    expect(failed.error).toMatchObject({ code: 'POLICY_BLOCKED', platform: { code: 131207 } });
    w.sim.groups.suspend(groupId, false);
    await w.until(groupEvent((e) => e.groupId === groupId && e.action === 'unsuspended'));
  });
});

describe('group management input is checked before any Graph call', () => {
  // Port 9 (discard) answers nothing: a call that went out would fail as TEMPORARY, not INVALID_REQUEST.
  const offline = createWhatsAppAdapter({
    appSecret: 'x',
    verifyToken: 'y',
    accessToken: 'EAAGoffline',
    graphBaseUrl: 'http://127.0.0.1:9',
    timeoutMs: 500,
  });
  const invalid = expect.objectContaining({ code: 'INVALID_REQUEST' });

  it.each([
    ['an empty subject', () => offline.groups.create('1', { subject: '  ' })],
    ['a subject over 128 characters', () => offline.groups.create('1', { subject: 'x'.repeat(129) })],
    [
      'a description over 2048',
      () => offline.groups.create('1', { subject: 'ok', description: 'x'.repeat(2049) }),
    ],
    [
      'an unknown approval mode',
      () => offline.groups.create('1', { subject: 'ok', joinApprovalMode: 'anyone' as 'auto_approve' }),
    ],
    ['an update with nothing to change', () => offline.groups.update('1', 'G', {})],
    ['an empty group id', () => offline.groups.get('1', '')],
    ['no participants to remove', () => offline.groups.removeParticipants('1', 'G', [])],
    ['nine participants', () => offline.groups.removeParticipants('1', 'G', Array(9).fill('16505551234'))],
    ['a list limit over 1024', () => offline.groups.list('1', { limit: 1025 })],
    ['no join requests', () => offline.groups.approveJoinRequests('1', 'G', [])],
    ['an empty phone number id', () => offline.groups.getInviteLink('', 'G')],
  ])('refuses %s', async (_name, call) => {
    await expect(call()).rejects.toEqual(invalid);
  });

  it('groups take no interactive content: refused before the call (NOT_SUPPORTED)', async () => {
    const entry = await w.switchboard.send({
      to: { channel: 'whatsapp', accountId: phone, userId: 'G', groupId: 'G' },
      content: { type: 'call_permission_request', text: 'May we call?' },
    });
    const failed = await w.until(async () => {
      const e = await w.switchboard.store.outbox.get(entry.id);
      return e?.state === 'failed' ? e : undefined;
    });
    expect(failed.error).toMatchObject({ code: 'NOT_SUPPORTED' });
  });
});
