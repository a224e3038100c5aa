import { type Clock, systemClock } from './clock.js';

/** One token bucket: `ratePerSecond` tokens refill per second, up to `burst`. */
export interface BucketSpec {
  key: string;
  ratePerSecond: number;
  burst: number;
}

/**
 * Rate limiter shared by the outbox and Graph calls. `take` is all-or-nothing over the buckets given.
 * The memory limiter serves one process; `@switchboard/redis` shares buckets across instances.
 */
export interface RateLimiter {
  /** Takes one token from every bucket and returns 0, or takes nothing and returns the ms to wait. */
  take(buckets: readonly BucketSpec[]): Promise<number>;
}

interface BucketState {
  tokens: number;
  updatedAt: number;
}

/** In-process token buckets. */
export function createMemoryRateLimiter(options: { clock?: Clock } = {}): RateLimiter {
  const clock = options.clock ?? systemClock;
  const buckets = new Map<string, BucketState>();
  const refill = (spec: BucketSpec, now: number): BucketState => {
    const state = buckets.get(spec.key) ?? { tokens: spec.burst, updatedAt: now };
    const elapsed = Math.max(0, now - state.updatedAt) / 1000;
    state.tokens = Math.min(spec.burst, state.tokens + elapsed * spec.ratePerSecond);
    state.updatedAt = now;
    buckets.set(spec.key, state);
    return state;
  };
  return {
    async take(specs) {
      const now = clock.now();
      let wait = 0;
      const states = specs.map((spec) => {
        const state = refill(spec, now);
        if (state.tokens < 1)
          wait = Math.max(wait, Math.ceil(((1 - state.tokens) / spec.ratePerSecond) * 1000));
        return state;
      });
      if (wait > 0) return wait;
      for (const state of states) state.tokens -= 1;
      return 0;
    },
  };
}
