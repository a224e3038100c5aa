import type { ChannelAdapter, ParsedWebhook } from '../adapter.js';
import type { Clock } from '../clock.js';
import { SwitchboardError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ChannelEvent, EventSource } from '../model/events.js';
import type { EventInsertResult, InboxRow, Store } from '../store/types.js';
import { exponentialDelay, type ResolvedWorker } from './backoff.js';
import type { Dispatchable, Dispatcher } from './dispatcher.js';
import { yieldToLoop } from './loop.js';
import type { EngineMetrics } from './metrics.js';
import { orderForDispatch } from './ordering.js';
import type { IngestResult, ReplayOptions, ReplayResult } from './types.js';

export interface Processor {
  /** Claims and processes one batch of inbox rows; returns how many rows were claimed. */
  inboxRound(): Promise<number>;
  /** Claims and dispatches one batch of due events (retries, resumed work); returns how many. */
  eventRound(): Promise<number>;
  replay(options: ReplayOptions): Promise<ReplayResult>;
  ingest(events: readonly ChannelEvent[], source?: EventSource): Promise<IngestResult>;
}

/** Inbox rows parsed between two yields to the event loop. */
const SLICE = 25;
/** Events inserted per store call. */
const INSERT_CHUNK = 500;
/** Longest the processor maps the items of one body before handing the event loop back (acks wait meanwhile). */
const PARSE_BUDGET_MS = 10;

async function parseInSlices(adapter: ChannelAdapter, body: Uint8Array): Promise<ParsedWebhook> {
  if (!adapter.parseWebhookSlices) return adapter.parseWebhook(body);
  const out: ParsedWebhook = { events: [], problems: [] };
  let since = performance.now();
  for (const slice of adapter.parseWebhookSlices(body)) {
    for (const event of slice.events) out.events.push(event);
    for (const problem of slice.problems) out.problems.push(problem);
    if (performance.now() - since > PARSE_BUDGET_MS) {
      await yieldToLoop();
      since = performance.now();
    }
  }
  return out;
}

interface Counts {
  inserted: number;
  duplicates: number;
  backfilled: number;
}

