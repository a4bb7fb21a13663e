// A reader for the YAML that manifests are nearly always written in: block mappings and
// sequences, one-line plain and quoted scalars, `[]`, `{}` and one-line flow lists of scalars,
// literal and folded block scalars, comments, and `---` between documents. Reading thousands of
// manifests in CI waits on YAML, and a CLI reads it with cold code: this simpler reader takes
// about half of js-yaml's time then (warm, the two are close: building the objects dominates).
//
// Anchors on values and aliases are read as js-yaml reads them: an alias is the anchored
// value itself, shared, not a copy.
//
// It reads the same values js-yaml does with the same schema, or nothing: anything outside
// that subset (tags, directives, anchors on keys or roots, multi-line plain or quoted scalars,
// flow mappings, nested flow collections, duplicate or merge keys, tabs anywhere but in a block
// scalar's text (where Rego and shell scripts have them), carriage returns,
// control characters, a List's top-level `items`, nesting past MAX_DEPTH, which js-yaml then
// places in its error) makes it give up on the whole text, which
// js-yaml then reads, errors and all. scripts/check-block-yaml.ts compares the two on any
// set of files, and test/block-yaml.test.ts on the constructs each rule is about.

import { MAX_DEPTH } from './limits';

/** A plain scalar's value, as the schema resolves it (js-yaml's implicit types, in order). */
export type PlainResolver = (text: string) => unknown;

/** The documents of a text, and where each one's root node starts (offset of its first character). */
export interface BlockDocuments {
  values: unknown[];
  starts: number[];
  /** Where the keys and items of every document are written. */
  placements: Placements;
  /** Each document's root in `placements.nodes`, one per value. */
  roots: number[];
}

/**
 * Where a text's keys and items are written, for placing a field (placeIn). Each mapping and
 * sequence read is a node in `nodes`, written once complete (so after the nodes of its values):
 * a mapping as its number of keys, then `key, offset, value` for each (`key` an index into
 * `keys`); a sequence as -1 - its number of items, then `offset, value` for each (offset -1 for
 * an empty item). A `value` is the index of its own node when it is a collection (an alias's
 * is its anchor's), -1 for a scalar. Numbers in one array rather than an array per collection:
 * the garbage collector copies whatever a read keeps, and a table of every mapping and sequence
 * (a WeakMap, then an array each) was a third of reading.
 */
export interface Placements {
  nodes: number[];
  keys: string[];
}

/** Thrown inside the reader when the text leaves the subset; never escapes readBlockYaml. */
class OutsideSubset extends Error {}
const OUTSIDE = new OutsideSubset();

