import type { GraphClient } from '@switchboard/meta-graph';
import { z } from 'zod';
import { invalid } from './send/limits.js';

/*
 * WhatsApp Groups management (reference §7.2). Calls are asynchronous on Meta's side: create, settings
 * updates and removals answer at once, and their outcome arrives later as `group` events (matched by
 * `requestId`). Every input is checked before the call; Graph errors are classified by meta-graph's table.
 */

/** Meta's limits for groups (reference §7.1, §7.2). */
export const WHATSAPP_GROUP_LIMITS = {
  subject: 128,
  description: 2048,
  /** Participants besides the business. */
  participants: 8,
  listMax: 1024,
} as const;

const GroupId = z.string().trim().min(1, 'groupId is required');
const Subject = z.string().trim().min(1, 'subject is required').max(WHATSAPP_GROUP_LIMITS.subject);
const Description = z.string().max(WHATSAPP_GROUP_LIMITS.description);
const JoinApprovalMode = z.enum(['auto_approve', 'approval_required']);

const CreateGroupSchema = z.strictObject({
  subject: Subject,
  description: Description.optional(),
  /** `auto_approve` (Meta's default): anyone with the invite link joins; `approval_required`: you approve. */
  joinApprovalMode: JoinApprovalMode.optional(),
});
export type CreateGroupInput = z.input<typeof CreateGroupSchema>;

const UpdateGroupSchema = z
  .strictObject({ subject: Subject.optional(), description: Description.optional() })
  .refine((u) => u.subject !== undefined || u.description !== undefined, 'nothing to update');
export type UpdateGroupInput = z.input<typeof UpdateGroupSchema>;

const ListGroupsSchema = z.strictObject({
  limit: z.number().int().min(1).max(WHATSAPP_GROUP_LIMITS.listMax).optional(),
  after: z.string().min(1).optional(),
  before: z.string().min(1).optional(),
});
export type ListGroupsInput = z.input<typeof ListGroupsSchema>;

const Participants = z
  .array(z.string().trim().min(1, 'a participant is empty'))
  .min(1, 'name at least one participant')
  .max(WHATSAPP_GROUP_LIMITS.participants);
const JoinRequestIds = z.array(z.string().trim().min(1, 'a join request id is empty')).min(1);

/** Every field Meta documents for the group node. */
const GROUP_FIELDS =
  'subject,description,participants,join_approval_mode,suspended,creation_timestamp,total_participant_count';

const Created = z.looseObject({ request_id: z.string().min(1) });
const Success = z.looseObject({ success: z.boolean().optional() });
const InviteLink = z.looseObject({ invite_link: z.string().min(1) });
const ListResponse = z.looseObject({
  // Unlike every other Graph list, `data` is an object holding `groups`.
  data: z.object({
    groups: z.array(
      z.looseObject({
        id: z.string().min(1),
        subject: z.string().optional(),
        created_at: z.union([z.string(), z.number()]).optional(),
      }),
    ),
  }),
  paging: z
    .looseObject({
      cursors: z.looseObject({ after: z.string().optional(), before: z.string().optional() }).optional(),
      next: z.string().optional(),
      previous: z.string().optional(),
    })
    .optional(),
});
const GroupNode = z.looseObject({
  id: z.string().min(1),
  subject: z.string().optional(),
  description: z.string().optional(),
  participants: z
    .array(z.looseObject({ wa_id: z.string().optional(), user_id: z.string().optional() }))
    .optional(),
  join_approval_mode: z.string().optional(),
  suspended: z.boolean().optional(),
  creation_timestamp: z.union([z.string(), z.number()]).optional(),
  total_participant_count: z.number().optional(),
});
const JoinRequests = z.looseObject({
  data: z.array(
    z.looseObject({
      join_request_id: z.string().min(1),
      wa_id: z.string().optional(),
      creation_timestamp: z.union([z.string(), z.number()]).optional(),
    }),
  ),
});
const JoinRequestOutcome = z.looseObject({
  approved_join_requests: z.array(z.string()).optional(),
  rejected_join_requests: z.array(z.string()).optional(),
  failed_join_requests: z
    .array(z.looseObject({ join_request_id: z.string(), errors: z.array(z.unknown()).optional() }))
    .optional(),
});

export interface GroupSummary {
  groupId: string;
  subject?: string;
  /** Epoch ms. */
  createdAt?: number;
}

