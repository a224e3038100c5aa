import type { ChannelAdapter, ChannelLimits } from '@switchboard/core';
import {
  createMessengerPlatformAccountTools,
  MESSENGER_PLATFORM_PRIVATE_REPLIES,
  MESSENGER_PLATFORM_SUPPORTED_CONTENT,
  type MessengerPlatformAccountTools,
  metaCapabilities,
} from '@switchboard/meta-graph';
import { backfillInstagram, instagramConversationMessages, listInstagramConversations } from './backfill.js';
import { type InstagramAdapterConfig, resolveInstagramConfig } from './config.js';
import { createInstagramContext } from './context.js';
import {
  inspectInstagramToken,
  instagramProbes,
  refreshInstagramToken,
  resubscribeInstagram,
} from './health.js';
import { sendInstagram, type UploadableMedia, uploadInstagramAttachment } from './send/index.js';
import {
  parseInstagramWebhook,
  parseInstagramWebhookSlices,
  verifyInstagramChallenge,
  verifyInstagramSignature,
} from './webhook/index.js';

/**
 * Instagram limits (reference §4.3–4.4). Meta's pages disagree on the send rate (300/s vs 100/s):
 * the lower one is used.
 */
export const INSTAGRAM_LIMITS: ChannelLimits = {
  textMaxLength: 1000,
  textLengthUnit: 'bytes',
  buttonsMax: 3,
  quickRepliesMax: 13,
  windowHours: 24,
  sendPerSecond: 100,
  mediaSendPerSecond: 10,
  backfillPerSecond: 2,
  privateReplies: MESSENGER_PLATFORM_PRIVATE_REPLIES,
  supportedContent: MESSENGER_PLATFORM_SUPPORTED_CONTENT.instagram,
};

/**
 * The Instagram `ChannelAdapter`, plus the Attachment Upload API, Conversation Routing (`threadControl`),
 * ice breakers and the persistent menu (`profileSettings`, `ensureProfile`), user profiles (with follower
 * facts) and inbound attachment downloads.
 */
export interface InstagramAdapter extends ChannelAdapter, Omit<MessengerPlatformAccountTools, 'userProfile'> {
  /** Name and avatar of a person (uncached: `switchboard.profiles` caches it in the store). */
  userProfile: NonNullable<ChannelAdapter['userProfile']>;
  channel: 'instagram';
  accountIds: readonly string[];
  listConversations: NonNullable<ChannelAdapter['listConversations']>;
  conversationMessages: NonNullable<ChannelAdapter['conversationMessages']>;
  resubscribe(igId: string): Promise<void>;
  /** Uploads media once; send the `mediaId` (an `attachment_id`) as `{ type, mediaId }`. Same name in every adapter. */
  uploadMedia(igId: string, media: { type: UploadableMedia; url: string }): Promise<{ mediaId: string }>;
  /** @deprecated Use `uploadMedia`, which returns `{ mediaId }`. */
  uploadAttachment(igId: string, media: { type: UploadableMedia; url: string }): Promise<string>;
}

/**
 * Creates the Instagram messaging adapter, for either API flavour.
 *
 * @example
 * const instagram = createInstagramAdapter({
 *   appId: process.env.INSTAGRAM_APP_ID,
 *   appSecret: process.env.INSTAGRAM_APP_SECRET!,
 *   verifyToken: process.env.INSTAGRAM_VERIFY_TOKEN!,
 *   apiFlavour: 'facebook-login',
 *   instagramAccountIds: ['17841405822304914'],
 *   pageIdByInstagramAccountId: { '17841405822304914': '105927095402516' },
 *   accessToken: process.env.INSTAGRAM_ACCESS_TOKEN, // the linked Page's token
 * });
 */
export function createInstagramAdapter(config: InstagramAdapterConfig): InstagramAdapter {
  const ctx = createInstagramContext(resolveInstagramConfig(config));
  // The Page-node edges (Facebook Login) or the IG account's own (Instagram Login).
  const node = (igId: string) =>
    ctx
      .pathsFor(igId)
      .messages.replace(/\/messages$/, '')
      .slice(1);
  const tools = createMessengerPlatformAccountTools({
    channel: 'instagram',
    clientFor: (igId) => ctx.clientFor(igId),
    routingNode: node,
    profileApi: (igId) =>
      ctx.flavourOf(igId) === 'instagram-login'
        ? { path: `/${igId}/messenger_profile` }
        : { path: `/${node(igId)}/messenger_profile`, params: { platform: 'instagram' } },
    limiter: ctx.limiter,
    ...(ctx.config.appId ? { appId: ctx.config.appId } : {}),
  });
  return {
    ...tools,
    channel: 'instagram',
    // Every send comes back as an echo webhook.
    capabilities: metaCapabilities('echo'),
    limits: INSTAGRAM_LIMITS,
    accountIds: ctx.accountIds,
    verifyChallenge: (query) => verifyInstagramChallenge(ctx, query),
    verifySignature: (rawBody, headers) => verifyInstagramSignature(ctx, rawBody, headers),
    parseWebhook: (rawBody) => parseInstagramWebhook(ctx, rawBody),
    parseWebhookSlices: (rawBody) => parseInstagramWebhookSlices(ctx, rawBody),
    send: (message) => sendInstagram(ctx, message),
    probes: () => instagramProbes(ctx),
    backfill: (request) => backfillInstagram(ctx, request),
    listConversations: (request) => listInstagramConversations(ctx, request),
    conversationMessages: (request) => instagramConversationMessages(ctx, request),
    resubscribe: (igId) => resubscribeInstagram(ctx, igId),
    uploadMedia: async (igId, media) => ({ mediaId: await uploadInstagramAttachment(ctx, igId, media) }),
    uploadAttachment: (igId, media) => uploadInstagramAttachment(ctx, igId, media),
    inspectToken: (igId) => inspectInstagramToken(ctx, igId),
    refreshCredentials: (igId, current) => refreshInstagramToken(ctx, igId, current),
    attach: (host) => ctx.access.attach(host),
  } satisfies InstagramAdapter;
}
