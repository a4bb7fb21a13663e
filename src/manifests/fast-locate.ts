// Placing a field in block-style YAML by its lines and indentation, without
// parsing: what nearly every manifest is written in. Anything this scanner does
// not read plainly (non-empty flow collections on the way, anchors, aliases,
// tags, merge keys, tabs, keys YAML would convert, quoted multi-line keys) makes
// it give up, and the full parser places the field instead. It answers as `walk`
// does: the position of the key (or of a sequence item's content), else of the
// deepest ancestor found.
//
// It is on the hot path of a lint (every finding is placed), so it works on
// offsets into the file's text and never copies a line.
import type { PathSegment } from './path';

export interface FastLocation {
  offset: number;
  complete: boolean;
}

/** A document's lines, as offsets into the text; read once, searched for many paths. */
export class DocumentLines {
  /** Per line: the column a key was last read at (-1: none yet), and that key's length (-1: not a plain key). */
  private readonly keyCol: Int32Array;
  private readonly keyLen: Int32Array;
  /** Collections already found, by the path that leads to them: findings in one object share most of their paths. */
  readonly found: Found = { children: new Map() };

  constructor(
    readonly text: string,
    /** Offset of each line's first character. */
    readonly start: Int32Array,
    /** Offset just past each line's last character (before `\r\n` or `\n`). */
    readonly end: Int32Array,
    /** Column of each line's first non-space character; -1 for a blank or comment line. */
    readonly indent: Int32Array,
  ) {
    this.keyCol = new Int32Array(start.length).fill(-1);
    this.keyLen = new Int32Array(start.length);
  }

  get count(): number {
    return this.start.length;
  }

  /** Whether line `k` holds a sequence item's dash at `col` (`- x`, or a lone `-`). */
  dashAt(k: number, col: number): boolean {
    const at = this.start[k] + col;
    if (this.text.charCodeAt(at) !== 45 /* - */) return false;
    return at + 1 === this.end[k] || this.text.charCodeAt(at + 1) === 32;
  }

  /** Whether line `k` starts a document marker (`---` or `...`, alone or followed by space). */
  marker(k: number): boolean {
    return isMarker(this.text, this.start[k], this.end[k]);
  }

  /** The length of the plain key written at `col` of line `k`; gives up when the text there is no plain key. */
  keyLength(k: number, col: number): number {
    if (this.keyCol[k] !== col) {
      this.keyCol[k] = col;
      this.keyLen[k] = plainKeyLength(this.text, this.start[k] + col, this.end[k]);
    }
    const len = this.keyLen[k];
    if (len < 0) throw new GiveUp();
    return len;
  }

  /** What follows the key at `col` of line `k` (its value's text, comments dropped when alone). */
  rest(k: number, col: number): string {
    const from = this.start[k] + col + this.keyLength(k, col);
    const colon = this.text.indexOf(':', from);
    const rest = this.text.slice(colon + 1, this.end[k]).trim();
    return rest.startsWith('#') ? '' : rest;
  }
}

/** A block collection: it starts on `line` at `col`, its lines end before `end`; `offset` is where a path to it points. */
interface Node {
  line: number;
  col: number;
  end: number;
  offset: number;
}

/** The collections found along paths walked before, by segment. */
interface Found {
  node?: Node;
  children: Map<PathSegment, Found>;
  /** A block sequence's items, listed the first time one is looked up: finding item k by counting dashes from the top made a Pod with n containers cost O(n²). */
  items?: SeqItems;
}

/** The line of each item's dash, and the line the sequence ends before. */
interface SeqItems {
  dashes: number[];
  end: number;
}

