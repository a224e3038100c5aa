import type { SimChannel, TruthFilter, TruthRecord, TruthSummary, TruthType, WebhookAlert } from './types.js';

/**
 * The ground truth: every event the platform generated and what became of it.
 *
 * @example
 * const { lost, duplicated } = sim.truth.summary({ channel: 'instagram', type: 'inbound' });
 */
export class TruthLedger {
  private readonly records: TruthRecord[] = [];
  readonly alerts: WebhookAlert[] = [];
  private seq = 0;

  add(input: {
    channel: SimChannel;
    accountId: string;
    userId: string;
    type: TruthType;
    kind: string;
    messageId?: string;
    field?: string;
    createdAt: number;
    item: Record<string, unknown>;
  }): TruthRecord {
    const record: TruthRecord = { id: `ev_${++this.seq}`, ...input, attempts: [], deliveredCount: 0 };
    this.records.push(record);
    return record;
  }

  all(filter: TruthFilter = {}): TruthRecord[] {
    return this.records.filter(
      (r) =>
        (!filter.channel || r.channel === filter.channel) &&
        (!filter.accountId || r.accountId === filter.accountId) &&
        (!filter.type || r.type === filter.type) &&
        (filter.since === undefined || r.createdAt >= filter.since) &&
        (filter.until === undefined || r.createdAt <= filter.until),
    );
  }

  /** Never acknowledged with a 2xx: dropped by the platform, or still failing / abandoned. */
  lost(filter: TruthFilter = {}): TruthRecord[] {
    return this.all(filter).filter((r) => r.deliveredCount === 0);
  }

  /** Acknowledged more than once (retries after a lost answer, or the duplicate fault). */
  duplicated(filter: TruthFilter = {}): TruthRecord[] {
    return this.all(filter).filter((r) => r.deliveredCount > 1);
  }

  /** First delivered more than `thresholdMs` after it was generated. */
  late(thresholdMs: number, filter: TruthFilter = {}): TruthRecord[] {
    return this.all(filter).filter(
      (r) => r.deliveredAt !== undefined && r.deliveredAt - r.createdAt > thresholdMs,
    );
  }

  summary(filter: TruthFilter = {}): TruthSummary {
    const records = this.all(filter);
    const byType: Record<string, number> = {};
    const byKind: Record<string, number> = {};
    for (const r of records) {
      byType[r.type] = (byType[r.type] ?? 0) + 1;
      byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
    }
    return {
      generated: records.length,
      delivered: records.filter((r) => r.deliveredCount > 0).length,
      lost: records.filter((r) => r.deliveredCount === 0).length,
      duplicated: records.filter((r) => r.deliveredCount > 1).length,
      dropped: records.filter((r) => r.dropped !== undefined).length,
      byType,
      byKind,
    };
  }

  /** Records whose message id is not in `seen` (e.g. the ids your engine stored): what the system missed. */
  missing(seen: Iterable<string>, filter: TruthFilter = {}): TruthRecord[] {
    const set = new Set(seen);
    return this.all(filter).filter((r) => r.messageId !== undefined && !set.has(r.messageId));
  }
}
