import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const table = readme.slice(
  readme.indexOf('### Configuration (`watch`)'),
  readme.indexOf('## Troubleshooting'),
);

/** Every option of `WatchOptions`, nested objects as `parent.child`, read from the type itself. */
function watchOptionPaths(): string[] {
  const file = fileURLToPath(new URL('../src/watch/types.ts', import.meta.url));
  const program = ts.createProgram([file], { strict: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const decl = source?.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'WatchOptions',
  );
  if (!decl) throw new Error('WatchOptions not found');
  const paths: string[] = [];
  for (const prop of checker.getTypeAtLocation(decl).getProperties()) {
    const type = checker.getNonNullableType(checker.getTypeOfSymbol(prop));
    const nested = type.getProperties();
    // An options object of its own (silence, reconcile, …) is documented field by field.
    const primitive =
      type.flags & (ts.TypeFlags.BooleanLike | ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike);
    if (!primitive && nested.length && prop.name !== 'notifier')
      for (const child of nested) paths.push(`${prop.name}.${child.name}`);
    else paths.push(prop.name);
  }
  return paths;
}

describe("core README: the watch's configuration table", () => {
  it('lists every watch option', () => {
    const paths = watchOptionPaths();
    expect(paths).toEqual(
      expect.arrayContaining(['silence.minWindowMs', 'reconcile.graceMs', 'autoResubscribe']),
    );
    const rows = table.split('\n').filter((l) => l.startsWith('| `'));
    for (const path of paths) {
      const [parent, child] = path.split('.');
      // A row names `parent.child`, or shares its cell: "`reconcile.intervalMs` / `graceMs`".
      const documented = rows.some((row) => {
        const cell = row.split('|')[1] ?? '';
        return child === undefined
          ? cell.includes(`\`${parent}\``)
          : cell.includes(`\`${parent}.${child}\``) ||
              (cell.includes(`\`${parent}.`) && cell.includes(`\`${child}\``));
      });
      expect(documented, `${path} is missing from the README's watch table`).toBe(true);
    }
  }, 60_000);
});
