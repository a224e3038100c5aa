import type {
  ChannelEvent,
  GroupAction,
  GroupEvent,
  GroupParticipant,
  GroupSettingChange,
  ParsedWebhook,
} from '@switchboard/core';
import { checkTimestamps, itemTooDeep } from '@switchboard/core/adapter';
import { JsonArray } from '@switchboard/meta-graph';
import { z } from 'zod';
import {
  CHANNEL,
  compact,
  groupConversationIdOf,
  hashOf,
  type ItemResult,
  mapError,
  problemOf,
  secondsToMs,
} from './common.js';
import { Seconds, WaError } from './schemas.js';

/** Webhook fields about groups (reference §7.2); each must be subscribed on its own. */
export const GROUP_FIELDS = new Set([
  'group_lifecycle_update',
  'group_participants_update',
  'group_settings_update',
  'group_status_update',
]);

/** `value` of a group field: the number's metadata and one item per group notification. */
export const GroupsValue = z.object({
  metadata: z.object({ phone_number_id: z.string().min(1) }),
  groups: JsonArray,
});

const Participant = z.object({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  input: z.string().optional(),
  errors: z.array(WaError).optional(),
});

const Setting = z.object({
  text: z.string().optional(),
  update_successful: z.boolean().optional(),
  errors: z.array(WaError).optional(),
});

const GroupItem = z.object({
  type: z.string().min(1),
  group_id: z.string().min(1).optional(),
  request_id: z.string().min(1).optional(),
  timestamp: Seconds.optional(),
  subject: z.string().optional(),
  description: z.string().optional(),
  invite_link: z.string().optional(),
  join_approval_mode: z.string().optional(),
  reason: z.string().optional(),
  initiated_by: z.string().optional(),
  join_request_id: z.string().optional(),
  wa_id: z.string().optional(),
  added_participants: z.array(Participant).optional(),
  removed_participants: z.array(Participant).optional(),
  failed_participants: z.array(Participant).optional(),
  group_subject: Setting.optional(),
  group_description: Setting.optional(),
  profile_picture: Setting.optional(),
  errors: z.array(WaError).optional(),
});
type GroupItem = z.infer<typeof GroupItem>;

/** Meta's item `type` → what happened; settings updates carry no type of their own in some captures. */
const ACTIONS: Record<string, GroupAction> = {
  group_create: 'created',
  group_delete: 'deleted',
  group_participants_add: 'participants_added',
  group_participants_remove: 'participants_removed',
  group_join_request_created: 'join_requested',
  group_join_request_revoked: 'join_request_revoked',
  group_suspend: 'suspended',
  group_suspend_cleared: 'unsuspended',
  group_subject: 'updated',
  group_description: 'updated',
  profile_picture: 'updated',
  group_settings_update: 'updated',
};

export interface GroupContext {
  phoneNumberId: string;
  field: string;
  /** Timestamp (ms) for items that carry none: entry.time, else now. */
  fallbackMs: number;
}

const participantOf = (p: z.infer<typeof Participant>): GroupParticipant =>
  compact({ userId: p.wa_id ?? p.user_id, input: p.input, errors: p.errors?.map(mapError) });

function settingChanges(g: GroupItem): GroupSettingChange[] {
  const out: GroupSettingChange[] = [];
  const add = (setting: GroupSettingChange['setting'], s: z.infer<typeof Setting> | undefined) => {
    if (!s) return;
    out.push(
      compact({
        setting,
        value: s.text,
        // Meta sets update_successful; a setting reported with errors and no flag did not apply.
        succeeded: s.update_successful ?? !s.errors?.length,
        errors: s.errors?.map(mapError),
      }),
    );
  };
  add('subject', g.group_subject);
  add('description', g.group_description);
  add('picture', g.profile_picture);
  return out;
}

/**
 * One item of a group field's `groups[]` as a `group` event. The key is the number, the group (or the
 * creation request when a create failed before there was a group), the type and a hash of the item:
 * the same notification delivered again maps to the same key.
 */
export function mapGroupItem(item: unknown, ctx: GroupContext, path: string): ItemResult<ChannelEvent> {
  const parsed = GroupItem.safeParse(item);
  if (!parsed.success) return { events: [], problems: [problemOf(path, parsed.error, item)] };
  const g = parsed.data;
  const subject = g.group_id ?? (g.request_id ? `request:${g.request_id}` : undefined);
  if (!subject)
    return {
      events: [],
      problems: [problemOf(path, 'group notification without group_id or request_id', item)],
    };
  const timestamp = Math.trunc(g.timestamp === undefined ? ctx.fallbackMs : secondsToMs(g.timestamp));
  const key = `whatsapp:group:${ctx.phoneNumberId}:${subject}:${g.type}:${hashOf(item)}`;
  const action = ACTIONS[g.type];
  if (!action) {
    return {
      events: [
        compact({
          kind: 'unsupported' as const,
          channel: CHANNEL,
          key,
          accountId: ctx.phoneNumberId,
          timestamp,
          source: 'webhook' as const,
          raw: item,
          conversationId: g.group_id ? groupConversationIdOf(ctx.phoneNumberId, g.group_id) : undefined,
          itemKind: `whatsapp.${ctx.field}.${g.type}`,
          reason: `group notification type ${g.type} is not modelled`,
        }),
      ],
      problems: [],
    };
  }
  const changes = action === 'updated' ? settingChanges(g) : [];
  const failed = g.failed_participants?.map(participantOf) ?? [];
  const joiner = g.wa_id ? [{ userId: g.wa_id }] : undefined;
  const participants = (g.added_participants ?? g.removed_participants)?.map(participantOf) ?? joiner;
  const succeeded = !g.errors?.length && failed.length === 0 && changes.every((c) => c.succeeded);
  const subjectChange = changes.find((c) => c.setting === 'subject')?.value;
  const descriptionChange = changes.find((c) => c.setting === 'description')?.value;
  const event: GroupEvent = compact({
    kind: 'group' as const,
    channel: CHANNEL,
    key,
    accountId: ctx.phoneNumberId,
    timestamp,
    source: 'webhook' as const,
    raw: item,
    groupId: g.group_id,
    conversationId: g.group_id ? groupConversationIdOf(ctx.phoneNumberId, g.group_id) : undefined,
    action,
    succeeded,
    requestId: g.request_id,
    subject: g.subject ?? subjectChange,
    description: g.description ?? descriptionChange,
    inviteLink: g.invite_link,
    joinApprovalMode: g.join_approval_mode,
    changes: changes.length ? changes : undefined,
    participants,
    failedParticipants: failed.length ? failed : undefined,
    initiatedBy: g.initiated_by,
    reason: g.reason,
    joinRequestId: g.join_request_id,
    errors: g.errors?.map(mapError),
  });
  return { events: [event], problems: [] };
}

/** Every item of a group field's value, each guarded (depth, timestamps) and mapped on its own. */
export function* groupItems(
  value: Record<string, unknown>,
  field: string,
  at: string,
  fallbackMs: number,
  nowMs: number,
): Generator<ParsedWebhook, void, undefined> {
  const parsed = GroupsValue.safeParse(value);
  if (!parsed.success) {
    yield { events: [], problems: [problemOf(at, parsed.error, value)] };
    return;
  }
  const ctx: GroupContext = { phoneNumberId: parsed.data.metadata.phone_number_id, field, fallbackMs };
  for (const [k, item] of parsed.data.groups.entries()) {
    const path = `${at}.groups[${k}]`;
    yield itemTooDeep(path, item) ?? checkTimestamps(path, item, nowMs, mapGroupItem(item, ctx, path));
  }
}
