import type { Alarm, Clock, Logger, Switchboard } from '@switchboard/core';
import type { AlarmView, RecoveryRun } from '../shared/types.js';

const PREFIX = 'inbox:recovery:';
const KEEP = 20;

type Label = (channel: string, accountId: string) => string;

/** An engine alarm as the health page shows it. */
export function alarmView(alarm: Alarm, label: Label): AlarmView {
  return {
    id: alarm.id,
    type: alarm.type,
    state: alarm.state,
    severity: alarm.severity,
    channel: alarm.channel,
    accountId: alarm.accountId,
    label: label(alarm.channel, alarm.accountId),
    message: alarm.message,
    raisedAt: alarm.raisedAt,
    at: alarm.at,
    repeats: alarm.repeats,
  };
}

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/**
 * The record of the engine's reconciliation passes that recovered something. The engine backfills on
 * its own (every `reconcile.intervalMs`); each pass that finds gaps raises a `webhook_gap` alarm whose
 * data carries the counts, which are kept here (in `store.health`) so the page can list the runs.
 * "Reconcile now" runs `switchboard.watch.reconcile()` and records its results the same way.
 */
export function createRecovery(switchboard: Switchboard, clock: Clock, logger: Logger, label: Label) {
  const store = switchboard.store;
  const save = async (run: RecoveryRun) => {
    const key = `${PREFIX}${String(run.at).padStart(15, '0')}:${run.trigger}:${run.channel}:${run.accountId}`;
    await store.health.set(key, run, clock.now());
  };

  return {
    /** Records the counts of a `webhook_gap` alarm (one automatic pass that found gaps). */
    async onAlarm(alarm: Alarm): Promise<void> {
      if (alarm.type !== 'webhook_gap' || alarm.state !== 'raised') return;
      await save({
        trigger: 'automatic',
        channel: alarm.channel,
        accountId: alarm.accountId,
        label: label(alarm.channel, alarm.accountId),
        at: alarm.at,
        gaps: num(alarm.data.gaps),
        backfilled: num(alarm.data.backfilled),
        duplicates: num(alarm.data.duplicates),
        unrecoverable: num(alarm.data.unrecoverable),
      }).catch((error) => logger.warn('recovery run not recorded', { error: String(error) }));
    },
    /** One reconciliation pass over every Messenger / Instagram account, now. */
    async reconcileNow(): Promise<RecoveryRun[]> {
      const watch = switchboard.watch;
      if (!watch) throw new Error('the engine watch is off (WATCH=off): nothing reconciles');
      const results = await watch.reconcile();
      const runs = results.map(
        (r): RecoveryRun => ({
          trigger: 'manual',
          channel: r.channel,
          accountId: r.accountId,
          label: label(r.channel, r.accountId),
          at: r.checkedAt,
          gaps: r.gaps.length,
          backfilled: r.backfilled,
          duplicates: r.duplicates,
          unrecoverable: r.unrecoverable.reduce((n, u) => n + u.missing, 0),
          ...(r.failed.length
            ? { error: `${r.failed.length} verification(s) failed: ${r.failed[0]?.error}` }
            : {}),
        }),
      );
      for (const run of runs) await save(run);
      return runs;
    },
    async list(limit = KEEP): Promise<RecoveryRun[]> {
      const rows = await store.health.list(PREFIX);
      return rows
        .map((r) => r.value as RecoveryRun)
        .sort((a, b) => b.at - a.at)
        .slice(0, limit);
    },
  };
}
