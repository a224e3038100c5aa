import type { AccountWrite } from '@switchboard/core';
import { expect, it } from 'vitest';
import { T0 } from './fixtures.js';
import type { StoreTest } from './index.js';

const account = (accountId: string, overrides: Partial<AccountWrite> = {}): AccountWrite => ({
  channel: 'test',
  accountId,
  tenantId: 'tenant-a',
  label: null,
  loginFlavour: null,
  linkedIds: {},
  appId: null,
  status: 'active',
  token: null,
  ...overrides,
});

export function accountCases(test: StoreTest): void {
  it('stores an account with every field and replaces it on the next put, keeping createdAt', () =>
    test(async (store) => {
      const first = await store.accounts.put(
        account('ig1', {
          channel: 'instagram',
          label: 'Shop "Ünïcode" 🛍',
          loginFlavour: 'facebook-login',
          linkedIds: { pageId: '105927095402516' },
          appId: '1234',
          token: { expiresAt: T0 + 86_400_000, scopes: ['instagram_basic'], checkedAt: T0 },
        }),
        { now: T0 },
      );
      expect(first.written).toBe(true);
      expect(await store.accounts.get('instagram', 'ig1')).toEqual({
        channel: 'instagram',
        accountId: 'ig1',
        tenantId: 'tenant-a',
        label: 'Shop "Ünïcode" 🛍',
        loginFlavour: 'facebook-login',
        linkedIds: { pageId: '105927095402516' },
        appId: '1234',
        status: 'active',
        token: { expiresAt: T0 + 86_400_000, scopes: ['instagram_basic'], checkedAt: T0 },
        createdAt: T0,
        updatedAt: T0,
        version: first.record.version,
      });
      const second = await store.accounts.put(
        account('ig1', { channel: 'instagram', tenantId: 'tenant-b', status: 'disconnected' }),
        { now: T0 + 5 },
      );
      expect(second.record).toMatchObject({
        tenantId: 'tenant-b',
        status: 'disconnected',
        label: null,
        linkedIds: {},
        token: null,
        createdAt: T0,
        updatedAt: T0 + 5,
      });
      expect(second.record.version).toBeGreaterThan(first.record.version);
      expect(await store.accounts.get('instagram', 'nope')).toBeUndefined();
      expect(await store.accounts.get('messenger', 'ig1')).toBeUndefined();
    }));

  it('leaves an existing account unchanged with ifAbsent (seeding never overwrites a runtime change)', () =>
    test(async (store) => {
      await store.accounts.put(account('a1', { status: 'paused' }), { now: T0 });
      const seeded = await store.accounts.put(account('a1', { tenantId: null }), {
        now: T0 + 1,
        ifAbsent: true,
      });
      expect(seeded.written).toBe(false);
      expect(seeded.record).toMatchObject({ tenantId: 'tenant-a', status: 'paused', updatedAt: T0 });
      const fresh = await store.accounts.put(account('a2'), { now: T0 + 2, ifAbsent: true });
      expect(fresh.written).toBe(true);
      expect((await store.accounts.get('test', 'a1'))?.status).toBe('paused');
    }));

  it('lists by tenant, channel and status in (channel, accountId) order, page by page', () =>
    test(async (store) => {
      const ids = ['b', 'a', 'C', 'c10', 'c2'];
      for (const id of ids) await store.accounts.put(account(id), { now: T0 });
      await store.accounts.put(account('z', { channel: 'aaa' }), { now: T0 });
      await store.accounts.put(account('other', { tenantId: 'tenant-b' }), { now: T0 });
      await store.accounts.put(account('gone', { status: 'disconnected' }), { now: T0 });

      const all = await store.accounts.list({ limit: 100 });
      // Bytewise order: upper case before lower case, "c10" before "c2", whatever the database locale.
      expect(all.map((a) => `${a.channel}/${a.accountId}`)).toEqual([
        'aaa/z',
        'test/C',
        'test/a',
        'test/b',
        'test/c10',
        'test/c2',
        'test/gone',
        'test/other',
      ]);
      const pages: string[][] = [];
      let after: { channel: string; accountId: string } | undefined;
      for (;;) {
        const page = await store.accounts.list({ tenantId: 'tenant-a', channel: 'test', limit: 2, after });
        if (page.length === 0) break;
        pages.push(page.map((a) => a.accountId));
        const last = page.at(-1)!;
        after = { channel: last.channel, accountId: last.accountId };
      }
      expect(pages).toEqual([
        ['C', 'a'],
        ['b', 'c10'],
        ['c2', 'gone'],
      ]);
      expect(
        (await store.accounts.list({ tenantId: 'tenant-b', limit: 10 })).map((a) => a.accountId),
      ).toEqual(['other']);
      expect(
        (await store.accounts.list({ status: 'disconnected', limit: 10 })).map((a) => a.accountId),
      ).toEqual(['gone']);
      expect(await store.accounts.list({ tenantId: 'nobody', limit: 10 })).toEqual([]);
    }));

  it('reports every write after a version, oldest first, so other instances can follow', () =>
    test(async (store) => {
      const a = await store.accounts.put(account('a'), { now: T0 });
      await store.accounts.put(account('b'), { now: T0 });
      await store.accounts.put(account('a', { status: 'paused' }), { now: T0 + 1 });
      const changes = await store.accounts.changedSince(a.record.version, 10);
      expect(changes.map((c) => `${c.accountId}:${c.status}`)).toEqual(['b:active', 'a:paused']);
      expect(await store.accounts.changedSince(changes.at(-1)!.version, 10)).toEqual([]);
      expect((await store.accounts.changedSince(0, 1)).map((c) => c.accountId)).toEqual(['b']);
    }));
}
