import type { ChannelEvent, ParsedWebhook, WebhookProblem } from '@switchboard/core';
import { parseWith } from '@switchboard/core';
import { decodeJsonBody } from '@switchboard/meta-graph';
import type { z } from 'zod';
import { mapAccountChange } from './account.js';
import { CHANNEL, hashOf, type ItemContext, type ItemResult, problemOf, secondsToMs } from './common.js';
import { mapMessage } from './messages.js';
import { Change, Entry, Envelope, MessagingValue } from './schemas.js';
import { mapStatus, mapValueErrors } from './statuses.js';

/** Fields whose value is about messages of one phone number (routed by `metadata.phone_number_id`). */
const MESSAGING_FIELDS = new Set(['messages', 'message_echoes', 'smb_message_echoes']);

export interface ParseOptions {
  /** Timestamp for items that carry none (account fields without `entry.time`). Default `Date.now`. */
  now?: () => number;
}

interface Out {
  events: ChannelEvent[];
  problems: WebhookProblem[];
}

function collect(out: Out, result: ItemResult<ChannelEvent>): void {
  for (const e of result.events) out.events.push(e);
  for (const p of result.problems) out.problems.push(p);
}

/** Timestamp (ms) of `value.errors[]`, which carry none: the newest item beside them, else entry.time, else now. */
function errorsTimestamp(
  items: readonly unknown[],
  entryTime: number | undefined,
  now: () => number,
): number {
  let newest = -1;
  for (const item of items) {
    const t = (item as { timestamp?: unknown } | null)?.timestamp;
    if (typeof t === 'string' || typeof t === 'number') {
      const ms = secondsToMs(t);
      if (Number.isFinite(ms) && ms > newest) newest = ms;
    }
  }
  return Math.trunc(newest >= 0 ? newest : entryTime === undefined ? now() : entryTime * 1000);
}

function parseMessagingValue(
  out: Out,
  v: z.infer<typeof MessagingValue>,
  field: string,
  base: { wabaId: string; path: string; entryTime: number | undefined; now: () => number },
): void {
  const ctx: Omit<ItemContext, 'path'> = {
    phoneNumberId: v.metadata.phone_number_id,
    wabaId: base.wabaId,
    contacts: v.contacts ?? [],
  };
  const at = `${base.path}.value`;
  v.messages?.forEach((m, k) => {
    collect(out, mapMessage(m, { ...ctx, path: `${at}.messages[${k}]` }));
  });
  v.message_echoes?.forEach((m, k) => {
    collect(out, mapMessage(m, { ...ctx, path: `${at}.message_echoes[${k}]` }, true));
  });
  v.statuses?.forEach((s, k) => {
    collect(out, mapStatus(s, { ...ctx, path: `${at}.statuses[${k}]` }));
  });
  const items = [...(v.messages ?? []), ...(v.message_echoes ?? []), ...(v.statuses ?? [])];
  const errors = v.errors ?? [];
  if (errors.length > 0) {
    const timestamp = errorsTimestamp(items, base.entryTime, base.now);
    const salt = JSON.stringify(items.map((it) => (it as { id?: unknown } | null)?.id ?? null));
    out.events.push(...mapValueErrors(errors, { ...ctx, path: `${at}.errors` }, timestamp, salt));
  }
  if (items.length === 0 && errors.length === 0) {
    out.events.push({
      kind: 'unsupported',
      channel: CHANNEL,
      key: `whatsapp:value:${ctx.phoneNumberId}:${field}:${hashOf(v)}`,
      accountId: ctx.phoneNumberId,
      timestamp: errorsTimestamp([], base.entryTime, base.now),
      source: 'webhook',
      raw: v,
      itemKind: `whatsapp.${field}`,
      reason: `a ${field} change without messages, statuses or errors`,
    });
  }
}

/**
 * Parses a WhatsApp Cloud API webhook body: every entry, change, message, echo, status and error.
 * A malformed item becomes a problem, an item we cannot model an `unsupported` event; neither stops
 * the rest of the batch. Throws `PAYLOAD_INVALID` only when the body is not a webhook envelope.
 *
 * @example
 * const { events, problems } = parseWhatsAppWebhook(rawBody);
 */
export function parseWhatsAppWebhook(rawBody: Uint8Array, options: ParseOptions = {}): ParsedWebhook {
  const now = options.now ?? Date.now;
  const envelope = parseWith(Envelope, decodeJsonBody(rawBody), 'WhatsApp webhook');
  const out: Out = { events: [], problems: [] };
  if (envelope.object !== 'whatsapp_business_account') {
    out.problems.push({ path: 'object', message: `not a WhatsApp webhook: object is ${envelope.object}` });
    return out;
  }
  envelope.entry.forEach((rawEntry, i) => {
    const entryPath = `entry[${i}]`;
    const entry = Entry.safeParse(rawEntry);
    if (!entry.success) {
      out.problems.push(problemOf(entryPath, entry.error, rawEntry));
      return;
    }
    const { id: wabaId, time: entryTime } = entry.data;
    entry.data.changes.forEach((rawChange, j) => {
      const path = `${entryPath}.changes[${j}]`;
      const change = Change.safeParse(rawChange);
      if (!change.success) {
        out.problems.push(problemOf(path, change.error, rawChange));
        return;
      }
      const { field, value } = change.data;
      if (!MESSAGING_FIELDS.has(field)) {
        out.events.push(mapAccountChange(wabaId, entryTime, field, value, now));
        return;
      }
      const messaging = MessagingValue.safeParse(value);
      if (!messaging.success) {
        out.problems.push(problemOf(`${path}.value`, messaging.error, value));
        return;
      }
      parseMessagingValue(out, messaging.data, field, { wabaId, path, entryTime, now });
    });
  });
  return out;
}
