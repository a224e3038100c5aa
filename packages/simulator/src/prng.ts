import { randomInt } from 'node:crypto';

/** A small seeded PRNG (mulberry32): the same seed always gives the same world and traffic. */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  int(min: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  /** A string of `length` digits, not starting with 0. */
  digits(length: number): string;
  /** A string of `length` characters from [A-Za-z0-9]. */
  alnum(length: number): string;
  chance(probability: number): boolean;
  /** Exponentially distributed wait (ms) for a Poisson process of `perMs` events per millisecond. */
  exponential(perMs: number): number;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function createPrng(seed: number): Prng {
  let state = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    digits(length) {
      let out = String(int(1, 9));
      while (out.length < length) out += String(int(0, 9));
      return out;
    },
    alnum(length) {
      let out = '';
      while (out.length < length) out += ALNUM[int(0, ALNUM.length - 1)];
      return out;
    },
    chance: (p) => next() < p,
    exponential: (perMs) => -Math.log(1 - next()) / perMs,
  };
}

/** `length` characters from [A-Za-z0-9] from the OS's CSPRNG: for secrets that must differ per run. */
export function randomAlnum(length: number): string {
  let out = '';
  while (out.length < length) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}