function giveUp(): never {
  throw OUTSIDE;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const TAB = 0x09;

/**
 * The documents of `text`, or undefined when it is not plain block YAML (see above). Empty
 * documents are left out, as nothing downstream reads them. Offsets in placements are from
 * the start of `text`.
 */
export function readBlockYaml(text: string, resolve: PlainResolver, keys: KeyCache = new KeyCache(resolve)): BlockDocuments | undefined {
  // Carriage returns have rules of their own; control characters are errors js-yaml reports.
  // Plain printable ASCII and newlines need no further check. Tabs are read in a block
  // scalar's text only (ConstraintTemplates' Rego is indented with them): the reader counts
  // those it read there, and any other tab sends the text to js-yaml.
  let tabs = 0;
  if (UNUSUAL.test(text)) {
    if (text.includes('\r') || text.includes('\ufeff') || NON_PRINTABLE.test(text)) return undefined;
    tabs = countOf(text, 0x09, 0, text.length);
  }
  try {
    const reader = new BlockReader(text, resolve, keys, tabs > 0);
    const documents = reader.documents();
    return reader.tabsRead === tabs ? documents : undefined;
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

/** How many times the character `code` occurs in `text[from, to)`. */
function countOf(text: string, code: number, from: number, to: number): number {
  const c = String.fromCharCode(code);
  let n = 0;
  for (let i = text.indexOf(c, from); i >= 0 && i < to; i = text.indexOf(c, i + 1)) n++;
  return n;
}

const UNUSUAL = /[^\x20-\x7e\n]/;
/** js-yaml's own test of what a YAML stream may not contain. */
// eslint-disable-next-line no-control-regex
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

class BlockReader {
  /** Start of the line not yet consumed. */
  private pos = 0;
  // The next content line, once `peek` found it:
  private lineStart = 0;
  private indent = 0;
  /** Offset of the line's first non-space character. */
  private at = 0;
  /** Offset of the line's end (its newline, or the end of the text). */
  private end = 0;
  /** Just after the colon of the key `key` last found. */
  private keyEnd = 0;
  /** The current document's anchors, and where their values are written. */
  private readonly anchors = new Map<string, { value: unknown; node: number }>();
  /** Collections open around the current line; past MAX_DEPTH js-yaml's loader reports it, with its place. */
  private depth = 0;
  /** Where keys and items are written, for every collection read so far. */
  private readonly placements: Placements = { nodes: [], keys: [] };
  /** The entries of the collections being read, innermost last: each moves to `placements` once complete. */
  private readonly open: number[] = [];
  /** The node of the value read last (-1: a scalar), beside the value each reading method returns. */
  private placed = -1;
  /** Where the line `peek` last described starts: asking again about the same line costs nothing. */
  private peeked = -1;
  /** Tabs read in block scalars' text, the only place they are read. */
  tabsRead = 0;

  constructor(
    private readonly text: string,
    private readonly resolve: PlainResolver,
    /** Plain keys read before, with this resolver. */
    private readonly keys: KeyCache,
    /** Whether the text has tabs at all: only then are a block scalar's counted. */
    private readonly mayHaveTabs: boolean,
  ) {}

  documents(): BlockDocuments {
    const values: unknown[] = [];
    const starts: number[] = [];
    const roots: number[] = [];
    const text = this.text;
    for (;;) {
      if (!this.peek()) {
        if (this.pos >= text.length) break;
        // A marker line (`---`, `...`): nothing may follow it but a comment (`--- |` and
        // `--- !tag` are js-yaml's business).
        const rest = skipSpaces(text, this.pos + 3);
        if (rest < text.length && text.charCodeAt(rest) !== NEWLINE && text.charCodeAt(rest) !== HASH) giveUp();
        this.pos = this.lineEndFrom(this.pos) + 1;
        continue;
      }
      // (A directive, `%YAML 1.1`, is no key: the mapping below gives up on it.)
      this.anchors.clear();
      starts.push(this.at);
      const root = this.isSequenceItem() ? this.sequence(this.indent) : this.mapping(this.indent);
      if (!Array.isArray(root) && Object.hasOwn(root, 'items')) giveUp(); // a List: js-yaml places its items
      values.push(root);
      roots.push(this.placed);
      // The root must end the document.
      if (this.peek()) giveUp();
    }
    return { values, starts, placements: this.placements, roots };
  }

  // ---- lines -------------------------------------------------------------------------

  /**
   * Moves to the next line with content (skipping blank and comment lines) and describes it;
   * false at the end of the text or at a document marker, where `pos` then is.
   */
  private peek(): boolean {
    if (this.pos === this.peeked) return true;
    const text = this.text;
    for (;;) {
      const start = this.pos;
      if (start >= text.length) return false;
      let i = start;
      while (text.charCodeAt(i) === SPACE) i++;
      const c = text.charCodeAt(i);
      if (i === start && (c === DASH || c === 0x2e /* . */) && this.markerAt(start)) return false;
      const end = this.lineEndFrom(i);
      if (i === end || c === HASH) {
        this.pos = end + 1;
        continue;
      }
      this.lineStart = start;
      this.indent = i - start;
      this.at = i;
      this.end = end;
      this.peeked = start;
      return true;
    }
  }

  private lineEndFrom(from: number): number {
    const nl = this.text.indexOf('\n', from);
    return nl < 0 ? this.text.length : nl;
  }

  /** `---` or `...` when a document marker starts the line at `start`. */
  private markerAt(start: number): string | undefined {
    const text = this.text;
    const m = text.startsWith('---', start) ? '---' : text.startsWith('...', start) ? '...' : undefined;
    if (!m) return undefined;
    const after = text.charCodeAt(start + 3);
    return start + 3 >= text.length || after === SPACE || after === NEWLINE ? m : undefined;
  }

  /** Consumes the current line. */
  private next(): void {
    this.pos = this.end + 1;
  }

  /** Whether the current line is a sequence item (`- x`, or `-` alone). */
  private isSequenceItem(): boolean {
    if (this.text.charCodeAt(this.at) !== DASH) return false;
    const after = this.text.charCodeAt(this.at + 1);
    return this.at + 1 >= this.end || after === SPACE;
  }

  // ---- collections -------------------------------------------------------------------

  /** A block mapping whose keys are at `indent`, from the current line on. */
  private mapping(indent: number): Record<string, unknown> {
    if (++this.depth > MAX_DEPTH) giveUp();
    const out: Record<string, unknown> = {};
    const mark = this.open.length;
    while (this.peek() && this.indent === indent) {
      if (this.isSequenceItem()) giveUp();
      this.entry(out, mark, indent, this.at);
    }
    if (this.peek() && this.indent > indent) giveUp(); // a continuation js-yaml would fold or refuse
    this.depth--;
    this.placed = this.close(mark, (this.open.length - mark) / 3);
    return out;
  }

  /** Moves the entries of the collection opened at `mark` to its node; `size` is what the node starts with. */
  private close(mark: number, size: number): number {
    const open = this.open;
    const nodes = this.placements.nodes;
    const node = nodes.length;
    nodes.push(size);
    for (let j = mark; j < open.length; j++) nodes.push(open[j]);
    open.length = mark;
    return node;
  }

  /** One `key: value` whose key starts at `at` on the current line, into `out` (and where it is after `mark` in `open`). */
  private entry(out: Record<string, unknown>, mark: number, indent: number, at: number): void {
    const key = this.key(at);
    if (key === undefined || key === '__proto__' || key === '<<' || this.isWritten(out, mark, key)) giveUp();
    const from = skipSpaces(this.text, this.keyEnd);
    if (from >= this.end || this.text.charCodeAt(from) === HASH) {
      this.next();
      out[key] = this.below(indent, true);
    } else {
      out[key] = this.inline(from, indent, true);
    }
    const keys = this.placements.keys;
    this.open.push(keys.length, at, this.placed);
    keys.push(key);
  }

  /**
   * Whether `key` is already a key of the mapping `out`, opened at `mark`. Asking the object
   * makes the engine look the new key's text up in its table of names, then again to store
   * it: comparing with the few keys of a manifest's mapping was half of reading a key. A long
   * mapping (a ConfigMap's data) asks the object.
   */
  private isWritten(out: Record<string, unknown>, mark: number, key: string): boolean {
    const open = this.open;
    if (open.length - mark > 3 * 16) return Object.hasOwn(out, key);
    const keys = this.placements.keys;
    for (let j = mark; j < open.length; j += 3) if (keys[open[j]] === key) return true;
    return false;
  }

  /**
   * The value on the lines below a key or a dash (the current line, consumed): a deeper block,
   * for a key a sequence at its own indentation (`containers:` then `- name: x`), or null.
   */
  private below(indent: number, isKey: boolean): unknown {
    if (this.peek()) {
      if (this.indent > indent) return this.isSequenceItem() ? this.sequence(this.indent) : this.mapping(this.indent);
      if (isKey && this.indent === indent && this.isSequenceItem()) return this.sequence(indent);
    }
    this.placed = -1;
    return null;
  }

  /** A block sequence whose dashes are at `indent`, from the current line on. */
  private sequence(indent: number): unknown[] {
    if (++this.depth > MAX_DEPTH) giveUp();
    const out: unknown[] = [];
    const mark = this.open.length;
    const text = this.text;
    while (this.peek() && this.indent === indent && this.isSequenceItem()) {
      const from = skipSpaces(text, this.at + 1);
      if (from >= this.end || text.charCodeAt(from) === HASH) {
        this.next();
        // The item's node starts where its value below does; an empty one has no text.
        const below = this.peek() && this.indent > indent ? this.at : -1;
        out.push(this.below(indent, false));
        this.open.push(below, this.placed);
        continue;
      }
      if (text.charCodeAt(from) === DASH && (from + 1 >= this.end || text.charCodeAt(from + 1) === SPACE)) giveUp(); // `- - x`
      const column = from - this.lineStart;
      if (this.key(from) !== undefined) {
        // `- name: x`: a mapping whose keys are at the column of its first.
        if (++this.depth > MAX_DEPTH) giveUp();
        const item: Record<string, unknown> = {};
        const itemMark = this.open.length;
        this.entry(item, itemMark, column, from);
        while (this.peek() && this.indent === column) {
          if (this.isSequenceItem()) giveUp();
          this.entry(item, itemMark, column, this.at);
        }
        if (this.peek() && this.indent > indent) giveUp();
        this.depth--;
        out.push(item);
        this.open.push(from, this.close(itemMark, (this.open.length - itemMark) / 3));
      } else {
        out.push(this.inline(from, indent, false));
        this.open.push(from, this.placed);
      }
    }
    if (this.peek() && this.indent > indent) giveUp();
    this.depth--;
    this.placed = this.close(mark, -1 - out.length);
    return out;
  }

  /** The name of a key at `at` on the current line (`keyEnd` is then just after its colon); undefined if there is none. */
  private key(at: number): string | undefined {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
      const q = this.quoted(at);
      if (!q) return undefined;
      const colon = skipSpaces(text, q.after);
      if (text.charCodeAt(colon) !== COLON) return undefined;
      const after = colon + 1;
      if (after < this.end && text.charCodeAt(after) !== SPACE) return undefined;
      this.keyEnd = after;
      return q.value;
    }
    if (!canStartPlain(text, at, this.end)) return undefined;
    for (let i = at; i < this.end; i++) {
      const ch = text.charCodeAt(i);
      if (ch === COLON) {
        if (i + 1 === this.end || text.charCodeAt(i + 1) === SPACE) {
          const end = trimEnd(text, at, i);
          if (end - at > 1024) giveUp();
          this.keyEnd = i + 1;
          return this.keys.key(text, at, end);
        }
      } else if (ch === HASH && text.charCodeAt(i - 1) === SPACE) {
        return undefined;
      }
    }
    return undefined;
  }

  // ---- scalars -----------------------------------------------------------------------

  /**
   * The value written at `from` on the current line, after a key (`isKey`) or a dash; the
   * lines below belong to it only as a block scalar's text, or after an anchor alone. `indent`
   * is that of its mapping or sequence.
   */
  private inline(from: number, indent: number, isKey: boolean): unknown {
    const text = this.text;
    const c = text.charCodeAt(from);
    let value: unknown;
    let after: number;
    if (c === 0x26 /* & */) {
      const name = this.anchorName(from + 1);
      const next = skipSpaces(text, from + 1 + name.length);
      if (next >= this.end || text.charCodeAt(next) === HASH) {
        this.next();
        value = this.below(indent, isKey);
      } else {
        const n = text.charCodeAt(next);
        // An anchor on a key, or a second property: js-yaml's business.
        if (n === 0x26 || n === 0x2a || n === 0x21 || this.key(next) !== undefined) giveUp();
        value = this.inline(next, indent, isKey);
      }
      this.anchors.set(name, { value, node: this.placed });
      return value;
    }
    let placed = -1;
    if (c === 0x2a /* * */) {
      const name = this.anchorName(from + 1);
      const anchored = this.anchors.get(name);
      if (!anchored) giveUp(); // js-yaml: "unidentified alias"
      value = anchored.value;
      placed = anchored.node;
      after = from + 1 + name.length;
    } else if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
      const q = this.quoted(from);
      if (!q) giveUp();
      value = q.value;
      after = q.after;
    } else if (c === 0x5b /* [ */) {
      const list = this.flowList(from);
      value = list.value;
      placed = list.node;
      after = list.after;
    } else if (c === 0x7b /* { */) {
      const close = skipSpaces(text, from + 1);
      if (text.charCodeAt(close) !== 0x7d /* } */) giveUp(); // only the empty flow mapping
      value = {};
      placed = this.close(this.open.length, 0);
      after = close + 1;
    } else if (c === 0x7c /* | */ || c === 0x3e /* > */) {
      this.placed = -1;
      return this.blockScalar(from, indent);
    } else {
      if (!canStartPlain(text, from, this.end)) giveUp();
      let stop = this.end;
      for (let i = from; i < this.end; i++) {
        const ch = text.charCodeAt(i);
        if (ch === COLON && (i + 1 === this.end || text.charCodeAt(i + 1) === SPACE)) giveUp(); // a mapping in a value
        if (ch === HASH && text.charCodeAt(i - 1) === SPACE) {
          stop = i;
          break;
        }
      }
      after = trimEnd(text, from, stop);
      value = this.resolve(text.slice(from, after));
    }
    const rest = skipSpaces(text, after);
    if (rest < this.end && text.charCodeAt(rest) !== HASH) giveUp();
    if (rest < this.end && rest === after) giveUp(); // `"a"#b`: a comment needs a space before it
    this.next();
    this.placed = placed;
    return value;
  }

  /** An anchor's or alias's name at `from`: up to a space or the end of the line. */
  private anchorName(from: number): string {
    const text = this.text;
    let j = from;
    while (j < this.end && text.charCodeAt(j) !== SPACE) {
      const ch = text.charCodeAt(j);
      if (ch === 0x2c || ch === 0x5b || ch === 0x5d || ch === 0x7b || ch === 0x7d) giveUp(); // flow indicators end a name in js-yaml
      j++;
    }
    if (j === from) giveUp();
    return text.slice(from, j);
  }

  /** A quoted scalar that ends on its line: its value and the offset after the closing quote. */
  private quoted(from: number): { value: string; after: number } | undefined {
    const text = this.text;
    const end = this.end;
    if (text.charCodeAt(from) === 0x27 /* ' */) {
      let value = '';
      let start = from + 1;
      for (let i = start; i < end; i++) {
        if (text.charCodeAt(i) !== 0x27) continue;
        if (text.charCodeAt(i + 1) === 0x27 && i + 1 < end) {
          value += text.slice(start, i + 1);
          start = i + 2;
          i++;
          continue;
        }
        return { value: value + text.slice(start, i), after: i + 1 };
      }
      return undefined;
    }
    let value = '';
    let start = from + 1;
    for (let i = start; i < end; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 0x22 /* " */) return { value: value + text.slice(start, i), after: i + 1 };
      if (ch !== 0x5c /* \ */) continue;
      value += text.slice(start, i);
      const e = text.charCodeAt(++i);
      if (i >= end) return undefined; // a line continuation
      const simple = SIMPLE_ESCAPES.get(e);
      if (simple !== undefined) {
        value += simple;
      } else {
        const digits = e === 0x78 /* x */ ? 2 : e === 0x75 /* u */ ? 4 : e === 0x55 /* U */ ? 8 : 0;
        const hex = digits ? text.slice(i + 1, i + 1 + digits) : '';
        if (!digits || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) giveUp(); // js-yaml's error
        const code = parseInt(hex, 16);
        value += code <= 0xffff ? String.fromCharCode(code) : String.fromCharCode(((code - 0x10000) >> 10) + 0xd800, ((code - 0x10000) & 0x3ff) + 0xdc00);
        i += digits;
      }
      start = i + 1;
    }
    return undefined;
  }

  /** `[a, "b", 3]` on one line, of scalars only. */
  private flowList(from: number): { value: unknown[]; node: number; after: number } {
    const text = this.text;
    const value: unknown[] = [];
    const mark = this.open.length;
    let i = skipSpaces(text, from + 1);
    if (text.charCodeAt(i) === 0x5d /* ] */) return { value, node: this.close(mark, -1), after: i + 1 };
    for (;;) {
      const c = text.charCodeAt(i);
      if (i >= this.end) giveUp();
      this.open.push(i, -1);
      if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
        const q = this.quoted(i);
        if (!q) giveUp();
        value.push(q.value);
        i = skipSpaces(text, q.after);
      } else {
        if (!canStartPlain(text, i, this.end) || c === DASH || c === 0x3f /* ? */) giveUp();
        let j = i;
        for (; j < this.end; j++) {
          const ch = text.charCodeAt(j);
          if (ch === 0x2c /* , */ || ch === 0x5d /* ] */) break;
          if (ch === 0x5b || ch === 0x7b || ch === 0x7d) giveUp();
          if (ch === COLON) giveUp(); // `[a: b]` is a mapping; js-yaml decides
          if (ch === HASH && text.charCodeAt(j - 1) === SPACE) giveUp();
        }
        value.push(this.resolve(text.slice(i, trimEnd(text, i, j))));
        i = j;
      }
      const sep = text.charCodeAt(i);
      if (sep === 0x5d /* ] */) return { value, node: this.close(mark, -1 - value.length), after: i + 1 };
      if (sep !== 0x2c /* , */) giveUp();
      i = skipSpaces(text, i + 1);
      if (text.charCodeAt(i) === 0x5d || text.charCodeAt(i) === 0x2c) giveUp(); // `[a,]`, `[a,,b]`
    }
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar whose header is at `from`, its text on the
   * lines below; js-yaml's readBlockScalar, step for step, for headers without an explicit
   * indentation.
   */
  private blockScalar(from: number, indent: number): string {
    const text = this.text;
    const folding = text.charCodeAt(from) === 0x3e;
    let i = from + 1;
    let chomping: 'clip' | 'strip' | 'keep' = 'clip';
    const h = text.charCodeAt(i);
    if (h === 0x2d /* - */ || h === 0x2b /* + */) {
      chomping = h === 0x2d ? 'strip' : 'keep';
      i++;
    }
    const rest = skipSpaces(text, i);
    if (rest < this.end && (rest === i || text.charCodeAt(rest) !== HASH)) giveUp(); // an indentation digit, or more
    let result = '';
    let textIndent = indent + 1;
    let detected = false;
    let didReadContent = false;
    let emptyLines = 0;
    let atMoreIndented = false;
    let line = this.end + 1;
    for (;;) {
      // js-yaml ends a text without a final newline with one: past the end is an empty line.
      if (line > text.length) line = text.length;
      let j = line;
      while (text.charCodeAt(j) === SPACE && (!detected || j - line < textIndent)) j++;
      const lineIndent = j - line;
      if (!detected && lineIndent > textIndent) textIndent = lineIndent;
      const ch = text.charCodeAt(j);
      if (j >= text.length ? false : ch === NEWLINE) {
        if (!detected && lineIndent > 0) giveUp(); // spaces before the first line decide the indentation in js-yaml's own way
        emptyLines++;
        line = j + 1;
        continue;
      }
      if (j >= text.length || lineIndent < textIndent) {
        if (chomping === 'keep') result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
        else if (chomping === 'clip' && didReadContent) result += '\n';
        this.pos = line;
        return result;
      }
      if (folding) {
        if (ch === SPACE || ch === TAB) {
          atMoreIndented = true;
          result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
        } else if (atMoreIndented) {
          atMoreIndented = false;
          result += '\n'.repeat(emptyLines + 1);
        } else if (emptyLines === 0) {
          if (didReadContent) result += ' ';
        } else {
          result += '\n'.repeat(emptyLines);
        }
      } else {
        result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
      }
      didReadContent = true;
      detected = true;
      emptyLines = 0;
      const end = this.lineEndFrom(j);
      result += text.slice(j, end);
      if (this.mayHaveTabs) this.tabsRead += countOf(text, TAB, j, end);
      line = end + 1;
    }
  }
}

