import { JsonArray, JsonObject } from '@switchboard/meta-graph';
import { z } from 'zod';

/*
 * Webhook payloads in Meta's own field names; we are strict only about the fields we map. Unknown fields
 * are tolerated: events keep the item as it arrived in `raw`, so a schema whose output is only read
 * strips what it does not declare (`z.object`) instead of copying every field (`looseObject`); the few
 * whose output is kept whole (errors, referral, interactive replies) stay loose.
 */

const DIGITS = /^\d+$/;

/**
 * Seconds since epoch; Meta sends strings, some SDK fixtures numbers. One check instead of a union:
 * every message and status carries one, and zod runs a union branch by branch.
 */
export const Seconds = z.custom<string | number>(
  (v) => (typeof v === 'string' ? DIGITS.test(v) : Number.isSafeInteger(v) && (v as number) >= 0),
  { error: 'expected Unix seconds (a string of digits or a non-negative integer)' },
);

export const WaError = z.looseObject({
  code: z.number().optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
  href: z.string().optional(),
});
export type WaError = z.infer<typeof WaError>;

export const Envelope = z.object({
  object: z.string(),
  entry: JsonArray,
});

export const Entry = z.object({
  id: z.string().min(1),
  time: z.number().optional(),
  changes: JsonArray,
});

export const Change = z.object({
  field: z.string().min(1),
  value: JsonObject,
});

export const Contact = z.object({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  profile: z.object({ name: z.string().optional(), username: z.string().optional() }).optional(),
});
export type Contact = z.infer<typeof Contact>;

export const MessagingValue = z.object({
  metadata: z.object({ phone_number_id: z.string().min(1) }),
  contacts: z.array(Contact).optional(),
  messages: JsonArray.optional(),
  message_echoes: JsonArray.optional(),
  statuses: JsonArray.optional(),
  errors: z.array(WaError).optional(),
});

export const Context = z.object({
  from: z.string().optional(),
  id: z.string().optional(),
  forwarded: z.boolean().optional(),
  frequently_forwarded: z.boolean().optional(),
  referred_product: z
    .looseObject({ catalog_id: z.string().optional(), product_retailer_id: z.string().optional() })
    .optional(),
});

export const WaReferral = z.looseObject({
  source_url: z.string().optional(),
  source_id: z.string().optional(),
  source_type: z.string().optional(),
  headline: z.string().optional(),
  body: z.string().optional(),
  media_type: z.string().optional(),
  image_url: z.string().optional(),
  video_url: z.string().optional(),
  thumbnail_url: z.string().optional(),
  ctwa_clid: z.string().optional(),
});

/** Fields every item of `messages[]` / `message_echoes[]` has (the type's own object is read from the item). */
export const PlainMessage = z.object({
  id: z.string().min(1),
  timestamp: Seconds,
  type: z.string().min(1),
  from: z.string().optional(),
  from_user_id: z.string().optional(),
  to: z.string().optional(),
  to_user_id: z.string().optional(),
});

/**
 * The same with the fields only some messages carry. Most messages carry none of them and are checked
 * with {@link PlainMessage} (`messageBaseOf`): zod's object parser runs every declared key, present or not.
 */
export const MessageBase = PlainMessage.extend({
  context: Context.optional(),
  referral: WaReferral.optional(),
  errors: z.array(WaError).optional(),
  /** Set on messages sent in a group: `from` is then the participant. */
  group_id: z.string().min(1).optional(),
});
export type MessageBase = z.infer<typeof MessageBase>;

const has = (item: unknown, keys: readonly string[]): boolean => {
  if (item === null || typeof item !== 'object') return false;
  for (const key of keys) if ((item as Record<string, unknown>)[key] !== undefined) return true;
  return false;
};
const RARE_MESSAGE_KEYS = ['context', 'referral', 'errors', 'group_id'];

/** A message item checked with the one schema its keys call for (a key present is always validated). */
export function parseMessageBase(item: unknown): z.ZodSafeParseResult<MessageBase> {
  return has(item, RARE_MESSAGE_KEYS) ? MessageBase.safeParse(item) : PlainMessage.safeParse(item);
}

export const Media = z.object({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  url: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
});

export const Location = z.object({
  latitude: z.number(),
  longitude: z.number(),
  name: z.string().optional(),
  address: z.string().optional(),
  url: z.string().optional(),
});

