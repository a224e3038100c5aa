import { SwitchboardError } from '@switchboard/core';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes raw webhook bytes as a JSON object. Throws `SwitchboardError('PAYLOAD_INVALID')` for bytes that
 * are not UTF-8, text that is not JSON, or JSON that is not an object.
 *
 * @example
 * const json = decodeJsonBody(new Uint8Array(await request.arrayBuffer()));
 */
export function decodeJsonBody(rawBody: Uint8Array): unknown {
  let text: string;
  try {
    text = decoder.decode(rawBody);
  } catch (cause) {
    throw new SwitchboardError('PAYLOAD_INVALID', 'webhook body is not valid UTF-8', { path: '$', cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const reason = text.trim() === '' ? 'webhook body is empty' : 'webhook body is not valid JSON';
    throw new SwitchboardError('PAYLOAD_INVALID', reason, { path: '$', cause });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SwitchboardError('PAYLOAD_INVALID', 'webhook body is not a JSON object', { path: '$' });
  }
  return value;
}
