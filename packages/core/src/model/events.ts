import { z } from 'zod';
import { ERROR_CODES, type SwitchboardErrorCode } from '../errors.js';
import { ContentPart } from './content.js';
import { GroupEventFields } from './group-event.js';

export { GroupAction, GroupParticipant, GroupSettingChange } from './group-event.js';

export const EventSource = z.enum(['webhook', 'backfill']);
export type EventSource = z.infer<typeof EventSource>;

/** Fields every event has. */
const eventBase = {
  channel: z.string(),
  /** Deterministic dedup key, unique per real-world event, e.g. `whatsapp:msg:<wamid>`. */
  key: z.string().min(1),
  /** Page id / Instagram account id / WhatsApp phone_number_id (WABA id for account-level events). */
  accountId: z.string().min(1),
  /** Epoch milliseconds. */
  timestamp: z.number().int().nonnegative(),
  source: EventSource,
  /** The platform's own item, untouched. */
  raw: z.unknown(),
  /** Tenant of the account (`switchboard.accounts`), set on dispatch; absent for accounts without one. */
  tenantId: z.string().optional(),
};

/** Fields of events that belong to one conversation. */
const conversational = {
  ...eventBase,
  /** PSID / IGSID / wa_id (or business-scoped user id when no phone is given). */
  userId: z.string().min(1),
  /** `${channel}:${accountId}:${userId}`; a group's: `whatsapp:<phone_number_id>:group:<group_id>`. */
  conversationId: z.string().min(1),
  /** Set when the event happened in a group (WhatsApp groups): `userId` stays the participant. Replies go to the group. */
  groupId: z.string().min(1).optional(),
};

export const Profile = z.object({
  name: z.string().optional(),
  username: z.string().optional(),
  phone: z.string().optional(),
});
export type Profile = z.infer<typeof Profile>;

export const Referral = z.object({
  source: z.string().optional(),
  type: z.string().optional(),
  ref: z.string().optional(),
  adId: z.string().optional(),
  url: z.string().optional(),
  headline: z.string().optional(),
  body: z.string().optional(),
  ctwaClid: z.string().optional(),
  raw: z.unknown().optional(),
});
export type Referral = z.infer<typeof Referral>;

export const MessageEvent = z.object({
  kind: z.literal('message'),
  ...conversational,
  messageId: z.string().min(1),
  direction: z.enum(['inbound', 'outbound']),
  /** A copy of a business-sent message (Messenger/Instagram echo). */
  echo: z.boolean().optional(),
  /** App that sent an echo (Page Inbox replies carry Meta's inbox app id). */
  appId: z.string().optional(),
  /** Correlation string we sent (Messenger `metadata`): the outbox id for our own sends. */
  correlationId: z.string().optional(),
  text: z.string().optional(),
  parts: z.array(ContentPart),
  replyTo: z
    .object({
      messageId: z.string().optional(),
      storyId: z.string().optional(),
      storyUrl: z.string().optional(),
    })
    .optional(),
  /** Received in `standby[]`: another app owns the thread. */
  standby: z.boolean().optional(),
  forwarded: z.boolean().optional(),
  frequentlyForwarded: z.boolean().optional(),
  /** Test message sent to oneself (Instagram `is_self`). */
  self: z.boolean().optional(),
  referral: Referral.optional(),
  profile: Profile.optional(),
});

export const ReactionEvent = z.object({
  kind: z.literal('reaction'),
  ...conversational,
  /** The message reacted to. */
  messageId: z.string().min(1),
  action: z.enum(['react', 'unreact']),
  emoji: z.string().optional(),
  reaction: z.string().optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
});

export const PostbackEvent = z.object({
  kind: z.literal('postback'),
  ...conversational,
  payload: z.string().optional(),
  title: z.string().optional(),
  messageId: z.string().optional(),
  referral: Referral.optional(),
  standby: z.boolean().optional(),
});

export const ReferralEvent = z.object({ kind: z.literal('referral'), ...conversational, referral: Referral });

export const DeliveryEvent = z.object({
  kind: z.literal('delivery'),
  ...conversational,
  messageIds: z.array(z.string()),
  /** Everything sent before this time (ms) is delivered. */
  watermark: z.number().optional(),
  standby: z.boolean().optional(),
});

export const ReadEvent = z.object({
  kind: z.literal('read'),
  ...conversational,
  /** Everything sent at or before this time (ms) was read (Messenger). */
  watermark: z.number().optional(),
  /** The message read (Instagram `read.mid`). */
  messageId: z.string().optional(),
  standby: z.boolean().optional(),
});

export const EditEvent = z.object({
  kind: z.literal('edit'),
  ...conversational,
  messageId: z.string().min(1),
  text: z.string().optional(),
  editCount: z.number().int().optional(),
});

