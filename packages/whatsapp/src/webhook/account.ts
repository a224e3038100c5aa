import type { AccountEvent } from '@switchboard/core';
import { CHANNEL, compact, hashOf } from './common.js';

/**
 * Account-level fields (account_update, phone_number_quality_update, user_preferences, business_capability_update and any field we do
 * not model) become `account` events of the WABA (`entry.id`). They carry no id, so the key is the
 * field, `entry.time` and a hash of the value: a retried POST maps to the same key.
 */
export function mapAccountChange(
  wabaId: string,
  entryTime: number | undefined,
  field: string,
  value: Record<string, unknown>,
  now: () => number,
): AccountEvent {
  // entry.time is seconds on WhatsApp; tolerate milliseconds should Meta ever switch.
  const timestamp = entryTime === undefined ? now() : entryTime > 1e12 ? entryTime : entryTime * 1000;
  return compact({
    kind: 'account' as const,
    channel: CHANNEL,
    key: `whatsapp:account:${wabaId}:${field}:${entryTime ?? 'none'}:${hashOf(value)}`,
    accountId: wabaId,
    timestamp: Math.trunc(timestamp),
    source: 'webhook' as const,
    raw: value,
    field,
    event: typeof value.event === 'string' ? value.event : undefined,
    data: value,
  });
}
