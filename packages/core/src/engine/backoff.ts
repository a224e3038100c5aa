import type { WorkerOptions } from './types.js';

export type ResolvedWorker = Required<WorkerOptions>;

export function resolveWorker(options: WorkerOptions | undefined, defaults: ResolvedWorker): ResolvedWorker {
  return {
    ...defaults,
    ...Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined)),
  };
}

/** `base · 2^(attempt-1)`, capped: the delay after failed attempt number `attempt` (1-based). */
export function exponentialDelay(
  policy: Pick<ResolvedWorker, 'baseDelayMs' | 'maxDelayMs'>,
  attempt: number,
): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * "Full jitter" (uniform in [0, exponential delay]), never shorter than what the platform asked for
 * (Retry-After, Meta's estimated time to regain access).
 */
export function fullJitterDelay(
  policy: Pick<ResolvedWorker, 'baseDelayMs' | 'maxDelayMs'>,
  attempt: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const jittered = Math.floor(random() * exponentialDelay(policy, attempt));
  return Math.max(retryAfterMs ?? 0, jittered);
}
