import { type PlatformErrorDetails, SwitchboardError, type SwitchboardErrorCode } from '@switchboard/core';
import { META_ERROR_TABLE, type MetaErrorFamily, type MetaErrorRule } from './error-table.js';
import type { GraphUsage } from './usage.js';

/** The Meta channels sharing the Graph API. */
export type MetaChannel = 'messenger' | 'instagram' | 'whatsapp';

/** The `error` object of a Graph error response (reference §1.2). */
export interface MetaErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
  error_user_title?: string;
  error_user_msg?: string;
  is_transient?: boolean;
  error_data?: { messaging_product?: string; details?: string } | string;
}

export interface ClassifyContext {
  channel: MetaChannel;
  httpStatus?: number;
  usage?: GraphUsage;
}

const byFamily = new Map<MetaErrorFamily, { exact: Map<string, MetaErrorRule>; ranges: MetaErrorRule[] }>();
for (const rule of META_ERROR_TABLE) {
  let index = byFamily.get(rule.family);
  if (!index) {
    index = { exact: new Map(), ranges: [] };
    byFamily.set(rule.family, index);
  }
  if (typeof rule.code === 'number') index.exact.set(`${rule.code}/${rule.subcode ?? ''}`, rule);
  else index.ranges.push(rule);
}

function familyOf(channel: MetaChannel): MetaErrorFamily {
  return channel === 'whatsapp' ? 'whatsapp' : 'messenger-platform';
}

