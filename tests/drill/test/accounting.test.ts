import { type ChannelEvent, createMemoryStore, type LossAccount, ManualClock } from '@switchboard/core';
import { startMetaSimulator, type TruthRecord } from '@switchboard/simulator';
import { describe, expect, it } from 'vitest';
import { accountFor, conversationOf, undelivered } from '../../../bench/drill/accounting.js';

const EMPTY = { received: 0, duplicates: 0, refetched: 0, backfilled: 0, unrecoverable: 0 };

describe('drill accounting (the yardstick of the drills, the property test and the chaos tests)', () => {
  it('counts a dropped message as held, named by id, covered by a per-conversation count, or lost', async () => {
    // No webhook target: every message the customers send is undelivered.
    const sim = await startMetaSimulator({ clock: new ManualClock(), world: { customersPerAccount: 4 } });
    try {
      const { accountId, customers } = sim.account('instagram');
      const [held, named, counted, lost] = customers.map((c, i) =>
        sim.customerSends({ channel: 'instagram', accountId, userId: c.userId, text: `message ${i}` }),
      ) as [TruthRecord, TruthRecord, TruthRecord, TruthRecord];
      const mid = (r: { messageId?: string }) => r.messageId as string;
      const store = createMemoryStore();
      const row = {
        channel: 'instagram',
        accountId,
        conversationId: conversationOf(held),
        direction: 'inbound' as const,
      };
      await store.messages.upsert({
        ...row,
        messageId: mid(held),
        timestamp: held.createdAt,
        text: 'message 0',
        event: { key: 'instagram:held' } as unknown as ChannelEvent,
        correlationId: null,
      });
      // A row known only from a status (no event) is not a held message.
      await store.messages.setStatus({
        ...row,
        conversationId: conversationOf(lost),
        messageId: mid(lost),
        status: 'read',
        at: 1,
      });
      const dropped = undelivered(sim);
      expect(dropped.map(mid)).toEqual([held, named, counted, lost].map(mid));

      const base: LossAccount = {
        channel: 'instagram',
        accountId,
        ...EMPTY,
        unrecoverableConversations: {},
        unrecoverableMessageIds: {},
      };
      const withIds = [
        {
          ...base,
          unrecoverableConversations: { [conversationOf(named)]: 1 },
          unrecoverableMessageIds: { [conversationOf(named)]: [mid(named)] },
        },
      ];
      const a = await accountFor({ sim, store, loss: async () => withIds }, dropped);
      expect(a.held.map(mid)).toEqual([mid(held)]);
      expect(a.named.map(mid)).toEqual([mid(named)]);
      expect(a.unreported.map(mid)).toEqual([mid(counted), mid(lost)]);
      // Still among the newest 20 of their conversations: recoverable, so "not recovered" too.
      expect(a.notRecovered.map(mid)).toEqual([named, counted, lost].map(mid));

      // An adapter that could not name the ids: the per-conversation count covers that many, oldest first.
      const counts = [{ ...base, unrecoverableConversations: { [conversationOf(counted)]: 1 } }];
      const b = await accountFor({ sim, store, loss: async () => counts }, dropped);
      expect(b.countedByConversation.map(mid)).toEqual([mid(counted)]);
      expect(b.unreported.map(mid)).toEqual([mid(named), mid(lost)]);
    } finally {
      await sim.stop();
    }
  });
});
