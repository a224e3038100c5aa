import type { ChannelAdapter } from '../adapter.js';
import type { Clock } from '../clock.js';
import { SwitchboardError } from '../errors.js';
import type { Logger } from '../logger.js';
import { conversationIdOf } from '../model/ids.js';
import type { UserProfile } from '../model/user-profile.js';
import type { Store, UserProfileRecord } from '../store/types.js';

/** Options of `switchboard.profiles` (`SwitchboardOptions.profiles`). */
export interface UserProfileOptions {
  /** How long a found profile is served from the store. Default 24 h (shorter than avatar URL lifetimes). */
  ttlMs?: number;
  /** How long an absence (no consent, no profile) is remembered. Default 6 h; a message from the person ends it sooner. */
  absentTtlMs?: number;
}

/** Who to look up. */
export interface UserRef {
  channel: string;
  accountId: string;
  userId: string;
}

/**
 * Names and avatars of the people in conversations, fetched from the platform once and cached in the
 * store with an expiry. A person the platform will not describe (Meta: never wrote to the account, so no
 * consent) is remembered as absent, so the platform is not asked again on every view.
 */
export interface UserProfiles {
  /**
   * The person's profile, or null when the platform has none to give. Served from the store while fresh;
   * `refresh: true` asks the platform anyway. Throws NOT_SUPPORTED for a channel without profile lookups,
   * and the platform's classified error when it cannot be asked (nothing is cached then).
   */
  get(ref: UserRef, options?: { refresh?: boolean }): Promise<UserProfile | null>;
  /** Like `get`, with the stored record (fetch time, expiry, why absent). */
  lookup(ref: UserRef, options?: { refresh?: boolean }): Promise<UserProfileRecord>;
  /** Cached records only (fresh or stale, no platform call), by user id: for rendering a list. */
  cached(
    channel: string,
    accountId: string,
    userIds: readonly string[],
  ): Promise<Map<string, UserProfileRecord>>;
  /** Deletes records expired for longer than `graceMs` (default 0): run it now and then to bound the table. */
  purge(graceMs?: number): Promise<number>;
}

const HOUR = 60 * 60_000;

export function createUserProfiles(deps: {
  adapters: ReadonlyMap<string, ChannelAdapter>;
  store: Store;
  clock: Clock;
  logger: Logger;
  options?: UserProfileOptions;
}): UserProfiles {
  const { store, clock, logger } = deps;
  const ttlMs = deps.options?.ttlMs ?? 24 * HOUR;
  const absentTtlMs = deps.options?.absentTtlMs ?? 6 * HOUR;
  // One platform call per person at a time, however many views ask at once.
  const inFlight = new Map<string, Promise<UserProfileRecord>>();

  /** An absence recorded before the person's last message is stale: writing gives consent. */
  const fresh = async (record: UserProfileRecord): Promise<boolean> => {
    if (record.expiresAt <= clock.now()) return false;
    if (record.profile) return true;
    const conversation = await store.conversations.get(
      conversationIdOf(record.channel, record.accountId, record.userId),
    );
    // A tie counts as "wrote after": the same millisecond cannot be ordered.
    return !(conversation?.lastInboundAt && conversation.lastInboundAt >= record.fetchedAt);
  };

  const fetch = async (ref: UserRef): Promise<UserProfileRecord> => {
    const adapter = deps.adapters.get(ref.channel);
    if (!adapter) throw new SwitchboardError('UNKNOWN_CHANNEL', `no adapter for channel "${ref.channel}"`);
    if (!adapter.userProfile)
      throw new SwitchboardError('NOT_SUPPORTED', `${ref.channel} has no user profile lookup`);
    const result = await adapter.userProfile(ref.accountId, ref.userId);
    const now = clock.now();
    const record: UserProfileRecord = result.found
      ? { ...ref, profile: result.profile, fetchedAt: now, expiresAt: now + ttlMs }
      : { ...ref, absentReason: result.reason, fetchedAt: now, expiresAt: now + absentTtlMs };
    try {
      await store.profiles.put(record);
    } catch (error) {
      // The answer is still right; the next view asks the platform again.
      logger.warn('could not cache a user profile', {
        channel: ref.channel,
        accountId: ref.accountId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    return record;
  };

  const lookup = async (ref: UserRef, options?: { refresh?: boolean }): Promise<UserProfileRecord> => {
    if (!ref.channel || !ref.accountId || !ref.userId)
      throw new SwitchboardError('INVALID_REQUEST', 'a profile lookup needs channel, accountId and userId');
    if (!options?.refresh) {
      const stored = await store.profiles.get(ref.channel, ref.accountId, ref.userId);
      if (stored && (await fresh(stored))) return stored;
    }
    const key = `${ref.channel}\u0000${ref.accountId}\u0000${ref.userId}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = fetch(ref).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };

  return {
    lookup,
    async get(ref, options) {
      return (await lookup(ref, options)).profile ?? null;
    },
    async cached(channel, accountId, userIds) {
      const records = await store.profiles.getMany(channel, accountId, userIds);
      return new Map(records.map((r) => [r.userId, r]));
    },
    purge: (graceMs = 0) => store.profiles.purgeExpired(clock.now() - Math.max(0, graceMs)),
  };
}
