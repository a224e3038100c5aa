/** A broken contract: the message says what the kit sent, what it expected and what it got. */
export class ContractFailure extends Error {
  override name = 'ContractFailure';
}

const MAX = 600;

/** Short, readable rendering of anything the kit sent or got. */
export function show(value: unknown): string {
  let text: string;
  if (value instanceof Uint8Array) text = new TextDecoder().decode(value);
  else if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    text = `${value.name}${code === undefined ? '' : ` ${String(code)}`}: ${value.message}`;
  } else if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX ? `${text.slice(0, MAX)}… (${text.length} chars)` : text;
}

/** Throws unless `ok`, with the three lines a plugin author needs to fix the adapter. */
export function check(ok: boolean, sent: string, expected: string, got: () => string): void {
  if (ok) return;
  throw new ContractFailure(`\n  sent:     ${sent}\n  expected: ${expected}\n  got:      ${got()}`);
}
