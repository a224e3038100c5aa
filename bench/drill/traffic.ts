import type { SimChannel } from '@switchboard/simulator';

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