/**
 * The plain keys of a text read so far, by a hash of their text: a manifest uses a few dozen
 * keys thousands of times, and taking each one's text out of the file (a new string, which the
 * engine then looks up in its table of property names) and resolving it again was a fifth of
 * reading. A key found here is compared with the text in place, and the string stored with
 * the object the first time is stored again. One per text read (its pieces share it), so that
 * nothing outlives the reading of a file.
 */
export class KeyCache {
  private readonly raw: (string | undefined)[] = new Array(KEY_CACHE_SIZE).fill(undefined);
  private readonly resolved: string[] = new Array(KEY_CACHE_SIZE).fill('');

  constructor(private readonly resolve: PlainResolver) {}

  /** The key written as `text[from, to)`, a plain scalar. */
  key(text: string, from: number, to: number): string {
    let h = to - from;
    for (let j = from; j < to; j++) h = (h * 31 + text.charCodeAt(j)) | 0;
    const slot = h & (KEY_CACHE_SIZE - 1);
    const raw = this.raw[slot];
    if (raw !== undefined && raw.length === to - from && text.startsWith(raw, from)) return this.resolved[slot];
    const fresh = text.slice(from, to);
    const key = String(this.resolve(fresh));
    this.raw[slot] = fresh;
    this.resolved[slot] = key;
    return key;
  }
}