/** The table row for a code/subcode on a channel: exact code+subcode, then code, then code ranges. */
export function findMetaErrorRule(
  channel: MetaChannel,
  code: number | undefined,
  subcode?: number,
): MetaErrorRule | undefined {
  if (code === undefined) return undefined;
  const index = byFamily.get(familyOf(channel));
  if (!index) return undefined;
  const inRange = (r: MetaErrorRule) => Array.isArray(r.code) && code >= r.code[0] && code <= r.code[1];
  return (
    (subcode === undefined ? undefined : index.exact.get(`${code}/${subcode}`)) ??
    index.exact.get(`${code}/`) ??
    index.ranges.find((r) => inRange(r) && subcode !== undefined && r.subcode === subcode) ??
    index.ranges.find((r) => inRange(r) && r.subcode === undefined)
  );
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function detailsOf(error: MetaErrorBody): string | undefined {
  if (typeof error.error_data === 'string') return error.error_data;
  if (error.error_data && typeof error.error_data.details === 'string') return error.error_data.details;
  return typeof error.error_user_msg === 'string' ? error.error_user_msg : undefined;
}

function fallback(
  error: MetaErrorBody,
  httpStatus: number | undefined,
): { class: SwitchboardErrorCode; retryable: boolean } {
  if (error.is_transient === true) return { class: 'TEMPORARY', retryable: true };
  if (httpStatus === 429) return { class: 'RATE_LIMITED', retryable: true };
  if (httpStatus !== undefined && httpStatus >= 500) return { class: 'TEMPORARY', retryable: true };
  if (httpStatus === 401) return { class: 'AUTH_FAILED', retryable: false };
  if (httpStatus === 403) return { class: 'PERMISSION_DENIED', retryable: false };
  if (httpStatus === 404) return { class: 'NOT_FOUND', retryable: false };
  if (httpStatus !== undefined && httpStatus >= 400) return { class: 'INVALID_REQUEST', retryable: false };
  // No status (e.g. an error inside a 200 batch item or a webhook status): unknown means try again, carefully.
  return { class: 'TEMPORARY', retryable: error.is_transient !== false };
}

/** Conversation Routing's "(#10) … another app is controlling this thread" comes without a subcode. */
const ANOTHER_APP_CONTROLS = /another app is controlling this thread/i;

function threadOwnerRule(
  channel: MetaChannel,
  error: MetaErrorBody,
  subcode: number | undefined,
): MetaErrorRule | undefined {
  if (channel === 'whatsapp' || subcode !== undefined) return undefined;
  if (typeof error.message !== 'string' || !ANOTHER_APP_CONTROLS.test(error.message)) return undefined;
  return findMetaErrorRule(channel, 2018300);
}

/**
 * Maps a Graph error (the `error` object of a response body) to a `SwitchboardError` with the class from
 * Meta's reference table (§7), `retryable`, `retryAfterMs` (table minimum, raised by BUC
 * `estimated_time_to_regain_access` / Retry-After for rate limits) and `platform` {code, subcode, fbtraceId...}.
 * Unknown codes fall back on `is_transient`, then the HTTP status (429 → RATE_LIMITED, 5xx → TEMPORARY,
 * 4xx → INVALID_REQUEST).
 *
 * @example
 * classifyGraphError({ code: 10, error_subcode: 2018278, message: '...' }, { channel: 'messenger' }).code
 * // 'OUTSIDE_WINDOW'
 */
export function classifyGraphError(error: MetaErrorBody, context: ClassifyContext): SwitchboardError {
  const safe: MetaErrorBody = error && typeof error === 'object' ? error : {};
  const code = toNumber(safe.code);
  const subcode = toNumber(safe.error_subcode);
  // The message names thread ownership more precisely than a bare `#10` (permission denied) does.
  const rule =
    threadOwnerRule(context.channel, safe, subcode) ?? findMetaErrorRule(context.channel, code, subcode);
  const chosen = rule ?? fallback(safe, context.httpStatus);

  let retryAfterMs = rule?.retryAfterMs;
  const usageDelay = context.usage?.retryAfterMs;
  const honoursUsage = rule ? rule.useUsageDelay === true : chosen.class === 'RATE_LIMITED';
  if (honoursUsage && usageDelay !== undefined) retryAfterMs = Math.max(retryAfterMs ?? 0, usageDelay);

  const platform: PlatformErrorDetails = {};
  if (code !== undefined) platform.code = code;
  if (subcode !== undefined) platform.subcode = subcode;
  if (typeof safe.fbtrace_id === 'string') platform.fbtraceId = safe.fbtrace_id;
  if (typeof safe.type === 'string') platform.type = safe.type;
  if (typeof safe.message === 'string') platform.message = safe.message;
  const details = detailsOf(safe);
  if (details !== undefined) platform.details = details;
  if (context.httpStatus !== undefined) platform.httpStatus = context.httpStatus;

  const tag =
    code === undefined ? 'Graph error' : `Graph error #${code}${subcode === undefined ? '' : `/${subcode}`}`;
  const text =
    typeof safe.message === 'string' && safe.message ? safe.message : (rule?.meaning ?? 'unknown error');
  const hint = rule && rule.meaning !== text ? ` (${rule.meaning})` : '';
  return new SwitchboardError(chosen.class, `${tag} on ${context.channel}: ${text}${hint}`, {
    retryable: chosen.retryable,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    platform,
  });
}

const TRANSPORT_CODES = new Set([
  'ECONNABORTED',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/**
 * For network failures, timeouts and unreadable bodies: a retryable `TEMPORARY` error. A
 * `SwitchboardError` passes through unchanged. The cause kept on the error carries no request config
 * (which would hold the access token).
 *
 * @example
 * try { await fetchSomething() } catch (e) { throw classifyTransportError(e) }
 */
export function classifyTransportError(cause: unknown): SwitchboardError {
  if (cause instanceof SwitchboardError) return cause;
  const raw = (cause && typeof cause === 'object' ? cause : {}) as {
    code?: unknown;
    message?: unknown;
    name?: unknown;
  };
  const code = typeof raw.code === 'string' ? raw.code : undefined;
  const message = typeof raw.message === 'string' ? raw.message : String(cause);
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message);
  const what = timedOut ? 'Graph request timed out' : 'Graph request failed';
  const known = code !== undefined && TRANSPORT_CODES.has(code) ? ` (${code})` : '';
  const cleanCause = {
    name: typeof raw.name === 'string' ? raw.name : 'Error',
    code,
    message: stripQuery(message),
  };
  return new SwitchboardError('TEMPORARY', `${what}${known}: ${stripQuery(message)}`, {
    retryable: true,
    cause: cleanCause,
  });
}

/** Drops query strings from any URL in a message (they may carry access_token / appsecret_proof). */
function stripQuery(text: string): string {
  return text.replace(/(https?:\/\/[^\s?"']+)\?[^\s"']*/g, '$1');
}

/** Usage headers of the response each Graph error came with (kept off the error's own shape). */
const errorUsage = new WeakMap<object, GraphUsage>();

/** Remembers the usage headers of the response a Graph error was classified from. */
export function rememberGraphErrorUsage(error: object, usage: GraphUsage): void {
  errorUsage.set(error, usage);
}

/**
 * The usage headers (`X-App-Usage`, `X-Business-Use-Case-Usage`...) of the response a Graph error came
 * with, for a call budget: a throttled response is the one that matters most.
 */
export function usageOfGraphError(error: unknown): GraphUsage | undefined {
  return error && typeof error === 'object' ? errorUsage.get(error) : undefined;
}
