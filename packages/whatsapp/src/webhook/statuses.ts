import type { ChannelEvent, MessageStatus, StatusEvent } from '@switchboard/core';
import { findMetaErrorRule } from '@switchboard/meta-graph';
import {
  CHANNEL,
  compact,
  conversationIdOf,
  describeErrors,
  groupConversationIdOf,
  hashOf,
  type ItemContext,
  type ItemResult,
  mapError,
  problemOf,
  secondsToMs,
  userIdOf,
} from './common.js';
import { parseStatus, type WaError } from './schemas.js';

/**
 * WhatsApp status → model status. `played` (first play of a voice note) has no model status of its
 * own: it is a `read` with its own key, so it is still one event per transition.
 */
const STATUS_MAP: Record<string, MessageStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  played: 'read',
  failed: 'failed',
  deleted: 'deleted',
};

/** Maps one item of `value.statuses[]`; key `whatsapp:status:<wamid>:<status>`, one event per transition. */
export function mapStatus(item: unknown, ctx: ItemContext, path: string): ItemResult<ChannelEvent> {
  const parsed = parseStatus(item);
  if (!parsed.success) return { events: [], problems: [problemOf(path, parsed.error, item)] };
  const s = parsed.data;
  const accountId = ctx.phoneNumberId;
  const timestamp = secondsToMs(s.timestamp);
  const groupId = s.recipient_type === 'group' ? s.recipient_id : undefined;
  // A group's delivered/read come one per participant: the participant is the user, and part of the key.
  const participant = groupId
    ? (s.recipient_participant_id ?? s.participant_recipient_id ?? s.recipient_participant_user_id)
    : undefined;
  const userId = groupId ? (participant ?? groupId) : userIdOf(s.recipient_id, s.recipient_user_id);
  const key = `whatsapp:status:${s.id}:${s.status}${participant ? `:${participant}` : ''}`;
  const conversationId = groupId
    ? groupConversationIdOf(accountId, groupId)
    : userId
      ? conversationIdOf(accountId, userId)
      : undefined;
  const status = STATUS_MAP[s.status];
  if (!status || !userId) {
    const event = compact({
      kind: 'unsupported' as const,
      channel: CHANNEL,
      key,
      accountId,
      timestamp,
      source: 'webhook' as const,
      raw: item,
      userId,
      conversationId,
      itemKind: 'whatsapp.statuses',
      reason: status ? 'status without recipient_id or recipient_user_id' : `unknown status ${s.status}`,
      errors: s.errors?.map(mapError),
    });
    return { events: [event], problems: [] };
  }
  const errors = s.errors?.map(mapError);
  // Built field by field (no compact): statuses are most of the webhooks a sending business receives.
  const event: StatusEvent = {
    kind: 'status',
    channel: CHANNEL,
    key,
    accountId,
    userId,
    conversationId: conversationId ?? conversationIdOf(accountId, userId),
    timestamp,
    source: 'webhook',
    raw: item,
    messageId: s.id,
    status,
  };
  if (errors?.[0]) {
    event.error = errors[0];
    // Classified here, with Meta's one error table: the engine fails the outbox entry with this code.
    const rule = findMetaErrorRule('whatsapp', errors[0].code);
    if (status === 'failed' && rule) event.errorCode = rule.class;
  }
  if (errors && errors.length > 0) event.errors = errors;
  if (groupId) event.groupId = groupId;
  if (s.biz_opaque_callback_data !== undefined) event.correlationId = s.biz_opaque_callback_data;
  if (s.pricing !== undefined) event.pricing = s.pricing;
  if (s.conversation !== undefined) event.conversation = s.conversation;
  return { events: [event], problems: [] };
}

/**
 * `value.errors[]`: out-of-band errors about the number or the whole batch (e.g. 131000 unsupported
 * webhook payload). They have no id of their own, so the key hashes the error with its neighbours' ids.
 */
export function mapValueErrors(
  errors: readonly WaError[],
  ctx: ItemContext,
  timestamp: number,
  salt: string,
): ChannelEvent[] {
  return errors.map((error, index) => ({
    kind: 'unsupported' as const,
    channel: CHANNEL,
    key: `whatsapp:errors:${ctx.phoneNumberId}:${hashOf([salt, index, error])}`,
    accountId: ctx.phoneNumberId,
    timestamp,
    source: 'webhook' as const,
    raw: error,
    itemKind: 'whatsapp.errors',
    reason: describeErrors([error]) || 'error without code',
    errors: [mapError(error)],
  }));
}
