import type { z } from 'zod';
import { SwitchboardError } from './errors.js';

/** Formats a zod issue path as a JSON path: `entry[0].messaging[1].timestamp`. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '$';
}

/**
 * Validates `data` against `schema`; on failure throws `PAYLOAD_INVALID` naming the JSON path of the
 * first offending field. `prefix` is the path of `data` inside a larger document.
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  data: unknown,
  what: string,
  prefix = '',
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = formatPath(issue?.path ?? [], prefix);
  throw new SwitchboardError('PAYLOAD_INVALID', `${what}: ${issue?.message ?? 'invalid'} at ${path}`, {
    path,
    cause: result.error,
  });
}