/** An empty flow mapping or sequence, maybe followed by a comment. */
const EMPTY_FLOW = /^(\{\s*\}|\[\s*\])(\s+#.*)?$/;
/** Plain words YAML 1.1 or 1.2 reads as something other than that string. */
const SPECIAL = /^(y|yes|n|no|on|off|true|false|null)$/i;

class GiveUp extends Error {}

/** A document's lines, to read once and locate many paths in; null when the scanner cannot read them (tabs). */
export function documentLines(text: string, from: number, to: number): DocumentLines | null {
  const starts: number[] = [];
  const ends: number[] = [];
  const indents: number[] = [];
  let content = false;
  for (let start = from; start < to; ) {
    let nl = text.indexOf('\n', start);
    if (nl < 0 || nl > to) nl = to;
    const end = nl > start && text.charCodeAt(nl - 1) === 13 /* \r */ ? nl - 1 : nl;
    // The next document's marker ends this one.
    if (content && isMarker(text, start, end)) break;
    let at = start;
    while (at < end && text.charCodeAt(at) === 32) at++;
    if (at < end && text.charCodeAt(at) === 9) return null;
    const blank = at === end || text.charCodeAt(at) === 35; /* # */
    if (!blank && !text.startsWith('---', start)) content = true;
    starts.push(start);
    ends.push(end);
    indents.push(blank ? -1 : at - start);
    start = nl + 1;
  }
  return new DocumentLines(text, Int32Array.from(starts), Int32Array.from(ends), Int32Array.from(indents));
}

export function fastLocate(lines: DocumentLines, path: readonly PathSegment[]): FastLocation | undefined {
  try {
    let i = firstContent(lines, 0);
    if (i < 0) return undefined;
    // The node being walked: it starts on line `i` at column `col`; its lines end before `end`.
    let col = lines.indent[i];
    let end = lines.count;
    let offset = lines.start[i] + col;
    let found = lines.found;
    for (let s = 0; s < path.length; s++) {
      const segment = path[s];
      const known = found.children.get(segment);
      if (known) {
        ({ line: i, col, end, offset } = known.node!);
        found = known;
        continue;
      }
      if (lines.dashAt(i, col)) {
        const index = typeof segment === 'number' ? segment : /^[0-9]+$/.test(segment) ? Number(segment) : -1;
        const item = seqItem(lines, (found.items ??= seqItems(lines, i, col, end)), col, index);
        if (!item) return { offset, complete: false };
        ({ line: i, col, end } = item);
        offset = lines.start[i] + col;
      } else {
        const entry = mapEntry(lines, i, col, end, String(segment));
        if (entry < 0) return { offset, complete: false };
        offset = lines.start[entry] + col;
        const value = valueOf(lines, entry, col, end);
        if (!value) {
          // A scalar (or nothing): no children. Only the last segment may stop here.
          return { offset, complete: s === path.length - 1 };
        }
        ({ line: i, col, end } = value);
      }
      const next: Found = { node: { line: i, col, end, offset }, children: new Map() };
      found.children.set(segment, next);
      found = next;
    }
    return { offset, complete: true };
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  }
}

function isMarker(text: string, start: number, end: number): boolean {
  if (!(text.startsWith('---', start) || text.startsWith('...', start))) return false;
  if (start + 3 >= end) return true;
  const c = text.charCodeAt(start + 3);
  return c === 32 || c === 9;
}

function firstContent(lines: DocumentLines, from: number): number {
  for (let i = from; i < lines.count; i++) {
    if (lines.indent[i] < 0) continue;
    if (lines.text.startsWith('---', lines.start[i]) || lines.text.startsWith('...', lines.start[i])) {
      if (i === from) continue;
      return -1;
    }
    return i;
  }
  return -1;
}

/**
 * The length of the plain key at `at` (up to the `:` that ends it), or -1 when what is written
 * there is no plain key: quoted, anchored, aliased, tagged, complex or flow, a multi-line
 * scalar, a key YAML would convert (`yes`, `null`…) or a merge key.
 */
function plainKeyLength(text: string, at: number, end: number): number {
  const first = text.charCodeAt(at);
  if (!(isLetter(first) || first === 95 /* _ */)) return -1;
  let colon = -1;
  for (let i = at; i < end; i++) {
    if (text.charCodeAt(i) !== 58 /* : */) continue;
    const next = text.charCodeAt(i + 1);
    if (i + 1 === end || next === 32 || next === 9 || next === 13 || next === 10) {
      colon = i;
      break;
    }
  }
  if (colon < 0) return -1;
  let keyEnd = colon;
  while (keyEnd > at && (text.charCodeAt(keyEnd - 1) === 32 || text.charCodeAt(keyEnd - 1) === 9)) keyEnd--;
  for (let i = at + 1; i < keyEnd; i++) {
    const c = text.charCodeAt(i);
    if (!(isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 47 || c === 45)) return -1; // [A-Za-z0-9_./-]
  }
  if (keyEnd - at <= 5 && SPECIAL.test(text.slice(at, keyEnd))) return -1;
  return keyEnd - at;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The line of the last entry `key` of the mapping whose entries start at `col`, from line `i`; -1 if none. */
function mapEntry(lines: DocumentLines, i: number, col: number, end: number, key: string): number {
  let found = -1;
  for (let k = i; k < end; k++) {
    const at = k === i ? col : lines.indent[k];
    if (at < 0) continue;
    if (at < col) break;
    if (at > col) continue;
    // A dash at the keys' column is a compact sequence: the previous key's value.
    if (lines.dashAt(k, at)) continue;
    const len = lines.keyLength(k, at);
    if (len === key.length && lines.text.startsWith(key, lines.start[k] + at)) found = k;
  }
  return found;
}

/** Where the value of the entry on line `k` (keys at `col`) lives when it is a block collection; undefined for a scalar or nothing. */
function valueOf(lines: DocumentLines, k: number, col: number, end: number): { line: number; col: number; end: number } | undefined {
  const r = lines.rest(k, col);
  if (r !== '') {
    if (EMPTY_FLOW.test(r)) return undefined; // `{}` or `[]`: no children either
    const c = r.charCodeAt(0);
    if (c === 123 /* { */ || c === 91 /* [ */ || c === 38 /* & */ || c === 42 /* * */ || c === 33 /* ! */) throw new GiveUp();
    return undefined; // a scalar, or a block scalar (| >): no children
  }
  const next = firstContent(lines, k + 1);
  if (next < 0 || next >= end) return undefined;
  const indent = lines.indent[next];
  const nested = indent > col || (indent === col && lines.dashAt(next, indent));
  if (!nested) return undefined;
  // The value's lines: until one at the entry's column (not a compact sequence item) or less.
  let stop = next;
  for (; stop < end; stop++) {
    const at = lines.indent[stop];
    if (at < 0) continue;
    if (at < col) break;
    if (at === col && !lines.dashAt(stop, at)) break;
  }
  return { line: next, col: indent, end: stop };
}

/** The items of the sequence whose dashes are at `col`, from line `i`: one pass over its lines. */
function seqItems(lines: DocumentLines, i: number, col: number, end: number): SeqItems {
  const dashes: number[] = [];
  let k = i;
  for (; k < end; k++) {
    const indent = lines.indent[k];
    if (indent < 0) continue;
    if (indent < col) break;
    if (indent > col) continue;
    if (!lines.dashAt(k, col)) break;
    dashes.push(k);
  }
  return { dashes, end: k };
}

/** The content of item `index` of a sequence whose dashes are at `col`. */
function seqItem(lines: DocumentLines, items: SeqItems, col: number, index: number): { line: number; col: number; end: number } | undefined {
  if (index < 0 || index >= items.dashes.length) return undefined;
  const k = items.dashes[index];
  // Its lines: until the next dash at this column, or where the sequence ends.
  const stop = index + 1 < items.dashes.length ? items.dashes[index + 1] : items.end;
  const lineStart = lines.start[k];
  const lineEnd = lines.end[k];
  let content = lineStart + col + 1;
  while (content < lineEnd && lines.text.charCodeAt(content) === 32) content++;
  if (content < lineEnd && lines.text.charCodeAt(content) !== 35 /* # */) {
    const c = lines.text.charCodeAt(content);
    if (c === 38 || c === 42 || c === 33 || c === 45 /* & * ! and - (a sequence in a sequence) */) throw new GiveUp();
    return { line: k, col: content - lineStart, end: stop };
  }
  const next = firstContent(lines, k + 1);
  if (next < 0 || next >= stop) throw new GiveUp(); // an empty item: leave it to the parser
  return { line: next, col: lines.indent[next], end: stop };
}
