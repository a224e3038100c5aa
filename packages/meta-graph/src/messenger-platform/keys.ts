import { createHash } from 'node:crypto';

/** The two channels that speak the Messenger Platform webhook dialect. */
export type MessengerPlatformChannel = 'messenger' | 'instagram';

/** Short stable digest for keys built from long or structured values. */
export function digest(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Dedup keys, shared by the webhook parser and backfill so both copies of one message collide.
 *
 * @example
 * messengerPlatformKeys.message('messenger', 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM') // 'messenger:msg:m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM'
 */
export const messengerPlatformKeys = {
  message: (channel: string, mid: string) => `${channel}:msg:${mid}`,
  delete: (channel: string, mid: string) => `${channel}:delete:${mid}`,
  edit: (channel: string, mid: string, userId: string, timestamp: number, editCount?: number) =>
    `${channel}:edit:${mid}:${userId}:${editCount ?? ''}:${timestamp}`,
  reaction: (channel: string, mid: string, userId: string, action: string, timestamp: number) =>
    `${channel}:reaction:${mid}:${userId}:${action}:${timestamp}`,
  readWatermark: (channel: string, accountId: string, userId: string, watermark: number) =>
    `${channel}:read:${accountId}:${userId}:${watermark}`,
  readMessage: (channel: string, mid: string, userId: string) => `${channel}:read:${mid}:${userId}`,
  delivery: (
    channel: string,
    accountId: string,
    userId: string,
    watermark: number,
    mids: readonly string[],
  ) =>
    `${channel}:delivery:${accountId}:${userId}:${watermark}:${mids.length ? digest([...mids].sort().join(',')) : '-'}`,
  postback: (channel: string, accountId: string, userId: string, timestamp: number, mid?: string) =>
    mid ? `${channel}:postback:${mid}` : `${channel}:postback:${accountId}:${userId}:${timestamp}`,
  referral: (channel: string, accountId: string, userId: string, timestamp: number) =>
    `${channel}:referral:${accountId}:${userId}:${timestamp}`,
  optin: (channel: string, accountId: string, userId: string, timestamp: number, type: string) =>
    `${channel}:optin:${accountId}:${userId}:${type}:${timestamp}`,
  handover: (channel: string, accountId: string, userId: string, action: string, timestamp: number) =>
    `${channel}:handover:${accountId}:${userId}:${action}:${timestamp}`,
  unsupported: (channel: string, accountId: string, itemKind: string, raw: unknown) =>
    `${channel}:unsupported:${accountId}:${itemKind}:${digest(raw)}`,
};

/**
 * Epoch ms from a Meta time value. Messaging timestamps are ms; some `changes[]` entries carry seconds:
 * anything below 10^11 (before 1973 in ms) is taken as seconds.
 */
export function toEpochMs(value: number): number {
  return Math.round(value < 1e11 ? value * 1000 : value);
}
