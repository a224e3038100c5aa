/** One node of a Graph `fields=` expression, e.g. `messages.limit(5){id,from}`. */
export interface FieldNode {
  name: string;
  limit?: number;
  children?: FieldNode[];
}

/** Parses Graph field expansion syntax: `id,messages.limit(20){id,created_time,from}`. */
export function parseFields(input: string): FieldNode[] {
  let i = 0;
  const parseList = (): FieldNode[] => {
    const nodes: FieldNode[] = [];
    while (i < input.length) {
      const ch = input[i];
      if (ch === '}') break;
      if (ch === ',' || ch === ' ') {
        i++;
        continue;
      }
      let name = '';
      while (i < input.length && /[A-Za-z0-9_]/.test(input[i] ?? '')) name += input[i++];
      if (!name) throw new Error(`Syntax error "Expected name." at character ${i}: ${input}`);
      const node: FieldNode = { name };
      while (input[i] === '.') {
        i++;
        let mod = '';
        while (i < input.length && /[A-Za-z_]/.test(input[i] ?? '')) mod += input[i++];
        if (input[i] !== '(') throw new Error(`Syntax error "Expected (." at character ${i}: ${input}`);
        const close = input.indexOf(')', i);
        if (close < 0) throw new Error(`Syntax error "Expected )." at character ${i}: ${input}`);
        const arg = input.slice(i + 1, close);
        i = close + 1;
        if (mod === 'limit') node.limit = Number.parseInt(arg, 10);
      }
      if (input[i] === '{') {
        i++;
        node.children = parseList();
        if (input[i] !== '}') throw new Error(`Syntax error "Expected }." at character ${i}: ${input}`);
        i++;
      }
      nodes.push(node);
    }
    return nodes;
  };
  const nodes = parseList();
  if (i < input.length) throw new Error(`Syntax error "Unexpected }." at character ${i}: ${input}`);
  return nodes;
}
