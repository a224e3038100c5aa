import { expect, it } from 'vitest';
import { T0 } from './fixtures.js';
import type { StoreTest } from './index.js';

export function credentialCases(test: StoreTest): void {
  it('returns a sealed value exactly as written, and replaces it on the next put', () =>
    test(async (store) => {
      const sealed = 'sb1:k1:aXY:Y2lwaGVy:dGFn';
      const first = await store.credentials.put('account:whatsapp:1065', sealed, { now: T0 });
      expect(first).toMatchObject({ name: 'account:whatsapp:1065', sealed, updatedAt: T0 });
      expect(await store.credentials.get('account:whatsapp:1065')).toEqual(first);
      const second = await store.credentials.put('account:whatsapp:1065', 'sb1:k2:b:c:d', { now: T0 + 5 });
      expect(second?.version).toBeGreaterThan(first?.version ?? Number.POSITIVE_INFINITY);
      expect(await store.credentials.get('account:whatsapp:1065')).toEqual({
        name: 'account:whatsapp:1065',
        sealed: 'sb1:k2:b:c:d',
        updatedAt: T0 + 5,
        version: second?.version,
      });
      expect(await store.credentials.get('account:whatsapp:other')).toBeUndefined();
    }));

  it('records an erasure (null) so that changedSince reports it', () =>
    test(async (store) => {
      const written = await store.credentials.put('app:42', 'sb1:k1:a:b:c', { now: T0 });
      const erased = await store.credentials.put('app:42', null, { now: T0 + 1 });
      expect(erased?.sealed).toBeNull();
      expect(await store.credentials.changedSince(written?.version ?? 0, 10)).toEqual([erased]);
    }));

  it('lists writes after a version in write order, paged by limit', () =>
    test(async (store) => {
      const names = ['account:messenger:b', 'account:messenger:a', 'app:7', 'account:messenger:b'];
      const versions: number[] = [];
      for (const [i, name] of names.entries())
        versions.push((await store.credentials.put(name, `sb1:k1:${i}:x:y`, { now: T0 + i }))?.version ?? 0);
      const all = await store.credentials.changedSince(0, 100);
      // `b` was written twice: it appears once, at its latest version.
      expect(all.map((c) => c.name)).toEqual(['account:messenger:a', 'app:7', 'account:messenger:b']);
      expect(all.map((c) => c.sealed)).toEqual(['sb1:k1:1:x:y', 'sb1:k1:2:x:y', 'sb1:k1:3:x:y']);
      const firstPage = await store.credentials.changedSince(0, 2);
      expect(firstPage).toEqual(all.slice(0, 2));
      expect(await store.credentials.changedSince(firstPage[1]?.version ?? 0, 2)).toEqual(all.slice(2));
      expect(await store.credentials.changedSince(versions[3] ?? 0, 10)).toEqual([]);
    }));

  it('writes with ifVersion only while the stored version is that one (compare-and-set)', () =>
    test(async (store) => {
      const name = 'lease:token-refresh:instagram:1784';
      // 0 means "no row yet": the first of two racing writers wins.
      const first = await store.credentials.put(name, 'owner-a', { now: T0, ifVersion: 0 });
      expect(first?.sealed).toBe('owner-a');
      expect(await store.credentials.put(name, 'owner-b', { now: T0, ifVersion: 0 })).toBeUndefined();
      const version = first?.version ?? 0;
      const second = await store.credentials.put(name, 'owner-b', { now: T0 + 1, ifVersion: version });
      expect(second?.sealed).toBe('owner-b');
      expect(
        await store.credentials.put(name, 'owner-c', { now: T0 + 2, ifVersion: version }),
      ).toBeUndefined();
      expect((await store.credentials.get(name))?.sealed).toBe('owner-b');
    }));
}
