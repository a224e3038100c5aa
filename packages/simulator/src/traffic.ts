import type { Clock } from '@switchboard/core';
import { NEEDS_TARGET, pickKind } from './content.js';
import type { Prng } from './prng.js';
import type { CustomerSendInput, SimChannel, SimWorld, TrafficOptions, TruthRecord } from './types.js';

/**
 * Poisson customer traffic per account on the injected clock, reproducible from the seed.
 * Kinds that need an earlier message fall back to text when the conversation is empty.
 */
export class TrafficGenerator {
  private cancels: Array<() => void> = [];

  constructor(
    private readonly clock: Clock,
    private readonly rng: Prng,
    private readonly world: SimWorld,
    private readonly send: (input: CustomerSendInput) => TruthRecord,
    /** Latest message id of a conversation, for replies. */
    private readonly latest: (channel: SimChannel, accountId: string, userId: string) => string | undefined,
  ) {}

  get running(): boolean {
    return this.cancels.length > 0;
  }

  start(options: TrafficOptions): void {
    this.stop();
    if (!(options.perMinute > 0)) return;
    const perMs = options.perMinute / 60_000;
    const accounts: Array<[SimChannel, string]> = [
      ...this.world.pages.map((p): [SimChannel, string] => ['messenger', p.id]),
      ...this.world.instagram.map((a): [SimChannel, string] => ['instagram', a.id]),
      ...this.world.phoneNumbers.map((p): [SimChannel, string] => ['whatsapp', p.id]),
    ].filter(
      ([ch, id]) =>
        (!options.channels || options.channels.includes(ch)) &&
        (!options.accounts || options.accounts.includes(id)),
    );
    accounts.forEach(([channel, accountId], slot) => {
      const tick = () => {
        this.fire(channel, accountId);
        this.cancels[slot] = this.clock.setTimeout(tick, this.wait(perMs));
      };
      this.cancels[slot] = this.clock.setTimeout(tick, this.wait(perMs));
    });
  }

  /** Whole milliseconds, so event times stay integers. */
  private wait(perMs: number): number {
    return Math.max(1, Math.round(this.rng.exponential(perMs)));
  }

  stop(): void {
    for (const c of this.cancels) c();
    this.cancels = [];
  }

  private fire(channel: SimChannel, accountId: string): void {
    const customers = this.world.customers.filter((c) => c.channel === channel && c.accountId === accountId);
    if (customers.length === 0) return;
    const customer = this.rng.pick(customers);
    const kind = pickKind(this.rng, channel);
    const replyTo =
      kind === 'text' && this.rng.chance(0.15) ? this.latest(channel, accountId, customer.userId) : undefined;
    try {
      this.send({ channel, accountId, userId: customer.userId, kind, ...(replyTo ? { replyTo } : {}) });
    } catch (err) {
      if (!NEEDS_TARGET.has(kind)) throw err;
      this.send({ channel, accountId, userId: customer.userId, kind: 'text' });
    }
  }
}
