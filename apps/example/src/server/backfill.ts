import type { ChannelAdapter, ChannelEvent, Clock, Logger, Switchboard } from '@switchboard/core';
import type { BackfillRun } from '../shared/types.js';

const PREFIX = 'inbox:backfill:';
const BATCH = 50;

/**
 * Runs the adapters' `backfill` (Messenger/Instagram Conversations API) over a window and feeds what
 * comes back through `switchboard.ingest`, so missed messages are recovered and deduplicated.
 * Each run's counts are kept in the store.
 */
export function createBackfill(
  switchboard: Switchboard,
  adapters: readonly ChannelAdapter[],
  clock: Clock,
  logger: Logger,
) {
  const store = switchboard.store;
  const runOne = async (adapter: ChannelAdapter, accountId: string, since: number): Promise<BackfillRun> => {
    const run: BackfillRun = {
      channel: adapter.channel,
      accountId,
      at: clock.now(),
      since,
      fetched: 0,
      inserted: 0,
      duplicates: 0,
      unrecoverable: 0,
    };
    let batch: ChannelEvent[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const result = await switchboard.ingest(batch, { source: 'backfill' });
      run.inserted += result.inserted;
      run.duplicates += result.duplicates;
      batch = [];
    };
    try {
      const events = adapter.backfill?.({
        accountId,
        since,
        onUnrecoverable: (gap) => {
          run.unrecoverable += gap.missing;
          void switchboard.reportUnrecoverable(adapter.channel, gap);
        },
      });
      for await (const event of events ?? []) {
        run.fetched += 1;
        batch.push(event);
        if (batch.length >= BATCH) await flush();
      }
      await flush();
    } catch (error) {
      run.error = error instanceof Error ? error.message : String(error);
      logger.warn('backfill failed', { channel: adapter.channel, accountId, error: run.error });
    }
    await store.health.set(
      `${PREFIX}${String(run.at).padStart(15, '0')}:${adapter.channel}:${accountId}`,
      run,
      clock.now(),
    );
    return run;
  };

  return {
    /** Channels whose adapter can backfill. */
    channels: adapters.filter((a) => a.backfill).map((a) => a.channel),
    async run(options: { channel?: string; sinceMs: number }): Promise<BackfillRun[]> {
      const since = clock.now() - options.sinceMs;
      const runs: BackfillRun[] = [];
      for (const adapter of adapters) {
        if (!adapter.backfill || (options.channel && adapter.channel !== options.channel)) continue;
        for (const accountId of adapter.accountIds ?? []) runs.push(await runOne(adapter, accountId, since));
      }
      return runs;
    },
    async list(limit = 20): Promise<BackfillRun[]> {
      const rows = await store.health.list(PREFIX);
      return rows
        .map((r) => r.value as BackfillRun)
        .sort((a, b) => b.at - a.at)
        .slice(0, limit);
    },
  };
}
