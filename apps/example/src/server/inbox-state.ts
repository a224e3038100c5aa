import type { ChannelEvent, Clock, Store } from '@switchboard/core';
import { describeParts } from '../shared/format.js';
import type { ConversationSummary } from '../shared/types.js';
import { commentPreview, rootCommentOf } from './comments.js';
import { groupNotice } from './thread-notices.js';

const PREFIX = 'inbox:conv:';
const MAX_SENDS = 200;

/** What the inbox keeps per conversation beside the engine's read model. */
interface StoredConversation {
  name?: string;
  preview: string;
  previewDirection: 'inbound' | 'outbound' | null;
  lastAt: number;
  unread: number;
  /** Newest customer action that opens the messaging window. */
  lastInboundAt: number | null;
  /** Outbox ids of the sends made from this inbox, newest last. */
  sends: string[];
  /** Comment threads: the post / media the comments are under. */
  postId?: string;
}

const empty = (): StoredConversation => ({
  preview: '',
  previewDirection: null,
  lastAt: 0,
  unread: 0,
  lastInboundAt: null,
  sends: [],
});

/**
 * Inbox bookkeeping (previews, unread counts, the sends of each conversation), kept in the store's
 * small key/value table so it survives restarts and works with any store.
 */
export interface InboxState {
  /** Updates previews and unread counts from a dispatched event. */
  onEvent(event: ChannelEvent): Promise<void>;
  recordSend(conversationId: string, outboxId: string, preview: string, at: number): Promise<void>;
  markRead(conversationId: string): Promise<void>;
  list(limit: number): Promise<ConversationSummary[]>;
  get(conversationId: string): Promise<ConversationSummary | undefined>;
  sendsOf(conversationId: string): Promise<string[]>;
  lastInboundAt(conversationId: string): Promise<number | null>;
}

export function createInboxState(
  store: Store,
  clock: Clock,
  nameOf: (channel: string, userId: string) => string | undefined,
): InboxState {
  // Handlers of different conversations run concurrently: serialize read-modify-write per key.
  const locks = new Map<string, Promise<unknown>>();
  const update = (id: string, change: (c: StoredConversation) => void): Promise<void> => {
    const previous = locks.get(id) ?? Promise.resolve();
    const next = previous.then(async () => {
      const current = (await store.health.get<StoredConversation>(PREFIX + id)) ?? empty();
      change(current);
      await store.health.set(PREFIX + id, current, clock.now());
    });
    const settled = next.catch(() => {});
    locks.set(id, settled);
    void settled.then(() => {
      if (locks.get(id) === settled) locks.delete(id);
    });
    return next;
  };

  const summarize = (
    record: { id: string; channel: string; accountId: string; userId: string; lastEventAt: number },
    stored: StoredConversation | undefined,
  ): ConversationSummary => {
    const rootCommentId = rootCommentOf(record.id);
    return {
      id: record.id,
      channel: record.channel,
      accountId: record.accountId,
      userId: record.userId,
      name: stored?.name ?? nameOf(record.channel, record.userId) ?? record.userId,
      preview: stored?.preview ?? '',
      previewDirection: stored?.previewDirection ?? null,
      lastAt: Math.max(stored?.lastAt ?? 0, record.lastEventAt),
      unread: stored?.unread ?? 0,
      ...(rootCommentId
        ? { comment: { rootCommentId, ...(stored?.postId ? { postId: stored.postId } : {}) } }
        : {}),
    };
  };

  return {
    async onEvent(event) {
      if (event.kind === 'account' || event.kind === 'template' || !event.conversationId) return;
      const id = event.conversationId;
      switch (event.kind) {
        case 'message': {
          const inbound = event.direction === 'inbound';
          await update(id, (c) => {
            // A group keeps its subject as its name; the sender goes in front of the preview.
            if (event.profile?.name && inbound && !event.groupId) c.name = event.profile.name;
            if (event.timestamp >= c.lastAt) {
              const sender = event.groupId && inbound ? `${event.profile?.name ?? event.userId}: ` : '';
              c.preview = sender + describeParts(event.parts, event.text);
              c.previewDirection = event.direction;
              c.lastAt = event.timestamp;
            }
            if (inbound) {
              c.unread += 1;
              c.lastInboundAt = Math.max(c.lastInboundAt ?? 0, event.timestamp);
            }
          });
          return;
        }
        case 'reaction':
        case 'postback': {
          if (event.kind === 'reaction' && event.direction === 'outbound') return;
          await update(id, (c) => {
            if (event.timestamp >= c.lastAt) {
              c.preview =
                event.kind === 'reaction'
                  ? event.action === 'react'
                    ? `Reacted ${event.emoji ?? ''}`.trim()
                    : 'Removed a reaction'
                  : `Tapped “${event.title ?? event.payload ?? 'a button'}”`;
              c.previewDirection = 'inbound';
              c.lastAt = event.timestamp;
            }
            c.unread += 1;
            c.lastInboundAt = Math.max(c.lastInboundAt ?? 0, event.timestamp);
          });
          return;
        }
        case 'group': {
          await update(id, (c) => {
            const subject =
              event.action === 'updated'
                ? event.changes?.find((change) => change.setting === 'subject' && change.succeeded)?.value
                : event.action === 'created' && event.succeeded
                  ? event.subject
                  : undefined;
            if (subject) c.name = `👥 ${subject}`;
            if (event.timestamp >= c.lastAt) {
              c.preview = groupNotice(event);
              c.previewDirection = 'inbound';
              c.lastAt = event.timestamp;
            }
          });
          return;
        }
        case 'comment': {
          if (event.verb !== 'add') return;
          const inbound = event.direction === 'inbound';
          const { preview, name } = commentPreview(event);
          await update(id, (c) => {
            // The thread is named after the author of its top-level comment.
            if (name && inbound && event.parentId === undefined) c.name = name;
            const post = event.postId ?? event.mediaId;
            if (post) c.postId = post;
            if (event.timestamp >= c.lastAt) {
              c.preview = preview;
              c.previewDirection = event.direction;
              c.lastAt = event.timestamp;
            }
            if (inbound) c.unread += 1;
          });
          return;
        }
        default:
          return;
      }
    },
    recordSend(conversationId, outboxId, preview, at) {
      return update(conversationId, (c) => {
        c.sends = [...c.sends.filter((s) => s !== outboxId), outboxId].slice(-MAX_SENDS);
        c.preview = preview;
        c.previewDirection = 'outbound';
        c.lastAt = Math.max(c.lastAt, at);
      });
    },
    markRead(conversationId) {
      return update(conversationId, (c) => {
        c.unread = 0;
      });
    },
    async list(limit) {
      const [records, stored] = await Promise.all([
        store.conversations.list({ limit }),
        store.health.list(PREFIX),
      ]);
      const byId = new Map(stored.map((s) => [s.key.slice(PREFIX.length), s.value as StoredConversation]));
      return records.map((r) => summarize(r, byId.get(r.id))).sort((a, b) => b.lastAt - a.lastAt);
    },
    async get(conversationId) {
      const record = await store.conversations.get(conversationId);
      if (!record) return undefined;
      return summarize(record, await store.health.get<StoredConversation>(PREFIX + conversationId));
    },
    async sendsOf(conversationId) {
      return (await store.health.get<StoredConversation>(PREFIX + conversationId))?.sends ?? [];
    },
    async lastInboundAt(conversationId) {
      const stored = await store.health.get<StoredConversation>(PREFIX + conversationId);
      if (stored?.lastInboundAt) return stored.lastInboundAt;
      return (await store.conversations.get(conversationId))?.lastInboundAt ?? null;
    },
  };
}
