import type { UserProfileRecord } from '@switchboard/core';
import { expect, it } from 'vitest';
import { T0 } from './fixtures.js';
import type { StoreTest } from './index.js';

const DAY = 24 * 60 * 60_000;

const found = (userId: string, at = T0): UserProfileRecord => ({
  channel: 'instagram',
  accountId: '17841405822304914',
  userId,
  profile: {
    name: 'Peter Chang',
    username: 'peter_chang_live',
    avatarUrl: 'https://scontent.cdninstagram.com/v/p.jpg?ext=1',
    followerCount: 1234,
    followsBusiness: false,
    followedByBusiness: true,
    verified: false,
  },
  fetchedAt: at,
  expiresAt: at + DAY,
});

export function profileCases(test: StoreTest): void {
  it('returns a profile exactly as written, per channel, account and user', () =>
    test(async (store) => {
      const record = found('6571349092893521');
      await store.profiles.put(record);
      expect(await store.profiles.get('instagram', '17841405822304914', '6571349092893521')).toEqual(record);
      expect(await store.profiles.get('messenger', '17841405822304914', '6571349092893521')).toBeUndefined();
      expect(await store.profiles.get('instagram', 'other', '6571349092893521')).toBeUndefined();
    }));

  it('keeps a remembered absence (no profile, a reason) and replaces it with the next put', () =>
    test(async (store) => {
      const absent: UserProfileRecord = {
        channel: 'messenger',
        accountId: '105927095402516',
        userId: '7000000000000001',
        absentReason: 'no consent: the person has not written to the account yet (#230)',
        fetchedAt: T0,
        expiresAt: T0 + 60_000,
      };
      await store.profiles.put(absent);
      const stored = await store.profiles.get('messenger', '105927095402516', '7000000000000001');
      expect(stored).toEqual(absent);
      expect(stored?.profile).toBeUndefined();
      const later: UserProfileRecord = {
        channel: 'messenger',
        accountId: '105927095402516',
        userId: '7000000000000001',
        profile: { name: 'Ada Lovelace', firstName: 'Ada', lastName: 'Lovelace' },
        fetchedAt: T0 + 5,
        expiresAt: T0 + 5 + DAY,
      };
      await store.profiles.put(later);
      expect(await store.profiles.get('messenger', '105927095402516', '7000000000000001')).toEqual(later);
    }));

  it('reads several users of one account at once, skipping unknown and repeated ids', () =>
    test(async (store) => {
      await store.profiles.put(found('1'));
      await store.profiles.put(found('2'));
      await store.profiles.put({ ...found('3'), accountId: 'another-account' });
      const many = await store.profiles.getMany('instagram', '17841405822304914', ['2', '1', '9', '2', '3']);
      expect(many.map((r) => r.userId).sort()).toEqual(['1', '2']);
      expect(await store.profiles.getMany('instagram', '17841405822304914', [])).toEqual([]);
    }));

  it('purges only records that expired before the given time', () =>
    test(async (store) => {
      await store.profiles.put(found('old', T0 - 2 * DAY));
      await store.profiles.put(found('fresh', T0));
      expect(await store.profiles.purgeExpired(T0)).toBe(1);
      expect(await store.profiles.get('instagram', '17841405822304914', 'old')).toBeUndefined();
      expect(await store.profiles.get('instagram', '17841405822304914', 'fresh')).toBeDefined();
      expect(await store.profiles.purgeExpired(T0)).toBe(0);
    }));
}