const typed = z.object({ type: z.string().optional() });
export const WaContactCard = z.object({
  name: z.looseObject({
    formatted_name: z.string(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
  }),
  phones: z.array(typed.extend({ phone: z.string(), wa_id: z.string().optional() })).optional(),
  emails: z.array(typed.extend({ email: z.string() })).optional(),
  urls: z.array(typed.extend({ url: z.string() })).optional(),
  org: z
    .looseObject({
      company: z.string().optional(),
      department: z.string().optional(),
      title: z.string().optional(),
    })
    .optional(),
  addresses: z.array(z.record(z.string(), z.unknown())).optional(),
  birthday: z.string().optional(),
});

export const Interactive = z.looseObject({
  type: z.string().min(1),
  button_reply: z.looseObject({ id: z.string(), title: z.string().optional() }).optional(),
  list_reply: z
    .looseObject({ id: z.string(), title: z.string().optional(), description: z.string().optional() })
    .optional(),
  nfm_reply: z
    .looseObject({ name: z.string().optional(), body: z.string().optional(), response_json: z.string() })
    .optional(),
});

/** `interactive.call_permission_reply`: the customer's answer to a call permission request. */
export const CallPermissionReply = z.object({
  response: z
    .string()
    .transform((r) => r.toLowerCase())
    .pipe(z.enum(['accept', 'reject'])),
  is_permanent: z.boolean().optional(),
  expiration_timestamp: Seconds.optional(),
  response_source: z.string().optional(),
});

export const TemplateButton = z.object({ payload: z.string(), text: z.string().optional() });
export const Reaction = z.object({ message_id: z.string().min(1), emoji: z.string().optional() });

export const Order = z.object({
  catalog_id: z.string().optional(),
  text: z.string().optional(),
  product_items: z.array(
    z.looseObject({
      product_retailer_id: z.string(),
      quantity: z.union([z.number(), z.string().regex(/^\d+$/)]),
      item_price: z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]),
      currency: z.string(),
    }),
  ),
});

export const System = z.object({
  body: z.string().optional(),
  type: z.string().optional(),
  wa_id: z.string().optional(),
  new_wa_id: z.string().optional(),
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
});

export const Edit = z.object({
  original_message_id: z.string().min(1),
  message: z
    .looseObject({ type: z.string().optional(), text: z.looseObject({ body: z.string() }).optional() })
    .optional(),
});
export const Revoke = z.object({ original_message_id: z.string().min(1) });

/** A status of a one-to-one message without errors: what almost every status is. */
export const PlainStatus = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: Seconds,
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  conversation: JsonObject.optional(),
  pricing: JsonObject.optional(),
});

/** Any status: group statuses and failures add these (checked only when one of them is present). */
export const Status = PlainStatus.extend({
  recipient_type: z.string().optional(),
  // Group statuses name the participant; Meta's pages and captures spell the key three ways.
  recipient_participant_id: z.string().optional(),
  participant_recipient_id: z.string().optional(),
  recipient_participant_user_id: z.string().optional(),
  errors: z.array(WaError).optional(),
});
export type Status = z.infer<typeof Status>;
const RARE_STATUS_KEYS = [
  'recipient_type',
  'recipient_participant_id',
  'participant_recipient_id',
  'recipient_participant_user_id',
  'errors',
];

/** A status item checked with the one schema its keys call for. */
export function parseStatus(item: unknown): z.ZodSafeParseResult<Status> {
  return has(item, RARE_STATUS_KEYS) ? Status.safeParse(item) : PlainStatus.safeParse(item);
}

/** `value` of the `calls` field: call events and business-initiated call statuses of one number. */
export const CallsValue = z.object({
  metadata: z.object({ phone_number_id: z.string().min(1), display_phone_number: z.string().optional() }),
  contacts: z.array(Contact).optional(),
  calls: JsonArray.optional(),
  statuses: JsonArray.optional(),
  errors: z.array(WaError).optional(),
});

export const Call = z.object({
  id: z.string().min(1),
  event: z.string().min(1),
  timestamp: Seconds,
  from: z.string().optional(),
  to: z.string().optional(),
  direction: z.string().optional(),
  // Documented as an array, sent as a string.
  status: z.union([z.string(), z.array(z.string())]).optional(),
  start_time: Seconds.optional(),
  end_time: Seconds.optional(),
  duration: z.union([z.number(), z.string()]).optional(),
  session: z.object({ sdp_type: z.string(), sdp: z.string() }).optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(WaError).optional(),
});

export const CallStatus = z.object({
  id: z.string().min(1),
  type: z.literal('call'),
  status: z.string().min(1),
  timestamp: Seconds,
  recipient_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(WaError).optional(),
});
