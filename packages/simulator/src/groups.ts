import type { SimContext } from './context.js';
import { waError } from './graph-error.js';
import type { SimState } from './state.js';
import type { TruthRecord } from './types.js';
import { indexOf } from './world-index.js';

/*
 * WhatsApp groups in the simulator (reference §7): groups of a business number with up to 8 participants,
 * invite links, join requests and the asynchronous lifecycle, settings and participant webhooks. State
 * lives beside SimState (one store per simulator) so the rest of the simulator is unchanged.
 */

export const MAX_GROUP_PARTICIPANTS = 8;
export const MAX_GROUPS_PER_NUMBER = 10_000;

export interface SimGroup {
  id: string;
  phoneNumberId: string;
  subject: string;
  description: string;
  joinApprovalMode: 'auto_approve' | 'approval_required';
  inviteLink: string;
  /** Participants' wa_ids, in joining order. */
  participants: string[];
  /** Removed by the business: may not rejoin through the invite link. */
  banned: Set<string>;
  joinRequests: Map<string, { waId: string; createdAt: number }>;
  suspended: boolean;
  deleted: boolean;
  createdAt: number;
}

const stores = new WeakMap<SimState, Map<string, SimGroup>>();

/** The groups of a simulator, by id. */
export function groupsOf(state: SimState): Map<string, SimGroup> {
  let store = stores.get(state);
  if (!store) {
    store = new Map();
    stores.set(state, store);
  }
  return store;
}

/** An active (not deleted) group, or undefined. */
export function activeGroup(state: SimState, id: string): SimGroup | undefined {
  const group = groupsOf(state).get(id);
  return group && !group.deleted ? group : undefined;
}

export const seconds = (ms: number) => String(Math.floor(ms / 1000));

/** Publishes a group webhook (`group_*` field) for the group's number, after `delayMs` of the clock. */
export function publishGroupChange(
  ctx: SimContext,
  phoneNumberId: string,
  field: string,
  item: Record<string, unknown>,
  delayMs = 0,
): void {
  const phone = indexOf(ctx.state.world).phones.get(phoneNumberId);
  const publish = (): TruthRecord =>
    ctx.publish({
      channel: 'whatsapp',
      accountId: phoneNumberId,
      userId: '',
      type: 'account',
      kind: field,
      item: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: phone?.displayPhoneNumber ?? '', phone_number_id: phoneNumberId },
        groups: [{ timestamp: seconds(ctx.clock.now()), ...item }],
      },
    });
  if (delayMs <= 0) publish();
  else ctx.clock.setTimeout(() => void publish(), delayMs);
}

/** Meta's group ids are opaque base64 strings (reference §7 gotchas). */
export function newGroupId(ctx: SimContext): string {
  return Buffer.from(`capi_group:${ctx.rng.digits(11)}:${ctx.rng.digits(18)}`).toString('base64url');
}

export const newInviteLink = (ctx: SimContext) => `https://chat.whatsapp.com/${ctx.rng.alnum(22)}`;
export const newRequestId = (ctx: SimContext) => ctx.rng.alnum(32).toLowerCase();

/** A customer joins through the invite link: added at once, or a join request when approval is required. */
export function joinGroup(ctx: SimContext, groupId: string, waId: string): 'joined' | 'requested' {
  const group = activeGroup(ctx.state, groupId);
  if (!group) throw new Error(`unknown group ${groupId}`);
  if (group.banned.has(waId)) throw new Error(`${waId} was removed from the group and cannot rejoin by link`);
  if (group.participants.includes(waId)) throw new Error(`${waId} is already in the group`);
  if (group.participants.length >= MAX_GROUP_PARTICIPANTS)
    throw new Error('the group is full (8 participants)');
  if (group.joinApprovalMode === 'approval_required') {
    const joinRequestId = ctx.rng.alnum(24);
    group.joinRequests.set(joinRequestId, { waId, createdAt: ctx.clock.now() });
    publishGroupChange(ctx, group.phoneNumberId, 'group_participants_update', {
      type: 'group_join_request_created',
      group_id: group.id,
      join_request_id: joinRequestId,
      wa_id: waId,
    });
    return 'requested';
  }
  addParticipants(ctx, group, [waId], 'invite_link');
  return 'joined';
}

export function addParticipants(ctx: SimContext, group: SimGroup, waIds: string[], reason: string): void {
  group.participants.push(...waIds);
  publishGroupChange(ctx, group.phoneNumberId, 'group_participants_update', {
    type: 'group_participants_add',
    group_id: group.id,
    reason,
    added_participants: waIds.map((wa_id) => ({ wa_id, input: wa_id })),
  });
}

