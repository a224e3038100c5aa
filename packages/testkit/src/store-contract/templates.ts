import { expect, it } from 'vitest';
import { T0 } from './fixtures.js';
import type { StoreTest } from './index.js';

const key = { channel: 'whatsapp', accountId: '102290129340398', name: 'order_update', language: 'en_US' };
const definition = { parameter_format: 'named', components: [{ type: 'BODY', text: 'Hi {{first_name}}' }] };

export function templateCases(test: StoreTest): void {
  it('creates a template record from a patch and reads it back, definition included', () =>
    test(async (store) => {
      const written = await store.templates.apply({
        ...key,
        templateId: '1689556908129832',
        status: 'APPROVED',
        category: 'UTILITY',
        definition,
        at: T0,
      });
      const expected = {
        ...key,
        templateId: '1689556908129832',
        status: 'APPROVED',
        category: 'UTILITY',
        quality: null,
        reason: null,
        definition,
        updatedAt: T0,
      };
      expect(written).toEqual(expected);
      expect(await store.templates.get(key.channel, key.accountId, key.name, key.language)).toEqual(expected);
      expect(await store.templates.get(key.channel, key.accountId, key.name, 'pt_BR')).toBeUndefined();
    }));

  it('merges later patches field by field; a status without a reason clears the old reason', () =>
    test(async (store) => {
      await store.templates.apply({
        ...key,
        status: 'REJECTED',
        reason: 'INVALID_FORMAT',
        definition,
        at: T0,
      });
      await store.templates.apply({ ...key, quality: 'YELLOW', at: T0 + 1 });
      const rejected = await store.templates.get(key.channel, key.accountId, key.name, key.language);
      expect(rejected).toMatchObject({
        status: 'REJECTED',
        reason: 'INVALID_FORMAT',
        quality: 'YELLOW',
        definition,
      });
      await store.templates.apply({ ...key, status: 'APPROVED', at: T0 + 2 });
      expect(await store.templates.get(key.channel, key.accountId, key.name, key.language)).toMatchObject({
        status: 'APPROVED',
        reason: null,
        quality: 'YELLOW',
        definition,
        updatedAt: T0 + 2,
      });
    }));

  it('ignores a patch older than what it holds (a late webhook after a fresher API read)', () =>
    test(async (store) => {
      await store.templates.apply({ ...key, status: 'PAUSED', at: T0 + 10 });
      const after = await store.templates.apply({ ...key, status: 'APPROVED', at: T0 + 5 });
      expect(after.status).toBe('PAUSED');
      expect((await store.templates.get(key.channel, key.accountId, key.name, key.language))?.status).toBe(
        'PAUSED',
      );
    }));

  it('lists an account’s templates by name then language, filtered by name and status', () =>
    test(async (store) => {
      await store.templates.apply({ ...key, language: 'pt_BR', status: 'APPROVED', at: T0 });
      await store.templates.apply({ ...key, status: 'PAUSED', at: T0 });
      await store.templates.apply({ ...key, name: 'a_first', status: 'APPROVED', at: T0 });
      await store.templates.apply({ ...key, accountId: 'other', status: 'APPROVED', at: T0 });
      const all = await store.templates.list({ channel: 'whatsapp', accountId: key.accountId });
      expect(all.map((t) => `${t.name}/${t.language}`)).toEqual([
        'a_first/en_US',
        'order_update/en_US',
        'order_update/pt_BR',
      ]);
      const approved = await store.templates.list({
        channel: 'whatsapp',
        accountId: key.accountId,
        status: 'APPROVED',
      });
      expect(approved.map((t) => t.name)).toEqual(['a_first', 'order_update']);
      const named = await store.templates.list({
        channel: 'whatsapp',
        accountId: key.accountId,
        name: 'order_update',
        limit: 1,
      });
      expect(named.map((t) => t.language)).toEqual(['en_US']);
    }));
}
