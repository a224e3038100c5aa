import type { Clock } from '@switchboard/core';
import { RollingWindow } from '@switchboard/core/internal';
import { GraphError } from './graph-error.js';

const HOUR = 3_600_000;

/** Graph rate limits the simulator enforces, per rolling hour (reference §1.4). */
export interface GraphRateLimits {
  /** Calls per app (platform limit, reported in `X-App-Usage`). Default: unlimited. */
  appCallsPerHour?: number;
  /**
   * Calls per business object (BUC: Page, IG account, WABA; `X-Business-Use-Case-Usage`). Default:
   * unlimited — Meta's BUC limits grow with engaged users (`4800 × engaged users / 24 h`), so no flat
   * default fits; a scenario that studies throttling sets one (the fleet drill uses 4,800).
   */
  objectCallsPerHour?: number;
}

/** What the simulator's Graph API counted (`sim.graphUsage()`). */
export interface SimGraphUsage {
  /** Graph calls counted against the app. */
  calls: number;
  /** Calls answered with a throttling error, by Graph error code (4, 32, 80002, 80007, 613, 130429...). */
  throttled: Record<string, number>;
  throttledCalls: number;
  /** Highest `call_count` percentage reported, app-wide and for any one business object. */
  peakAppPercent: number;
  peakObjectPercent: number;
}

/** The throttling error of each kind of business object (reference §7). */
const BUC_ERROR: Record<string, { code: number; message: string }> = {
  pages: { code: 32, message: '(#32) Page request limit reached' },
  instagram: {
    code: 80002,
    message: '(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.',
  },
  whatsapp_business_api: {
    code: 80007,
    message: '(#80007) Rate limit issues: too many calls to this WhatsApp Business Account.',
  },
};

/** Tracks Graph calls per app and per business object, enforces their limits and renders Meta's usage headers. */
export class UsageMeter {
  private readonly windows = new Map<string, RollingWindow>();
  private readonly throttledByCode = new Map<number, number>();
  private calls = 0;
  private peakApp = 0;
  private peakObject = 0;
  private readonly appLimit: number;
  private readonly objectLimit: number;

  constructor(
    private readonly clock: Clock,
    limits: GraphRateLimits = {},
  ) {
    this.appLimit = limits.appCallsPerHour ?? Number.POSITIVE_INFINITY;
    this.objectLimit = limits.objectCallsPerHour ?? Number.POSITIVE_INFINITY;
  }

  private window(key: string, windowMs = HOUR): RollingWindow {
    let w = this.windows.get(key);
    if (!w) {
      w = new RollingWindow(windowMs);
      this.windows.set(key, w);
    }
    return w;
  }

  /** Records a call under a short-window key (the Conversations API's 2 calls/s rule). */
  record(key: string, windowMs = 1000): void {
    this.window(key, windowMs).add(this.clock.now());
  }

  /** Calls under `key` in its window. */
  recent(key: string, _windowMs = 1000): number {
    return this.windows.get(key)?.count(this.clock.now()) ?? 0;
  }

  /**
   * Counts one Graph call against the app and the business object, then throws Meta's throttling error
   * when either is over its hourly limit. Calls made while throttled count too: they extend the throttle.
   */
  admit(appId: string, objectId: string | undefined, type: string): void {
    const now = this.clock.now();
    this.calls++;
    const app = this.window(`app:${appId}`);
    app.add(now);
    const object = objectId ? this.window(`object:${objectId}`) : undefined;
    object?.add(now);
    this.peakApp = Math.max(this.peakApp, this.appPercent(appId));
    if (objectId) this.peakObject = Math.max(this.peakObject, this.objectPercent(objectId));
    if (app.count(now) > this.appLimit) throw this.throttle(4, '(#4) Application request limit reached');
    if (object && objectId && object.count(now) > this.objectLimit) {
      const e = BUC_ERROR[type] ?? {
        code: 613,
        message: '(#613) Calls to this api have exceeded the rate limit.',
      };
      throw this.throttle(e.code, e.message);
    }
  }

  /** Counts a throttling error the caller answers with (storms, the per-second Conversations API rule). */
  countThrottled(code: number): void {
    this.throttledByCode.set(code, (this.throttledByCode.get(code) ?? 0) + 1);
  }

  private throttle(code: number, message: string): GraphError {
    this.countThrottled(code);
    return new GraphError(code === 4 ? 403 : 400, code, message, { isTransient: true });
  }

  appPercent(appId: string): number {
    return this.percentOf(this.windows.get(`app:${appId}`), this.appLimit);
  }

  objectPercent(objectId: string): number {
    return this.percentOf(this.windows.get(`object:${objectId}`), this.objectLimit);
  }

  private percentOf(w: RollingWindow | undefined, limit: number): number {
    if (!w || !Number.isFinite(limit)) return 0;
    return Math.min(100, Math.floor((w.count(this.clock.now()) / limit) * 100));
  }

  /** Minutes until the object's calls fall below its limit (Meta's `estimated_time_to_regain_access`). */
  private regainMinutes(objectId: string): number {
    const w = this.windows.get(`object:${objectId}`);
    const at = w?.regainAt(this.clock.now(), this.objectLimit) ?? 0;
    return at === 0 ? 0 : Math.ceil((at - this.clock.now()) / 60_000);
  }

  /**
   * `X-App-Usage` (the app's platform counter) and, for calls about a business object,
   * `X-Business-Use-Case-Usage` with `estimated_time_to_regain_access`. `throttledForMs` (storms) forces 100 %.
   */
  headers(
    appId: string,
    objectId: string | undefined,
    type: string,
    appToken: boolean,
    throttledForMs = 0,
  ): Record<string, string> {
    const usage = (pct: number) => ({
      call_count: pct,
      total_cputime: Math.max(1, Math.round(pct / 2)),
      total_time: Math.max(1, Math.round(pct / 2)),
    });
    const out: Record<string, string> = {
      'x-app-usage': JSON.stringify(usage(throttledForMs > 0 && appToken ? 100 : this.appPercent(appId))),
    };
    if (appToken || !objectId) return out;
    const pct = throttledForMs > 0 ? 100 : this.objectPercent(objectId);
    const minutes = Math.max(Math.ceil(throttledForMs / 60_000), this.regainMinutes(objectId));
    out['x-business-use-case-usage'] = JSON.stringify({
      [objectId]: [{ type, ...usage(pct), estimated_time_to_regain_access: minutes }],
    });
    return out;
  }

  summary(appId: string): SimGraphUsage {
    const throttled = Object.fromEntries([...this.throttledByCode].map(([code, n]) => [String(code), n]));
    return {
      calls: this.calls,
      throttled,
      throttledCalls: Object.values(throttled).reduce((a, b) => a + b, 0),
      peakAppPercent: Math.max(this.peakApp, this.appPercent(appId)),
      peakObjectPercent: this.peakObject,
    };
  }
}
