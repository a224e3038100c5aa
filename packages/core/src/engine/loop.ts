import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

export interface WorkerLoop {
  start(): void;
  stop(): Promise<void>;
  /** Runs a round soon (new work arrived) instead of waiting for the next poll. */
  wake(): void;
}

/** Runs `round` until it finds nothing, then sleeps `pollIntervalMs` on the clock or until woken. */
export function createWorkerLoop(deps: {
  name: string;
  clock: Clock;
  logger: Logger;
  pollIntervalMs: number;
  round: () => Promise<number>;
  /**
   * Gives way to the work that wakes this loop. When `wake()` was called during a round (webhooks
   * keep arriving), the loop pauses while wakes keep coming, up to `(1 − share) / share` times the
   * round's duration, so acknowledgements, which share the thread, are not starved by processing;
   * the backlog is stored and is worked off at full speed once the flood ends. Default: no pacing.
   */
  pace?: { share: number };
}): WorkerLoop {
  let running = false;
  let woken = false;
  let wakes = 0;
  let interrupt: (() => void) | null = null;
  let loop: Promise<void> | null = null;

  const idle = () =>
    new Promise<void>((resolve) => {
      const cancel = deps.clock.setTimeout(() => {
        interrupt = null;
        resolve();
      }, deps.pollIntervalMs);
      interrupt = () => {
        cancel();
        interrupt = null;
        resolve();
      };
    });

  /**
   * Pauses in 2 ms steps for as long as wakes keep coming, at most `(1 − share) / share` × the round:
   * a trickle of webhooks barely slows processing, a flood gets the thread `1 − share` of the time.
   * Real timers, not the engine clock: this spaces CPU work, it is not a business delay.
   */
  const giveWay = async (share: number, roundMs: number) => {
    const bounded = Math.min(1, Math.max(0.05, share));
    const until = Date.now() + Math.min(1_000, (roundMs * (1 - bounded)) / bounded);
    let seen = wakes;
    while (running && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (wakes === seen) return;
      seen = wakes;
    }
  };

  const run = async () => {
    while (running) {
      let work = 0;
      const startedAt = Date.now();
      const wakesBefore = wakes;
      try {
        work = await deps.round();
      } catch (error) {
        deps.logger.error(`${deps.name} round failed; retrying after the poll interval`, {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      if (!running) break;
      if (work > 0 && deps.pace && wakes !== wakesBefore) {
        await giveWay(deps.pace.share, Date.now() - startedAt);
        continue;
      }
      if (work > 0) continue;
      if (woken) {
        woken = false;
        continue;
      }
      await idle();
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      interrupt?.();
      await loop;
      loop = null;
    },
    wake() {
      wakes += 1;
      if (interrupt) interrupt();
      else woken = true;
    },
  };
}

/** Lets pending I/O (acks) run before going on with a long piece of work. */
export const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));
