import type { InboxFetch, RunningInbox } from '@switchboard/example/testing';
import { vi } from 'vitest';

/** The id of a demo WhatsApp conversation, once its seeded webhook is stored. */
export async function demoConversation(inbox: RunningInbox, api: InboxFetch): Promise<string> {
  const customer = inbox.simulator!.world.customers.find((c) => c.channel === 'whatsapp')!;
  const id = `whatsapp:${customer.accountId}:${customer.userId}`;
  await vi.waitFor(
    async () => {
      const list = (await api('/api/conversations').then((r) => r.json())) as Array<{ id: string }>;
      if (!list.some((c) => c.id === id)) throw new Error(`${id} is not stored yet`);
    },
    { timeout: 20_000, interval: 100 },
  );
  return id;
}
