const NON_ASCII = /[\u0080-\uffff]/g;

/** Escapes every non-ASCII UTF-16 unit as lowercase `\uXXXX` (astral characters become surrogate pairs). */
export function escapeNonAscii(json: string): string {
  return json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Escapes `/` as `\/` unless it is already escaped. */
export function escapeSlashes(json: string): string {
  return json.replace(/(\\*)\//g, (match: string, backslashes: string) =>
    backslashes.length % 2 === 1 ? match : `${backslashes}\\/`,
  );
}

/**
 * Serializes like Meta does when it signs a webhook: compact JSON, non-ASCII as lowercase `\uXXXX`,
 * `/` as `\/`. Use it to build fixtures whose signature matches what Meta would send.
 *
 * @example
 * metaJsonStringify({ text: 'äö/ü' }) // '{"text":"\\u00e4\\u00f6\\/\\u00fc"}'
 */
export function metaJsonStringify(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) return 'null';
  // In JSON output '/' and non-ASCII can only occur inside strings, so a textual pass is safe.
  return escapeNonAscii(json).replace(/\//g, '\\/');
}
