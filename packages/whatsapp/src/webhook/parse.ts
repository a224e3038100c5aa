import type { ParsedWebhook } from '@switchboard/core';
import { checkTimestamps, guardItem, itemTooDeep, mergeItems, sliceItems } from '@switchboard/core/adapter';
import { parseWith } from '@switchboard/core/internal';
import { decodeJsonBody } from '@switchboard/meta-graph';
import type { z } from 'zod';
import { mapAccountChange } from './account.js';
import { type CallContext, mapCall, mapCallStatus } from './calls.js';
import { CHANNEL, hashOf, type ItemContext, problemOf, secondsToMs } from './common.js';
import { GROUP_FIELDS, groupItems } from './groups.js';
import { mapMessage } from './messages.js';
import { CallsValue, Change, Entry, Envelope, MessagingValue } from './schemas.js';
import { mapStatus, mapValueErrors } from './statuses.js';
import { mapTemplateChange, TEMPLATE_FIELDS } from './templates.js';

/** Fields whose value is about messages of one phone number (routed by `metadata.phone_number_id`). */
const MESSAGING_FIELDS = new Set(['messages', 'message_echoes', 'smb_message_echoes']);

export interface ParseOptions {
  /** Timestamp for items that carry none (account fields without `entry.time`). Default `Date.now`. */
  now?: () => number;
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

type ItemMapper = (item: unknown, ctx: ItemContext, path: string) => ParsedWebhook;
const mapInbound: ItemMapper = (item, ctx, path) => mapMessage(item, ctx, path, false);
const mapEcho: ItemMapper = (item, ctx, path) => mapMessage(item, ctx, path, true);

/** One list of a messaging value, each item guarded (depth, timestamps) and mapped without a closure. */
function* listItems(
  list: readonly unknown[] | undefined,
  at: string,
  ctx: ItemContext,
  nowMs: number,
  map: ItemMapper,
): Generator<ParsedWebhook, void, undefined> {
  if (!list) return;
  for (let k = 0; k < list.length; k++) {
    const item = list[k];
    const path = `${at}[${k}]`;
    yield itemTooDeep(path, item) ?? checkTimestamps(path, item, nowMs, map(item, ctx, path));
  }
}

function* messagingItems(
  v: z.infer<typeof MessagingValue>,
  rawValue: Record<string, unknown>,
  field: string,
  base: { wabaId: string; path: string; entryTime: number | undefined; now: () => number; nowMs: number },
): Generator<ParsedWebhook, void, undefined> {
  const ctx: ItemContext = {
    phoneNumberId: v.metadata.phone_number_id,
    wabaId: base.wabaId,
    contacts: v.contacts ?? [],
  };
  const at = `${base.path}.value`;
  yield* listItems(v.messages, `${at}.messages`, ctx, base.nowMs, mapInbound);
  yield* listItems(v.message_echoes, `${at}.message_echoes`, ctx, base.nowMs, mapEcho);
  yield* listItems(v.statuses, `${at}.statuses`, ctx, base.nowMs, mapStatus);
  const errors = v.errors ?? [];
  if (errors.length > 0) {
    const items = [...(v.messages ?? []), ...(v.message_echoes ?? []), ...(v.statuses ?? [])];
    yield guardItem(`${at}.errors`, errors, base.nowMs, () => {
      const timestamp = errorsTimestamp(items, base.entryTime, base.now);
      const salt = JSON.stringify(items.map((it) => (it as { id?: unknown } | null)?.id ?? null));
      return {
        events: mapValueErrors(errors, ctx, timestamp, salt),
        problems: [],
      };
    });
  }
  const none = !v.messages?.length && !v.message_echoes?.length && !v.statuses?.length;
  if (none && errors.length === 0) {
    yield guardItem(at, rawValue, base.nowMs, () => ({
      events: [
        {
          kind: 'unsupported',
          channel: CHANNEL,
          key: `whatsapp:value:${ctx.phoneNumberId}:${field}:${hashOf(rawValue)}`,
          accountId: ctx.phoneNumberId,
          timestamp: errorsTimestamp([], base.entryTime, base.now),
          source: 'webhook',
          raw: rawValue,
          itemKind: `whatsapp.${field}`,
          reason: `a ${field} change without messages, statuses or errors`,
        },
      ],
      problems: [],
    }));
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
  return mergeItems(mapItems(rawBody, options));
}

/** The same, in slices of a few hundred items (`ChannelAdapter.parseWebhookSlices`). */
export function parseWhatsAppWebhookSlices(
  rawBody: Uint8Array,
  options: ParseOptions = {},
): Iterable<ParsedWebhook> {
  return sliceItems(mapItems(rawBody, options));
}

const problem = (path: string, error: z.ZodError | string, raw: unknown): ParsedWebhook => ({
  events: [],
  problems: [problemOf(path, error, raw)],
});

function* mapItems(rawBody: Uint8Array, options: ParseOptions): Generator<ParsedWebhook, void, undefined> {
  const now = options.now ?? Date.now;
  const envelope = parseWith(Envelope, decodeJsonBody(rawBody), 'WhatsApp webhook');
  if (envelope.object !== 'whatsapp_business_account') {
    yield {
      events: [],
      problems: [{ path: 'object', message: `not a WhatsApp webhook: object is ${envelope.object}` }],
    };
    return;
  }
  const nowMs = now();
  for (const [i, rawEntry] of envelope.entry.entries()) {
    const entryPath = `entry[${i}]`;
    const entry = Entry.safeParse(rawEntry);
    if (!entry.success) {
      yield problem(entryPath, entry.error, rawEntry);
      continue;
    }
    const { id: wabaId, time: entryTime } = entry.data;
    for (const [j, rawChange] of entry.data.changes.entries()) {
      const path = `${entryPath}.changes[${j}]`;
      const change = Change.safeParse(rawChange);
      if (!change.success) {
        yield problem(path, change.error, rawChange);
        continue;
      }
      const { field, value } = change.data;
      if (field === 'calls') {
        const calls = CallsValue.safeParse(value);
        if (!calls.success) {
          yield problem(`${path}.value`, calls.error, value);
          continue;
        }
        const ctx: CallContext = {
          phoneNumberId: calls.data.metadata.phone_number_id,
          wabaId,
          contacts: calls.data.contacts ?? [],
          ...(calls.data.metadata.display_phone_number
            ? { displayPhoneNumber: calls.data.metadata.display_phone_number }
            : {}),
        };
        yield* listItems(calls.data.calls, `${path}.value.calls`, ctx, nowMs, mapCall);
        yield* listItems(calls.data.statuses, `${path}.value.statuses`, ctx, nowMs, mapCallStatus);
        if (calls.data.errors?.length)
          yield guardItem(`${path}.value.errors`, calls.data.errors, nowMs, () => ({
            events: mapValueErrors(
              calls.data.errors ?? [],
              ctx,
              errorsTimestamp(calls.data.calls ?? [], entryTime, now),
              'calls',
            ),
            problems: [],
          }));
        continue;
      }
      if (GROUP_FIELDS.has(field)) {
        const fallbackMs = entryTime === undefined ? now() : entryTime * 1000;
        yield* groupItems(value, field, `${path}.value`, fallbackMs, nowMs);
        continue;
      }
      if (TEMPLATE_FIELDS.has(field)) {
        yield guardItem(`${path}.value`, value, nowMs, () =>
          mapTemplateChange(wabaId, entryTime, field, value, `${path}.value`, now),
        );
        continue;
      }
      if (!MESSAGING_FIELDS.has(field)) {
        yield guardItem(`${path}.value`, value, nowMs, () => ({
          events: [mapAccountChange(wabaId, entryTime, field, value, now)],
          problems: [],
        }));
        continue;
      }
      const messaging = MessagingValue.safeParse(value);
      if (!messaging.success) {
        yield problem(`${path}.value`, messaging.error, value);
        continue;
      }
      yield* messagingItems(messaging.data, value, field, { wabaId, path, entryTime, now, nowMs });
    }
  }
}