export interface GroupInfo {
  groupId: string;
  subject?: string;
  description?: string;
  /** Participants' user ids (wa_id, else business-scoped id). */
  participants: string[];
  joinApprovalMode?: string;
  suspended?: boolean;
  /** Epoch ms. */
  createdAt?: number;
  totalParticipantCount?: number;
}

export interface JoinRequest {
  joinRequestId: string;
  userId?: string;
  /** Epoch ms. */
  createdAt?: number;
}

export interface JoinRequestOutcome {
  done: string[];
  failed: Array<{ joinRequestId: string; errors: unknown[] }>;
}

/**
 * Group management of the business numbers of a WhatsApp adapter (`whatsapp.groups`). Every call names
 * the phone number the group belongs to: its token is used.
 *
 * @example
 * const { requestId } = await whatsapp.groups.create('106540352242922', { subject: 'Spring launch' });
 * // later: switchboard.on('group', (e) => e.action === 'created' && e.requestId === requestId && save(e.groupId, e.inviteLink));
 */
export interface WhatsAppGroups {
  /** Starts creating a group; the id and invite link arrive in a `group` event (`created`) with this `requestId`. */
  create(phoneNumberId: string, input: CreateGroupInput): Promise<{ requestId: string }>;
  /** One page of the number's active groups; pass `after` from the previous page for the next. */
  list(
    phoneNumberId: string,
    input?: ListGroupsInput,
  ): Promise<{ groups: GroupSummary[]; after?: string; before?: string }>;
  get(phoneNumberId: string, groupId: string): Promise<GroupInfo>;
  /** Changes subject and/or description; the outcome arrives as a `group` event (`updated`). */
  update(phoneNumberId: string, groupId: string, input: UpdateGroupInput): Promise<void>;
  /** Deletes the group, removing every participant and the business (the business cannot otherwise leave). */
  delete(phoneNumberId: string, groupId: string): Promise<void>;
  getInviteLink(phoneNumberId: string, groupId: string): Promise<string>;
  /** A new invite link; every earlier link stops working. */
  resetInviteLink(phoneNumberId: string, groupId: string): Promise<string>;
  /** Removes up to 8 participants (phone numbers or user ids); they cannot rejoin through the invite link. */
  removeParticipants(phoneNumberId: string, groupId: string, participants: string[]): Promise<void>;
  listJoinRequests(phoneNumberId: string, groupId: string): Promise<JoinRequest[]>;
  approveJoinRequests(
    phoneNumberId: string,
    groupId: string,
    joinRequestIds: string[],
  ): Promise<JoinRequestOutcome>;
  rejectJoinRequests(
    phoneNumberId: string,
    groupId: string,
    joinRequestIds: string[],
  ): Promise<JoinRequestOutcome>;
}

/** Parses input or throws `INVALID_REQUEST` naming the field, before any Graph call. */
function checked<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.length ? `${what}.${issue.path.join('.')}` : what;
  throw invalid(`${path}: ${issue?.message ?? 'invalid'}`, path);
}

const toMs = (v: string | number | undefined) => (v === undefined ? undefined : Number(v) * 1000);
const M = { messaging_product: 'whatsapp' } as const;
const seg = (id: string) => encodeURIComponent(id);

