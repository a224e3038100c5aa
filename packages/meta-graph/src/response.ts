import type { MetaErrorBody } from './errors.js';

/** What `parseJson` answers for a body that is not JSON. */
export const NOT_JSON = Symbol('not-json');

export function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** The `error` object of a Graph error body, if the body is one. */
export function errorObject(json: unknown): MetaErrorBody | undefined {
  if (!json || typeof json !== 'object' || !('error' in json)) return undefined;
  const error = (json as { error: unknown }).error;
  return error && typeof error === 'object' ? (error as MetaErrorBody) : undefined;
}

/** axios headers as lower-case names → one string each. */
export function flatHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}