export const DeleteEvent = z.object({
  kind: z.literal('delete'),
  ...conversational,
  messageId: z.string().min(1),
});

export const OptinEvent = z.object({
  kind: z.literal('optin'),
  ...conversational,
  optinType: z.string().optional(),
  payload: z.string().optional(),
  ref: z.string().optional(),
  token: z.string().optional(),
  status: z.string().optional(),
  frequency: z.string().optional(),
  title: z.string().optional(),
  tokenExpiresAt: z.number().optional(),
});

export const HandoverEvent = z.object({
  kind: z.literal('handover'),
  ...conversational,
  action: z.enum(['pass_thread_control', 'take_thread_control', 'request_thread_control', 'app_roles']),
  previousOwnerAppId: z.string().nullable().optional(),
  newOwnerAppId: z.string().nullable().optional(),
  requestedOwnerAppId: z.string().optional(),
  metadata: z.string().optional(),
  appRoles: z.record(z.string(), z.array(z.string())).optional(),
});

export const MessageStatus = z.enum(['sent', 'delivered', 'read', 'failed', 'deleted']);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const PlatformError = z.object({
  code: z.number().optional(),
  subcode: z.number().optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  details: z.string().optional(),
});
export type PlatformError = z.infer<typeof PlatformError>;

export const StatusEvent = z.object({
  kind: z.literal('status'),
  ...conversational,
  /** Our message the status is about (wamid / mid). */
  messageId: z.string().min(1),
  status: MessageStatus,
  error: PlatformError.optional(),
  errors: z.array(PlatformError).optional(),
  /**
   * For a `failed` status: the adapter's classification of `error` with its platform's error table. The
   * outbox entry fails with this code; without one it fails as `RECIPIENT_UNAVAILABLE`.
   */
  errorCode: z.enum(Object.keys(ERROR_CODES) as [SwitchboardErrorCode, ...SwitchboardErrorCode[]]).optional(),
  /** What we sent as `biz_opaque_callback_data` / `metadata`: the outbox id for our own sends. */
  correlationId: z.string().optional(),
  pricing: z.record(z.string(), z.unknown()).optional(),
  conversation: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A voice call (WhatsApp Calling API): `connect` (with the SDP offer or answer to act on within ~30 s),
 * `status` (ringing, accepted, rejected for business-initiated calls) and `terminate` (with the outcome
 * and duration). `direction` is `inbound` for a call the customer placed.
 */
export const CallEvent = z.object({
  kind: z.literal('call'),
  ...conversational,
  callId: z.string().min(1),
  phase: z.enum(['connect', 'terminate', 'status']),
  direction: z.enum(['inbound', 'outbound']),
  /** Upper-case platform status: COMPLETED, FAILED (terminate); RINGING, ACCEPTED, REJECTED (status). */
  status: z.string().optional(),
  durationSec: z.number().nonnegative().optional(),
  /** Epoch ms. */
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  /** The SDP of a connect: what to answer (`accept` with your answer SDP) or what the customer answered. */
  session: z.object({ sdpType: z.string(), sdp: z.string() }).optional(),
  /** `biz_opaque_callback_data` of our own call actions. */
  correlationId: z.string().optional(),
  errors: z.array(PlatformError).optional(),
});

/** A group lifecycle, settings, participant or status notification (fields: {@link GroupEventFields}). */
export const GroupEvent = z.object({ ...eventBase, ...GroupEventFields });
/**
 * A change to a message template of the account (WhatsApp: template status, quality, category and
 * components webhooks of a WABA). No conversation; `accountId` is the template's owner (the WABA id).
 * `status` is the template's status after the change when the change sets one (a `FLAGGED` notice leaves
 * it as it was); `event` is the platform's own word for what happened.
 */
export const TemplateEvent = z.object({
  kind: z.literal('template'),
  ...eventBase,
  change: z.enum(['status', 'quality', 'category', 'components']),
  templateId: z.string().min(1),
  name: z.string().min(1),
  /** Language code in the platform's API spelling (`en_US`). */
  language: z.string().min(1),
  /** The platform's word for the change (`APPROVED`, `FLAGGED`, `REINSTATED`, ...). */
  event: z.string().optional(),
  status: z.string().optional(),
  reason: z.string().nullable().optional(),
  quality: z.string().optional(),
  previousQuality: z.string().optional(),
  category: z.string().optional(),
  previousCategory: z.string().optional(),
  /** A category change announced ahead: the category it will get, and when (epoch ms). */
  upcomingCategory: z.string().optional(),
  categoryChangeAt: z.number().optional(),
  /** Further details the platform sent (rejection recommendation, pause title, disable date, new components). */
  details: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A comment on a post or media: Facebook Page `feed` comments, Instagram `comments`, `live_comments` and
 * comment `mentions`. `userId` is the author (absent for an Instagram mention, whose webhook names no
 * author). `conversationId` is the comment thread, `${channel}:${accountId}:comment:${rootCommentId}`,
 * where the root is the top-level comment (`parentId` of a reply on Instagram, the parent on Facebook),
 * so a comment and the replies under it share one thread, apart from the author's direct messages.
 * The business's own comments (replies) arrive with `direction: 'outbound'`: a bot must not answer them.
 * Answer with `to.commentId` (see `Recipient`): `public_reply` content, `comment_moderation`, or any
 * message content as a private reply.
 */
export const CommentEvent = z.object({
  kind: z.literal('comment'),
  ...eventBase,
  userId: z.string().min(1).optional(),
  conversationId: z.string().min(1),
  commentId: z.string().min(1),
  /** The comment replied to; absent for a top-level comment. */
  parentId: z.string().min(1).optional(),
  /** Facebook: the Page post (`{page-id}_{post-id}`). */
  postId: z.string().min(1).optional(),
  /** Instagram: the media (post, reel, live video) commented on. */
  mediaId: z.string().min(1).optional(),
  text: z.string().optional(),
  verb: z.enum(['add', 'edit', 'remove', 'hide', 'unhide']),
  direction: z.enum(['inbound', 'outbound']),
  username: z.string().optional(),
  /** Facebook: the author's display name. */
  name: z.string().optional(),
  permalink: z.string().optional(),
  /** A comment on a live broadcast (Instagram `live_comments`): private replies only while it is live. */
  live: z.boolean().optional(),
  /** The business was @mentioned in this comment (Instagram `mentions`); the text must be fetched. */
  mention: z.boolean().optional(),
  /** Hidden at the time of the webhook (Facebook `is_hidden`). */
  hidden: z.boolean().optional(),
  /** Instagram `media_product_type` (FEED, REELS, AD, LIVE...). */
  mediaProductType: z.string().optional(),
  /** The ad the commented post belongs to (boosted posts, ads). */
  adId: z.string().optional(),
});

/** Account-level notification (WhatsApp account_update, quality, template status...). No conversation. */
export const AccountEvent = z.object({
  kind: z.literal('account'),
  ...eventBase,
  field: z.string(),
  event: z.string().optional(),
  data: z.unknown(),
});

/** Something the adapter recognised as an item but cannot model; kept, never dropped. */
export const UnsupportedEvent = z.object({
  kind: z.literal('unsupported'),
  ...eventBase,
  userId: z.string().optional(),
  conversationId: z.string().optional(),
  /** What the item was, e.g. `messaging.unknown_key`, `changes.comments`, `whatsapp.errors`. */
  itemKind: z.string(),
  reason: z.string(),
  errors: z.array(PlatformError).optional(),
});

export const ChannelEvent = z.discriminatedUnion('kind', [
  MessageEvent,
  ReactionEvent,
  PostbackEvent,
  ReferralEvent,
  DeliveryEvent,
  ReadEvent,
  EditEvent,
  DeleteEvent,
  OptinEvent,
  HandoverEvent,
  StatusEvent,
  CallEvent,
  GroupEvent,
  TemplateEvent,
  CommentEvent,
  AccountEvent,
  UnsupportedEvent,
]);
export type ChannelEvent = z.infer<typeof ChannelEvent>;
export type EventKind = ChannelEvent['kind'];
export const EVENT_KINDS = ChannelEvent.options.map((o) => o.shape.kind.value) as EventKind[];
export type EventOfKind<K extends EventKind> = Extract<ChannelEvent, { kind: K }>;

export type MessageEvent = z.infer<typeof MessageEvent>;
export type CallEvent = z.infer<typeof CallEvent>;
export type GroupEvent = z.infer<typeof GroupEvent>;
export type CommentEvent = z.infer<typeof CommentEvent>;
export type ReactionEvent = z.infer<typeof ReactionEvent>;
export type PostbackEvent = z.infer<typeof PostbackEvent>;
export type ReferralEvent = z.infer<typeof ReferralEvent>;
export type DeliveryEvent = z.infer<typeof DeliveryEvent>;
export type ReadEvent = z.infer<typeof ReadEvent>;
export type EditEvent = z.infer<typeof EditEvent>;
export type DeleteEvent = z.infer<typeof DeleteEvent>;
export type OptinEvent = z.infer<typeof OptinEvent>;
export type HandoverEvent = z.infer<typeof HandoverEvent>;
export type StatusEvent = z.infer<typeof StatusEvent>;
export type AccountEvent = z.infer<typeof AccountEvent>;
export type TemplateEvent = z.infer<typeof TemplateEvent>;
export type UnsupportedEvent = z.infer<typeof UnsupportedEvent>;
