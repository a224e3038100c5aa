import type { MemoryGuard } from './memory-queues.js';
import type { UserProfileRecord, UserProfileStore } from './types.js';

const keyOf = (channel: string, accountId: string, userId: string) =>
  `${channel}\u0000${accountId}\u0000${userId}`;

export function createMemoryProfiles(guard: MemoryGuard): UserProfileStore {
  const rows = new Map<string, UserProfileRecord>();
  return {
    async get(channel, accountId, userId) {
      guard.check();
      const row = rows.get(keyOf(channel, accountId, userId));
      return row ? structuredClone(row) : undefined;
    },
    async put(record) {
      guard.check();
      rows.set(keyOf(record.channel, record.accountId, record.userId), structuredClone(record));
    },
    async getMany(channel, accountId, userIds) {
      guard.check();
      const found: UserProfileRecord[] = [];
      for (const userId of new Set(userIds)) {
        const row = rows.get(keyOf(channel, accountId, userId));
        if (row) found.push(structuredClone(row));
      }
      return found;
    },
    async purgeExpired(before) {
      guard.check();
      let purged = 0;
      for (const [key, row] of rows)
        if (row.expiresAt < before) {
          rows.delete(key);
          purged += 1;
        }
      return purged;
    },
  };
}
