import type { UserProfile } from '../model/user-profile.js';

/** One cached profile lookup: the profile, or a remembered absence, until `expiresAt`. */
export interface UserProfileRecord {
  channel: string;
  accountId: string;
  userId: string;
  /** Undefined when the platform had none to give (`absentReason` says why). */
  profile?: UserProfile;
  absentReason?: string;
  /** Epoch ms of the lookup. */
  fetchedAt: number;
  /** Epoch ms after which the record is stale. */
  expiresAt: number;
}

/** Cache of user profiles (names, avatars), keyed by channel, account and user. */
export interface UserProfileStore {
  /** The record, fresh or stale (the caller compares `expiresAt`), or undefined. */
  get(channel: string, accountId: string, userId: string): Promise<UserProfileRecord | undefined>;
  /** Inserts or replaces the record of that user. */
  put(record: UserProfileRecord): Promise<void>;
  /** Records of several users of one account at once (an inbox page), in no particular order. */
  getMany(channel: string, accountId: string, userIds: readonly string[]): Promise<UserProfileRecord[]>;
  /** Drops records that expired before `before` (epoch ms); returns how many. */
  purgeExpired(before: number): Promise<number>;
}
