import type { UserProfile, UserProfileRecord, UserProfileStore } from '@switchboard/core';
import { type Db, parseJson } from './db.js';

interface ProfileColumns {
  channel: string;
  account_id: string;
  user_id: string;
  profile: string | null;
  absent_reason: string | null;
  fetched_at: number;
  expires_at: number;
}

const toRecord = (r: ProfileColumns): UserProfileRecord => {
  const profile = parseJson<UserProfile>(r.profile);
  return {
    channel: r.channel,
    accountId: r.account_id,
    userId: r.user_id,
    ...(profile ? { profile } : {}),
    ...(r.absent_reason !== null ? { absentReason: r.absent_reason } : {}),
    fetchedAt: r.fetched_at,
    expiresAt: r.expires_at,
  };
};

/** SQLite caps bound parameters per statement; look up a long list in slices. */
const SLICE = 500;

export function createSqliteProfiles(handle: Db): UserProfileStore {
  return {
    async get(channel, accountId, userId) {
      const row = handle.run(
        'profile get',
        () =>
          handle
            .stmt(`SELECT * FROM user_profiles WHERE channel = ? AND account_id = ? AND user_id = ?`)
            .get(channel, accountId, userId) as ProfileColumns | undefined,
      );
      return row ? toRecord(row) : undefined;
    },
    async put(record) {
      await handle.write('profile put', () => {
        handle
          .stmt(
            `INSERT INTO user_profiles (channel, account_id, user_id, profile, absent_reason, fetched_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (channel, account_id, user_id) DO UPDATE SET profile = excluded.profile,
               absent_reason = excluded.absent_reason, fetched_at = excluded.fetched_at, expires_at = excluded.expires_at`,
          )
          .run(
            record.channel,
            record.accountId,
            record.userId,
            record.profile ? JSON.stringify(record.profile) : null,
            record.absentReason ?? null,
            record.fetchedAt,
            record.expiresAt,
          );
      });
    },
    async getMany(channel, accountId, userIds) {
      const ids = [...new Set(userIds)];
      const found: UserProfileRecord[] = [];
      for (let from = 0; from < ids.length; from += SLICE) {
        const slice = ids.slice(from, from + SLICE);
        const rows = handle.run(
          'profile get many',
          () =>
            handle
              .stmt(
                `SELECT * FROM user_profiles WHERE channel = ? AND account_id = ? AND user_id IN (${slice.map(() => '?').join(',')})`,
              )
              .all(channel, accountId, ...slice) as ProfileColumns[],
        );
        found.push(...rows.map(toRecord));
      }
      return found;
    },
    async purgeExpired(before) {
      return handle.write(
        'profile purge',
        () => handle.stmt(`DELETE FROM user_profiles WHERE expires_at < ?`).run(before).changes,
      );
    },
  };
}
