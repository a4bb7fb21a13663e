// Positions of nodes, from js-yaml's listener.
//
// js-yaml calls a listener when each node starts ('open') and when it is built ('close'). Loading
// again with a listener that records those offsets gives a small tree of positions, keys and
// anchors, which a field path is then walked through. This costs a few times less than a YAML
// AST (the `yaml` package takes ~10x js-yaml's time), and is only paid for the documents that
// are asked about (see DocumentSource in parse.ts).
import { loadAll, type Schema, type State } from 'js-yaml';
import type { PathSegment } from './path';
import { JS_YAML_MAX_DEPTH, MAX_OPEN_NODES, NestingTooDeep } from './limits';

/**
 * Line and column (1-based) of offsets in one text. Lines are found only as far as the offsets
 * asked about: a ConstraintTemplate's file, one document at its first line, is not scanned at
 * all for its origin, and a long file is scanned once, as its documents' origins are asked in order.
 */
export class LineIndex {
  /** Where each line found so far starts. */
  private readonly starts: number[] = [0];
  /** Every line break before this offset has its line in `starts`. */
  private scanned = 0;

  constructor(private readonly text: string) {}

  position(offset: number): { line: number; column: number } {
    if (offset >= this.scanned) this.scanTo(offset);
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }

  /** Finds the lines up to the first line break at or after `offset`. */
  private scanTo(offset: number): void {
    const text = this.text;
    while (this.scanned <= offset) {
      const nl = text.indexOf('\n', this.scanned);
      if (nl < 0) {
        this.scanned = Infinity;
        return;
      }
      this.starts.push(nl + 1);
      this.scanned = nl + 1;
    }
  }
}

/**
 * Offset of the first character of a node whose parsing started at `from`: js-yaml opens a
 * node before the space, line breaks and comments in front of it.
 */
export function skipSpace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23 /* # */) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return text.length;
      i = nl + 1;
    } else return i;
  }
}

/** A node: where it starts, and what a path can step into. */
export interface PosNode {
  /** Offset where the node starts (its anchor, tag, opening quote, `|`...); -1 if empty. */
  start: number;
  /** Mapping entries in source order; duplicates included. */
  entries?: { key: string; at: number; value: PosNode }[];
  /** Sequence items. */
  items?: PosNode[];
  /** For an alias, the node it names (if that node was complete when the alias was read). */
  target?: PosNode;
}

interface Frame {
  open: number;
  entries: { key: string; at: number; value: PosNode }[];
  items: PosNode[];
  itemResults: unknown[];
  key?: { name: string; at: number };
}

/**
 * The position trees of the documents in `text` (one per document, in order); offsets are
 * relative to `text` plus `base`. Throws what js-yaml throws.
 */
export function positionTrees(text: string, base: number, schema: Schema): PosNode[] {
  return loadWithPositions(text, base, schema).trees;
}

/**
 * The documents of `text` and their position trees, in one load. `duplicateKeys: false`
 * makes a key written twice in a mapping an error, as strict readers do; by default the
 * last one wins, as when loading manifests after reporting it. Nesting past MAX_DEPTH throws
 * NestingTooDeep.
 */
