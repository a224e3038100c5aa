import { requireScope, requireTarget } from '../auth.js';
import type { GraphRequest, GraphResponse, SimContext } from '../context.js';
import { invalidParam, waError } from '../graph-error.js';
import {
  addParticipants,
  groupsOf,
  MAX_GROUP_PARTICIPANTS,
  MAX_GROUPS_PER_NUMBER,
  newGroupId,
  newInviteLink,
  newRequestId,
  publishGroupChange,
  requireGroup,
  type SimGroup,
  seconds,
} from '../groups.js';
import type { SimToken } from '../types.js';
import { requireRegistered } from './whatsapp-onboarding.js';

const M = { messaging_product: 'whatsapp' } as const;
const success = (): GraphResponse => ({ body: { success: true } });

/** A list parameter: a JSON array in the body, or a JSON string of one in the query. */
function listParam(value: unknown, name: string): unknown[] {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      throw invalidParam(`Param ${name} must be a JSON array`);
    }
  }
  if (!Array.isArray(v)) throw invalidParam(`The parameter ${name} is required.`);
  return v;
}

function text(value: unknown, name: string, max: number, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || (required && value.trim() === ''))
    throw invalidParam(`The parameter ${name} is required.`);
  if (value.length > max) throw invalidParam(`Param ${name} must be at most ${max} characters long.`);
  return value;
}

function authorize(ctx: SimContext, token: SimToken, phoneId: string): void {
  requireTarget(token, phoneId, 'whatsapp');
  requireScope(token, 'whatsapp_business_messaging');
  requireRegistered(ctx, phoneId);
}

/** `POST /{phone}/groups` (create, asynchronous) and `GET /{phone}/groups` (active groups, paged). */
export function handlePhoneGroups(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  phoneId: string,
): GraphResponse {
  authorize(ctx, token, phoneId);
  const p = req.params;
  const store = groupsOf(ctx.state);
  if (req.method === 'GET') {
    const limit = p.limit === undefined ? 25 : Number(p.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1024)
      throw invalidParam('Param limit must be between 1 and 1024');
    const all = [...store.values()].filter((g) => g.phoneNumberId === phoneId && !g.deleted);
    const cursor = (i: number) => Buffer.from(`g:${i}`).toString('base64url');
    const position = (c: unknown) => {
      const m = typeof c === 'string' ? /^g:(\d+)$/.exec(Buffer.from(c, 'base64url').toString()) : null;
      if (!m) throw waError(131059, 'Invalid pagination cursor', 'The cursor is not valid');
      return Number(m[1]);
    };
    const start =
      p.after !== undefined
        ? position(p.after) + 1
        : p.before !== undefined
          ? Math.max(0, position(p.before) - limit)
          : 0;
    const page = all.slice(start, start + limit);
    const last = start + page.length - 1;
    return {
      body: {
        data: {
          groups: page.map((g) => ({ id: g.id, subject: g.subject, created_at: seconds(g.createdAt) })),
        },
        paging: {
          cursors: page.length ? { before: cursor(start), after: cursor(last) } : {},
          ...(start > 0
            ? { previous: `${ctx.baseUrl}/${phoneId}/groups?limit=${limit}&before=${cursor(start)}` }
            : {}),
          ...(last + 1 < all.length
            ? { next: `${ctx.baseUrl}/${phoneId}/groups?limit=${limit}&after=${cursor(last)}` }
            : {}),
        },
      },
    };
  }
  if (p.messaging_product !== 'whatsapp') throw invalidParam('The parameter messaging_product is required.');
  const subject = text(p.subject, 'subject', 128, true) as string;
  const description = text(p.description, 'description', 2048, false) ?? '';
  const mode = p.join_approval_mode ?? 'auto_approve';
  if (mode !== 'auto_approve' && mode !== 'approval_required')
    throw invalidParam('Param join_approval_mode must be one of {auto_approve, approval_required}');
  const requestId = newRequestId(ctx);
  const delay = ctx.statusDelays.sent;
  const count = [...store.values()].filter((g) => g.phoneNumberId === phoneId && !g.deleted).length;
  if (count >= MAX_GROUPS_PER_NUMBER) {
    // The limit shows only in the lifecycle webhook: creation fails after the 200.
    publishGroupChange(
      ctx,
      phoneId,
      'group_lifecycle_update',
      {
        type: 'group_create',
        request_id: requestId,
        errors: [
          { code: 131211, title: 'Group creation limit reached', message: 'Group creation limit reached' },
        ],
      },
      delay,
    );
    return { body: { ...M, request_id: requestId } };
  }
  const group: SimGroup = {
    id: newGroupId(ctx),
    phoneNumberId: phoneId,
    subject,
    description,
    joinApprovalMode: mode,
    inviteLink: newInviteLink(ctx),
    participants: [],
    banned: new Set(),
    joinRequests: new Map(),
    suspended: false,
    deleted: false,
    createdAt: ctx.clock.now(),
  };
  store.set(group.id, group);
  publishGroupChange(
    ctx,
    phoneId,
    'group_lifecycle_update',
    {
      type: 'group_create',
      request_id: requestId,
      group_id: group.id,
      subject,
      ...(description ? { description } : {}),
      invite_link: group.inviteLink,
      join_approval_mode: mode,
    },
    delay,
  );
  return { body: { ...M, request_id: requestId } };
}

const GROUP_FIELDS = [
  'subject',
  'description',
  'participants',
  'join_approval_mode',
  'suspended',
  'creation_timestamp',
  'total_participant_count',
];

