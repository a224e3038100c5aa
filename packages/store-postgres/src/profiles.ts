import type { UserProfile, UserProfileRecord, UserProfileStore } from '@switchboard/core';
import { type Db, num } from './db.js';

type Row = Record<string, unknown>;

const toRecord = (r: Row): UserProfileRecord => ({
  channel: r.channel as string,
  accountId: r.account_id as string,
  userId: r.user_id as string,
  ...(r.profile ? { profile: r.profile as UserProfile } : {}),
  ...(typeof r.absent_reason === 'string' ? { absentReason: r.absent_reason } : {}),
  fetchedAt: num(r.fetched_at),
  expiresAt: num(r.expires_at),
});

export function createPgProfiles(db: Db): UserProfileStore {
  const t = db.t('user_profiles');
  return {
    async get(channel, accountId, userId) {
      const [row] = await db.query(
        `SELECT * FROM ${t} WHERE channel = $1 AND account_id = $2 AND user_id = $3`,
        [channel, accountId, userId],
      );
      return row ? toRecord(row) : undefined;
    },
    async put(record) {
      await db.query(
        `INSERT INTO ${t} (channel, account_id, user_id, profile, absent_reason, fetched_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (channel, account_id, user_id) DO UPDATE SET profile = EXCLUDED.profile,
           absent_reason = EXCLUDED.absent_reason, fetched_at = EXCLUDED.fetched_at, expires_at = EXCLUDED.expires_at`,
        [
          record.channel,
          record.accountId,
          record.userId,
          record.profile ? JSON.stringify(record.profile) : null,
          record.absentReason ?? null,
          record.fetchedAt,
          record.expiresAt,
        ],
      );
    },
    async getMany(channel, accountId, userIds) {
      if (userIds.length === 0) return [];
      const rows = await db.query(
        `SELECT * FROM ${t} WHERE channel = $1 AND account_id = $2 AND user_id = ANY($3::text[])`,
        [channel, accountId, [...new Set(userIds)]],
      );
      return rows.map(toRecord);
    },
    async purgeExpired(before) {
      const rows = await db.query(`DELETE FROM ${t} WHERE expires_at < $1 RETURNING 1`, [before]);
      return rows.length;
    },
  };
}