/** A row whose events are stored, waiting for the done mark of its batch. */
interface ProcessedRow {
  row: InboxRow;
  fresh: Dispatchable[];
  counts: Counts;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createProcessor(deps: {
  adapters: ReadonlyMap<string, ChannelAdapter>;
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics: EngineMetrics;
  owner: string;
  policy: ResolvedWorker;
  dispatcher: Dispatcher;
  /** Called for every event inserted or dropped as a duplicate (loss accounting, baselines). */
  onStored?: (event: ChannelEvent, outcome: 'inserted' | 'duplicate') => void;
}): Processor {
  const { adapters, store, clock, logger, metrics, owner, policy, dispatcher } = deps;

  const parse = async (row: InboxRow): Promise<ParsedWebhook | SwitchboardError> => {
    const adapter = adapters.get(row.channel);
    if (!adapter) return new SwitchboardError('UNKNOWN_CHANNEL', `no adapter for channel "${row.channel}"`);
    try {
      return await parseInSlices(adapter, row.body);
    } catch (error) {
      if (SwitchboardError.is(error)) return error;
      return new SwitchboardError('PAYLOAD_INVALID', `the ${row.channel} parser threw: ${errorText(error)}`, {
        cause: error,
      });
    }
  };

  const deadLetterBody = async (row: InboxRow, error: SwitchboardError, attempts: number) => {
    await store.deadLetters.add({
      source: 'inbox',
      ref: String(row.id),
      channel: row.channel,
      code: error.code,
      reason: error.message,
      attempts,
      at: clock.now(),
    });
    metrics.deadLettered.inc({ source: 'inbox', code: error.code });
    logger.error('webhook body dead-lettered: it cannot be parsed (kept in the inbox for replay)', {
      inboxId: row.id,
      channel: row.channel,
      code: error.code,
      reason: error.message,
      ...(error.path ? { path: error.path } : {}),
    });
  };

  const recordProblems = async (row: InboxRow, parsed: ParsedWebhook) => {
    for (const problem of parsed.problems) {
      metrics.problems.inc({ channel: row.channel });
      logger.warn('webhook item could not be modeled (dead-lettered, the rest of the batch goes on)', {
        inboxId: row.id,
        channel: row.channel,
        path: problem.path,
        reason: problem.message,
      });
      await store.deadLetters.add({
        source: 'inbox',
        ref: `${row.id}:${problem.path}`,
        channel: row.channel,
        code: 'PAYLOAD_INVALID',
        reason: problem.message,
        attempts: 1,
        at: clock.now(),
      });
      metrics.deadLettered.inc({ source: 'inbox', code: 'PAYLOAD_INVALID' });
    }
  };

  /** Dedup-inserts events (leased to us); returns the new ones and the counts for the durable counters. */
  const insertOnly = async (
    events: readonly ChannelEvent[],
    inboxId: number | null,
  ): Promise<{ fresh: Dispatchable[]; counts: Counts }> => {
    const counts: Counts = { inserted: 0, duplicates: 0, backfilled: 0 };
    if (events.length === 0) return { fresh: [], counts };
    const ordered = orderForDispatch(events);
    // In chunks, the loop handed back between them: a store such as SQLite writes synchronously, and 32k
    // events in one call held it for seconds. A crash between chunks re-runs the row; dedup drops the copies.
    const results: EventInsertResult[] = [];
    for (let from = 0; from < ordered.length; from += INSERT_CHUNK) {
      if (from > 0) await yieldToLoop();
      const chunk = ordered.slice(from, from + INSERT_CHUNK);
      const options = { inboxId, owner, leaseMs: policy.leaseMs, now: clock.now() };
      for (const result of await store.events.insertMany(chunk, options)) results.push(result);
    }
    const fresh: Dispatchable[] = [];
    results.forEach((result, index) => {
      const event = ordered[index];
      if (!event) return;
      deps.onStored?.(event, result.result);
      if (result.result === 'duplicate') {
        counts.duplicates += 1;
        metrics.deduplicated.inc({ channel: event.channel, source: event.source });
        return;
      }
      counts.inserted += 1;
      metrics.events.inc({ channel: event.channel, kind: event.kind, source: event.source });
      if (event.source === 'backfill') {
        counts.backfilled += 1;
        metrics.backfilled.inc({ channel: event.channel });
      }
      fresh.push({ seq: result.seq, event, attempts: 0 });
    });
    return { fresh, counts };
  };
  /** The durable counters of one insert (or of a whole claimed batch): at most three writes. */
  const count = (counts: Counts) =>
    Promise.all([
      counts.inserted ? store.counters.add('events.inserted', counts.inserted) : undefined,
      counts.duplicates ? store.counters.add('events.deduplicated', counts.duplicates) : undefined,
      counts.backfilled ? store.counters.add('events.backfilled', counts.backfilled) : undefined,
    ]);
  const insert = async (events: readonly ChannelEvent[], inboxId: number | null): Promise<Dispatchable[]> => {
    const { fresh, counts } = await insertOnly(events, inboxId);
    await count(counts);
    return fresh;
  };

  const failRow = async (row: InboxRow, error: unknown) => {
    const attempt = row.attempts + 1;
    logger.error('could not process an inbox row; will retry', {
      inboxId: row.id,
      attempt,
      error: errorText(error),
    });
    try {
      if (attempt >= policy.maxAttempts) {
        const err = SwitchboardError.is(error)
          ? error
          : new SwitchboardError('STORE_UNAVAILABLE', errorText(error));
        await store.inbox.kill(row.id, owner, err.message);
        await deadLetterBody(row, err, attempt);
      } else {
        await store.inbox.retry(row.id, owner, {
          nextAttemptAt: clock.now() + exponentialDelay(policy, attempt),
          error: errorText(error),
        });
      }
    } catch {
      // The lease expires and the row is claimed again.
    }
  };

  /** Parses a row and inserts its events; the row is marked done later, with the rest of its batch. */
  const processRow = async (row: InboxRow): Promise<ProcessedRow | undefined> => {
    const parsed = await parse(row);
    try {
      if (parsed instanceof SwitchboardError) {
        await store.inbox.kill(row.id, owner, `${parsed.code}: ${parsed.message}`);
        await deadLetterBody(row, parsed, row.attempts + 1);
        return undefined;
      }
      await recordProblems(row, parsed);
      const { fresh, counts } = await insertOnly(parsed.events, row.id);
      return { row, fresh, counts };
    } catch (error) {
      await failRow(row, error);
      return undefined;
    }
  };

  /**
   * Done marks and counters of a claimed batch, issued together (one statement each with a store that
   * has `completeMany`, one commit). If they fail, every row is retried (dedup drops the copies).
   */
  const finishRows = async (rows: readonly ProcessedRow[]): Promise<Dispatchable[]> => {
    if (rows.length === 0) return [];
    const total: Counts = { inserted: 0, duplicates: 0, backfilled: 0 };
    for (const { counts } of rows) {
      total.inserted += counts.inserted;
      total.duplicates += counts.duplicates;
      total.backfilled += counts.backfilled;
    }
    const ids = rows.map((r) => r.row.id);
    try {
      const done = store.inbox.completeMany
        ? store.inbox.completeMany(ids, owner)
        : Promise.all(ids.map((id) => store.inbox.complete(id, owner)));
      await Promise.all([count(total), done]);
    } catch (error) {
      await Promise.all(rows.map((r) => failRow(r.row, error)));
      return [];
    }
    return rows.flatMap((r) => r.fresh);
  };

  return {
    async inboxRound() {
      const rows = await store.inbox.claim({
        owner,
        limit: policy.batchSize,
        leaseMs: policy.leaseMs,
        now: clock.now(),
      });
      // Rows are processed concurrently: their writes share commits; dispatch restores per-conversation order by seq.
      // Every SLICE rows the thread is handed back to pending I/O: parsing a whole batch in one go blocks
      // acknowledgements for tens of milliseconds, which shows up directly in their tail latency.
      const started: Promise<ProcessedRow | undefined>[] = [];
      for (const [index, row] of rows.entries()) {
        if (index > 0 && index % SLICE === 0) await yieldToLoop();
        started.push(processRow(row));
      }
      const processed = (await Promise.all(started)).filter((r): r is ProcessedRow => r !== undefined);
      await dispatcher.dispatch(await finishRows(processed));
      return rows.length;
    },

    async eventRound() {
      const records = await store.events.claim({
        owner,
        limit: policy.batchSize,
        leaseMs: policy.leaseMs,
        now: clock.now(),
      });
      await dispatcher.dispatch(
        records.map((r) => ({ seq: r.seq, event: r.event, attempts: r.attempts, createdAt: r.createdAt })),
      );
      return records.length;
    },

    async replay({ since, until, channel }) {
      const result: ReplayResult = { bodies: 0, failed: 0, events: 0, inserted: 0, duplicates: 0 };
      const end = until ?? clock.now();
      let afterId: number | undefined;
      for (;;) {
        const rows = await store.inbox.listByReceivedAt({
          since,
          until: end,
          limit: 200,
          ...(afterId !== undefined ? { afterId } : {}),
          ...(channel !== undefined ? { channel } : {}),
        });
        if (rows.length === 0) break;
        for (const row of rows) {
          afterId = row.id;
          result.bodies += 1;
          const parsed = await parse(row);
          if (parsed instanceof SwitchboardError) {
            result.failed += 1;
            if (row.state !== 'dead') {
              await store.inbox.setState(row.id, 'dead', `${parsed.code}: ${parsed.message}`);
              await deadLetterBody(row, parsed, row.attempts + 1);
            }
            continue;
          }
          const fresh = await insert(parsed.events, row.id);
          result.events += parsed.events.length;
          result.inserted += fresh.length;
          result.duplicates += parsed.events.length - fresh.length;
          await store.inbox.setState(row.id, 'done', null);
          await dispatcher.dispatch(fresh);
        }
      }
      logger.info('replay finished', { since, until: end, ...result });
      return result;
    },

    async ingest(events, source) {
      const prepared = source ? events.map((e) => ({ ...e, source })) : [...events];
      const fresh = await insert(prepared as ChannelEvent[], null);
      await dispatcher.dispatch(fresh);
      return { inserted: fresh.length, duplicates: prepared.length - fresh.length };
    },
  };
}