/** The group API over a Graph client per phone number (`graph(phoneNumberId)`). */
export function createWhatsAppGroups(graph: (phoneNumberId: string) => GraphClient): WhatsAppGroups {
  const target = (phoneNumberId: string, groupId?: string) => {
    const phone = checked(
      z.string().trim().min(1, 'phoneNumberId is required'),
      phoneNumberId,
      'phoneNumberId',
    );
    return {
      client: graph(phone),
      phone,
      group: groupId === undefined ? '' : seg(checked(GroupId, groupId, 'groupId')),
    };
  };
  const outcome = (
    r: z.output<typeof JoinRequestOutcome>,
    key: 'approved_join_requests' | 'rejected_join_requests',
  ) => ({
    done: r[key] ?? [],
    failed: (r.failed_join_requests ?? []).map((f) => ({
      joinRequestId: f.join_request_id,
      errors: f.errors ?? [],
    })),
  });
  return {
    async create(phoneNumberId, input) {
      const body = checked(CreateGroupSchema, input, 'group');
      const { client, phone } = target(phoneNumberId);
      const { data } = await client.post(
        `/${seg(phone)}/groups`,
        {
          ...M,
          subject: body.subject,
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.joinApprovalMode ? { join_approval_mode: body.joinApprovalMode } : {}),
        },
        Created,
      );
      return { requestId: data.request_id };
    },
    async list(phoneNumberId, input = {}) {
      const q = checked(ListGroupsSchema, input, 'list');
      const { client, phone } = target(phoneNumberId);
      const { data } = await client.get(`/${seg(phone)}/groups`, ListResponse, {
        limit: q.limit,
        after: q.after,
        before: q.before,
      });
      // Cursors come with every page; only `next` / `previous` say there is a page that way.
      const paging = data.paging;
      const cursors = paging?.cursors;
      return {
        groups: data.data.groups.map((g) => ({
          groupId: g.id,
          ...(g.subject !== undefined ? { subject: g.subject } : {}),
          ...(g.created_at !== undefined ? { createdAt: toMs(g.created_at) as number } : {}),
        })),
        ...(paging?.next && cursors?.after ? { after: cursors.after } : {}),
        ...(paging?.previous && cursors?.before ? { before: cursors.before } : {}),
      };
    },
    async get(phoneNumberId, groupId) {
      const { client, group } = target(phoneNumberId, groupId);
      const { data: g } = await client.get(`/${group}`, GroupNode, { fields: GROUP_FIELDS });
      const info: GroupInfo = {
        groupId: g.id,
        participants: (g.participants ?? [])
          .map((p) => p.wa_id ?? p.user_id)
          .filter((id): id is string => !!id),
      };
      if (g.subject !== undefined) info.subject = g.subject;
      if (g.description !== undefined) info.description = g.description;
      if (g.join_approval_mode !== undefined) info.joinApprovalMode = g.join_approval_mode;
      if (g.suspended !== undefined) info.suspended = g.suspended;
      if (g.creation_timestamp !== undefined) info.createdAt = toMs(g.creation_timestamp) as number;
      if (g.total_participant_count !== undefined) info.totalParticipantCount = g.total_participant_count;
      return info;
    },
    async update(phoneNumberId, groupId, input) {
      const u = checked(UpdateGroupSchema, input, 'update');
      const { client, group } = target(phoneNumberId, groupId);
      await client.post(`/${group}`, { ...M, ...u }, Success);
    },
    async delete(phoneNumberId, groupId) {
      const { client, group } = target(phoneNumberId, groupId);
      await client.delete(`/${group}`, Success);
    },
    async getInviteLink(phoneNumberId, groupId) {
      const { client, group } = target(phoneNumberId, groupId);
      return (await client.get(`/${group}/invite_link`, InviteLink)).data.invite_link;
    },
    async resetInviteLink(phoneNumberId, groupId) {
      const { client, group } = target(phoneNumberId, groupId);
      return (await client.post(`/${group}/invite_link`, M, InviteLink)).data.invite_link;
    },
    async removeParticipants(phoneNumberId, groupId, participants) {
      const users = checked(Participants, participants, 'participants');
      const { client, group } = target(phoneNumberId, groupId);
      await client.delete(`/${group}/participants`, Success, {
        messaging_product: 'whatsapp',
        participants: JSON.stringify(users.map((user) => ({ user }))),
      });
    },
    async listJoinRequests(phoneNumberId, groupId) {
      const { client, group } = target(phoneNumberId, groupId);
      const { data } = await client.get(`/${group}/join_requests`, JoinRequests);
      return data.data.map((r) => ({
        joinRequestId: r.join_request_id,
        ...(r.wa_id ? { userId: r.wa_id } : {}),
        ...(r.creation_timestamp !== undefined ? { createdAt: toMs(r.creation_timestamp) as number } : {}),
      }));
    },
    async approveJoinRequests(phoneNumberId, groupId, joinRequestIds) {
      const ids = checked(JoinRequestIds, joinRequestIds, 'joinRequestIds');
      const { client, group } = target(phoneNumberId, groupId);
      const { data } = await client.post(
        `/${group}/join_requests`,
        { ...M, join_requests: ids },
        JoinRequestOutcome,
      );
      return outcome(data, 'approved_join_requests');
    },
    async rejectJoinRequests(phoneNumberId, groupId, joinRequestIds) {
      const ids = checked(JoinRequestIds, joinRequestIds, 'joinRequestIds');
      const { client, group } = target(phoneNumberId, groupId);
      const { data } = await client.delete(`/${group}/join_requests`, JoinRequestOutcome, {
        messaging_product: 'whatsapp',
        join_requests: JSON.stringify(ids),
      });
      return outcome(data, 'rejected_join_requests');
    },
  };
}
