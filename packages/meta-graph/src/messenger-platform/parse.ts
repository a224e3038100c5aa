import type { ChannelEvent, ParsedWebhook, WebhookProblem } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import { checkTimestamps, itemTooDeep, mergeItems, sliceItems } from '@switchboard/core/adapter';
import { z } from 'zod';
import { decodeJsonBody } from '../body.js';
import { JsonArray } from '../json-shapes.js';
import { mapChangeItem } from './changes.js';
import type { ItemContext } from './context.js';
import { messengerPlatformKeys as keys, type MessengerPlatformChannel, toEpochMs } from './keys.js';
import { ITEM_MAPPERS } from './map-events.js';
import { mapMessageItem } from './map-message.js';
import { GraphId, MessagingItemBase } from './schemas.js';

/** The `object` value Meta sends for each channel. */
export const MESSENGER_PLATFORM_OBJECTS: Record<MessengerPlatformChannel, string> = {
  messenger: 'page',
  instagram: 'instagram',
};

// Item lists are checked as arrays, not copied: each item is validated once, by its own schema.
const Envelope = z.object({ object: z.string(), entry: JsonArray });
const Entry = z.object({
  id: GraphId,
  time: z.number().optional(),
  messaging: JsonArray.optional(),
  standby: JsonArray.optional(),
  changes: JsonArray.optional(),
});

export interface ParseMessengerPlatformOptions {
  channel: MessengerPlatformChannel;
  /** Used when an entry carries no `time`; defaults to `Date.now()`. */
  now?: () => number;
}

/**
 * Parses a Messenger Platform webhook body (Messenger `page` or `instagram` object) into core events.
 * Walks every entry and every `messaging[]`, `standby[]` and `changes[]` item; an unknown item kind
 * becomes an `unsupported` event and a malformed item a problem, without rejecting the rest.
 * Throws `PAYLOAD_INVALID` only when the body is not a JSON object with an `entry` array.
 *
 * @example
 * const { events, problems } = parseMessengerPlatformWebhook(rawBody, { channel: 'messenger' });
 */
export function parseMessengerPlatformWebhook(
  rawBody: Uint8Array,
  options: ParseMessengerPlatformOptions,
): ParsedWebhook {
  return mergeItems(mapItems(decodeJsonBody(rawBody), options));
}

/** The same, in slices of a few hundred items (`ChannelAdapter.parseWebhookSlices`). */
export function parseMessengerPlatformWebhookSlices(
  rawBody: Uint8Array,
  options: ParseMessengerPlatformOptions,
): Iterable<ParsedWebhook> {
  return sliceItems(mapItems(decodeJsonBody(rawBody), options));
}

/** Same as {@link parseMessengerPlatformWebhook} for an already decoded body. */
export function parseMessengerPlatformPayload(
  body: unknown,
  options: ParseMessengerPlatformOptions,
): ParsedWebhook {
  return mergeItems(mapItems(body, options));
}

/** One result per item (entry problems included). */
function* mapItems(
  body: unknown,
  options: ParseMessengerPlatformOptions,
): Generator<ParsedWebhook, void, undefined> {
  const envelope = Envelope.safeParse(body);
  if (!envelope.success) {
    throw new SwitchboardError(
      'PAYLOAD_INVALID',
      'webhook body is not a Messenger Platform envelope ({ object, entry[] })',
      { path: '$.entry' },
    );
  }
  const expected = MESSENGER_PLATFORM_OBJECTS[options.channel];
  if (envelope.data.object !== expected) {
    yield problem('object', `expected object "${expected}", got "${envelope.data.object}"`);
    return;
  }
  const now = (options.now ?? Date.now)();
  const channel = options.channel;
  for (let e = 0; e < envelope.data.entry.length; e++) {
    const rawEntry = envelope.data.entry[e];
    const entry = Entry.safeParse(rawEntry);
    if (!entry.success) {
      yield problem(`entry[${e}]`, `entry: ${entry.error.issues[0]?.message ?? 'invalid'}`, rawEntry);
      continue;
    }
    const { id: accountId, time, messaging, standby, changes } = entry.data;
    const entryTime = time === undefined ? now : toEpochMs(time);
    const at = `entry[${e}]`;
    if (messaging)
      yield* messagingItems(messaging, `${at}.messaging`, false, channel, accountId, entryTime, now);
    if (standby) yield* messagingItems(standby, `${at}.standby`, true, channel, accountId, entryTime, now);
    for (let i = 0; changes && i < changes.length; i++) {
      const path = `${at}.changes[${i}]`;
      const raw = changes[i];
      yield itemTooDeep(path, raw) ??
        checkTimestamps(path, raw, now, mapChangeItem({ channel, accountId, entryTime, path, raw }));
    }
  }
}

/** One `messaging[]` / `standby[]` list: each item guarded (depth, timestamps) and mapped, no closure per item. */
function* messagingItems(
  items: readonly unknown[],
  at: string,
  standby: boolean,
  channel: MessengerPlatformChannel,
  accountId: string,
  entryTime: number,
  now: number,
): Generator<ParsedWebhook, void, undefined> {
  for (let i = 0; i < items.length; i++) {
    const path = `${at}[${i}]`;
    const raw = items[i];
    yield itemTooDeep(path, raw) ??
      checkTimestamps(path, raw, now, mapMessagingItem(channel, accountId, entryTime, path, raw, standby));
  }
}

const problem = (path: string, message: string, raw?: unknown): ParsedWebhook => ({
  events: [],
  problems: [raw === undefined ? { path, message } : { path, message, raw }],
});

function mapMessagingItem(
  channel: MessengerPlatformChannel,
  accountId: string,
  entryTime: number,
  path: string,
  raw: unknown,
  standby: boolean,
): {
  events: ChannelEvent[];
  problems: WebhookProblem[];
} {
  const base = MessagingItemBase.safeParse(raw);
  if (!base.success || raw === null || typeof raw !== 'object') {
    return {
      events: [],
      problems: [
        {
          path,
          message: `messaging item is not an object with sender/recipient/timestamp${base.success ? '' : `: ${base.error.issues[0]?.message ?? 'invalid'}`}`,
          raw,
        },
      ],
    };
  }
  if (base.data.timestamp !== undefined) base.data.timestamp = toEpochMs(base.data.timestamp);
  const ctx: ItemContext = { channel, accountId, entryTime, path, raw, standby, base: base.data };
  const item = raw as Record<string, unknown>;
  if (item.message !== undefined) return mapMessageItem(ctx, item.message);
  for (const [key, map] of ITEM_MAPPERS) {
    if (item[key] !== undefined) return map(ctx, item[key]);
  }
  const itemKind =
    Object.keys(item).find((k) => k !== 'sender' && k !== 'recipient' && k !== 'timestamp') ?? 'empty';
  const userId = base.data.sender?.id ?? base.data.sender?.user_ref;
  const unsupported: ChannelEvent = {
    kind: 'unsupported',
    channel: ctx.channel,
    accountId: ctx.accountId,
    timestamp: ctx.base.timestamp ?? ctx.entryTime,
    source: 'webhook',
    raw: ctx.raw,
    key: keys.unsupported(ctx.channel, ctx.accountId, `messaging.${itemKind}`, ctx.raw),
    itemKind: `messaging.${itemKind}`,
    reason: `messaging item "${itemKind}" is not modeled`,
    ...(userId === undefined || userId === ctx.accountId
      ? {}
      : { userId, conversationId: `${ctx.channel}:${ctx.accountId}:${userId}` }),
  };
  return { events: [unsupported], problems: [] };
}
