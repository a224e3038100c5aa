import { z } from 'zod';

/** The error shape events carry (kept local: `events.ts` imports this file). */
const GroupError = z.object({
  code: z.number().optional(),
  subcode: z.number().optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  details: z.string().optional(),
});

/** What a group lifecycle, settings, participant or status notification did. */
export const GroupAction = z.enum([
  'created',
  'deleted',
  'updated',
  'participants_added',
  'participants_removed',
  'join_requested',
  'join_request_revoked',
  'suspended',
  'unsuspended',
]);
export type GroupAction = z.infer<typeof GroupAction>;

/** One person a participant event is about: `userId` as on their messages, `input` what the request named. */
export const GroupParticipant = z.object({
  userId: z.string().optional(),
  input: z.string().optional(),
  errors: z.array(GroupError).optional(),
});
export type GroupParticipant = z.infer<typeof GroupParticipant>;

/** One setting a `updated` event reports: the new value (subject, description) and whether it applied. */
export const GroupSettingChange = z.object({
  setting: z.enum(['subject', 'description', 'picture']),
  value: z.string().optional(),
  succeeded: z.boolean(),
  errors: z.array(GroupError).optional(),
});
export type GroupSettingChange = z.infer<typeof GroupSettingChange>;

/**
 * Something that happened to a group (WhatsApp groups): created (or failed to be), deleted, settings
 * updated, participants joined or removed, join requests, suspension. Belongs to the group's conversation;
 * `userId` is absent (the people concerned are in `participants`). Group management is asynchronous: the
 * outcome of a create / update / remove call arrives as one of these, matched by `requestId`.
 *
 * @example
 * switchboard.on('group', async (event, { reply }) => {
 *   if (event.action === 'participants_added') await reply({ type: 'text', text: 'Welcome!' });
 * });
 */
export const GroupEventFields = {
  kind: z.literal('group'),
  /** Absent only when a creation failed before the platform assigned an id (see `requestId`). */
  groupId: z.string().min(1).optional(),
  /** The group's conversation (`<channel>:<accountId>:group:<groupId>`) when `groupId` is known. */
  conversationId: z.string().min(1).optional(),
  action: GroupAction,
  /** `false` when the platform reports the operation failed (see `errors`, `failedParticipants`, `changes`). */
  succeeded: z.boolean(),
  /** Id the management call returned; the asynchronous outcome carries it back. */
  requestId: z.string().optional(),
  subject: z.string().optional(),
  description: z.string().optional(),
  inviteLink: z.string().optional(),
  /** `auto_approve` or `approval_required`. */
  joinApprovalMode: z.string().optional(),
  changes: z.array(GroupSettingChange).optional(),
  participants: z.array(GroupParticipant).optional(),
  failedParticipants: z.array(GroupParticipant).optional(),
  /** Who removed participants: `business`, `participant`, or the id of the person. */
  initiatedBy: z.string().optional(),
  /** Why (e.g. `invite_link` for joins, `request_expired` for a revoked join request). */
  reason: z.string().optional(),
  joinRequestId: z.string().optional(),
  errors: z.array(GroupError).optional(),
};
