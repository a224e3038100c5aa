import type { AccountRegistry } from '../accounts/registry.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';
import type { AlarmCenter } from '../watch/alarms.js';
import type { Dispatchable } from './dispatcher.js';
import type { EngineMetrics } from './metrics.js';

/** Keeps events of accounts that are not connected out of dispatch, and gives up on them in time. */
export interface AccountHold {
  /** The items whose account admits them; the others are held (left leased) or dead-lettered. */
  sift(items: readonly Dispatchable[]): Promise<Dispatchable[]>;
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

/**
 * A held event is simply not completed: its lease lapses and the event is claimed again one lease later,
 * so it is dispatched at that point if its account was connected meanwhile, and dead-lettered once it has
 * been held for `holdMs`. Account-level notifications (`account` events: onboarding, quality, templates)
 * are never held: they are about the business account itself, often before any number is connected.
 */
export function createAccountHold(deps: {
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics: EngineMetrics;
  owner: string;
  accounts: Pick<AccountRegistry, 'admits' | 'peek' | 'onChange'>;
  alarms: AlarmCenter;
  holdMs: number;
}): AccountHold {
  const { store, clock, logger, metrics, owner, accounts, alarms, holdMs } = deps;

  accounts.onChange((account) => {
    if (account.status !== 'active') return;
    alarms.clear(
      'account_unknown',
      account.channel,
      account.accountId,
      'account connected: its held webhooks are processed',
    );
  });

  const hold = async ({ event }: Dispatchable) => {
    const status = accounts.peek(event.channel, event.accountId)?.status ?? 'not connected';
    metrics.held.inc({ channel: event.channel });
    await store.counters.add('events.held', 1);
    // One warning per account (with its alarm); the following held events only at debug.
    const first = !alarms.isRaised('account_unknown', event.channel, event.accountId);
    logger[first ? 'warn' : 'debug']('webhook for an account that is not connected: held', {
      channel: event.channel,
      accountId: event.accountId,
      key: event.key,
      status,
    });
    alarms.raise({
      type: 'account_unknown',
      channel: event.channel,
      accountId: event.accountId,
      severity: 'warning',
      message: `webhooks arrive for ${event.channel} account ${event.accountId}, which is ${status}: they are held for ${minutes(holdMs)}, processed if it is connected by then, else dead-lettered`,
      data: { status, firstKey: event.key, holdMs },
    });
  };

  const giveUp = async ({ event, seq, attempts }: Dispatchable) => {
    const status = accounts.peek(event.channel, event.accountId)?.status ?? 'not connected';
    const reason = `${event.channel} account ${event.accountId} is ${status}: held for ${minutes(holdMs)}, not connected in time`;
    await store.events.kill(seq, owner, reason);
    await store.deadLetters.add({
      source: 'event',
      ref: event.key,
      channel: event.channel,
      code: 'ACCOUNT_NOT_CONNECTED',
      reason,
      attempts,
      at: clock.now(),
    });
    metrics.deadLettered.inc({ source: 'event', code: 'ACCOUNT_NOT_CONNECTED' });
    logger.error('held webhook dead-lettered: its account was not connected in time', {
      channel: event.channel,
      accountId: event.accountId,
      key: event.key,
    });
  };

  return {
    async sift(items) {
      const admitted: Dispatchable[] = [];
      const work: Promise<void>[] = [];
      for (const item of items) {
        const { event } = item;
        if (
          event.kind === 'account' ||
          event.kind === 'template' ||
          accounts.admits(event.channel, event.accountId)
        ) {
          admitted.push(item);
          continue;
        }
        if (item.createdAt === undefined) work.push(hold(item));
        else if (clock.now() - item.createdAt >= holdMs) work.push(giveUp(item));
      }
      // A failure here leaves the event leased: it is looked at again when the lease lapses.
      const results = await Promise.allSettled(work);
      for (const result of results)
        if (result.status === 'rejected')
          logger.warn('could not record a held event', {
            error: result.reason instanceof Error ? result.reason.message : String(result.reason),
          });
      return admitted;
    },
  };
}
