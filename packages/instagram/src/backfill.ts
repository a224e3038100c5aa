import type {
  BackfillRequest,
  CallPacer,
  ChannelAdapter,
  ChannelEvent,
  ConversationMessages,
  ConversationSummary,
} from '@switchboard/core';
import {
  backfillMessengerPlatform,
  type ConversationsAccess,
  conversationMessagesMessengerPlatform,
  listMessengerPlatformConversations,
} from '@switchboard/meta-graph';
import type { InstagramContext } from './context.js';

function access(ctx: InstagramContext, igId: string, pacer?: CallPacer): ConversationsAccess {
  return {
    channel: 'instagram',
    accountId: igId,
    client: ctx.clientFor(igId),
    conversationsPath: ctx.pathsFor(igId).conversations,
    limiter: ctx.limiter,
    clock: ctx.clock,
    callsPerSecond: ctx.config.backfillPerSecond,
    ...(ctx.config.appId ? { appId: ctx.config.appId } : {}),
    ...(pacer ? { pacer } : {}),
  };
}

/**
 * Messages of `[since, until]` from the Conversations API (`platform=instagram`), keyed like their
 * webhook twins. Requests-folder threads idle for 30 days are not listed by Meta.
 */
export function backfillInstagram(
  ctx: InstagramContext,
  request: BackfillRequest,
): AsyncIterable<ChannelEvent> {
  return backfillMessengerPlatform(access(ctx, request.accountId), request);
}

export async function* listInstagramConversations(
  ctx: InstagramContext,
  request: { accountId: string; since: number; signal?: AbortSignal; pacer?: CallPacer },
): AsyncIterable<ConversationSummary> {
  for await (const { participants: _participants, ...summary } of listMessengerPlatformConversations(
    access(ctx, request.accountId, request.pacer),
    request,
  )) {
    yield summary;
  }
}

/** Every message of one listed conversation in `[since, until]`: the newest 20 in full, older ones by id. */
export function instagramConversationMessages(
  ctx: InstagramContext,
  request: Parameters<NonNullable<ChannelAdapter['conversationMessages']>>[0],
): Promise<ConversationMessages> {
  return conversationMessagesMessengerPlatform(access(ctx, request.accountId, request.pacer), request);
}
