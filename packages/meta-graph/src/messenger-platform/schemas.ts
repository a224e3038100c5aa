import { z } from 'zod';

/**
 * Graph ids arrive as strings, some (app_id, sticker_id) as numbers: always keep strings. A number above
 * 2^53 has already lost digits in JSON.parse (two users would collapse into one id): it is a problem.
 * The number becomes a string with `overwrite` (a check) rather than `transform` (a pipe), and the id is
 * one check rather than a union (zod runs a union branch by branch): every item carries two or three ids,
 * and the pipe was about a tenth of a Messenger batch's parse in a CPU profile.
 */
export const GraphId = z
  .custom<string | number>((v) => (typeof v === 'string' ? v.length > 0 : Number.isSafeInteger(v)), {
    error: (issue) =>
      typeof issue.input === 'number'
        ? 'numeric id above 2^53 lost its exact digits (Meta sends ids as strings)'
        : 'expected a non-empty id string or a safe integer',
  })
  .overwrite((v) => String(v)) as unknown as z.ZodType<string, string | number>;

const Party = z.object({ id: GraphId.optional(), user_ref: GraphId.optional() });

/*
 * Events keep the item as it arrived in `raw`, so the schemas of the hot path (item base, message) strip
 * what they do not declare (`z.object`) instead of copying every unknown field (`looseObject`); schemas
 * whose output is kept whole (referral, attachment) stay loose.
 */

/** Fields every `messaging[]` / `standby[]` item may carry. Delivery events may lack `timestamp`. */
export const MessagingItemBase = z.object({
  sender: Party.optional(),
  recipient: Party.optional(),
  timestamp: z.number().optional(),
});
export type MessagingItemBase = z.output<typeof MessagingItemBase>;

export const ReferralPayload = z.looseObject({
  ref: z.string().optional(),
  source: z.string().optional(),
  type: z.string().optional(),
  ad_id: GraphId.optional(),
  referer_uri: z.string().optional(),
  ads_context_data: z
    .looseObject({
      ad_title: z.string().optional(),
      photo_url: z.string().optional(),
      video_url: z.string().optional(),
      post_id: GraphId.optional(),
      product_id: GraphId.optional(),
    })
    .optional(),
});
export type ReferralPayload = z.output<typeof ReferralPayload>;

export const Attachment = z.looseObject({
  type: z.string(),
  title: z.string().optional(),
  url: z.string().optional(),
  sticker_id: GraphId.optional(),
  payload: z
    .looseObject({
      url: z.string().optional(),
      sticker_id: GraphId.optional(),
      id: GraphId.optional(),
      title: z.string().optional(),
      template_type: z.string().optional(),
      ig_post_media_id: GraphId.optional(),
      reel_video_id: GraphId.optional(),
      attachment_id: GraphId.optional(),
    })
    .nullable()
    .optional(),
});
export type Attachment = z.output<typeof Attachment>;

export const MessagePayload = z.object({
  mid: z.string().min(1),
  text: z.string().optional(),
  is_echo: z.boolean().optional(),
  is_self: z.boolean().optional(),
  is_deleted: z.boolean().optional(),
  is_unsupported: z.boolean().optional(),
  app_id: GraphId.optional(),
  metadata: z.string().optional(),
  sticker_id: GraphId.optional(),
  quick_reply: z.looseObject({ payload: z.string() }).optional(),
  reply_to: z
    .looseObject({
      mid: z.string().optional(),
      story: z.looseObject({ url: z.string().optional(), id: GraphId.optional() }).optional(),
    })
    .optional(),
  referral: ReferralPayload.optional(),
  attachments: z.array(Attachment).optional(),
});
export type MessagePayload = z.output<typeof MessagePayload>;

export const ReactionPayload = z.looseObject({
  mid: z.string().min(1),
  action: z.enum(['react', 'unreact']),
  reaction: z.string().optional(),
  emoji: z.string().optional(),
});

export const PostbackPayload = z.looseObject({
  mid: z.string().optional(),
  title: z.string().optional(),
  payload: z.string().optional(),
  referral: ReferralPayload.optional(),
});

export const DeliveryPayload = z.looseObject({
  watermark: z.number(),
  mids: z.array(z.string()).optional(),
});

export const ReadPayload = z
  .looseObject({ watermark: z.number().optional(), mid: z.string().optional() })
  .refine((r) => r.watermark !== undefined || r.mid !== undefined, {
    message: 'read needs watermark or mid',
  });

export const EditPayload = z.looseObject({
  mid: z.string().min(1),
  text: z.string().optional(),
  /** Instagram's example quotes it: accept "1" and 1 — a whole count, nothing else. */
  num_edit: z
    .union([z.number(), z.string().regex(/^\d+$/)])
    .transform(Number)
    .pipe(z.number().int().nonnegative())
    .optional(),
});

export const OptinPayload = z.looseObject({
  type: z.string().optional(),
  payload: z.string().optional(),
  ref: z.string().optional(),
  user_ref: GraphId.optional(),
  title: z.string().optional(),
  notification_messages_token: z.string().optional(),
  notification_messages_frequency: z.string().optional(),
  notification_messages_timezone: z.string().optional(),
  notification_messages_status: z.string().optional(),
  user_token_status: z.string().optional(),
  token_expiry_timestamp: z.number().optional(),
});

const AppIdOrNull = z.union([GraphId, z.null()]);

export const HandoverPayload = z.looseObject({
  previous_owner_app_id: AppIdOrNull.optional(),
  new_owner_app_id: AppIdOrNull.optional(),
  requested_owner_app_id: GraphId.optional(),
  metadata: z.string().optional(),
});

export const AppRolesPayload = z.record(z.string(), z.array(z.string()));

/** `changes[]` item of an Instagram (or Page) entry: comments, live_comments, mentions. */
export const ChangeItem = z.looseObject({ field: z.string().min(1), value: z.unknown() });
