// Placing a field in block-style YAML by its lines and indentation, without
// parsing: what nearly every manifest is written in. Anything this scanner does
// not read plainly (flow collections on the way, anchors, aliases, tags, merge
// keys, tabs, keys YAML would convert, quoted multi-line keys) makes it give up,
// and the full parser places the field instead. It answers as `walk` does: the
// position of the key (or of a sequence item's content), else of the deepest
// ancestor found.
import type { PathSegment } from './path';

export interface FastLocation {
  offset: number;
  complete: boolean;
}

export interface Line {
  start: number;
  /** Column of the first non-space character; -1 for a blank or comment line. */
  indent: number;
  text: string;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
/** Plain words YAML 1.1 or 1.2 reads as something other than that string. */
const SPECIAL = /^(y|yes|n|no|on|off|true|false|null)$/i;

class GiveUp extends Error {}

/** A document's lines, to read once and locate many paths in; null when the scanner cannot read them (tabs). */
export function documentLines(text: string, from: number, to: number): Line[] | null {
  try {
    return linesOf(text, from, to);
  } catch (e) {
    if (e instanceof GiveUp) return null;
    throw e;
  }
}

export function fastLocate(lines: Line[], path: readonly PathSegment[]): FastLocation | undefined {
  try {
    let i = firstContent(lines, 0);
    if (i < 0) return undefined;
    // The node being walked: it starts on line `i` at column `col`; its lines end before `end`.
    let col = lines[i].indent;
    let end = lines.length;
    let offset = lines[i].start + col;
    for (const segment of path) {
      const first = lines[i].text.slice(col);
      if (first.startsWith('- ') || first === '-') {
        const index = typeof segment === 'number' ? segment : /^[0-9]+$/.test(segment) ? Number(segment) : -1;
        const item = seqItem(lines, i, col, end, index);
        if (!item) return { offset, complete: false };
        ({ line: i, col, end } = item);
        offset = lines[i].start + col;
      } else {
        const entry = mapEntry(lines, i, col, end, String(segment));
        if (!entry) return { offset, complete: false };
        offset = lines[entry.line].start + entry.col;
        const value = valueOf(lines, entry, end);
        if (!value) {
          // A scalar (or nothing): no children. Only the last segment may stop here.
          if (segment !== path[path.length - 1]) return { offset, complete: false };
          return { offset, complete: true };
        }
        ({ line: i, col, end } = value);
      }
    }
    return { offset, complete: true };
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  }
}

function linesOf(text: string, from: number, to: number): Line[] {
  const out: Line[] = [];
  let content = false;
  let start = from;
  while (start < to) {
    let nl = text.indexOf('\n', start);
    if (nl < 0 || nl > to) nl = to;
    const raw = text.slice(start, nl).replace(/\r$/, '');
    // The next document's marker ends this one.
    if (content && /^(---|\.\.\.)(\s|$)/.test(raw)) break;
    let indent = 0;
    while (indent < raw.length && raw.charCodeAt(indent) === 32) indent++;
    if (raw.charCodeAt(indent) === 9) throw new GiveUp();
    const blank = indent === raw.length || raw.charCodeAt(indent) === 35; /* # */
    if (!blank && !raw.startsWith('---')) content = true;
    out.push({ start, indent: blank ? -1 : indent, text: raw });
    start = nl + 1;
  }
  return out;
}

function firstContent(lines: Line[], from: number): number {
  for (let i = from; i < lines.length; i++) {
    if (lines[i].indent < 0) continue;
    if (lines[i].text.startsWith('---') || lines[i].text.startsWith('...')) {
      if (i === from) continue;
      return -1;
    }
    return i;
  }
  return -1;
}

/** The key of a mapping entry written at `col` of `line`, or undefined when the text there is no plain entry. */
function keyAt(line: Line, col: number): { key: string; rest: string } | undefined {
  const s = line.text.slice(col);
  const c = s.charCodeAt(0);
  if (c === 34 /* " */ || c === 39 /* ' */ || c === 38 /* & */ || c === 42 /* * */ || c === 33 /* ! */ || c === 63 /* ? */ || c === 123 || c === 91) throw new GiveUp();
  const colon = s.search(/:(\s|$)/);
  if (colon < 0) throw new GiveUp(); // a multi-line scalar, or something stranger
  const key = s.slice(0, colon).trimEnd();
  if (!PLAIN_KEY.test(key) || SPECIAL.test(key) || key === '<<') throw new GiveUp();
  return { key, rest: stripComment(s.slice(colon + 1)) };
}

function stripComment(s: string): string {
  const t = s.trim();
  if (t.startsWith('#')) return '';
  // A value that may hold ` #` inside quotes is kept whole: only its emptiness matters here.
  return t;
}

/** The last entry `key` of the mapping whose entries start at `col`, from line `i`. */
function mapEntry(lines: Line[], i: number, col: number, end: number, key: string): { line: number; col: number; rest: string } | undefined {
  let found: { line: number; col: number; rest: string } | undefined;
  for (let k = i; k < end; k++) {
    const line = lines[k];
    const at = k === i ? col : line.indent;
    if (at < 0) continue;
    if (at < col) break;
    if (at > col) continue;
    // A dash at the keys' column is a compact sequence: the previous key's value.
    if (line.text.startsWith('- ', at) || (line.text.length === at + 1 && line.text[at] === '-')) continue;
    const entry = keyAt(line, at);
    if (entry && entry.key === key) found = { line: k, col: at, rest: entry.rest };
  }
  return found;
}

/** Where the value of an entry lives when it is a block collection; undefined for a scalar or nothing. */
function valueOf(lines: Line[], entry: { line: number; col: number; rest: string }, end: number): { line: number; col: number; end: number } | undefined {
  const r = entry.rest;
  if (r !== '') {
    const c = r.charCodeAt(0);
    if (c === 123 /* { */ || c === 91 /* [ */ || c === 38 /* & */ || c === 42 /* * */ || c === 33 /* ! */) throw new GiveUp();
    return undefined; // a scalar, or a block scalar (| >): no children
  }
  const next = firstContent(lines, entry.line + 1);
  if (next < 0 || next >= end) return undefined;
  const n = lines[next];
  const nested = n.indent > entry.col || (n.indent === entry.col && (n.text.startsWith('- ', n.indent) || n.text.length === n.indent + 1));
  if (!nested) return undefined;
  // The value's lines: until one at the entry's column (not a compact sequence item) or less.
  let stop = next;
  for (; stop < end; stop++) {
    const l = lines[stop];
    if (l.indent < 0) continue;
    if (l.indent < entry.col) break;
    if (l.indent === entry.col && !(l.text.startsWith('- ', l.indent) || l.text.length === l.indent + 1)) break;
  }
  return { line: next, col: n.indent, end: stop };
}

/** The content of item `index` of the sequence whose dashes are at `col`, from line `i`. */
function seqItem(lines: Line[], i: number, col: number, end: number, index: number): { line: number; col: number; end: number } | undefined {
  if (index < 0) return undefined;
  let count = -1;
  for (let k = i; k < end; k++) {
    const line = lines[k];
    if (line.indent < 0) continue;
    if (line.indent < col) break;
    if (line.indent > col) continue;
    const isItem = line.text.startsWith('- ', col) || line.text.length === col + 1 && line.text[col] === '-';
    if (!isItem) break;
    if (++count !== index) continue;
    // Its lines: until the next dash at this column, or less indentation.
    let stop = k + 1;
    for (; stop < end; stop++) {
      const l = lines[stop];
      if (l.indent >= 0 && l.indent <= col) break;
    }
    let content = col + 1;
    while (content < line.text.length && line.text.charCodeAt(content) === 32) content++;
    if (content < line.text.length && line.text.charCodeAt(content) !== 35) {
      const c = line.text.charCodeAt(content);
      if (c === 38 || c === 42 || c === 33 || c === 45 /* - (a sequence in a sequence) */) throw new GiveUp();
      return { line: k, col: content, end: stop };
    }
    const next = firstContent(lines, k + 1);
    if (next < 0 || next >= stop) throw new GiveUp(); // an empty item: leave it to the parser
    return { line: next, col: lines[next].indent, end: stop };
  }
  return undefined;
}
