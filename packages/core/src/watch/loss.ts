import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';

/** Loss accounting of one channel account, as `health()` and the example app show it. */
export interface LossAccount {
  channel: string;
  accountId: string;
  /** New events stored from webhooks. */
  received: number;
  /** Webhook copies of events already stored (Meta retries, duplicate POSTs), dropped. */
  duplicates: number;
  /** Events a backfill or sweep fetched again that were already stored, dropped. */
  refetched: number;
  /** Events recovered by backfill that no webhook had brought. */
  backfilled: number;
  /** Messages known to exist but beyond the platform's reach. */
  unrecoverable: number;
  /** Conversations with unrecoverable messages → how many each. */
  unrecoverableConversations: Record<string, number>;
}

type Field = 'received' | 'duplicates' | 'refetched' | 'backfilled' | 'unrecoverable';
const FIELDS: readonly Field[] = ['received', 'duplicates', 'refetched', 'backfilled', 'unrecoverable'];
const COUNTER_PREFIX = 'loss:';
const CONVERSATIONS_KEY = 'watch:unrecoverable:';

export interface LossLedger {
  add(channel: string, accountId: string, field: Field, delta: number): void;
  unrecoverable(channel: string, accountId: string, conversationId: string, missing: number): Promise<void>;
  /** Writes pending counts to `store.counters` (atomic adds: safe with many instances). */
  flush(): Promise<void>;
  /** Persisted + pending numbers per account. */
  snapshot(): Promise<LossAccount[]>;
}

/**
 * Per-account counts kept in `store.counters` (`loss:<channel>:<account>:<field>`) and the conversation
 * ids of unrecoverable messages in `store.health` (`watch:unrecoverable:<channel>:<account>`).
 */
export function createLossLedger(deps: { store: Store; logger: Logger; clock: Clock }): LossLedger {
  const pending = new Map<string, number>();
  const key = (channel: string, accountId: string, field: Field) =>
    `${COUNTER_PREFIX}${channel}:${accountId}:${field}`;
  const parse = (name: string) => {
    const rest = name.slice(COUNTER_PREFIX.length);
    const field = rest.slice(rest.lastIndexOf(':') + 1) as Field;
    const account = rest.slice(0, rest.lastIndexOf(':'));
    const channel = account.slice(0, account.indexOf(':'));
    return { channel, accountId: account.slice(channel.length + 1), field };
  };
  let conversationWrites: Promise<void> = Promise.resolve();

  return {
    add(channel, accountId, field, delta) {
      if (delta === 0) return;
      const k = key(channel, accountId, field);
      pending.set(k, (pending.get(k) ?? 0) + delta);
    },
    async unrecoverable(channel, accountId, conversationId, missing) {
      this.add(channel, accountId, 'unrecoverable', missing);
      const write = async () => {
        const k = `${CONVERSATIONS_KEY}${channel}:${accountId}`;
        const current = ((await deps.store.health.get<Record<string, number>>(k)) ?? {}) as Record<
          string,
          number
        >;
        current[conversationId] = (current[conversationId] ?? 0) + missing;
        await deps.store.health.set(k, current, deps.clock.now());
      };
      conversationWrites = conversationWrites.then(write, write);
      await conversationWrites;
    },
    async flush() {
      const entries = [...pending.entries()];
      pending.clear();
      for (const [name, delta] of entries) {
        try {
          await deps.store.counters.add(name, delta);
        } catch (error) {
          pending.set(name, (pending.get(name) ?? 0) + delta);
          deps.logger.warn('could not persist loss counters; will retry', {
            error: error instanceof Error ? error.message : String(error),
          });
          return;
        }
      }
    },
    async snapshot() {
      const accounts = new Map<string, LossAccount>();
      const account = (channel: string, accountId: string) => {
        const k = `${channel}:${accountId}`;
        let a = accounts.get(k);
        if (!a) {
          a = {
            channel,
            accountId,
            received: 0,
            duplicates: 0,
            refetched: 0,
            backfilled: 0,
            unrecoverable: 0,
            unrecoverableConversations: {},
          };
          accounts.set(k, a);
        }
        return a;
      };
      const stored = await deps.store.counters.list(COUNTER_PREFIX);
      for (const { name, value } of [
        ...stored,
        ...[...pending.entries()].map(([name, value]) => ({ name, value })),
      ]) {
        const { channel, accountId, field } = parse(name);
        if (!FIELDS.includes(field)) continue;
        account(channel, accountId)[field] += value;
      }
      for (const row of await deps.store.health.list(CONVERSATIONS_KEY)) {
        const rest = row.key.slice(CONVERSATIONS_KEY.length);
        const channel = rest.slice(0, rest.indexOf(':'));
        account(channel, rest.slice(channel.length + 1)).unrecoverableConversations = {
          ...(row.value as Record<string, number>),
        };
      }
      return [...accounts.values()].sort(
        (x, y) => x.channel.localeCompare(y.channel) || x.accountId.localeCompare(y.accountId),
      );
    },
  };
}
