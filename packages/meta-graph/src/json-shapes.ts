import { z } from 'zod';

/*
 * Shape checks for containers whose items are validated one by one later. `z.array(z.unknown())` and
 * `z.record(...)` copy every element of a list (or key of an object) on every webhook; these check the
 * shape and hand the parsed JSON through untouched, so an item is validated once, by its own schema.
 */

/** A JSON array, not copied. */
export const JsonArray = z.custom<unknown[]>((v) => Array.isArray(v), { error: 'expected array' });

/** A JSON object (not an array, not null), not copied. */
export const JsonObject = z.custom<Record<string, unknown>>(
  (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  { error: 'expected object' },
);
