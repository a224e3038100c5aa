import type { UsageBucket } from '@switchboard/core';
/** The three percentages Meta reports per rate-limit bucket (0..100; throttling starts at 100). */
export interface UsageNumbers {
  callCount?: number;
  totalCputime?: number;
  totalTime?: number;
}

/** One entry of `X-Business-Use-Case-Usage` for one business object. */
export interface BusinessUseCaseUsage extends UsageNumbers {
  /** `pages`, `instagram`, `messenger`, `whatsapp_business_management`, `ads_management`... */
  type?: string;
  /** Meta's `estimated_time_to_regain_access` (minutes) converted to milliseconds. */
  estimatedTimeToRegainAccessMs?: number;
}

/**
 * Meta's rate-limit headers, typed. Headers appear only once enough calls were made: absence is not zero.
 *
 * @example
 * const { usage } = await client.get('/me', schema);
 * if ((usage.maxPercent ?? 0) > 80) slowDown();
 */
export interface GraphUsage {
  /** X-App-Usage */
  app?: UsageNumbers;
  /** X-Page-Usage */
  page?: UsageNumbers;
  /** X-Ad-Account-Usage (its own fields kept as sent, e.g. `acc_id_util_pct`). */
  adAccount?: UsageNumbers & Record<string, unknown>;
  /** X-Business-Use-Case-Usage, keyed by business object id. */
  business?: Record<string, BusinessUseCaseUsage[]>;
  /** Highest percentage seen in any header (0..100+); undefined when no header. */
  maxPercent?: number;
  /** Longest estimated_time_to_regain_access (ms) in the BUC header, or from Retry-After. */
  retryAfterMs?: number;
  /** facebook-api-version response header. */
  apiVersion?: string;
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function headerGetter(headers: HeaderSource): (name: string) => string | undefined {
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function') {
    const h = headers as Headers;
    return (name) => h.get(name) ?? undefined;
  }
  const lower = new Map<string, string>();
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (value === undefined) continue;
    lower.set(key.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
  }
  return (name) => lower.get(name);
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

function numbers(raw: Record<string, unknown>): UsageNumbers {
  const out: UsageNumbers = {};
  const callCount = num(raw.call_count);
  const totalCputime = num(raw.total_cputime);
  const totalTime = num(raw.total_time);
  if (callCount !== undefined) out.callCount = callCount;
  if (totalCputime !== undefined) out.totalCputime = totalCputime;
  if (totalTime !== undefined) out.totalTime = totalTime;
  return out;
}

function percents(n: UsageNumbers): number[] {
  return [n.callCount, n.totalCputime, n.totalTime].filter((v): v is number => v !== undefined);
}

/** `Retry-After` as seconds or an HTTP date, in ms. */
function retryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = num(value.trim());
  if (seconds !== undefined) return seconds > 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  const ms = date - now;
  return ms > 0 ? ms : undefined;
}

/**
 * Parses `X-App-Usage`, `X-Page-Usage`, `X-Ad-Account-Usage`, `X-Business-Use-Case-Usage`, `Retry-After`
 * and `facebook-api-version`. Malformed header values are ignored, never thrown.
 *
 * @example
 * parseUsageHeaders({ 'x-app-usage': '{"call_count":28,"total_time":25,"total_cputime":25}' }).maxPercent // 28
 */
export function parseUsageHeaders(headers: HeaderSource, now: number = Date.now()): GraphUsage {
  const get = headerGetter(headers);
  const usage: GraphUsage = {};
  const seen: number[] = [];

  const app = parseJsonObject(get('x-app-usage'));
  if (app) {
    usage.app = numbers(app);
    seen.push(...percents(usage.app));
  }
  const page = parseJsonObject(get('x-page-usage'));
  if (page) {
    usage.page = numbers(page);
    seen.push(...percents(usage.page));
  }
  const ad = parseJsonObject(get('x-ad-account-usage'));
  if (ad) {
    usage.adAccount = { ...ad, ...numbers(ad) };
    seen.push(...percents(usage.adAccount));
    const util = num(ad.acc_id_util_pct);
    if (util !== undefined) seen.push(util);
  }

  let longestRegainMs: number | undefined;
  const buc = parseJsonObject(get('x-business-use-case-usage'));
  if (buc) {
    const business: Record<string, BusinessUseCaseUsage[]> = {};
    for (const [id, list] of Object.entries(buc)) {
      const items = Array.isArray(list) ? list : [list];
      business[id] = items
        .filter((item): item is Record<string, unknown> => !!item && typeof item === 'object')
        .map((item) => {
          const entry: BusinessUseCaseUsage = numbers(item);
          if (typeof item.type === 'string') entry.type = item.type;
          const minutes = num(item.estimated_time_to_regain_access);
          if (minutes !== undefined) {
            // Meta gives minutes; 0 means "not throttled".
            entry.estimatedTimeToRegainAccessMs = minutes * 60_000;
            if (minutes > 0) longestRegainMs = Math.max(longestRegainMs ?? 0, minutes * 60_000);
          }
          seen.push(...percents(entry));
          return entry;
        });
    }
    usage.business = business;
  }

  if (seen.length > 0) usage.maxPercent = Math.max(...seen);
  const after = retryAfter(get('retry-after'), now);
  const retryAfterMs = Math.max(longestRegainMs ?? 0, after ?? 0);
  if (retryAfterMs > 0) usage.retryAfterMs = retryAfterMs;
  const version = get('facebook-api-version');
  if (version) usage.apiVersion = version.trim();
  return usage;
}

/**
 * The usage headers as the engine's call budget reads them (`UsageBucket` from core): the app's platform
 * counter (`X-App-Usage`, shared by every account of the app) and one bucket per business object
 * (`X-Business-Use-Case-Usage`, with Meta's `estimated_time_to_regain_access`). `X-Page-Usage` counts for
 * the Page called (`objectId`). Percentages are the highest of call count, CPU time and total time.
 *
 * @example
 * usageBuckets(parseUsageHeaders({ 'x-app-usage': '{"call_count":82}' }), { appId: '1234' })
 * // [{ id: 'app:1234', shared: true, percent: 82 }]
 */
export function usageBuckets(
  usage: GraphUsage,
  scope: { appId?: string; objectId?: string } = {},
): UsageBucket[] {
  const out: UsageBucket[] = [];
  const highest = (n: UsageNumbers) => Math.max(0, ...percents(n));
  if (usage.app)
    out.push({ id: `app:${scope.appId ?? 'default'}`, shared: true, percent: highest(usage.app) });
  if (usage.page && scope.objectId)
    out.push({ id: `page-usage:${scope.objectId}`, shared: false, percent: highest(usage.page) });
  for (const [id, entries] of Object.entries(usage.business ?? {})) {
    const regain = Math.max(0, ...entries.map((e) => e.estimatedTimeToRegainAccessMs ?? 0));
    out.push({
      id: `buc:${id}`,
      shared: false,
      percent: Math.max(0, ...entries.map(highest)),
      ...(regain > 0 ? { regainAfterMs: regain } : {}),
    });
  }
  return out;
}