/** Slots of a KeyCache: a power of two, well above the keys a manifest uses. */
const KEY_CACHE_SIZE = 256;

const SIMPLE_ESCAPES = new Map<number, string>([
  [0x30, '\x00'], [0x61, '\x07'], [0x62, '\x08'], [0x74, '\x09'], [0x6e, '\x0a'], [0x76, '\x0b'], [0x66, '\x0c'],
  [0x72, '\x0d'], [0x65, '\x1b'], [0x20, ' '], [0x22, '"'], [0x2f, '/'], [0x5c, '\\'], [0x4e, '\x85'],
  [0x5f, '\xa0'], [0x4c, '\u2028'], [0x50, '\u2029'],
]);

/**
 * Where `path` is in the document whose root is the node `root` of `placements`: the offset of
 * the last key or item found along it (`from` when not even the first is), and whether it was
 * found whole. What walking the values would find: a scalar or a missing key or index ends it.
 */
export function placeIn(placements: Placements, root: number, from: number, path: readonly (string | number)[]): { offset: number; complete: boolean } {
  const { nodes, keys } = placements;
  let node = root;
  let offset = from;
  for (const segment of path) {
    if (node < 0) return { offset, complete: false };
    const size = nodes[node];
    let found: number;
    if (size < 0) {
      // A sequence: -1 - items, then [offset, value] per item.
      const i = typeof segment === 'number' ? segment : isDigits(segment) ? Number(segment) : -1;
      if (!(i >= 0 && i < -1 - size)) return { offset, complete: false };
      found = nodes[node + 1 + 2 * i];
      node = nodes[node + 2 + 2 * i];
    } else {
      // A mapping: keys, then [key, offset, value] per key.
      const key = typeof segment === 'number' ? String(segment) : segment;
      const end = node + 1 + 3 * size;
      let e = node + 1;
      while (e < end && keys[nodes[e]] !== key) e += 3;
      if (e >= end) return { offset, complete: false };
      found = nodes[e + 1];
      node = nodes[e + 2];
    }
    if (found >= 0) offset = found; // an empty item has no text: keep its parent's place
  }
  return { offset, complete: true };
}

/** `/^[0-9]+$/`, without a regular expression run per path segment. */
function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Whether a plain scalar may start at `at` (js-yaml's readPlainScalar test, block context). */
function canStartPlain(text: string, at: number, end: number): boolean {
  const c = text.charCodeAt(at);
  switch (c) {
    case 0x2c: case 0x5b: case 0x5d: case 0x7b: case 0x7d: // flow indicators
    case 0x23: case 0x26: case 0x2a: case 0x21: case 0x7c: case 0x3e: case 0x27: case 0x22: case 0x25: case 0x40: case 0x60:
    case SPACE:
      return false;
    case 0x3f: // ?
    case DASH: {
      const next = text.charCodeAt(at + 1);
      return at + 1 < end && next !== SPACE;
    }
    default:
      return at < end;
  }
}

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (text.charCodeAt(i) === SPACE) i++;
  return i;
}

/** The end of `text[from, to)` without its trailing spaces. */
function trimEnd(text: string, from: number, to: number): number {
  let j = to;
  while (j > from && text.charCodeAt(j - 1) === SPACE) j--;
  return j;
}
