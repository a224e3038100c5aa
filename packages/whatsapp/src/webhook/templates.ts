import type { ParsedWebhook, TemplateEvent } from '@switchboard/core';
import { z } from 'zod';
import { CHANNEL, compact, hashOf, problemOf } from './common.js';

/** Webhook fields about message templates: typed `template` events, not raw `account` records. */
export const TEMPLATE_FIELDS = new Set([
  'message_template_status_update',
  'message_template_quality_update',
  'template_category_update',
  'message_template_components_update',
]);

// message_template_id is a JSON number in Meta's payloads; accept the string form too.
const TemplateId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);
const identity = {
  message_template_id: TemplateId,
  message_template_name: z.string().min(1),
  message_template_language: z.string().min(1),
};

const StatusValue = z.looseObject({
  ...identity,
  event: z.string().min(1),
  reason: z.string().nullable().optional(),
  rejection_info: z.looseObject({}).optional(),
  other_info: z.looseObject({}).optional(),
  disable_info: z.looseObject({}).optional(),
});
const QualityValue = z.looseObject({
  ...identity,
  new_quality_score: z.string().min(1),
  previous_quality_score: z.string().optional(),
});
const CategoryValue = z.looseObject({
  ...identity,
  new_category: z.string().min(1),
  previous_category: z.string().optional(),
  correct_category: z.string().optional(),
  category_update_timestamp: z.number().optional(),
});
const ComponentsValue = z.looseObject({ ...identity });

/**
 * The status a template has after a status notice. `FLAGGED` (quality warning) and `LOCKED` (no more
 * edits) leave the status as it was; `REINSTATED` and `UNARCHIVED` put the template back in use
 * ([unconfirmed]: Meta names no resulting status for these two; APPROVED is what the API reads back).
 */
export function statusAfter(event: string): string | undefined {
  switch (event) {
    case 'FLAGGED':
    case 'LOCKED':
      return undefined;
    case 'REINSTATED':
    case 'UNARCHIVED':
      return 'APPROVED';
    default:
      return event;
  }
}

/** Docs show `en-US`, real payloads `en_US`: the API (and the cache) spell it with an underscore. */
export const normalizeLanguage = (code: string): string => code.replace(/-/g, '_');

type Kind = TemplateEvent['change'];

/** Which notice it is, from the value's keys (Meta's own quality example is labelled as a status update). */
function changeOf(field: string, value: Record<string, unknown>): Kind {
  if ('new_quality_score' in value) return 'quality';
  if ('new_category' in value) return 'category';
  if (field === 'message_template_components_update') return 'components';
  return 'status';
}

const details = (value: Record<string, unknown>, keys: readonly string[]) => {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (value[k] !== undefined) out[k] = value[k];
  return Object.keys(out).length > 0 ? out : undefined;
};

/**
 * Maps one template notice of a WABA. Meta gives no event id: the key is the template, the kind of
 * change, `entry.time` and a hash of the value, so a redelivered POST maps to the same key.
 */
export function mapTemplateChange(
  wabaId: string,
  entryTime: number | undefined,
  field: string,
  value: Record<string, unknown>,
  path: string,
  now: () => number,
): ParsedWebhook {
  const change = changeOf(field, value);
  const schema = {
    status: StatusValue,
    quality: QualityValue,
    category: CategoryValue,
    components: ComponentsValue,
  }[change];
  const parsed = schema.safeParse(value);
  if (!parsed.success) return { events: [], problems: [problemOf(path, parsed.error, value)] };
  const v = parsed.data as z.infer<typeof StatusValue> &
    z.infer<typeof QualityValue> &
    z.infer<typeof CategoryValue>;
  const timestamp = entryTime === undefined ? now() : entryTime > 1e12 ? entryTime : entryTime * 1000;
  const base = {
    kind: 'template' as const,
    channel: CHANNEL,
    key: `whatsapp:template:${wabaId}:${v.message_template_id}:${change}:${entryTime ?? 'none'}:${hashOf(value)}`,
    accountId: wabaId,
    timestamp: Math.trunc(timestamp),
    source: 'webhook' as const,
    raw: value,
    change,
    templateId: v.message_template_id,
    name: v.message_template_name,
    language: normalizeLanguage(v.message_template_language),
  };
  let event: TemplateEvent;
  switch (change) {
    case 'status':
      event = compact({
        ...base,
        event: v.event,
        status: statusAfter(v.event),
        reason: v.reason === 'NONE' ? null : v.reason,
        details: details(value, ['rejection_info', 'other_info', 'disable_info']),
      });
      break;
    case 'quality':
      event = compact({
        ...base,
        quality: v.new_quality_score,
        previousQuality: v.previous_quality_score,
      });
      break;
    case 'category': {
      // An announced change carries the *current* category in new_category (gotcha §5).
      const announced = v.previous_category === undefined && v.correct_category !== undefined;
      event = compact({
        ...base,
        event: announced ? 'CATEGORY_CHANGE_ANNOUNCED' : 'CATEGORY_CHANGED',
        category: v.new_category,
        previousCategory: v.previous_category,
        upcomingCategory: announced ? v.correct_category : undefined,
        categoryChangeAt:
          announced && v.category_update_timestamp !== undefined
            ? v.category_update_timestamp * 1000
            : undefined,
      });
      break;
    }
    case 'components':
      event = compact({
        ...base,
        details: details(value, [
          'message_template_element',
          'message_template_title',
          'message_template_footer',
          'message_template_buttons',
        ]),
      });
      break;
  }
  return { events: [event], problems: [] };
}
