/** One template's placeholders: `{{1}}`, `{{2}}` (positional) or `{{first_name}}` (named). */
export interface Placeholders {
  positional: number[];
  named: string[];
  /** Placeholders that are neither (`{{ 1 }}`, `{{First}}`, `{{}}`). */
  malformed: string[];
}

/** The placeholders of a text, in order of appearance, each once. */
export function placeholdersOf(text: string | undefined): Placeholders {
  const out: Placeholders = { positional: [], named: [], malformed: [] };
  if (!text) return out;
  for (const match of text.matchAll(/\{\{([^{}]*)\}\}/g)) {
    const inner = match[1] ?? '';
    if (/^[1-9]\d*$/.test(inner)) {
      const n = Number(inner);
      if (!out.positional.includes(n)) out.positional.push(n);
    } else if (/^[a-z0-9_]+$/.test(inner) && /[a-z_]/.test(inner)) {
      if (!out.named.includes(inner)) out.named.push(inner);
    } else out.malformed.push(match[0]);
  }
  return out;
}

/** Problem with positional numbering, or undefined: `{{1}}`…`{{n}}` each present, none skipped. */
export function numberingProblem(positional: readonly number[]): string | undefined {
  const sorted = [...positional].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++)
    if (sorted[i] !== i + 1)
      return `positional parameters must be numbered {{1}} to {{${sorted.length}}} without gaps, found ${sorted
        .map((n) => `{{${n}}}`)
        .join(', ')}`;
  return undefined;
}

/** How many parameters a text takes and what they are called. */
export function parameterCount(p: Placeholders): number {
  return p.positional.length + p.named.length;
}
