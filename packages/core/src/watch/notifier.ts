import type { Logger } from '../logger.js';
/** What the notifier POSTs: an alarm event or an incident transition (both carry `id` and `state`). */
export interface Notification {
  id: string;
  state: string;
}

/** Where and how alarms are POSTed. */
export interface AlarmNotifierOptions {
  /** Receives `POST` with the alarm as a JSON body (`content-type: application/json`). */
  url: string;
  /** Extra headers (e.g. an authorization header for the receiving service). Never logged. */
  headers?: Record<string, string>;
  /** Per attempt. Default 5 000 ms. */
  timeoutMs?: number;
  /** Attempts per alarm (immediate retries on network errors and 5xx). Default 3. */
  attempts?: number;
  logger?: Logger;
}

/**
 * An alarm (and incident) handler that POSTs every event as JSON to a URL (a chat webhook, a pager bridge).
 * Failures are logged, never thrown: notifying must not disturb the engine.
 *
 * @example
 * const switchboard = createSwitchboard({ adapters, store, watch: { notifier: { url: process.env.ALARM_URL! } } });
 * // or by hand:
 * switchboard.on('alarm', createAlarmNotifier({ url: 'https://hooks.example.com/switchboard' }));
 */
export function createAlarmNotifier(options: AlarmNotifierOptions): ((
  event: Notification,
) => Promise<void>) & {
  /** Resolves when every POST started so far has finished. */
  flush(): Promise<void>;
} {
  const inFlight = new Set<Promise<void>>();
  const attempts = Math.max(1, options.attempts ?? 3);
  const post = async (alarm: Notification): Promise<void> => {
    let lastError = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: JSON.stringify(alarm),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        lastError = `HTTP ${response.status}`;
        if (response.status < 500) break;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    options.logger?.error('could not POST an alarm to the notifier URL', {
      alarm: alarm.id,
      state: alarm.state,
      error: lastError,
    });
  };
  const handler = (alarm: Notification) => {
    const p = post(alarm).finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  };
  return Object.assign(handler, {
    flush: async () => {
      await Promise.all([...inFlight]);
    },
  });
}
