// A YAML document as the fuzzer shapes it: mappings keep their keys as written (so a key
// can be duplicated, quoted oddly or be `__proto__`), scalars keep their source text (so a
// number can be `1e400` or `0x1F`), and anchors and aliases are explicit. Emitted as block
// or flow YAML, or as JSON text.

export type YNode =
  | { t: 'map'; entries: [string, YNode][]; flow?: boolean; anchor?: string }
  | { t: 'seq'; items: YNode[]; flow?: boolean; anchor?: string }
  | { t: 'scalar'; text: string; anchor?: string }
  | { t: 'alias'; name: string };

const RESERVED = /^(?:y|n|yes|no|on|off|true|false|null|~|-|\.inf|-\.inf|\.nan|<<)$/i;
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;

/** A string as a YAML scalar: plain when nothing could misread it, else JSON-quoted. */
export function quote(s: string): string {
  return PLAIN.test(s) && !RESERVED.test(s) ? s : JSON.stringify(s);
}

export function scalar(text: string): YNode {
  return { t: 'scalar', text };
}

export function str(s: string): YNode {
  return scalar(quote(s));
}

export function fromJs(v: unknown): YNode {
  if (Array.isArray(v)) return { t: 'seq', items: v.map(fromJs) };
  if (v !== null && typeof v === 'object') {
    if (v instanceof Date) return str(v.toISOString());
    return { t: 'map', entries: Object.entries(v).map(([k, x]) => [quote(k), fromJs(x)]) };
  }
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') return scalar(Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf');
  if (v === undefined || v === null) return scalar('null');
  return scalar(String(v));
}

/** A deep copy; iterative, as trees here can be tens of thousands of levels deep. */
export function clone(root: YNode): YNode {
  const copy = (n: YNode): YNode => (n.t === 'map' ? { ...n, entries: n.entries.map(([k, v]) => [k, v]) } : n.t === 'seq' ? { ...n, items: [...n.items] } : { ...n });
  const top = copy(root);
  const stack: YNode[] = [top];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.t === 'map') for (const e of n.entries) stack.push((e[1] = copy(e[1])));
    else if (n.t === 'seq') for (let i = 0; i < n.items.length; i++) stack.push((n.items[i] = copy(n.items[i]!)));
  }
  return top;
}

/** The key as a plain string (`"a b"` → `a b`). */
export function keyName(key: string): string {
  if (key.startsWith('"')) {
    try {
      return JSON.parse(key) as string;
    } catch {
      return key;
    }
  }
  return key.startsWith("'") && key.endsWith("'") ? key.slice(1, -1) : key;
}

export function get(n: YNode | undefined, key: string): YNode | undefined {
  if (n?.t !== 'map') return undefined;
  for (const [k, v] of n.entries) if (keyName(k) === key) return v;
  return undefined;
}

export function set(n: YNode, key: string, value: YNode): void {
  if (n.t !== 'map') return;
  const e = n.entries.find(([k]) => keyName(k) === key);
  if (e) e[1] = value;
  else n.entries.push([quote(key), value]);
}

/** Every node with the place that holds it, parents before children (no aliases followed). */
export interface Slot {
  node: YNode;
  replace: (n: YNode) => void;
  depth: number;
  /** The key this node is the value of, if any. */
  key?: string;
}

export function slots(root: YNode, limit = 100_000, setRoot: (n: YNode) => void = () => {}): Slot[] {
  const out: Slot[] = [];
  const stack: Slot[] = [{ node: root, replace: setRoot, depth: 0 }];
  while (stack.length > 0 && out.length < limit) {
    const s = stack.pop()!;
    out.push(s);
    const n = s.node;
    if (n.t === 'map') {
      for (const e of n.entries) stack.push({ node: e[1], replace: (x) => (e[1] = x), depth: s.depth + 1, key: keyName(e[0]) });
    } else if (n.t === 'seq') {
      n.items.forEach((item, i) => stack.push({ node: item, replace: (x) => (n.items[i] = x), depth: s.depth + 1 }));
    }
  }
  return out;
}

/** About how many bytes the tree takes written out (nodes count 16), counting up to `cap`. */
export function size(root: YNode, cap: number): number {
  let n = 0;
  const stack: YNode[] = [root];
  while (stack.length > 0 && n < cap) {
    const x = stack.pop()!;
    n += 16 + (x.t === 'scalar' ? x.text.length : 0);
    if (x.t === 'map') for (const e of x.entries) stack.push(e[1]);
    else if (x.t === 'seq') for (const i of x.items) stack.push(i);
  }
  return n;
}

// ---------------------------------------------------------------------------
// Emitting

/** Past this, emitYaml gives up with a RangeError (as it would at V8's string limit, only later). */
const MAX_TEXT = 128 << 20;

function prefix(n: YNode): string {
  return 'anchor' in n && n.anchor ? `&${n.anchor} ` : '';
}

