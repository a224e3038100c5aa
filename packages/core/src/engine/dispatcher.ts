import type { AccountRegistry } from '../accounts/registry.js';
import type { Clock } from '../clock.js';
import { SwitchboardError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ChannelEvent, EventKind } from '../model/events.js';
import type { OutboundMessage } from '../model/outbound.js';
import type { OutboxEntry, Store } from '../store/types.js';
import { exponentialDelay, type ResolvedWorker } from './backoff.js';
import type { AccountHold } from './hold.js';
import { yieldToLoop } from './loop.js';
import type { EngineMetrics } from './metrics.js';
import { conversationOfEvent, groupByConversation } from './ordering.js';
import { type OutboxAdvanced, persistEvents } from './persist.js';
import { createReply } from './reply.js';
import type { EventHandler } from './types.js';

/** An event ready for dispatch: stored, leased to this instance. */
export interface Dispatchable {
  seq: number;
  event: ChannelEvent;
  /** Failed attempts so far. */
  attempts: number;
  /** Epoch ms the event was stored; absent when it was inserted just now by this instance. */
  createdAt?: number;
}

/** Received as a bystander: another app owns the conversation (adapters set the flag). */
const isStandby = (event: ChannelEvent) => 'standby' in event && event.standby === true;

/** Events of one conversation persisted and dispatched between two yields to the event loop. */
const DISPATCH_CHUNK = 500;

export interface Dispatcher {
  on(kind: EventKind | '*', handler: EventHandler): () => void;
  /** Dispatches in order per conversation, conversations concurrently. Never throws. */
  dispatch(items: readonly Dispatchable[]): Promise<void>;
}

