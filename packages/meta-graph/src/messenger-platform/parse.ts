import type { ChannelEvent, ParsedWebhook, WebhookProblem } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import { z } from 'zod';
import { decodeJsonBody } from '../body.js';
import { mapChangeItem } from './changes.js';
import type { ItemContext } from './context.js';
import { messengerPlatformKeys as keys, type MessengerPlatformChannel, toEpochMs } from './keys.js';
import { ITEM_MAPPERS } from './map-events.js';
import { mapMessageItem } from './map-message.js';
import { MessagingItemBase } from './schemas.js';

/** The `object` value Meta sends for each channel. */
export const MESSENGER_PLATFORM_OBJECTS: Record<MessengerPlatformChannel, string> = {
  messenger: 'page',
  instagram: 'instagram',
};

const Envelope = z.looseObject({ object: z.string(), entry: z.array(z.unknown()) });
const Entry = z.looseObject({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  time: z.number().optional(),
  messaging: z.array(z.unknown()).optional(),
  standby: z.array(z.unknown()).optional(),
  changes: z.array(z.unknown()).optional(),
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
  return parseMessengerPlatformPayload(decodeJsonBody(rawBody), options);
}

/** Same as {@link parseMessengerPlatformWebhook} for an already decoded body. */
export function parseMessengerPlatformPayload(
  body: unknown,
  options: ParseMessengerPlatformOptions,
): ParsedWebhook {
  const envelope = Envelope.safeParse(body);
  if (!envelope.success) {
    throw new SwitchboardError(
      'PAYLOAD_INVALID',
      'webhook body is not a Messenger Platform envelope ({ object, entry[] })',
      {
        path: '$.entry',
      },
    );
  }
  const events: ChannelEvent[] = [];
  const problems: WebhookProblem[] = [];
  const expected = MESSENGER_PLATFORM_OBJECTS[options.channel];
  if (envelope.data.object !== expected) {
    problems.push({
      path: 'object',
      message: `expected object "${expected}", got "${envelope.data.object}"`,
    });
    return { events, problems };
  }
  envelope.data.entry.forEach((rawEntry, e) => {
    const entry = Entry.safeParse(rawEntry);
    if (!entry.success) {
      problems.push({
        path: `entry[${e}]`,
        message: `entry: ${entry.error.issues[0]?.message ?? 'invalid'}`,
        raw: rawEntry,
      });
      return;
    }
    const { id: accountId, time, messaging, standby, changes } = entry.data;
    const entryTime = time === undefined ? (options.now ?? Date.now)() : toEpochMs(time);
    const walk = (items: readonly unknown[] | undefined, container: 'messaging' | 'standby') => {
      items?.forEach((raw, i) => {
        const path = `entry[${e}].${container}[${i}]`;
        const result = mapMessagingItem({
          channel: options.channel,
          accountId,
          entryTime,
          path,
          standby: container === 'standby',
          raw,
        });
        events.push(...result.events);
        problems.push(...result.problems);
      });
    };
    walk(messaging, 'messaging');
    walk(standby, 'standby');
    changes?.forEach((raw, i) => {
      const result = mapChangeItem({
        channel: options.channel,
        accountId,
        entryTime,
        path: `entry[${e}].changes[${i}]`,
        raw,
      });
      events.push(...result.events);
      problems.push(...result.problems);
    });
  });
  return { events, problems };
}

function mapMessagingItem(ctx: Omit<ItemContext, 'base'>): {
  events: ChannelEvent[];
  problems: WebhookProblem[];
} {
  const base = MessagingItemBase.safeParse(ctx.raw);
  if (!base.success || ctx.raw === null || typeof ctx.raw !== 'object') {
    return {
      events: [],
      problems: [
        {
          path: ctx.path,
          message: 'messaging item is not an object with sender/recipient/timestamp',
          raw: ctx.raw,
        },
      ],
    };
  }
  const full: ItemContext = { ...ctx, base: base.data };
  if (base.data.timestamp !== undefined)
    full.base = { ...base.data, timestamp: toEpochMs(base.data.timestamp) };
  const item = ctx.raw as Record<string, unknown>;
  if (item.message !== undefined) return mapMessageItem(full, item.message);
  for (const [key, map] of ITEM_MAPPERS) {
    if (item[key] !== undefined) return map(full, item[key]);
  }
  const itemKind =
    Object.keys(item).find((k) => k !== 'sender' && k !== 'recipient' && k !== 'timestamp') ?? 'empty';
  const userId = base.data.sender?.id ?? base.data.sender?.user_ref;
  const unsupported: ChannelEvent = {
    kind: 'unsupported',
    channel: ctx.channel,
    accountId: ctx.accountId,
    timestamp: full.base.timestamp ?? ctx.entryTime,
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
