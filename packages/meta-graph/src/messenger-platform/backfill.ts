import type {
  BackfillRequest,
  CallPacer,
  ChannelEvent,
  Clock,
  ConversationMessages,
  ConversationSummary,
  MessageEvent,
  RateLimiter,
} from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import { z } from 'zod';
import type { GraphClient, GraphParams } from '../client.js';
import { usageOfGraphError } from '../errors.js';
import { type GraphUsage, usageBuckets } from '../usage.js';
import {
  GRAPH_MESSAGE_FIELDS,
  GraphConversation,
  GraphConversationMessages,
  GraphMessageRef,
  graphMessageToEvent,
  parseGraphTime,
} from './conversations.js';
import { messengerPlatformKeys as keys, type MessengerPlatformChannel } from './keys.js';

/** The Conversations API details only the newest 20 messages of a conversation (reference §9.1). */
export const CONVERSATION_DETAIL_LIMIT = 20;

/** How backfill reaches the Conversations API of one account. */
export interface ConversationsAccess {
  channel: MessengerPlatformChannel;
  /** Page id / IG account id the events belong to. */
  accountId: string;
  client: GraphClient;
  /** `/{page-id}/conversations` (Messenger, Instagram via Page) or `/me/conversations` (Instagram Login). */
  conversationsPath: string;
  limiter: RateLimiter;
  clock: Clock;
  /** Conversations API budget per account (Meta: 2 calls/s). */
  callsPerSecond: number;
  /** Retries of one call answered RATE_LIMITED / TEMPORARY before giving up. Default 3. */
  retries?: number;
  /** The Meta app the token belongs to: names the app-wide usage bucket reported to the engine. */
  appId?: string;
  /** The engine's call budget: waited on before every call, told the usage headers of every response. */
  pacer?: CallPacer;
}

const pageSchema = <S extends z.ZodType>(item: S) =>
  z.looseObject({
    data: z.array(item),
    paging: z
      .looseObject({
        next: z.string().optional(),
        cursors: z.looseObject({ after: z.string().optional() }).optional(),
      })
      .optional(),
  });
/** One page schema per item schema: zod compiles a schema on its first parse, so none is built per call. */
const pageSchemas = new WeakMap<z.ZodType, ReturnType<typeof pageSchema>>();
const pageOf = <S extends z.ZodType>(item: S) => {
  let schema = pageSchemas.get(item);
  if (!schema) {
    schema = pageSchema(item);
    pageSchemas.set(item, schema);
  }
  return schema as ReturnType<typeof pageSchema<S>>;
};

/** Calls spaced a little more than 1/rate apart, so no sliding one-second window ever sees rate + 1 calls. */
const spacedRate = (perSecond: number) => 1000 / (1000 / perSecond + 100);

/** One Graph GET spaced by the per-account budget, retried on rate limits and transient failures. */
async function call<S extends z.ZodType>(
  access: ConversationsAccess,
  path: string,
  schema: S,
  params: GraphParams,
  signal?: AbortSignal,
): Promise<z.output<S>> {
  const retries = access.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    // The engine's budget first, the per-account spacing last: the call goes out right after its token
    // (a budget wait after it would bunch two calls of one account into Meta's one-second window).
    await access.pacer?.admit();
    for (;;) {
      const wait = await access.limiter.take([
        {
          key: `conversations:${access.channel}:${access.accountId}`,
          ratePerSecond: spacedRate(access.callsPerSecond),
          burst: 1,
        },
      ]);
      if (wait <= 0) break;
      await access.clock.sleep(wait);
    }
    if (signal?.aborted)
      throw new SwitchboardError('TEMPORARY', 'backfill aborted', { cause: signal.reason });
    const report = (usage: GraphUsage | undefined) => {
      if (usage && access.pacer)
        access.pacer.report(
          usageBuckets(usage, {
            objectId: access.accountId,
            ...(access.appId ? { appId: access.appId } : {}),
          }),
        );
    };
    try {
      const { data, usage } = await access.client.get(path, schema, params);
      report(usage);
      return data;
    } catch (error) {
      report(usageOfGraphError(error));
      const retryable =
        SwitchboardError.is(error) && (error.code === 'RATE_LIMITED' || error.code === 'TEMPORARY');
      if (!retryable || attempt >= retries) throw error;
      // 613 here is the per-second Conversations API budget: seconds, not the BUC header's minutes.
      const backoff = 1000 * 2 ** attempt;
      const wait = error.platform?.code === 613 ? backoff : (error.retryAfterMs ?? backoff);
      await access.clock.sleep(Math.min(wait, 60_000));
    }
  }
}

/** Pages through an edge with `after` cursors, one budgeted call per page. */
async function* pages<S extends z.ZodType>(
  access: ConversationsAccess,
  path: string,
  item: S,
  params: GraphParams,
  signal?: AbortSignal,
): AsyncGenerator<z.output<S>> {
  let after: string | undefined;
  for (;;) {
    const page = await call(access, path, pageOf(item), { ...params, ...(after ? { after } : {}) }, signal);
    for (const entry of page.data as z.output<S>[]) yield entry;
    const next = page.paging?.cursors?.after;
    if (!page.paging?.next || !next || next === after || page.data.length === 0) return;
    after = next;
  }
}