function groupFields(group: SimGroup, fields: string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    subject: group.subject,
    description: group.description,
    participants: group.participants.map((wa_id) => ({ wa_id })),
    join_approval_mode: group.joinApprovalMode,
    suspended: group.suspended,
    creation_timestamp: Number(seconds(group.createdAt)),
    total_participant_count: group.participants.length,
  };
  const out: Record<string, unknown> = { ...M, id: group.id };
  for (const f of fields) if (GROUP_FIELDS.includes(f)) out[f] = all[f];
  return out;
}

/** The group node and its edges: info, update, delete, invite link, participants, join requests. */
export function handleGroupNode(
  ctx: SimContext,
  req: GraphRequest,
  token: SimToken,
  groupId: string,
  edge: string | undefined,
): GraphResponse | undefined {
  const group = requireGroup(ctx, groupId);
  authorize(ctx, token, group.phoneNumberId);
  const p = req.params;
  const m = req.method;
  const delay = ctx.statusDelays.sent;
  const phone = group.phoneNumberId;
  if (!edge && m === 'GET') {
    const fields = typeof p.fields === 'string' ? p.fields.split(',').map((f) => f.trim()) : [];
    return { body: groupFields(group, fields) };
  }
  if (!edge && m === 'POST') {
    const subject = text(p.subject, 'subject', 128, false);
    const description = text(p.description, 'description', 2048, false);
    const picture = req.parts?.get('profile_picture_file');
    if (subject === undefined && description === undefined && !picture)
      throw invalidParam('Nothing to update');
    if (subject !== undefined && subject.trim() === '')
      throw invalidParam('The parameter subject is required.');
    if (subject !== undefined) group.subject = subject;
    if (description !== undefined) group.description = description;
    publishGroupChange(
      ctx,
      phone,
      'group_settings_update',
      {
        type: 'group_settings_update',
        group_id: group.id,
        request_id: newRequestId(ctx),
        ...(subject !== undefined ? { group_subject: { text: subject, update_successful: true } } : {}),
        ...(description !== undefined
          ? { group_description: { text: description, update_successful: true } }
          : {}),
        ...(picture
          ? { profile_picture: { mime_type: picture.contentType ?? 'image/jpeg', update_successful: true } }
          : {}),
      },
      delay,
    );
    return success();
  }
  if (!edge && m === 'DELETE') {
    group.deleted = true;
    publishGroupChange(
      ctx,
      phone,
      'group_lifecycle_update',
      {
        type: 'group_delete',
        group_id: group.id,
        request_id: newRequestId(ctx),
      },
      delay,
    );
    return success();
  }
  if (edge === 'invite_link' && (m === 'GET' || m === 'POST')) {
    if (m === 'POST') group.inviteLink = newInviteLink(ctx);
    return { body: { ...M, invite_link: group.inviteLink } };
  }
  if (edge === 'participants' && m === 'DELETE') {
    const list = listParam(p.participants, 'participants');
    if (list.length === 0 || list.length > MAX_GROUP_PARTICIPANTS)
      throw invalidParam(`Param participants must have 1 to ${MAX_GROUP_PARTICIPANTS} items`);
    const users = list.map((u) => (u && typeof u === 'object' ? (u as { user?: unknown }).user : undefined));
    if (users.some((u) => typeof u !== 'string' || u === ''))
      throw invalidParam('Each participant needs a user');
    const removed: string[] = [];
    const failed: string[] = [];
    for (const user of users as string[]) {
      const waId = user.replace(/\D/g, '') || user;
      if (group.participants.includes(waId)) removed.push(waId);
      else failed.push(user);
    }
    group.participants = group.participants.filter((w) => !removed.includes(w));
    for (const w of removed) group.banned.add(w);
    publishGroupChange(
      ctx,
      phone,
      'group_participants_update',
      {
        type: 'group_participants_remove',
        group_id: group.id,
        request_id: newRequestId(ctx),
        initiated_by: 'business',
        removed_participants: removed.map((wa_id) => ({ input: wa_id, wa_id })),
        ...(failed.length
          ? {
              failed_participants: failed.map((input) => ({
                input,
                errors: [{ code: 131212, title: 'User is not a participant of the group' }],
              })),
            }
          : {}),
      },
      delay,
    );
    return success();
  }
  if (edge === 'join_requests' && m === 'GET') {
    return {
      body: {
        data: [...group.joinRequests].map(([join_request_id, r]) => ({
          join_request_id,
          wa_id: r.waId,
          creation_timestamp: seconds(r.createdAt),
        })),
      },
    };
  }
  if (edge === 'join_requests' && (m === 'POST' || m === 'DELETE')) {
    const ids = listParam(p.join_requests, 'join_requests');
    if (ids.length === 0) throw invalidParam('Param join_requests must not be empty');
    const done: string[] = [];
    const failed: Array<Record<string, unknown>> = [];
    const joining: string[] = [];
    for (const id of ids) {
      const request = typeof id === 'string' ? group.joinRequests.get(id) : undefined;
      const full = m === 'POST' && group.participants.length + joining.length >= MAX_GROUP_PARTICIPANTS;
      if (!request || full) {
        failed.push({
          join_request_id: String(id),
          errors: [
            full ? { code: 131204, title: 'Group is full' } : { code: 131009, title: 'Unknown join request' },
          ],
        });
        continue;
      }
      group.joinRequests.delete(id as string);
      done.push(id as string);
      if (m === 'POST') joining.push(request.waId);
    }
    if (joining.length) addParticipants(ctx, group, joining, 'invite_link');
    const key = m === 'POST' ? 'approved_join_requests' : 'rejected_join_requests';
    return { body: { ...M, [key]: done, ...(failed.length ? { failed_join_requests: failed } : {}) } };
  }
  return undefined;
}
