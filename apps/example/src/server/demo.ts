import type { ChannelAdapter, Store } from '@switchboard/core';
import { importTrafficHistory } from '@switchboard/core/watch';
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
  let sent = seedComments(sim);
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

const HOUR = 3_600_000;

/**
 * Simulator mode, fresh store, demo traffic on: a week of the demo traffic's own rate becomes the
 * watch's learned history, so the silence watch and the charts' expected band start where a week of
 * demo traffic would have brought them (a real deployment learns its own, or imports it the same way).
 */
export async function seedDemoHistory(
  store: Store,
  adapters: readonly ChannelAdapter[],
  perMinute: number,
  now: number,
): Promise<number> {
  if (!(perMinute > 0) || (await store.conversations.list({ limit: 1 })).length > 0) return 0;
  const hours: Array<{ at: number; count: number }> = [];
  for (let at = now - 7 * 24 * HOUR; at < now - HOUR; at += HOUR) hours.push({ at, count: perMinute * 60 });
  let seeded = 0;
  for (const adapter of adapters)
    for (const accountId of adapter.accountIds ?? []) {
      await importTrafficHistory(store, { channel: adapter.channel, accountId, hours });
      seeded++;
    }
  return seeded;
}

/** Comments on a post of the Page and of the Instagram account: each top-level comment is a thread. */
function seedComments(sim: MetaSimulator): number {
  let sent = 0;
  const comments = {
    messenger: ['Is the blue jacket available in M?', 'Do you deliver on Sundays?', 'Same question!'],
    instagram: ['Price? 😍', 'Where is this shop?', 'Following for the answer'],
  };
  for (const channel of ['messenger', 'instagram'] as const) {
    const accountId = channel === 'messenger' ? sim.world.pages[0]?.id : sim.world.instagram[0]?.id;
    if (!accountId) continue;
    const customers = sim.world.customers.filter((c) => c.channel === channel && c.accountId === accountId);
    const post = sim.comments.post({ channel, accountId, caption: 'Autumn collection is here 🍂' });
    const [first = '', second = '', third = ''] = comments[channel];
    const top = sim.comments.customerComments({
      channel,
      accountId,
      postId: post.id,
      userId: customers[0]?.userId,
      text: first,
    });
    sim.comments.customerComments({
      channel,
      accountId,
      postId: post.id,
      userId: customers[1]?.userId,
      text: second,
    });
    sim.comments.customerComments({
      channel,
      accountId,
      postId: post.id,
      userId: customers[2]?.userId,
      parentId: top.comment.id,
      text: third,
    });
    sent += 3;
  }
  return sent;
}

/**
 * Subscribes the simulated Pages and Instagram accounts to the comment webhooks the adapters ask for
 * (`comments: true` adds `feed` / `comments`, `live_comments`, `mentions`). The Messenger and Instagram
 * adapters share a Page; each adds its fields to what is there, so the order does not matter.
 */
export async function subscribeComments(adapters: readonly ChannelAdapter[]): Promise<void> {
  for (const adapter of adapters.filter((a) => a.channel === 'messenger' || a.channel === 'instagram'))
    for (const id of adapter.accountIds ?? []) await adapter.resubscribe?.(id);
}
