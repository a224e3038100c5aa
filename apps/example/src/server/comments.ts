import type { ChannelAdapter, EventOfKind, Store, Switchboard } from '@switchboard/core';
import { SwitchboardError } from '@switchboard/core';
import type { Hono } from 'hono';
import type { CommentReplyRequest, Thread } from '../shared/types.js';
import type { InboxState } from './inbox-state.js';
import type { LiveHub, watchOutbox } from './live.js';

const MARK = ':comment:';

/** The top-level comment of a comment thread's conversation id, or undefined for a direct conversation. */
export const rootCommentOf = (conversationId: string): string | undefined =>
  conversationId.includes(MARK)
    ? conversationId.slice(conversationId.indexOf(MARK) + MARK.length)
    : undefined;

/** The `add` event of one comment of a thread (its author, its post), from the engine's event store. */
async function commentEvent(
  store: Store,
  conversationId: string,
  commentId: string,
): Promise<EventOfKind<'comment'> | undefined> {
  const records = await store.events.list({ conversationId, limit: 5_000 });
  for (const { event } of records) {
    if (event.kind === 'comment' && event.commentId === commentId && event.verb === 'add') return event;
  }
  return undefined;
}

/** What the thread view needs to offer "reply publicly" / "reply privately" on a comment thread. */
export async function commentThreadInfo(
  store: Store,
  conversationId: string,
  sends: readonly string[],
): Promise<Thread['comment']> {
  const commentId = rootCommentOf(conversationId);
  if (!commentId) return undefined;
  const root = await commentEvent(store, conversationId, commentId);
  const entries = await Promise.all(sends.map((id) => store.outbox.get(id)));
  const privatelyAnswered = entries.some(
    (e) =>
      e?.message.to.commentId === commentId &&
      e.state !== 'failed' &&
      e.message.content.type !== 'public_reply' &&
      e.message.content.type !== 'comment_moderation',
  );
  return { commentId, ...(root?.userId ? { authorId: root.userId } : {}), privatelyAnswered };
}

/**
 * `POST /api/conversations/:id/comment-reply` — answers the thread's top-level comment publicly (under
 * it) or privately (a direct message, once per comment), through the engine's outbox. Behind the inbox's
 * login, same-origin gate and body cap like every API route.
 */
export function commentRoutes(
  app: Hono,
  deps: {
    switchboard: Switchboard;
    adapters: readonly ChannelAdapter[];
    state: InboxState;
    hub: LiveHub;
    outboxWatch: ReturnType<typeof watchOutbox>;
  },
): void {
  const { switchboard, state } = deps;
  app.post('/api/conversations/:id/comment-reply', async (c) => {
    const id = c.req.param('id');
    const conversation = await state.get(id);
    const commentId = rootCommentOf(id);
    if (!conversation || !commentId) return c.json({ error: 'comment thread not found' }, 404);
    let request: CommentReplyRequest;
    try {
      request = (await c.req.json()) as CommentReplyRequest;
    } catch {
      return c.json({ error: 'the body must be JSON' }, 400);
    }
    const text = typeof request?.text === 'string' ? request.text.trim() : '';
    if (request?.mode !== 'public' && request?.mode !== 'private')
      return c.json({ error: 'mode must be "public" or "private"' }, 400);
    if (!text) return c.json({ error: 'Type a reply first.' }, 400);
    const root = await commentEvent(switchboard.store, id, commentId);
    const authorId = root?.userId ?? conversation.userId;
    try {
      const entry = await switchboard.send({
        to: { channel: conversation.channel, accountId: conversation.accountId, userId: authorId, commentId },
        content: request.mode === 'public' ? { type: 'public_reply', text } : { type: 'text', text },
        ...(typeof request.idempotencyKey === 'string'
          ? { idempotencyKey: request.idempotencyKey.slice(0, 200) }
          : {}),
      });
      const preview = request.mode === 'public' ? `💬 ${text}` : `🔒 Private reply: ${text}`;
      await state.recordSend(id, entry.id, preview, entry.createdAt);
      deps.outboxWatch.watch(entry.id, id);
      deps.hub.publish({ type: 'outbox', conversationId: id, id: entry.id, state: entry.state });
      return c.json({ id: entry.id, state: entry.state }, 202);
    } catch (error) {
      if (error instanceof SwitchboardError)
        return c.json({ error: `${error.code}: ${error.message}` }, error.httpStatus as 400);
      throw error;
    }
  });
}

/** Preview and name of a comment event for the conversation list. */
export function commentPreview(event: EventOfKind<'comment'>): { preview: string; name?: string } {
  const name = event.username ?? event.name;
  if (event.mention) return { preview: '📣 Mentioned you in a comment', ...(name ? { name } : {}) };
  return { preview: `💬 ${event.text ?? 'Comment'}`, ...(name ? { name } : {}) };
}
