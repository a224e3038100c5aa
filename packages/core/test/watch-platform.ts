import type { ChannelAdapter, ChannelEvent, Switchboard } from '../src/index.js';
import { conversationIdOf } from '../src/index.js';
import { ACCOUNT, body, createFakeAdapter, signedRequest } from './fake-adapter.js';

/** Details only for the newest messages, like the Conversations API. */
export const DETAIL_LIMIT = 20;

interface PlatformMessage {
  id: string;
  user: string;
  ts: number;
  text: string;
}

/**
 * A tiny fake platform behind the fake adapter: customers write, webhooks are delivered through the
 * engine's real `handleWebhook` unless cut, and the adapter gains `listConversations`,
 * `conversationMessages` and `backfill` (newest 20 per conversation in full, older ones by id only),
 * `resubscribe` and a subscription probe.
 */
export function createFakePlatform() {
  const fake = createFakeAdapter();
  const conversations = new Map<string, PlatformMessage[]>();
  const state = { webhooks: true, subscribed: true, resubscribes: 0, listCalls: 0 };
  let seq = 0;
  const toEvent = (m: PlatformMessage): ChannelEvent => ({
    kind: 'message',
    channel: 'fake',
    key: `fake:msg:${m.id}`,
    accountId: ACCOUNT,
    userId: m.user,
    conversationId: conversationIdOf('fake', ACCOUNT, m.user),
    timestamp: m.ts,
    source: 'backfill',
    raw: m,
    messageId: m.id,
    direction: 'inbound',
    text: m.text,
    parts: [{ type: 'text', text: m.text }],
  });
  const adapter: ChannelAdapter = {
    ...fake.adapter,
    async *listConversations({ since }) {
      state.listCalls++;
      const list = [...conversations.entries()]
        .map(([user, msgs]) => ({ user, updatedAt: Math.floor((msgs.at(-1)?.ts ?? 0) / 1000) * 1000 }))
        .filter((c) => c.updatedAt >= Math.floor(since / 1000) * 1000)
        .sort((a, b) => b.updatedAt - a.updatedAt);
      for (const c of list)
        yield {
          platformId: `t_${c.user}`,
          userId: c.user,
          conversationId: conversationIdOf('fake', ACCOUNT, c.user),
          updatedAt: c.updatedAt,
        };
    },
    async *backfill(request) {
      for (const user of request.userIds ?? [...conversations.keys()]) {
        const msgs = conversations.get(user) ?? [];
        const until = request.until ?? Number.POSITIVE_INFINITY;
        const since = Math.floor(request.since / 1000) * 1000;
        const inWindow = msgs.filter((m) => m.ts >= since && m.ts <= until);
        const detailed = new Set(msgs.slice(-DETAIL_LIMIT));
        for (const m of inWindow) if (detailed.has(m)) yield toEvent(m);
        const missing = inWindow.filter((m) => !detailed.has(m)).length;
        if (missing)
          request.onUnrecoverable?.({
            conversationId: conversationIdOf('fake', ACCOUNT, user),
            accountId: ACCOUNT,
            missing,
            reason: `${missing} older than the newest ${DETAIL_LIMIT}`,
          });
      }
    },
    async conversationMessages({ conversation, since, until }) {
      const second = (ms: number) => Math.floor(ms / 1000) * 1000;
      const msgs = conversations.get(conversation.userId ?? '') ?? [];
      const inWindow = msgs.filter((m) => second(m.ts) >= second(since) && second(m.ts) <= until);
      const detailed = new Set(msgs.slice(-DETAIL_LIMIT));
      return {
        events: inWindow.filter((m) => detailed.has(m)).map(toEvent),
        unretrievable: inWindow
          .filter((m) => !detailed.has(m))
          .map((m) => ({ messageId: m.id, key: `fake:msg:${m.id}`, timestamp: second(m.ts) })),
        reason: `older than the newest ${DETAIL_LIMIT}`,
      };
    },
    async resubscribe() {
      state.resubscribes++;
      state.subscribed = true;
    },
    probes() {
      return [
        {
          name: 'fake.subscription',
          description: 'subscribed_apps',
          accountId: ACCOUNT,
          run: async () => ({
            probe: 'fake.subscription',
            status: state.subscribed ? ('ok' as const) : ('down' as const),
            reason: state.subscribed ? 'subscribed' : 'app is not subscribed',
            accountId: ACCOUNT,
            checkedAt: 0,
          }),
        },
      ];
    },
  };
  return {
    adapter,
    fake,
    state,
    conversations,
    /** A customer message at `ts`: stored on the platform, delivered as a webhook when webhooks flow. */
    async customerSends(switchboard: Switchboard, user: string, ts: number, text = `m${seq + 1}`) {
      const m: PlatformMessage = { id: `pm${++seq}`, user, ts, text };
      conversations.set(user, [...(conversations.get(user) ?? []), m]);
      if (state.webhooks && state.subscribed) {
        const res = await switchboard.handleWebhook(
          signedRequest(body([{ type: 'message', id: m.id, user, text, ts }])),
        );
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      }
      return m;
    },
  };
}
