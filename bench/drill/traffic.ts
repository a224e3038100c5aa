import type { Clock } from '@switchboard/core';
import type { MetaSimulator, Prng, SimChannel } from '@switchboard/simulator';
import { createPrng } from '@switchboard/simulator';

const HOUR = 3_600_000;

/**
 * Share of an account's peak rate by UTC hour: quiet nights, a morning ramp, busy afternoons and
 * evenings (a European brand with American customers).
 */
export const DAY_SHAPE = [
  0.25, 0.2, 0.15, 0.12, 0.12, 0.15, 0.25, 0.4, 0.6, 0.75, 0.85, 0.9, 0.95, 1, 1, 1, 1, 1, 0.95, 0.9, 0.8,
  0.65, 0.5, 0.35,
] as const;

/** One simulated account's traffic: peak customer messages per minute. */
export interface AccountTraffic {
  channel: SimChannel;
  accountId: string;
  peakPerMinute: number;
}

export function ratePerMinute(account: AccountTraffic, at: number): number {
  const hour = new Date(at).getUTCHours();
  return account.peakPerMinute * (DAY_SHAPE[hour] ?? 1);
}

/** Expected messages of an account in `[from, to)`, hour by hour. */
export function expectedMessages(account: AccountTraffic, from: number, to: number): number {
  let total = 0;
  for (let t = from; t < to; ) {
    const end = Math.min(to, (Math.floor(t / HOUR) + 1) * HOUR);
    total += (ratePerMinute(account, t) * (end - t)) / 60_000;
    t = end;
  }
  return total;
}

/**
 * Non-homogeneous Poisson customer traffic (thinning) on the simulator, on the drill's clock.
 * Customers write text (85 %) or images; each message picks one of the account's customers.
 */
export function startTraffic(
  sim: MetaSimulator,
  clock: Clock,
  accounts: readonly AccountTraffic[],
  seed: number,
): { stop(): void; sent: () => number } {
  const cancels: Array<() => void> = [];
  let sent = 0;
  let stopped = false;
  accounts.forEach((account, index) => {
    const rng: Prng = createPrng(seed * 1000 + index);
    const customers = sim.world.customers.filter(
      (c) => c.channel === account.channel && c.accountId === account.accountId,
    );
    const peakPerMs = account.peakPerMinute / 60_000;
    const tick = () => {
      if (stopped) return;
      const now = clock.now();
      if (rng.next() < ratePerMinute(account, now) / account.peakPerMinute) {
        const customer = rng.pick(customers);
        sim.customerSends({
          channel: account.channel,
          accountId: account.accountId,
          userId: customer.userId,
          kind: rng.chance(0.85) ? 'text' : 'image',
          text: `hello from ${customer.name} at ${new Date(now).toISOString()}`,
        });
        sent++;
      }
      cancels[index] = clock.setTimeout(tick, Math.max(1, Math.round(rng.exponential(peakPerMs))));
    };
    cancels[index] = clock.setTimeout(tick, Math.max(1, Math.round(rng.exponential(peakPerMs))));
  });
  return {
    stop() {
      stopped = true;
      for (const cancel of cancels) cancel();
    },
    sent: () => sent,
  };
}
