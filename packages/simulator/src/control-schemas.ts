import { z } from 'zod';

const channel = z.enum(['messenger', 'instagram', 'whatsapp']);
const scope = {
  channel: channel.optional(),
  accountId: z.string().optional(),
  durationMs: z.number().positive().optional(),
};

/** Body of `POST /_sim/faults`. */
export const FaultBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webhook-outage'), mode: z.enum(['drop', 'hold']), ...scope }),
  z.object({ type: z.literal('duplicates'), rate: z.number().min(0).max(1), ...scope }),
  z.object({ type: z.literal('reorder'), windowMs: z.number().positive(), ...scope }),
  z.object({ type: z.literal('latency'), ms: z.number().nonnegative(), ...scope }),
  z.object({
    type: z.literal('send-failures'),
    code: z.number().int(),
    subcode: z.number().int().optional(),
    message: z.string().optional(),
    httpStatus: z.number().int().min(400).max(599).optional(),
    rate: z.number().min(0).max(1).optional(),
    count: z.number().int().positive().optional(),
    ...scope,
  }),
  z.object({
    type: z.literal('rate-limit-storm'),
    code: z.number().int().optional(),
    subcode: z.number().int().optional(),
    httpStatus: z.number().int().min(400).max(599).optional(),
    ...scope,
  }),
  z.object({ type: z.literal('expire-token'), token: z.string() }),
  z.object({ type: z.literal('revoke-token'), token: z.string(), subcode: z.number().int().optional() }),
  z.object({ type: z.literal('unsubscribe'), accountId: z.string() }),
  z.object({
    type: z.literal('whatsapp-quality'),
    phoneNumberId: z.string(),
    qualityRating: z.enum(['GREEN', 'YELLOW', 'RED']).optional(),
    canSendMessage: z.enum(['AVAILABLE', 'LIMITED', 'BLOCKED']).optional(),
    messagingLimit: z.string().optional(),
  }),
]);

/** Body of `POST /_sim/customer-sends`. */
export const CustomerSendBody = z.object({
  channel,
  accountId: z.string().optional(),
  userId: z.string().optional(),
  kind: z
    .enum([
      'text',
      'image',
      'video',
      'audio',
      'file',
      'sticker',
      'reaction',
      'unreact',
      'postback',
      'quick_reply',
      'referral',
      'read',
      'edit',
      'delete',
      'share',
      'story_mention',
      'story_reply',
      'location',
      'contacts',
      'button_reply',
      'list_reply',
      'button',
      'order',
      'unsupported',
    ])
    .optional(),
  text: z.string().optional(),
  replyTo: z.string().optional(),
  emoji: z.string().optional(),
  payload: z.string().optional(),
  at: z.number().optional(),
});

/** Body of `POST /_sim/traffic`. */
export const TrafficBody = z.object({
  perMinute: z.number().positive(),
  channels: z.array(channel).optional(),
  accounts: z.array(z.string()).optional(),
  model: z.enum(['poisson', 'sessions']).optional(),
  perMinuteByAccount: z.record(z.string(), z.number().nonnegative()).optional(),
  dayShape: z.array(z.number().min(0).max(1)).length(24).optional(),
  session: z
    .object({
      messages: z.tuple([z.number().int().min(1), z.number().int().min(1)]).optional(),
      pauseMs: z.number().positive().optional(),
      replyChance: z.number().min(0).max(1).optional(),
      replyAfterMs: z.number().positive().optional(),
      followUpChance: z.number().min(0).max(1).optional(),
    })
    .optional(),
});

/** Body of `POST /_sim/webhooks`. */
export const WebhookBody = z.object({ channel, url: z.string().url().optional() });

const commentChannel = z.enum(['messenger', 'instagram']);

/** `POST /_sim/posts`: a Page post or Instagram media (`live`: a live broadcast, Instagram). */
export const PostBody = z.object({
  channel: commentChannel,
  accountId: z.string().min(1).optional(),
  caption: z.string().optional(),
  live: z.boolean().optional(),
});

/** `POST /_sim/comments`: a customer comments (or replies, or @mentions the account). */
export const CommentBody = z.object({
  channel: commentChannel,
  accountId: z.string().min(1).optional(),
  postId: z.string().min(1).optional(),
  parentId: z.string().min(1).optional(),
  userId: z.string().min(1).optional(),
  text: z.string().min(1),
  at: z.number().int().nonnegative().optional(),
  mention: z.boolean().optional(),
});
