import type { ParsedWebhook } from './adapter.js';
import type { ChannelEvent } from './model/events.js';

/**
 * Deepest nesting of one webhook item that is modeled. Meta's payloads nest about ten levels; a signed
 * body with a 100k-deep field would overflow the stack of `JSON.stringify` (keys, stores) and stall its batch.
 */
export const MAX_ITEM_DEPTH = 64;

/** How far past our clock an event time may lie (clock skew): a later time would sort first forever. */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;

/** Items mapped per slice of `parseWebhookSlices`: about a millisecond or two of work. */
const ITEMS_PER_SLICE = 256;

/**
 * True when `value` nests arrays/objects more than `max` levels deep. The recursion stops at `max`
 * levels, so it is safe on any depth; no allocation per node (it runs over every webhook item).
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (max <= 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestsDeeperThan(value[i], max - 1)) return true;
    return false;
  }
  for (const key in value) if (nestsDeeperThan((value as Record<string, unknown>)[key], max - 1)) return true;
  return false;
}

/**
 * Maps one webhook item with the limits every adapter needs: an item nested deeper than
 * `MAX_ITEM_DEPTH` is not mapped, and events timed outside [0, now + 24 h] (or not a safe integer) are
 * dropped; both become a problem at `path` (the engine dead-letters it), and the rest of the batch goes on.
 *
 * @example
 * items.forEach((raw, i) => collect(guardItem(`entry[0].messaging[${i}]`, raw, now(), () => mapItem(raw))));
 */
export function guardItem(path: string, raw: unknown, now: number, map: () => ParsedWebhook): ParsedWebhook {
  return itemTooDeep(path, raw) ?? checkTimestamps(path, raw, now, map());
}

/** The depth half of {@link guardItem}: a problem when `raw` nests too deep, else undefined. */
export function itemTooDeep(path: string, raw: unknown): ParsedWebhook | undefined {
  if (!nestsDeeperThan(raw, MAX_ITEM_DEPTH)) return undefined;
  return { events: [], problems: [{ path, message: `item nests deeper than ${MAX_ITEM_DEPTH} levels` }] };
}

/**
 * The timestamp half of {@link guardItem}, for hot loops that map without a closure:
 * `itemTooDeep(path, raw) ?? checkTimestamps(path, raw, now, mapItem(raw))`.
 */
export function checkTimestamps(
  path: string,
  raw: unknown,
  now: number,
  result: ParsedWebhook,
): ParsedWebhook {
  const latest = now + MAX_FUTURE_SKEW_MS;
  let wrong: ChannelEvent | undefined;
  for (const e of result.events) {
    if (!Number.isSafeInteger(e.timestamp) || e.timestamp < 0 || e.timestamp > latest) {
      wrong = e;
      break;
    }
  }
  if (!wrong) return result;
  return {
    events: [],
    problems: [
      ...result.problems,
      {
        path,
        message: `timestamp ${wrong.timestamp} ms is outside the accepted range (0 to 24 h past our clock)`,
        raw,
      },
    ],
  };
}

/**
 * Groups per-item results into slices for `ChannelAdapter.parseWebhookSlices`.
 *
 * @example
 * parseWebhookSlices: (raw) => sliceItems(mapEveryItem(raw)),
 */
export function* sliceItems(
  items: Iterable<ParsedWebhook>,
  size = ITEMS_PER_SLICE,
): Generator<ParsedWebhook, void, undefined> {
  let slice: ParsedWebhook = { events: [], problems: [] };
  let count = 0;
  for (const item of items) {
    for (const event of item.events) slice.events.push(event);
    for (const problem of item.problems) slice.problems.push(problem);
    if (++count >= size) {
      yield slice;
      slice = { events: [], problems: [] };
      count = 0;
    }
  }
  if (count > 0) yield slice;
}

/** Merges per-item results (or slices) into one `ParsedWebhook`, for `parseWebhook`. */
export function mergeItems(items: Iterable<ParsedWebhook>): ParsedWebhook {
  const out: ParsedWebhook = { events: [], problems: [] };
  for (const item of items) {
    for (const event of item.events) out.events.push(event);
    for (const problem of item.problems) out.problems.push(problem);
  }
  return out;
}
