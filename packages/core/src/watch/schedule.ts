import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/** Periodic tasks on the engine clock, at a fixed rate; a task never overlaps itself. */
export interface Schedule {
  every(name: string, intervalMs: number, task: () => Promise<void>): void;
  /** Runs a task now (outside its period), or joins the run in progress. */
  runNow(name: string): Promise<void>;
  stop(): void;
  /** Resolves when no task is running. */
  settled(): Promise<void>;
  /** True while a task runs. */
  busy(): boolean;
}

export function createSchedule(deps: { clock: Clock; logger: Logger }): Schedule {
  const tasks = new Map<
    string,
    { intervalMs: number; task: () => Promise<void>; running: Promise<void> | null; cancel: () => void }
  >();
  let stopped = false;

  const run = (name: string): Promise<void> => {
    const entry = tasks.get(name);
    if (!entry) return Promise.resolve();
    if (entry.running) return entry.running;
    entry.running = entry
      .task()
      .catch((error: unknown) =>
        deps.logger.error(`watch task ${name} failed; it runs again next period`, {
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      .finally(() => {
        entry.running = null;
      });
    return entry.running;
  };

  // Fixed rate: a run that takes long (a reconciliation pass waiting on the Graph budget) does not push
  // every later run back; one that overruns its period is followed by the next at once.
  const arm = (name: string, delayMs: number) => {
    const entry = tasks.get(name);
    if (!entry || stopped) return;
    entry.cancel = deps.clock.setTimeout(() => {
      const due = deps.clock.now() + entry.intervalMs;
      void run(name).finally(() => arm(name, Math.max(0, due - deps.clock.now())));
    }, delayMs);
  };

  return {
    every(name, intervalMs, task) {
      stopped = false;
      tasks.get(name)?.cancel();
      tasks.set(name, { intervalMs, task, running: null, cancel: () => {} });
      arm(name, intervalMs);
    },
    runNow: run,
    stop() {
      stopped = true;
      for (const entry of tasks.values()) entry.cancel();
    },
    busy: () => [...tasks.values()].some((t) => t.running !== null),
    async settled() {
      for (;;) {
        const running = [...tasks.values()].map((t) => t.running).filter((p): p is Promise<void> => !!p);
        if (running.length === 0) return;
        await Promise.all(running);
      }
    },
  };
}
