import type { CallEvent, ChannelEvent } from '@switchboard/core';
import {
  CHANNEL,
  compact,
  conversationIdOf,
  type ItemContext,
  type ItemResult,
  mapError,
  problemOf,
  secondsToMs,
} from './common.js';
import { Call, CallStatus } from './schemas.js';

/** The business number of a `calls` value, to tell which side of a call is the customer. */
export interface CallContext extends ItemContext {
  displayPhoneNumber?: string;
}

const digits = (phone: string | undefined) => phone?.replace(/\D/g, '');

/**
 * One item of `calls[]`: `connect` (with its SDP), `terminate` (outcome and duration). The direction
 * comes from `direction`, else from which side is the business number — Meta's samples swap `from` and
 * `to` between pages, so the field names alone are not trusted.
 */
export function mapCall(item: unknown, ctx: CallContext, path: string): ItemResult<ChannelEvent> {
  const parsed = Call.safeParse(item);
  if (!parsed.success) return { events: [], problems: [problemOf(path, parsed.error, item)] };
  const c = parsed.data;
  const business = digits(ctx.displayPhoneNumber);
  const fromBusiness = business !== undefined && digits(c.from) === business;
  const outbound = c.direction ? /^BUSINESS/i.test(c.direction) : fromBusiness;
  const userId = (fromBusiness ? c.to : c.from) ?? (outbound ? c.to : c.from);
  if (!userId) return { events: [], problems: [problemOf(path, 'call without from or to', item)] };
  const phase = c.event === 'connect' ? 'connect' : c.event === 'terminate' ? 'terminate' : undefined;
  if (!phase) return { events: [], problems: [problemOf(path, `unknown call event ${c.event}`, item)] };
  const status = Array.isArray(c.status) ? c.status.at(-1) : c.status;
  const event: CallEvent = compact({
    kind: 'call' as const,
    channel: CHANNEL,
    key: `whatsapp:call:${c.id}:${phase}`,
    accountId: ctx.phoneNumberId,
    userId,
    conversationId: conversationIdOf(ctx.phoneNumberId, userId),
    timestamp: secondsToMs(c.timestamp),
    source: 'webhook' as const,
    raw: item,
    callId: c.id,
    phase,
    direction: outbound ? ('outbound' as const) : ('inbound' as const),
    status: status?.toUpperCase(),
    durationSec: c.duration === undefined ? undefined : Number(c.duration),
    startedAt: c.start_time === undefined ? undefined : secondsToMs(c.start_time),
    endedAt: c.end_time === undefined ? undefined : secondsToMs(c.end_time),
    session: c.session ? { sdpType: c.session.sdp_type, sdp: c.session.sdp } : undefined,
    correlationId: c.biz_opaque_callback_data,
    errors: c.errors?.map(mapError),
  });
  return { events: [event], problems: [] };
}

/** One item of a `calls` value's `statuses[]`: ringing / accepted / rejected of a business-initiated call. */
export function mapCallStatus(item: unknown, ctx: CallContext, path: string): ItemResult<ChannelEvent> {
  const parsed = CallStatus.safeParse(item);
  if (!parsed.success) return { events: [], problems: [problemOf(path, parsed.error, item)] };
  const s = parsed.data;
  if (!s.recipient_id)
    return { events: [], problems: [problemOf(path, 'call status without recipient_id', item)] };
  const status = s.status.toUpperCase();
  const event: CallEvent = compact({
    kind: 'call' as const,
    channel: CHANNEL,
    key: `whatsapp:call:${s.id}:status:${status}`,
    accountId: ctx.phoneNumberId,
    userId: s.recipient_id,
    conversationId: conversationIdOf(ctx.phoneNumberId, s.recipient_id),
    timestamp: secondsToMs(s.timestamp),
    source: 'webhook' as const,
    raw: item,
    callId: s.id,
    phase: 'status' as const,
    direction: 'outbound' as const,
    status,
    correlationId: s.biz_opaque_callback_data,
    errors: s.errors?.map(mapError),
  });
  return { events: [event], problems: [] };
}
