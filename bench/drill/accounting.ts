import type { Alarm, LossAccount, Store } from '@switchboard/core';
import type { MetaSimulator, TruthRecord } from '@switchboard/simulator';

/**
 * Loss accounting against the simulator's ground truth: a message no webhook delivered counts as
 * reported when the engine holds it (`store.messages`) or names it unrecoverable by id
 * (`loss.unrecoverableMessageIds`). Unrecoverable messages an adapter could only count (no ids) are
 * credited per conversation, oldest messages first, and the result says so (`countedByConversation`).
 */
export interface Accounting {
  /** Messages (customer messages and business echoes) that no webhook delivered. */
  dropped: TruthRecord[];
  held: TruthRecord[];
  /** Named unrecoverable by message id. */
  named: TruthRecord[];
  /** Covered only by a per-conversation count (an adapter that could not name the ids). */
  countedByConversation: TruthRecord[];
  /** Neither held nor named: lost silently. Must be empty. */
  unreported: TruthRecord[];
  /** Still detailed by the Conversations API (within the newest 20) but not held. Must be empty. */
  notRecovered: TruthRecord[];
}

/** Kinds that add a message to the conversation, i.e. what the Conversations API lists. */
const MESSAGE_KINDS = new Set(['text', 'image', 'video', 'audio', 'file', 'sticker', 'share', 'echo']);

export const conversationOf = (r: Pick<TruthRecord, 'channel' | 'accountId' | 'userId'>) =>
  `${r.channel}:${r.accountId}:${r.userId}`;

/** A customer message or a business answer (not a reaction, read, edit or status). */
export const isMessage = (r: TruthRecord) =>
  (r.type === 'inbound' || r.type === 'echo') && r.messageId !== undefined && MESSAGE_KINDS.has(r.kind);

/** Messages of the ground truth that no webhook has delivered (yet), oldest first. */
export function undelivered(sim: MetaSimulator, keep: (r: TruthRecord) => boolean = () => true) {
  return sim.truth.all().filter((r) => isMessage(r) && r.deliveredCount === 0 && keep(r));
}

export async function accountFor(
  world: { sim: MetaSimulator; store: Store; loss: () => Promise<LossAccount[]> },
  dropped: readonly TruthRecord[],
): Promise<Accounting> {
  const ids = new Set<string>();
  const counts = new Map<string, number>();
  for (const a of await world.loss()) {
    for (const [conv, n] of Object.entries(a.unrecoverableConversations)) {
      const named = a.unrecoverableMessageIds[conv] ?? [];
      for (const id of named) ids.add(id);
      if (n > named.length) counts.set(conv, n - named.length);
    }
  }
  const result: Accounting = {
    dropped: [...dropped],
    held: [],
    named: [],
    countedByConversation: [],
    unreported: [],
    notRecovered: [],
  };
  for (const r of [...dropped].sort((a, b) => a.createdAt - b.createdAt)) {
    const id = r.messageId as string;
    const held = (await world.store.messages.get(r.channel, id))?.event != null;
    if (held) {
      result.held.push(r);
      continue;
    }
    if (world.sim.isDetailed(id)) result.notRecovered.push(r);
    const left = counts.get(conversationOf(r)) ?? 0;
    if (ids.has(id)) result.named.push(r);
    else if (left > 0) {
      counts.set(conversationOf(r), left - 1);
      result.countedByConversation.push(r);
    } else result.unreported.push(r);
  }
  return result;
}

/** `conversation: id, id` lines for a failure message. */
export function describe(records: readonly TruthRecord[]): string {
  const by = new Map<string, string[]>();
  for (const r of records)
    by.set(conversationOf(r), [...(by.get(conversationOf(r)) ?? []), r.messageId ?? r.id]);
  return [...by].map(([conv, list]) => `${conv}: ${list.join(', ')}`).join('\n');
}

/** One line per early `webhook_gap` clear (see `trackRecovery`), for a failure message. */
export function describeClears(clears: ReadonlyArray<{ alarm: Alarm; open: TruthRecord[] }>): string[] {
  return clears.map((e) => `cleared at ${new Date(e.alarm.at).toISOString()} with open ${describe(e.open)}`);
}

/** The parts of a drill world the tracker needs (see `DrillWorld`). */
interface Watched {
  sim: MetaSimulator;
  store: Store;
  loss: () => Promise<LossAccount[]>;
  clock: { now(): number };
  switchboard: { on(event: 'alarm', handler: (alarm: Alarm) => void | Promise<void>): unknown };
}

/**
 * Follows the messages dropped in a run (`keep` picks the affected ones): the first time all of them
 * were held or named (`settledAt`, reset when a new one is dropped), and every `webhook_gap` clear that
 * came while a message dropped before it was neither. Messages of the last `graceMs` before a clear are
 * left out: no pass can have verified them yet.
 */
export function trackRecovery(world: Watched, keep: (r: TruthRecord) => boolean, graceMs: number) {
  const dropped = () => undelivered(world.sim, (r) => r.dropped !== undefined && keep(r));
  const earlyClears: Array<{ alarm: Alarm; open: TruthRecord[] }> = [];
  world.switchboard.on('alarm', async (alarm) => {
    if (alarm.type !== 'webhook_gap' || alarm.state !== 'cleared') return;
    const window = dropped().filter(
      (r) => r.accountId === alarm.accountId && r.createdAt <= alarm.at - graceMs,
    );
    const { unreported } = await accountFor(world, window);
    if (unreported.length > 0) earlyClears.push({ alarm, open: unreported });
  });
  let settledAt: number | null = null;
  return {
    earlyClears,
    get settledAt() {
      return settledAt;
    },
    /** Call after each step of the clock. */
    async check(): Promise<void> {
      const { unreported } = await accountFor(world, dropped());
      if (unreported.length > 0) settledAt = null;
      else settledAt ??= world.clock.now();
    },
  };
}