function isBlockCollection(n: YNode): boolean {
  return (n.t === 'map' && !n.flow && n.entries.length > 0) || (n.t === 'seq' && !n.flow && n.items.length > 0);
}

/** A node on one line: flow collections, scalars, aliases. Iterative, like clone. */
export function flow(root: YNode): string {
  const out: string[] = [];
  const stack: (YNode | string)[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (typeof n === 'string') {
      out.push(n);
      continue;
    }
    const parts: (YNode | string)[] = [];
    switch (n.t) {
      case 'scalar':
        out.push(prefix(n) + n.text);
        continue;
      case 'alias':
        out.push(`*${n.name}`);
        continue;
      case 'seq':
        parts.push(`${prefix(n)}[`);
        n.items.forEach((item, i) => parts.push(...(i > 0 ? [', '] : []), item));
        parts.push(']');
        break;
      case 'map':
        parts.push(`${prefix(n)}{`);
        n.entries.forEach(([k, v], i) => parts.push(`${i > 0 ? ', ' : ''}${k}: `, v));
        parts.push('}');
        break;
    }
    for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]!);
  }
  return out.join('');
}

/**
 * Block YAML, iterative so that documents thousands of levels deep can be written: a
 * mapping value or sequence item that is itself a block collection goes on the lines
 * below, indented; a sequence item that is a mapping or sequence starts on the dash's line.
 */
export function emitYaml(root: YNode): string {
  const out: string[] = [];
  // Work items: a node to write at an indent, the text that begins its first line, and
  // whether its anchor is already written (at the end of its key's line).
  type Item = { n: YNode; indent: number; lead: string; anchored?: boolean };
  const stack: Item[] = [{ n: root, indent: 0, lead: '' }];
  let written = 0;
  while (stack.length > 0) {
    const { n, indent, lead, anchored } = stack.pop()!;
    // Deep block nesting indents every inner line: stop early rather than build a string V8 refuses.
    if ((written += indent) > MAX_TEXT) throw new RangeError('YAML text too large');
    if (!isBlockCollection(n)) {
      out.push(`${lead}${flow(n)}\n`);
      continue;
    }
    const pad = ' '.repeat(indent);
    let first = lead;
    if (prefix(n) && !anchored) {
      // An anchored collection: the anchor ends the lead line, the content starts below.
      out.push(`${lead}${prefix(n).trimEnd()}\n`);
      first = pad;
    }
    const work: Item[] = [];
    if (n.t === 'map') {
      n.entries.forEach(([k, v], i) => {
        const head = `${i === 0 ? first : pad}${k}:`;
        if (isBlockCollection(v)) {
          work.push({ n: { t: 'scalar', text: prefix(v).trimEnd() }, indent, lead: prefix(v) ? `${head} ` : head });
          work.push({ n: v, indent: indent + 2, lead: ' '.repeat(indent + 2), anchored: true });
        } else {
          work.push({ n: v, indent, lead: `${head} ` });
        }
      });
    } else if (n.t === 'seq') {
      n.items.forEach((item, i) => {
        const dash = `${i === 0 ? first : pad}- `;
        work.push({ n: item, indent: isBlockCollection(item) ? indent + 2 : indent, lead: dash });
      });
    }
    for (let i = work.length - 1; i >= 0; i--) stack.push(work[i]!);
  }
  return out.join('');
}

/** JSON text; aliases cannot be written in JSON, so they become null. Iterative, like emitYaml. */
export function emitJson(root: YNode): string {
  const out: string[] = [];
  const stack: (YNode | string)[] = [root];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (typeof x === 'string') {
      out.push(x);
      continue;
    }
    switch (x.t) {
      case 'scalar':
        out.push(jsonScalar(x.text));
        break;
      case 'alias':
        out.push('null');
        break;
      case 'seq': {
        const parts: (YNode | string)[] = ['['];
        x.items.forEach((item, i) => parts.push(...(i > 0 ? [','] : []), item));
        parts.push(']');
        for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]!);
        break;
      }
      case 'map': {
        const parts: (YNode | string)[] = ['{'];
        x.entries.forEach(([k, v], i) => parts.push(`${i > 0 ? ',' : ''}${k.startsWith('"') ? k : JSON.stringify(keyName(k))}:`, v));
        parts.push('}');
        for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]!);
        break;
      }
    }
  }
  return out.join('') + '\n';
}

/** A scalar's text in JSON: numbers as written (odd ones too: that is the point), words quoted. */
function jsonScalar(text: string): string {
  if (text.startsWith('"')) return text;
  if (text.startsWith("'")) return JSON.stringify(text.slice(1, -1));
  if (/^(?:true|false|null)$/.test(text) || /^[-+.\d]/.test(text)) return text;
  return JSON.stringify(text);
}
