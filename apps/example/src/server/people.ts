import type { ChannelAdapter, Clock, Logger, Switchboard, UserProfileRecord } from '@switchboard/core';
import type { ConversationSummary, ThreadOwnerView } from '../shared/types.js';

/** What the Messenger and Instagram adapters add (duck-typed: the inbox also runs WhatsApp and Telegram). */
interface PeopleTools {
  downloadAttachment(
    accountId: string,
    url: string,
    options?: { maxBytes?: number; mediaHosts?: readonly string[] },
  ): Promise<{ bytes: Uint8Array; mimeType?: string }>;
  threadControl(accountId: string): {
    owner(userId: string): Promise<{ idle: boolean; appId?: string; ownedByThisApp?: boolean }>;
  };
}

const hasTools = (adapter: ChannelAdapter | undefined): adapter is ChannelAdapter & PeopleTools =>
  typeof (adapter as Partial<PeopleTools> | undefined)?.downloadAttachment === 'function' &&
  typeof (adapter as Partial<PeopleTools> | undefined)?.threadControl === 'function';

/** Meta's own inboxes, by app id (Conversation Routing). */
const KNOWN_APPS: Record<string, string> = {
  '263902037430900': 'Page Inbox (Meta Business Suite)',
  '1217981644879628': 'Instagram Inbox',
};

const AVATAR_MAX_BYTES = 512 * 1024;
const AVATAR_TYPES = /^image\/(jpeg|png|webp|gif|svg\+xml)$/;
const AVATARS_KEPT = 500;
const OWNER_TTL_MS = 15_000;
/** Profile lookups started per inbox listing; the rest come with the next refresh. */
const LOOKUPS_PER_LIST = 10;

export interface People {
  /** Names and avatar links from the profile cache; unknown people are looked up in the background. */
  enrich(list: ConversationSummary[]): Promise<ConversationSummary[]>;
  /** One conversation's summary with its person's profile, looked up now when not cached. */
  withProfile(conversation: ConversationSummary): Promise<ConversationSummary>;
  /** The picture bytes of a conversation's person (kept in memory: the platform's URLs expire). */
  avatar(conversation: ConversationSummary): Promise<{ bytes: Uint8Array; type: string } | undefined>;
  /** Who holds the conversation, for channels with Conversation Routing; undefined when not known. */
  owner(conversation: ConversationSummary): Promise<ThreadOwnerView | undefined>;
  /** A handover happened: ask the platform again next time. */
  forgetOwner(conversationId: string): void;
}

export function createPeople(deps: {
  switchboard: Switchboard;
  adapters: readonly ChannelAdapter[];
  clock: Clock;
  logger: Logger;
}): People {
  const { switchboard, clock, logger } = deps;
  const adapterOf = (channel: string) => deps.adapters.find((a) => a.channel === channel);
  const avatars = new Map<string, { bytes: Uint8Array; type: string; url: string }>();
  const owners = new Map<string, { at: number; view: ThreadOwnerView | undefined }>();

  const avatarPath = (id: string) => `/api/avatar/${encodeURIComponent(id)}`;
  const apply = (c: ConversationSummary, record: UserProfileRecord | undefined): ConversationSummary => {
    const profile = record?.profile;
    if (!profile) return c;
    return {
      ...c,
      name: profile.name ?? (profile.username ? `@${profile.username}` : c.name),
      ...(profile.username ? { username: profile.username } : {}),
      ...(profile.avatarUrl ? { avatarUrl: avatarPath(c.id) } : {}),
    };
  };
  const lookup = (c: ConversationSummary) =>
    switchboard.profiles.lookup({ channel: c.channel, accountId: c.accountId, userId: c.userId });

  return {
    async enrich(list) {
      const groups = new Map<string, ConversationSummary[]>();
      for (const c of list) {
        if (!adapterOf(c.channel)?.userProfile) continue;
        const key = `${c.channel}\u0000${c.accountId}`;
        groups.set(key, [...(groups.get(key) ?? []), c]);
      }
      const records = new Map<string, UserProfileRecord>();
      let started = 0;
      for (const group of groups.values()) {
        const first = group[0] as ConversationSummary;
        const cached = await switchboard.profiles.cached(
          first.channel,
          first.accountId,
          group.map((c) => c.userId),
        );
        for (const c of group) {
          const record = cached.get(c.userId);
          if (record) records.set(c.id, record);
          if ((!record || record.expiresAt <= clock.now()) && started < LOOKUPS_PER_LIST) {
            started += 1;
            lookup(c).catch((error: unknown) =>
              logger.warn('profile lookup failed', {
                channel: c.channel,
                error: error instanceof Error ? error.message : String(error),
              }),
            );
          }
        }
      }
      return list.map((c) => apply(c, records.get(c.id)));
    },
    async withProfile(c) {
      if (!adapterOf(c.channel)?.userProfile) return c;
      try {
        return apply(c, await lookup(c));
      } catch (error) {
        logger.warn('profile lookup failed', {
          channel: c.channel,
          error: error instanceof Error ? error.message : String(error),
        });
        return c;
      }
    },
    async avatar(c) {
      const adapter = adapterOf(c.channel);
      if (!hasTools(adapter) || !adapter.userProfile) return undefined;
      const url = (await lookup(c)).profile?.avatarUrl;
      if (!url) return undefined;
      const kept = avatars.get(c.id);
      if (kept?.url === url) return kept;
      const file = await adapter.downloadAttachment(c.accountId, url, { maxBytes: AVATAR_MAX_BYTES });
      const type = file.mimeType?.split(';')[0]?.trim() ?? '';
      if (!AVATAR_TYPES.test(type)) return undefined;
      if (avatars.size >= AVATARS_KEPT) avatars.delete(avatars.keys().next().value as string);
      const entry = { bytes: file.bytes, type, url };
      avatars.set(c.id, entry);
      return entry;
    },
    async owner(c) {
      const adapter = adapterOf(c.channel);
      if (!hasTools(adapter)) return undefined;
      const known = owners.get(c.id);
      if (known && clock.now() - known.at < OWNER_TTL_MS) return known.view;
      let view: ThreadOwnerView | undefined;
      try {
        const owner = await adapter.threadControl(c.accountId).owner(c.userId);
        view = owner.idle
          ? { idle: true, ownedByUs: false }
          : {
              idle: false,
              ownedByUs: owner.ownedByThisApp === true,
              ...(owner.appId ? { appId: owner.appId } : {}),
              label: owner.ownedByThisApp
                ? 'this inbox'
                : (KNOWN_APPS[owner.appId ?? ''] ?? (owner.appId ? `app ${owner.appId}` : 'another app')),
            };
      } catch (error) {
        logger.warn('thread owner lookup failed', {
          channel: c.channel,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      owners.set(c.id, { at: clock.now(), view });
      return view;
    },
    forgetOwner(conversationId) {
      owners.delete(conversationId);
    },
  };
}
