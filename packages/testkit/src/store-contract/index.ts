import type { Store } from '@switchboard/core';
import { describe } from 'vitest';
import { accountCases } from './accounts.js';
import { credentialCases } from './credentials.js';
import { eventCases } from './events.js';
import type { MakeStore } from './fixtures.js';
import { inboxCases } from './inbox.js';
import { outboxCases } from './outbox.js';
import { profileCases } from './profiles.js';
import { readModelCases } from './read-model.js';
import { templateCases } from './templates.js';

export type { MakeStore } from './fixtures.js';

/** Runs one case against a fresh store and closes it. */
export type StoreTest = (body: (store: Store) => Promise<void>) => Promise<void>;

/**
 * The store conformance suite: every `Store` implementation must pass it unchanged.
 *
 * @example
 * // packages/store-sqlite/test/contract.test.ts
 * import { storeContract } from '@switchboard/testkit';
 * storeContract('sqlite', () => createSqliteStore({ path: join(tmpdir(), `${randomUUID()}.db`) }));
 */
export function storeContract(name: string, makeStore: MakeStore): void {
  const test: StoreTest = async (body) => {
    const store = await makeStore();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };
  describe(`Store contract: ${name}`, () => {
    describe('inbox', () => inboxCases(test));
    describe('events', () => eventCases(test));
    describe('conversations, messages, dead letters, health, counters', () => readModelCases(test));
    describe('outbox', () => outboxCases(test));
    describe('accounts', () => accountCases(test));
    describe('credentials', () => credentialCases(test));
    describe('templates', () => templateCases(test));
    describe('user profiles', () => profileCases(test));
  });
}
