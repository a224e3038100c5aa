import type { ParsedWebhook } from './adapter.js';

/**
 * Deepest nesting of one webhook item that is modeled. Meta's payloads nest about ten levels; a signed
 * body with a 100k-deep field would overflow the stack of `JSON.stringify` (keys, stores) and stall its batch.
 */
export const MAX_ITEM_DEPTH = 64;

/** How far past our clock an event time may lie (clock skew): a later time would sort first forever. */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;

/** Items mapped per slice of `parseWebhookSlices`: about a millisecond or two of work. */
const ITEMS_PER_SLICE = 256;

/** True when `value` nests arrays/objects more than `max` levels deep. Iterative: safe on any depth. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
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
  if (nestsDeeperThan(raw, MAX_ITEM_DEPTH)) {
    return { events: [], problems: [{ path, message: `item nests deeper than ${MAX_ITEM_DEPTH} levels` }] };
  }
  const result = map();
  const latest = now + MAX_FUTURE_SKEW_MS;
  const wrong = result.events.find(
    (e) => !Number.isSafeInteger(e.timestamp) || e.timestamp < 0 || e.timestamp > latest,
  );
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
