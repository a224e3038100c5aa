import type { Clock } from '@switchboard/core';

const HOUR = 3_600_000;

/** Tracks calls per business object and renders Meta's usage headers. */
export class UsageMeter {
  private readonly calls = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    /** Calls per hour that count as 100 %. */
    private readonly budgetPerHour = 4800,
  ) {}

  record(objectId: string): void {
    const now = this.clock.now();
    const list = (this.calls.get(objectId) ?? []).filter((t) => now - t < HOUR);
    list.push(now);
    this.calls.set(objectId, list);
  }

  /** Calls to `objectId` in the last `windowMs` (for the Conversations API 2 calls/s rule). */
  recent(objectId: string, windowMs: number): number {
    const now = this.clock.now();
    return (this.calls.get(objectId) ?? []).filter((t) => now - t < windowMs).length;
  }

  percent(objectId: string): number {
    return Math.min(100, Math.round(((this.calls.get(objectId)?.length ?? 0) / this.budgetPerHour) * 100));
  }

  /** `X-Business-Use-Case-Usage` (or `X-App-Usage` for app tokens); `throttledForMs` forces 100 %. */
  headers(objectId: string, type: string, appToken: boolean, throttledForMs = 0): Record<string, string> {
    const pct = throttledForMs > 0 ? 100 : this.percent(objectId);
    const cpu = Math.max(1, Math.round(pct / 2));
    if (appToken)
      return { 'x-app-usage': JSON.stringify({ call_count: pct, total_cputime: cpu, total_time: cpu }) };
    const minutes = Math.ceil(throttledForMs / 60_000);
    return {
      'x-business-use-case-usage': JSON.stringify({
        [objectId]: [
          {
            type,
            call_count: pct,
            total_cputime: cpu,
            total_time: cpu,
            estimated_time_to_regain_access: minutes,
          },
        ],
      }),
    };
  }
}