/** Graph times have second precision: compare windows at that precision so edge messages are kept. */
const floorSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * Conversations updated at or after `since`, newest first (Meta lists them newest first, so paging stops
 * at the first older one).
 */
export async function* listMessengerPlatformConversations(
  access: ConversationsAccess,
  request: { since: number; userId?: string; signal?: AbortSignal },
): AsyncGenerator<ConversationSummary & { participants: string[] }> {
  const since = floorSecond(request.since);
  const params: GraphParams = {
    platform: access.channel,
    fields: 'id,updated_time,participants',
    limit: 25,
    ...(request.userId ? { user_id: request.userId } : {}),
  };
  for await (const conv of pages(
    access,
    access.conversationsPath,
    GraphConversation,
    params,
    request.signal,
  )) {
    const updatedAt = parseGraphTime(conv.updated_time);
    if (updatedAt < since) return;
    const participants = (conv.participants?.data ?? []).map((p) => p.id);
    const userId = participants.find((p) => p !== access.accountId);
    yield {
      platformId: conv.id,
      updatedAt,
      participants,
      ...(userId ? { userId, conversationId: `${access.channel}:${access.accountId}:${userId}` } : {}),
    };
  }
}

/**
 * The messages of one conversation created in `[since, until]`, for verification: those among its
 * newest 20 as `source: 'backfill'` events keyed like their webhook twins, the older ones (listed by
 * id but no longer detailed) and any the API returns without a customer we can tell apart as
 * references. One call when the window fits in the newest 20, a page of ids per 100 beyond.
 */
export async function conversationMessagesMessengerPlatform(
  access: ConversationsAccess,
  request: {
    conversation: Pick<ConversationSummary, 'platformId'>;
    since: number;
    until: number;
    signal?: AbortSignal;
  },
): Promise<ConversationMessages & { events: MessageEvent[] }> {
  const since = floorSecond(request.since);
  const inWindow = (ms: number) => ms >= since && ms <= request.until;
  const { platformId } = request.conversation;
  const detailed = await call(
    access,
    `/${platformId}`,
    GraphConversationMessages,
    { fields: `messages.limit(${CONVERSATION_DETAIL_LIMIT}){${GRAPH_MESSAGE_FIELDS}}` },
    request.signal,
  );
  const messages = detailed.messages?.data ?? [];
  const result: ConversationMessages & { events: MessageEvent[] } = { events: [], unretrievable: [] };
  const reference = (id: string, created: string) => ({
    messageId: id,
    key: keys.message(access.channel, id),
    timestamp: parseGraphTime(created),
  });
  for (const m of messages) {
    if (!inWindow(parseGraphTime(m.created_time))) continue;
    const event = graphMessageToEvent(access.channel, access.accountId, m);
    if (event) result.events.push(event);
    else result.unretrievable.push(reference(m.id, m.created_time));
  }
  const oldest = messages.at(-1);
  if (messages.length < CONVERSATION_DETAIL_LIMIT || !oldest || parseGraphTime(oldest.created_time) < since)
    return result;
  const seen = new Set(messages.map((m) => m.id));
  const refs = pages(
    access,
    `/${platformId}/messages`,
    GraphMessageRef,
    { fields: 'id,created_time', limit: 100 },
    request.signal,
  );
  for await (const ref of refs) {
    if (seen.has(ref.id)) continue;
    const created = parseGraphTime(ref.created_time);
    if (created < since) break;
    if (created <= request.until) result.unretrievable.push(reference(ref.id, ref.created_time));
  }
  if (result.unretrievable.length)
    result.reason = `older than the newest ${CONVERSATION_DETAIL_LIMIT} messages the Conversations API details (conversation ${platformId})`;
  return result;
}

/**
 * Backfill through the Conversations API: every message created in `[since, until]` of every
 * conversation updated since `since`, as `source: 'backfill'` events keyed like their webhook twins.
 * Messages of the window older than the newest 20 of their conversation cannot be fetched: they are
 * counted and reported through `onUnrecoverable` with their ids, never hidden.
 */
export async function* backfillMessengerPlatform(
  access: ConversationsAccess,
  request: BackfillRequest,
): AsyncGenerator<ChannelEvent> {
  const until = request.until ?? access.clock.now();
  const users = request.userIds ? new Set(request.userIds) : undefined;
  const single = request.userIds?.length === 1 ? request.userIds[0] : undefined;
  const conversations = listMessengerPlatformConversations(access, {
    since: request.since,
    ...(single ? { userId: single } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  for await (const conv of conversations) {
    if (request.signal?.aborted) return;
    if (users && conv.userId && !users.has(conv.userId)) continue;
    const { events, unretrievable, reason } = await conversationMessagesMessengerPlatform(access, {
      conversation: conv,
      since: request.since,
      until,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    let userId = conv.userId;
    for (const event of events) {
      userId ??= event.userId;
      if (!users || users.has(event.userId)) yield event;
    }
    if (unretrievable.length > 0) {
      request.onUnrecoverable?.({
        conversationId: userId ? `${access.channel}:${access.accountId}:${userId}` : conv.platformId,
        accountId: access.accountId,
        missing: unretrievable.length,
        messageIds: unretrievable.map((r) => r.messageId),
        reason: `${unretrievable.length} message(s) of the window are ${reason ?? 'not retrievable'}`,
      });
    }
  }
}
