import type { ChannelAdapter, ChannelLimits } from '@switchboard/core';
import {
  createMessengerPlatformAccountTools,
  createPersonas,
  MESSENGER_PLATFORM_PRIVATE_REPLIES,
  MESSENGER_PLATFORM_SUPPORTED_CONTENT,
  type MessengerPlatformAccountTools,
  metaCapabilities,
  type Personas,
} from '@switchboard/meta-graph';
import { backfillMessenger, listMessengerConversations, messengerConversationMessages } from './backfill.js';
import { type MessengerAdapterConfig, resolveMessengerConfig } from './config.js';
import { createMessengerContext } from './context.js';
import { messengerProbes, resubscribeMessenger } from './health.js';
import { sendMessenger, type UploadableMedia, uploadMessengerAttachment } from './send/index.js';
import {
  parseMessengerWebhook,
  parseMessengerWebhookSlices,
  verifyMessengerChallenge,
  verifyMessengerSignature,
} from './webhook/index.js';

/** Messenger limits (reference §3.3–3.5). */
export const MESSENGER_LIMITS: ChannelLimits = {
  textMaxLength: 2000,
  textLengthUnit: 'chars',
  buttonsMax: 3,
  quickRepliesMax: 13,
  windowHours: 24,
  sendPerSecond: 300,
  mediaSendPerSecond: 10,
  backfillPerSecond: 2,
  privateReplies: MESSENGER_PLATFORM_PRIVATE_REPLIES,
  supportedContent: MESSENGER_PLATFORM_SUPPORTED_CONTENT.messenger,
};

/**
 * The Messenger `ChannelAdapter`, plus the Attachment Upload API, Conversation Routing (`threadControl`),
 * the Messenger Profile API (`profileSettings`, `ensureProfile`), user profiles, personas and inbound
 * attachment downloads.
 */
export interface MessengerAdapter extends ChannelAdapter, Omit<MessengerPlatformAccountTools, 'userProfile'> {
  /** Name and avatar of a person (uncached: `switchboard.profiles` caches it in the store). */
  userProfile: NonNullable<ChannelAdapter['userProfile']>;
  channel: 'messenger';
  accountIds: readonly string[];
  listConversations: NonNullable<ChannelAdapter['listConversations']>;
  conversationMessages: NonNullable<ChannelAdapter['conversationMessages']>;
  resubscribe(pageId: string): Promise<void>;
  /** Uploads media once (Attachment Upload API); send the `mediaId` (an `attachment_id`) as `{ type, mediaId }`. Same name in every adapter. */
  uploadMedia(pageId: string, media: { type: UploadableMedia; url: string }): Promise<{ mediaId: string }>;
  /** Personas of a Page: create, list, get, delete; send as one with `personaId`. */
  personas(pageId: string): Personas;
  /** @deprecated Use `uploadMedia`, which returns `{ mediaId }`. */
  uploadAttachment(pageId: string, media: { type: UploadableMedia; url: string }): Promise<string>;
}

/**
 * Creates the Messenger adapter (Facebook Pages).
 *
 * @example
 * const messenger = createMessengerAdapter({
 *   appId: process.env.MESSENGER_APP_ID,
 *   appSecret: process.env.MESSENGER_APP_SECRET!,
 *   verifyToken: process.env.MESSENGER_VERIFY_TOKEN!,
 *   pageIds: ['105927095402516'],
 *   accessToken: process.env.MESSENGER_ACCESS_TOKEN,
 * });
 * await messenger.send({
 *   to: { channel: 'messenger', accountId: '105927095402516', userId: '6571349092893521' },
 *   content: { type: 'text', text: 'Your order shipped' },
 * });
 */
export function createMessengerAdapter(config: MessengerAdapterConfig): MessengerAdapter {
  const ctx = createMessengerContext(resolveMessengerConfig(config));
  const tools = createMessengerPlatformAccountTools({
    channel: 'messenger',
    clientFor: (pageId) => ctx.clientFor(pageId),
    routingNode: (pageId) => pageId,
    profileApi: (pageId) => ({ path: `/${pageId}/messenger_profile` }),
    limiter: ctx.limiter,
    ...(ctx.config.appId ? { appId: ctx.config.appId } : {}),
  });
  return {
    ...tools,
    personas: (pageId) => createPersonas(ctx.clientFor(pageId), pageId),
    channel: 'messenger',
    // Every send comes back as an echo webhook.
    capabilities: metaCapabilities('echo'),
    limits: MESSENGER_LIMITS,
    accountIds: ctx.accountIds,
    verifyChallenge: (query) => verifyMessengerChallenge(ctx, query),
    verifySignature: (rawBody, headers) => verifyMessengerSignature(ctx, rawBody, headers),
    parseWebhook: (rawBody) => parseMessengerWebhook(ctx, rawBody),
    parseWebhookSlices: (rawBody) => parseMessengerWebhookSlices(ctx, rawBody),
    send: (message) => sendMessenger(ctx, message),
    probes: () => messengerProbes(ctx),
    backfill: (request) => backfillMessenger(ctx, request),
    listConversations: (request) => listMessengerConversations(ctx, request),
    conversationMessages: (request) => messengerConversationMessages(ctx, request),
    resubscribe: (pageId) => resubscribeMessenger(ctx, pageId),
    uploadMedia: async (pageId, media) => ({ mediaId: await uploadMessengerAttachment(ctx, pageId, media) }),
    uploadAttachment: (pageId, media) => uploadMessengerAttachment(ctx, pageId, media),
    inspectToken: (pageId) =>
      ctx.access.inspectToken(pageId, { requiredScopes: ctx.config.requiredScopes, targetIds: [pageId] }),
    attach: (host) => ctx.access.attach(host),
  } satisfies MessengerAdapter;
}
