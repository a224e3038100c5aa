import type { Clock } from '@switchboard/core';
import { NEEDS_TARGET, pickKind } from './content.js';
import type { Prng } from './prng.js';
import type {
  CustomerSendInput,
  SessionShape,
  SimChannel,
  SimWorld,
  TrafficOptions,
  TruthRecord,
} from './types.js';
import { indexOf } from './world-index.js';

export const DEFAULT_SESSION: SessionShape = {
  messages: [1, 6],
  pauseMs: 25_000,
  replyChance: 0.7,
  replyAfterMs: 90_000,
  followUpChance: 0.5,
};

/** What the generator may do to the simulated platform. */
export interface TrafficActions {
  customer(input: CustomerSendInput): TruthRecord;
  /** The business answers a customer (with its echo / statuses). */
  business(input: { channel: SimChannel; accountId: string; userId: string; text: string }): void;
  /** Latest message id of a conversation, for replies. */
  latest(channel: SimChannel, accountId: string, userId: string): string | undefined;
}

/** Customer messages per session on average, to turn a message rate into a session rate. */
export function meanSessionMessages(shape: SessionShape): number {
  return (shape.messages[0] + shape.messages[1]) / 2 + shape.replyChance * shape.followUpChance * 2;
}

const REPLIES = [
  'Thanks for your message! Let me check that for you.',
  'Bonjour 👋 yes, it is in stock.',
  'We ship to Lyon in 2–3 days 📦',
  'Sorry about that — a replacement is on its way.',
];

/**
 * Customer traffic per account on the injected clock, reproducible from the seed: a (thinned) Poisson
 * process of messages, or of sessions. Kinds that need an earlier message fall back to text when the
 * conversation is empty.
 */
export class TrafficGenerator {
  private readonly timers = new Set<() => void>();
  /** Customers in a session now (`channel:account:user`): one session at a time per customer. */
  private readonly inSession = new Set<string>();
  private active = false;

  constructor(
    private readonly clock: Clock,
    private readonly rng: Prng,
    private readonly world: SimWorld,
    private readonly act: TrafficActions,
  ) {}

  get running(): boolean {
    return this.active;
  }

  start(options: TrafficOptions): void {
    this.stop();
    const shape = { ...DEFAULT_SESSION, ...options.session };
    const accounts: Array<[SimChannel, string]> = [
      ...this.world.pages.map((p): [SimChannel, string] => ['messenger', p.id]),
      ...this.world.instagram.map((a): [SimChannel, string] => ['instagram', a.id]),
      ...this.world.phoneNumbers.map((p): [SimChannel, string] => ['whatsapp', p.id]),
    ].filter(
      ([ch, id]) =>
        (!options.channels || options.channels.includes(ch)) &&
        (!options.accounts || options.accounts.includes(id)),
    );
    for (const [channel, accountId] of accounts) {
      const perMinute = options.perMinuteByAccount?.[accountId] ?? options.perMinute;
      if (!(perMinute > 0)) continue;
      const sessions = options.model === 'sessions';
      const perMs = perMinute / 60_000 / (sessions ? meanSessionMessages(shape) : 1);
      const tick = () => {
        // Thinning: candidates come at the peak rate, each kept with the hour's share of it.
        const hour = new Date(this.clock.now()).getUTCHours();
        if (!options.dayShape || this.rng.next() < (options.dayShape[hour] ?? 1)) {
          if (sessions) this.session(channel, accountId, shape);
          else this.fire(channel, accountId);
        }
        this.later(this.wait(perMs), tick);
      };
      this.active = true;
      this.later(this.wait(perMs), tick);
    }
  }

  stop(): void {
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    this.inSession.clear();
    this.active = false;
  }

  private later(ms: number, run: () => void): void {
    const cancel = this.clock.setTimeout(() => {
      this.timers.delete(cancel);
      run();
    }, ms);
    this.timers.add(cancel);
  }

  /** Whole milliseconds, so event times stay integers. */
  private wait(perMs: number): number {
    return Math.max(1, Math.round(this.rng.exponential(perMs)));
  }

  private customersOf(channel: SimChannel, accountId: string) {
    return indexOf(this.world).customersOf(channel, accountId);
  }

  private fire(channel: SimChannel, accountId: string): void {
    const customers = this.customersOf(channel, accountId);
    if (customers.length === 0) return;
    const customer = this.rng.pick(customers);
    const kind = pickKind(this.rng, channel);
    const replyTo =
      kind === 'text' && this.rng.chance(0.15)
        ? this.act.latest(channel, accountId, customer.userId)
        : undefined;
    try {
      this.act.customer({
        channel,
        accountId,
        userId: customer.userId,
        kind,
        ...(replyTo ? { replyTo } : {}),
      });
    } catch (err) {
      if (!NEEDS_TARGET.has(kind)) throw err;
      this.act.customer({ channel, accountId, userId: customer.userId, kind: 'text' });
    }
  }

  /** A customer not already in a session writes a burst; the business may answer; a follow-up may come. */
  private session(channel: SimChannel, accountId: string, shape: SessionShape): void {
    const free = this.customersOf(channel, accountId).filter(
      (c) => !this.inSession.has(`${channel}:${accountId}:${c.userId}`),
    );
    if (free.length === 0) return;
    const { userId } = this.rng.pick(free);
    const key = `${channel}:${accountId}:${userId}`;
    this.inSession.add(key);
    // The whole session is drawn now, so its shape does not depend on what else happens meanwhile.
    const pause = () => Math.max(2_000, Math.round(this.rng.exponential(1 / shape.pauseMs)));
    const steps: Array<{ at: number; business: boolean }> = [];
    let at = 0;
    const burst = (count: number) => {
      for (let i = 0; i < count; i++) {
        if (steps.length > 0) at += pause();
        steps.push({ at, business: false });
      }
    };
    burst(this.rng.int(shape.messages[0], shape.messages[1]));
    if (this.rng.chance(shape.replyChance)) {
      at += Math.max(5_000, Math.round(this.rng.exponential(1 / shape.replyAfterMs)));
      steps.push({ at, business: true });
      if (this.rng.chance(shape.followUpChance)) burst(this.rng.int(1, 3));
    }
    steps.forEach((step, i) => {
      this.later(step.at + 1, () => {
        if (step.business) {
          this.act.business({ channel, accountId, userId, text: this.rng.pick(REPLIES) });
        } else {
          const kind = this.rng.chance(0.85) ? 'text' : 'image';
          this.act.customer({ channel, accountId, userId, kind });
        }
        if (i === steps.length - 1) this.inSession.delete(key);
      });
    });
  }
}
