import type { Clock, OutboxState, Store } from '@switchboard/core';
import type { LiveMessage } from '../shared/types.js';

type Listener = (message: LiveMessage) => void;

/** Fan-out of live updates to every open browser (Server-Sent Events). */
export interface LiveHub {
  publish(message: LiveMessage): void;
  subscribe(listener: Listener): () => void;
  readonly size: number;
}

export function createLiveHub(): LiveHub {
  const listeners = new Set<Listener>();
  return {
    publish(message) {
      for (const listener of listeners) listener(message);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get size() {
      return listeners.size;
    },
  };
}

const FINAL: ReadonlySet<OutboxState> = new Set(['read', 'failed']);
/** Stop watching a send that never reached a final state after this long. */
const WATCH_FOR_MS = 30 * 60_000;

/**
 * Watches the outbox entries of our own sends and publishes every state change (pending → sent →
 * delivered → read, retries, failures), so the conversation view moves without reloading.
 */
export function watchOutbox(store: Store, clock: Clock, hub: LiveHub, intervalMs = 300) {
  const watched = new Map<string, { conversationId: string; key: string; since: number }>();
  let busy = false;
  const tick = async () => {
    if (busy || watched.size === 0) return;
    busy = true;
    try {
      for (const [id, w] of watched) {
        const entry = await store.outbox.get(id);
        if (!entry) continue;
        const key = `${entry.state}:${entry.attempts}`;
        if (key !== w.key) {
          w.key = key;
          hub.publish({ type: 'outbox', conversationId: w.conversationId, id, state: entry.state });
        }
        if (FINAL.has(entry.state) || clock.now() - w.since > WATCH_FOR_MS) watched.delete(id);
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => {
    tick().catch(() => {});
  }, intervalMs);
  timer.unref();
  return {
    watch(id: string, conversationId: string) {
      watched.set(id, { conversationId, key: '', since: clock.now() });
    },
    stop() {
      clearInterval(timer);
    },
  };
}
