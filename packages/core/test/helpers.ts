import {
  createLogger,
  createMemoryStore,
  createSwitchboard,
  type Logger,
  ManualClock,
  type Store,
  type SwitchboardOptions,
} from '../src/index.js';
import { createFakeAdapter } from './fake-adapter.js';

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return { logger: createLogger({ level: 'debug', sink: (line) => lines.push(line as LogLine) }), lines };
}

export function setup(options: Partial<SwitchboardOptions> & { store?: Store } = {}) {
  const clock = new ManualClock();
  const store = options.store ?? createMemoryStore();
  const fake = createFakeAdapter();
  const { logger, lines } = captureLogger();
  const switchboard = createSwitchboard({
    adapters: [fake.adapter],
    store,
    clock,
    logger,
    random: () => 1,
    ...options,
  });
  return { clock, store, fake, logger, lines, switchboard };
}