export function createDispatcher(deps: {
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics: EngineMetrics;
  owner: string;
  policy: ResolvedWorker;
  onAdvanced: OutboxAdvanced;
  /** Tags each event with its account's tenant before it is persisted and handled. */
  accounts: Pick<AccountRegistry, 'peek' | 'refresh'>;
  /** Holds events of accounts that are not connected. */
  hold: AccountHold;
  /** Write conversations and messages (`SwitchboardOptions.readModel`). */
  readModel: boolean;
  /** Hand `standby` events (another app owns the conversation) to handlers too (`SwitchboardOptions.standby`). */
  dispatchStandby: boolean;
  /** `switchboard.send`, behind each handler's `context.reply`. */
  send: (message: OutboundMessage) => Promise<OutboxEntry>;
}): Dispatcher {
  const { store, clock, logger, metrics, owner, policy } = deps;
  const handlers = new Map<string, Set<EventHandler>>();
  const touched = new Map<string, { channel: string; accountId: string; at: number }>();

  const noteEvent = (event: ChannelEvent) => {
    const key = `${event.channel}:${event.accountId}`;
    const previous = metrics.lastEventAt.get(key);
    if (previous && previous.at >= event.timestamp) return;
    const entry = { channel: event.channel, accountId: event.accountId, at: event.timestamp };
    metrics.lastEventAt.set(key, entry);
    touched.set(key, entry);
  };

  const withTenant = (event: ChannelEvent): ChannelEvent => {
    const tenantId = deps.accounts.peek(event.channel, event.accountId)?.tenantId;
    return tenantId ? { ...event, tenantId } : event;
  };

  const fail = async (item: Dispatchable, error: unknown) => {
    const attempt = item.attempts + 1;
    const { event } = item;
    const reason = error instanceof Error ? error.message : String(error);
    const code = SwitchboardError.is(error) ? error.code : 'HANDLER_FAILED';
    metrics.handlerFailures.inc({ kind: event.kind });
    try {
      if (attempt >= policy.maxAttempts) {
        await store.events.kill(item.seq, owner, reason);
        await store.deadLetters.add({
          source: 'event',
          ref: event.key,
          channel: event.channel,
          code,
          reason,
          attempts: attempt,
          at: clock.now(),
        });
        metrics.deadLettered.inc({ source: 'event', code });
        logger.error('event dead-lettered after repeated handler failures', {
          key: event.key,
          kind: event.kind,
          attempts: attempt,
          reason,
        });
        return;
      }
      const delay = exponentialDelay(policy, attempt);
      await store.events.retry(item.seq, owner, { nextAttemptAt: clock.now() + delay, error: reason });
      logger.warn('event handler failed; will retry', {
        key: event.key,
        kind: event.kind,
        attempt,
        retryInMs: delay,
        reason,
      });
    } catch (storeError) {
      // The lease expires and the event is claimed again: nothing is lost.
      logger.error('could not record a handler failure; the event will be retried when its lease expires', {
        key: event.key,
        error: storeError instanceof Error ? storeError.message : String(storeError),
      });
    }
  };

  /** Done marks of a chunk: one statement when the store has `completeMany`. */
  const markDone = async (items: readonly Dispatchable[]) => {
    if (items.length === 0) return;
    try {
      if (store.events.completeMany) {
        await store.events.completeMany(
          items.map((item) => item.seq),
          owner,
        );
      } else {
        await Promise.all(items.map((item) => store.events.complete(item.seq, owner)));
      }
    } catch (error) {
      logger.error('could not mark events done; they may be dispatched again after their lease expires', {
        keys: items.map((item) => item.event.key),
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  /**
   * One conversation's events, in order, in chunks with the event loop handed back between them (a
   * synchronous store such as SQLite would otherwise hold it for the whole group: seconds for a 32k-message
   * body). The read-model writes of a chunk go out together
   * (they are idempotent and monotonic, so their relative order does not matter) and so do the done
   * marks: two store round trips per group instead of two per event. Handlers run strictly in order,
   * each after its event is persisted.
   */
  const dispatchGroup = async (group: readonly Dispatchable[]) => {
    for (let from = 0; from < group.length; from += DISPATCH_CHUNK) {
      if (from > 0) await yieldToLoop();
      await dispatchChunk(group.slice(from, from + DISPATCH_CHUNK));
    }
  };

  const dispatchChunk = async (group: readonly Dispatchable[]) => {
    const tagged = group.map((item) => ({ ...item, event: withTenant(item.event) }));
    const persisted = await persistEvents(
      store,
      tagged.map((item) => item.event),
      deps.onAdvanced,
      deps.readModel,
    );
    const bookkeeping: Promise<void>[] = [];
    const done: Dispatchable[] = [];
    for (const [index, item] of tagged.entries()) {
      const outcome = persisted[index];
      if (outcome && !outcome.ok) {
        bookkeeping.push(fail(item, outcome.error));
        continue;
      }
      const { event } = item;
      if (isStandby(event) && !deps.dispatchStandby) {
        // Stored and in the read model; not this app's to answer.
        metrics.standbyRecorded.inc({ channel: event.channel });
        noteEvent(event);
        done.push(item);
        continue;
      }
      try {
        const context = {
          attempt: item.attempts + 1,
          seq: item.seq,
          reply: createReply(event, deps.send),
        };
        for (const handler of handlers.get(event.kind) ?? []) await handler(event, context);
        for (const handler of handlers.get('*') ?? []) await handler(event, context);
      } catch (error) {
        bookkeeping.push(fail(item, error));
        continue;
      }
      if (event.kind !== 'account' && event.kind !== 'template' && event.kind !== 'unsupported')
        noteEvent(event);
      done.push(item);
    }
    bookkeeping.push(markDone(done));
    await Promise.all(bookkeeping);
  };

  const flushLastEvents = async () => {
    if (touched.size === 0) return;
    const entries = [...touched.values()];
    touched.clear();
    try {
      await Promise.all(
        entries.map((e) =>
          store.health.set(`last-event:${e.channel}:${e.accountId}`, { at: e.at }, clock.now()),
        ),
      );
    } catch (error) {
      logger.warn('could not record last-event times', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  return {
    on(kind, handler) {
      let set = handlers.get(kind);
      if (!set) {
        set = new Set();
        handlers.set(kind, set);
      }
      set.add(handler);
      return () => {
        set.delete(handler);
      };
    },
    async dispatch(items) {
      if (items.length === 0) return;
      try {
        await deps.accounts.refresh();
      } catch (error) {
        // Tags come from the last copy of the registry; the next dispatch tries again.
        logger.warn('could not refresh the account registry', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      const admitted = await deps.hold.sift(items);
      const ordered = admitted.sort((a, b) => a.seq - b.seq);
      const groups = groupByConversation(ordered, (item) => conversationOfEvent(item.event));
      await Promise.all(groups.map(dispatchGroup));
      await flushLastEvents();
    },
  };
}
