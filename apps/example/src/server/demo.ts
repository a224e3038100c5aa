import type { Store } from '@switchboard/core';
import type { InboundKind, MetaSimulator, SimChannel } from '@switchboard/simulator';

/** First messages of each demo customer, so every content kind is on screen from the start. */
const OPENERS: Record<SimChannel, Array<Array<{ kind: InboundKind; text?: string }>>> = {
  messenger: [
    [{ kind: 'text', text: 'Hi! Is the blue jacket still in stock? 🧥' }, { kind: 'image' }],
    [{ kind: 'sticker' }, { kind: 'text', text: 'Thanks for the quick answer yesterday 🙏' }],
    [{ kind: 'postback' }],
    [{ kind: 'share' }, { kind: 'quick_reply' }],
  ],
  instagram: [
    [{ kind: 'text', text: 'Love the new collection 😍 do you ship to Lyon?' }, { kind: 'image' }],
    [{ kind: 'story_reply' }],
    [{ kind: 'share' }],
    [{ kind: 'story_mention' }],
  ],
  whatsapp: [
    [{ kind: 'text', text: 'Bonjour, ma commande n°4512 est arrivée abîmée 😞' }, { kind: 'image' }],
    [{ kind: 'location' }],
    [{ kind: 'contacts' }],
    [{ kind: 'order' }],
  ],
};

/**
 * Seeds the inbox with a first conversation per demo customer when the store is empty (fresh data
 * directory), spread over the last minutes.
 */
export async function seedDemo(sim: MetaSimulator, store: Store): Promise<number> {
  if ((await store.conversations.list({ limit: 1 })).length > 0) return 0;
  const now = sim.clock.now();
  const plan: Array<{
    channel: SimChannel;
    accountId: string;
    userId: string;
    kind: InboundKind;
    text?: string;
  }> = [];
  for (const channel of ['messenger', 'instagram', 'whatsapp'] as const) {
    const customers = sim.world.customers.filter((c) => c.channel === channel);
    customers.forEach((customer, i) => {
      for (const step of OPENERS[channel][i % OPENERS[channel].length] ?? []) {
        plan.push({ channel, accountId: customer.accountId, userId: customer.userId, ...step });
      }
    });
  }
  let sent = 0;
  plan.forEach((step, i) => {
    try {
      sim.customerSends({ ...step, at: now - (plan.length - i) * 47_000 });
      sent += 1;
    } catch {
      // A kind this simulator version does not offer on a channel: the rest of the demo still seeds.
    }
  });
  return sent;
}