/** A participant leaves on their own. */
export function leaveGroup(ctx: SimContext, groupId: string, waId: string): void {
  const group = activeGroup(ctx.state, groupId);
  if (!group?.participants.includes(waId)) throw new Error(`${waId} is not in group ${groupId}`);
  group.participants = group.participants.filter((p) => p !== waId);
  publishGroupChange(ctx, group.phoneNumberId, 'group_participants_update', {
    type: 'group_participants_remove',
    group_id: group.id,
    initiated_by: 'participant',
    removed_participants: [{ wa_id: waId }],
  });
}

/** Suspends (or clears the suspension of) a group, as Meta's integrity systems do. */
export function suspendGroup(ctx: SimContext, groupId: string, suspended: boolean): void {
  const group = activeGroup(ctx.state, groupId);
  if (!group) throw new Error(`unknown group ${groupId}`);
  group.suspended = suspended;
  publishGroupChange(ctx, group.phoneNumberId, 'group_status_update', {
    type: suspended ? 'group_suspend' : 'group_suspend_cleared',
    group_id: group.id,
  });
}

/** A participant writes in the group: an ordinary `messages` webhook with `group_id`, `from` the participant. */
export function participantSends(
  ctx: SimContext,
  input: { groupId: string; userId: string; text: string },
): TruthRecord {
  const group = activeGroup(ctx.state, input.groupId);
  if (!group) throw new Error(`unknown group ${input.groupId}`);
  if (!group.participants.includes(input.userId))
    throw new Error(`${input.userId} is not a participant of group ${input.groupId}`);
  const now = ctx.clock.now();
  const messageId = ctx.state.newMessageId('whatsapp', group.phoneNumberId);
  ctx.state.waInbound.set(messageId, { phoneNumberId: group.phoneNumberId, userId: input.userId });
  return ctx.publish({
    channel: 'whatsapp',
    accountId: group.phoneNumberId,
    userId: input.userId,
    type: 'inbound',
    kind: 'text',
    messageId,
    item: {
      from: input.userId,
      group_id: group.id,
      id: messageId,
      timestamp: seconds(now),
      type: 'text',
      text: { body: input.text },
    },
  });
}

/** The group a Graph call names, of a number the token may act on; Meta's 131041 otherwise. */
export function requireGroup(ctx: SimContext, groupId: string): SimGroup {
  const group = activeGroup(ctx.state, groupId);
  if (!group) throw waError(131041, 'Group not found', `Group ${groupId} does not exist or was deleted`, 404);
  return group;
}

/** A copy of a group's state, for tests. */
export interface SimGroupSnapshot {
  id: string;
  phoneNumberId: string;
  subject: string;
  description: string;
  joinApprovalMode: SimGroup['joinApprovalMode'];
  inviteLink: string;
  participants: string[];
  pendingJoinRequests: Array<{ joinRequestId: string; waId: string }>;
  suspended: boolean;
  deleted: boolean;
}

/** The customer side of WhatsApp groups (`sim.groups`): joining, leaving, writing, suspension. */
export interface SimGroups {
  /** Groups of a number (every number when omitted), deleted ones included. */
  list(phoneNumberId?: string): SimGroupSnapshot[];
  get(groupId: string): SimGroupSnapshot | undefined;
  /** A customer opens the invite link: joins, or files a join request when approval is required. */
  join(groupId: string, userId: string): 'joined' | 'requested';
  leave(groupId: string, userId: string): void;
  /** A participant writes a text in the group (a `messages` webhook with `group_id`). */
  send(input: { groupId: string; userId: string; text: string }): TruthRecord;
  suspend(groupId: string, suspended?: boolean): void;
}

const snapshot = (g: SimGroup): SimGroupSnapshot => ({
  id: g.id,
  phoneNumberId: g.phoneNumberId,
  subject: g.subject,
  description: g.description,
  joinApprovalMode: g.joinApprovalMode,
  inviteLink: g.inviteLink,
  participants: [...g.participants],
  pendingJoinRequests: [...g.joinRequests].map(([joinRequestId, r]) => ({ joinRequestId, waId: r.waId })),
  suspended: g.suspended,
  deleted: g.deleted,
});

export function createGroupsApi(ctx: SimContext): SimGroups {
  return {
    list: (phoneNumberId) =>
      [...groupsOf(ctx.state).values()]
        .filter((g) => !phoneNumberId || g.phoneNumberId === phoneNumberId)
        .map(snapshot),
    get: (groupId) => {
      const g = groupsOf(ctx.state).get(groupId);
      return g ? snapshot(g) : undefined;
    },
    join: (groupId, userId) => joinGroup(ctx, groupId, userId),
    leave: (groupId, userId) => leaveGroup(ctx, groupId, userId),
    send: (input) => participantSends(ctx, input),
    suspend: (groupId, suspended = true) => suspendGroup(ctx, groupId, suspended),
  };
}
