import { createPrng } from '@switchboard/simulator';
import { DAY_SHAPE } from './traffic.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export type FleetChannel = 'instagram' | 'messenger' | 'whatsapp';

/** One account of the simulated fleet. */
export interface FleetAccount {
  channel: FleetChannel;
  accountId: string;
  tenantId: string;
  appId: string;
  /** Customer messages per day at the day shape's peak. */
  peakPerDay: number;
}

export interface FleetShape {
  instagram: number;
  messenger: number;
  whatsapp: number;
  tenants: number;
  /** Share of the accounts on the second Meta app (default 0.2). */
  secondAppShare?: number;
  seed: number;
}

/** The two Meta apps of the fleet (a main app and an older one some tenants still use). */
export const FLEET_APPS = ['app-main', 'app-legacy'] as const;

/** Messages per session, spaced `SESSION_GAP_MS` apart on average: customers write in bursts. */
const SESSION_MEAN = 3;
const SESSION_GAP_MS = 20_000;
/** Per-account peak rate: log-normal, median 12 a day, σ 2.2, capped at 10 a minute (heavy-tailed). */
const MEDIAN_PER_DAY = 12;
const SIGMA = 2.2;
const CAP_PER_DAY = 10 * 60 * 24;

/** Draws a fleet: accounts spread over tenants (Zipf-ish: a few tenants own many accounts). */
export function drawFleet(shape: FleetShape): FleetAccount[] {
  const rng = createPrng(shape.seed);
  const normal = () => {
    const u = Math.max(1e-12, rng.next());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  const tenant = () => `tenant-${String(Math.floor(shape.tenants * rng.next() ** 2)).padStart(3, '0')}`;
  const accounts: FleetAccount[] = [];
  for (const channel of ['instagram', 'messenger', 'whatsapp'] as const)
    for (let i = 0; i < shape[channel]; i++)
      accounts.push({
        channel,
        accountId: `${channel.slice(0, 2)}-${String(i).padStart(5, '0')}`,
        tenantId: tenant(),
        appId: rng.next() < (shape.secondAppShare ?? 0.2) ? FLEET_APPS[1] : FLEET_APPS[0],
        peakPerDay: Math.min(CAP_PER_DAY, MEDIAN_PER_DAY * Math.exp(SIGMA * normal())),
      });
  return accounts;
}

export const shapeAt = (at: number) => DAY_SHAPE[new Date(at).getUTCHours()] ?? 1;

/** One inbound customer message of the fleet. */
export interface FleetMessage {
  account: FleetAccount;
  at: number;
  id: string;
  /** The customer session the message belongs to (fleet-wide number): one customer writes a session. */
  session: number;
}

/**
 * The fleet's customer traffic as one superposed process: sessions start at each account's rate divided
 * by the mean session size (Poisson, day-shaped), each session brings a geometric number of messages.
 * O(1) per message (the account of a session start is drawn from an alias table), whatever the fleet size.
 */
export function createFleetTraffic(accounts: readonly FleetAccount[], seed: number) {
  const rng = createPrng(seed);
  const weights = accounts.map((a) => a.peakPerDay);
  const total = weights.reduce((x, y) => x + y, 0);
  // Walker's alias table.
  const n = accounts.length;
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = weights.map((w) => (w * n) / total);
  const small: number[] = [];
  const large: number[] = [];
  for (const [i, p] of scaled.entries()) (p < 1 ? small : large).push(i);
  while (small.length && large.length) {
    const s = small.pop() as number;
    const l = large.pop() as number;
    prob[s] = scaled[s] as number;
    alias[s] = l;
    scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1;
    ((scaled[l] as number) < 1 ? small : large).push(l);
  }
  for (const i of [...small, ...large]) prob[i] = 1;
  const pick = () => {
    const i = Math.floor(rng.next() * n);
    return rng.next() < (prob[i] as number) ? i : (alias[i] as number);
  };
  const poisson = (mu: number) => {
    if (mu > 30)
      return Math.max(
        0,
        Math.round(
          mu +
            Math.sqrt(mu) *
              Math.sqrt(-2 * Math.log(Math.max(1e-12, rng.next()))) *
              Math.cos(2 * Math.PI * rng.next()),
        ),
      );
    let k = 0;
    let p = Math.exp(-mu);
    let s = p;
    const u = rng.next();
    while (u > s) {
      k++;
      p *= mu / k;
      s += p;
    }
    return k;
  };
  /** Follow-up messages of running sessions, by time. */
  let pending: FleetMessage[] = [];
  let seq = 0;
  let sessionSeq = 0;
  /** Only accounts for which `active` says yes send (connected, not churned out). */
  return {
    /** Messages of `[from, to)` (to − from small: a few seconds), in time order. */
    between(from: number, to: number, active: (a: FleetAccount) => boolean): FleetMessage[] {
      const out: FleetMessage[] = [];
      const later: FleetMessage[] = [];
      for (const m of pending) (m.at < to ? out : later).push(m);
      pending = later;
      const sessions = poisson(((total / SESSION_MEAN) * shapeAt(from) * (to - from)) / DAY);
      for (let s = 0; s < sessions; s++) {
        const account = accounts[pick()] as FleetAccount;
        if (!active(account)) continue;
        let at = from + rng.next() * (to - from);
        const session = sessionSeq++;
        // Geometric session size with mean SESSION_MEAN.
        do {
          const message = { account, at: Math.floor(at), id: `m${seq++}`, session };
          (message.at < to ? out : pending).push(message);
          at += -Math.log(Math.max(1e-12, rng.next())) * SESSION_GAP_MS;
        } while (rng.next() > 1 / SESSION_MEAN);
      }
      return out.sort((a, b) => a.at - b.at);
    },
  };
}

/** Hourly inbound counts of an account over `weeks` before `until`, at its expected rate: imported history. */
export function fleetHistory(account: FleetAccount, until: number, weeks: number) {
  const hours: Array<{ at: number; count: number }> = [];
  const HOUR = 60 * MINUTE;
  const from = Math.floor(until / HOUR) * HOUR - weeks * 168 * HOUR;
  let carry = 0;
  for (let at = from; at < until - HOUR; at += HOUR) {
    // Expected counts, carried so quiet accounts keep their fractional rate over the weeks.
    carry += (account.peakPerDay * shapeAt(at)) / 24;
    const count = Math.floor(carry);
    carry -= count;
    hours.push({ at, count });
  }
  return hours;
}