export function loadWithPositions(text: string, base: number, schema: Schema, { duplicateKeys = true } = {}): { values: unknown[]; trees: PosNode[] } {
  const roots: PosNode[] = [];
  const stack: Frame[] = [];
  const anchors = new Map<string, PosNode>();
  const listener = (event: 'open' | 'close', state: State) => {
    if (event === 'open') {
      // js-yaml recurses once per level: stop before the stack runs out, with the place.
      if (stack.length >= MAX_OPEN_NODES) throw new NestingTooDeep(base + state.position);
      stack.push({ open: state.position, entries: [], items: [], itemResults: [] });
      return;
    }
    const frame = stack.pop()!;
    const start = skipSpace(text, frame.open);
    let node: PosNode;
    if (frame.entries.length === 0 && frame.items.length === 1 && frame.key === undefined && Object.is(frame.itemResults[0], state.result)) {
      // A block value read through a nested node (`key:\n  {a: 1}`, `- x`): js-yaml tries
      // a block mapping first, which composes the real node inside this one. They are the same.
      node = { ...frame.items[0], start: base + start };
    } else if (text.charCodeAt(start) === 0x2a /* * */) {
      const name = /[^\s,[\]{}]+/y;
      name.lastIndex = start + 1;
      node = { start: base + start, target: anchors.get(name.exec(text)?.[0] ?? '') };
    } else if (state.kind === null && state.result === null && state.tag === null && state.anchor === null) {
      node = { start: -1 }; // `key:` with nothing after it
    } else {
      node = { start: base + start };
      if (frame.entries.length > 0) node.entries = frame.entries;
      if (state.kind === 'sequence' && Array.isArray(state.result)) node.items = alignItems(frame, state.result);
      else if (frame.items.length > 0) node.items = frame.items;
    }
    if (state.anchor !== null) anchors.set(state.anchor, node);

    const parent = stack[stack.length - 1];
    if (!parent) {
      roots.push(node);
      anchors.clear(); // anchors do not cross documents
    } else if (isKey(text, state.position)) {
      // A key is a node followed by ':' on its line: that is how js-yaml itself tells one.
      parent.key = { name: String(state.result), at: node.start };
    } else if (parent.key) {
      parent.entries.push({ key: parent.key.name, at: parent.key.at, value: node });
      parent.key = undefined;
    } else {
      parent.items.push(node);
      parent.itemResults.push(state.result);
    }
  };
  const values = loadAll(text, null, { schema, json: duplicateKeys, listener, maxDepth: JS_YAML_MAX_DEPTH });
  return { values, trees: roots };
}

/**
 * The items of a sequence, one per value. An empty block item (`-` alone on its line) becomes
 * null without the listener hearing of it; put an empty node where the values say one is.
 */
function alignItems(frame: Frame, values: unknown[]): PosNode[] {
  if (frame.items.length === values.length) return frame.items;
  const items: PosNode[] = [];
  let next = 0;
  for (const value of values) {
    if (next < frame.items.length && (value !== null || frame.itemResults[next] === null)) {
      items.push(frame.items[next++]);
    } else {
      items.push({ start: -1 });
    }
  }
  return items;
}

/** Whether the node that ended at `end` is a key: followed by `:` on its line, as js-yaml tells one. */
export function isKey(text: string, end: number): boolean {
  let i = end;
  while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) i++;
  return text.charCodeAt(i) === 0x3a /* : */;
}

/** Where a walk ended. */
export interface WalkResult {
  /** Offset of the key (or sequence item) of the last segment found; -1 if that has no text. */
  offset: number;
  /** The node reached. */
  node: PosNode;
  /** Whether every segment was found. */
  complete: boolean;
}

/** Follows `path` from `from` as far as it exists. */
export function walk(from: PosNode, path: readonly PathSegment[]): WalkResult {
  let node = from;
  let offset = from.start;
  for (const segment of path) {
    node = deref(node);
    let next: { at: number; node: PosNode } | undefined;
    if (node.entries) {
      const entry = member(node, String(segment), 0);
      if (entry) next = { at: entry.at, node: entry.value };
    }
    if (!next && node.items) {
      const index = typeof segment === 'number' ? segment : /^[0-9]+$/.test(segment) ? Number(segment) : -1;
      const item = node.items[index];
      if (item) next = { at: item.start, node: item };
    }
    if (!next) return { offset, node, complete: false };
    if (next.at >= 0) offset = next.at; // an empty item has no text: keep its parent's place
    node = next.node;
  }
  return { offset, node, complete: true };
}

export function deref(node: PosNode): PosNode {
  return node.target ?? node;
}

/**
 * The entry for `key`: the last one, as loading keeps the last of duplicate keys; else from
 * merged mappings (`<<: *base`, `<<: [*a, *b]`), the first that has it, as YAML merges.
 */
function member(map: PosNode, key: string, depth: number): { at: number; value: PosNode } | undefined {
  const entries = map.entries ?? [];
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i].key === key) return entries[i];
  if (depth > 16) return undefined; // merges of merges, and no loops
  for (const entry of entries) {
    if (entry.key !== '<<') continue;
    const source = deref(entry.value);
    for (const candidate of source.items ? source.items.map(deref) : [source]) {
      const found = candidate.entries && member(candidate, key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}
