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
import type { MessengerContext } from './context.js';

function access(ctx: MessengerContext, pageId: string, pacer?: CallPacer): ConversationsAccess {
  return {
    channel: 'messenger',
    accountId: pageId,
    client: ctx.clientFor(pageId),
    conversationsPath: `/${pageId}/conversations`,
    limiter: ctx.limiter,
    clock: ctx.clock,
    callsPerSecond: ctx.config.backfillPerSecond,
    ...(ctx.config.appId ? { appId: ctx.config.appId } : {}),
    ...(pacer ? { pacer } : {}),
  };
}

/** Messages of `[since, until]` from the Conversations API, keyed like their webhook twins. */
export function backfillMessenger(
  ctx: MessengerContext,
  request: BackfillRequest,
): AsyncIterable<ChannelEvent> {
  return backfillMessengerPlatform(access(ctx, request.accountId), request);
}

/** Conversations updated at or after `since`, newest first. */
export async function* listMessengerConversations(
  ctx: MessengerContext,
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
export function messengerConversationMessages(
  ctx: MessengerContext,
  request: Parameters<NonNullable<ChannelAdapter['conversationMessages']>>[0],
): Promise<ConversationMessages> {
  return conversationMessagesMessengerPlatform(access(ctx, request.accountId, request.pacer), request);
}
