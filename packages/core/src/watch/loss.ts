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
  /** Conversations → the ids of their unrecoverable messages, where the platform named them (newest 5,000 each). */
  unrecoverableMessageIds: Record<string, string[]>;
}

type Field = 'received' | 'duplicates' | 'refetched' | 'backfilled' | 'unrecoverable';
const FIELDS: readonly Field[] = ['received', 'duplicates', 'refetched', 'backfilled', 'unrecoverable'];
const COUNTER_PREFIX = 'loss:';
const CONVERSATIONS_KEY = 'watch:unrecoverable:';
const IDS_KEY = 'watch:unrecoverable-ids:';
/**
 * Named ids kept per conversation (newest). They also keep a loss reported again from being counted twice,
 * so the bound is well above what one conversation loses in a day-long outage (at 200, the fleet drill's
 * busiest conversations over 8 h left some lost messages unnamed and counted twice).
 */
const IDS_PER_CONVERSATION = 5_000;

export interface LossLedger {
  add(channel: string, accountId: string, field: Field, delta: number): void;
  /**
   * Counts a conversation's unrecoverable messages; ids already named are not counted twice. Resolves to
   * what it counted: the messages and the ids named for the first time.
   */
  unrecoverable(
    channel: string,
    accountId: string,
    conversationId: string,
    missing: number,
    messageIds?: readonly string[],
  ): Promise<{ counted: number; named: string[] }>;
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
  let conversationWrites: Promise<unknown> = Promise.resolve();
  const add: LossLedger['add'] = (channel, accountId, field, delta) => {
    if (delta === 0) return;
    const k = key(channel, accountId, field);
    pending.set(k, (pending.get(k) ?? 0) + delta);
  };

  return {
    add,
    async unrecoverable(channel, accountId, conversationId, missing, messageIds) {
      const write = async () => {
        const account = `${channel}:${accountId}`;
        let count = missing;
        let fresh: string[] = [];
        if (messageIds?.length) {
          const ids = (await deps.store.health.get<Record<string, string[]>>(`${IDS_KEY}${account}`)) ?? {};
          const named = new Set(ids[conversationId] ?? []);
          fresh = messageIds.filter((id) => !named.has(id));
          count = Math.max(0, missing - (messageIds.length - fresh.length));
          if (fresh.length > 0) {
            ids[conversationId] = [...named, ...fresh].slice(-IDS_PER_CONVERSATION);
            await deps.store.health.set(`${IDS_KEY}${account}`, ids, deps.clock.now());
          }
        }
        if (count === 0) return { counted: 0, named: fresh };
        add(channel, accountId, 'unrecoverable', count);
        const k = `${CONVERSATIONS_KEY}${account}`;
        const current = (await deps.store.health.get<Record<string, number>>(k)) ?? {};
        current[conversationId] = (current[conversationId] ?? 0) + count;
        await deps.store.health.set(k, current, deps.clock.now());
        return { counted: count, named: fresh };
      };
      const written = conversationWrites.then(write, write);
      conversationWrites = written;
      return written;
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
            unrecoverableMessageIds: {},
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
      const byAccount = async (prefix: string, apply: (a: LossAccount, value: unknown) => void) => {
        for (const row of await deps.store.health.list(prefix)) {
          const rest = row.key.slice(prefix.length);
          const channel = rest.slice(0, rest.indexOf(':'));
          apply(account(channel, rest.slice(channel.length + 1)), row.value);
        }
      };
      await byAccount(CONVERSATIONS_KEY, (a, value) => {
        a.unrecoverableConversations = { ...(value as Record<string, number>) };
      });
      await byAccount(IDS_KEY, (a, value) => {
        a.unrecoverableMessageIds = { ...(value as Record<string, string[]>) };
      });
      return [...accounts.values()].sort(
        (x, y) => x.channel.localeCompare(y.channel) || x.accountId.localeCompare(y.accountId),
      );
    },
  };
}
