// Positions from js-yaml's event stream.
//
// parseEvents() gives a flat list of events (mapping, sequence, scalar, alias, pop) whose
// offsets point into the source; loading is parseEvents() + constructFromEvents(), so the
// events cost nothing extra at read time. Finding a field path is a walk over that list,
// skipping whole subtrees, without building an AST.
import { EVENT_ID, SCALAR_STYLE, getScalarValue, type Event, type Schema } from 'js-yaml';
import type { PathSegment } from './path';

/** Line and column (1-based) of offsets in one text. */
export class LineIndex {
  private starts: number[] | undefined;

  constructor(private readonly text: string) {}

  position(offset: number): { line: number; column: number } {
    // Built on first use: a file whose objects are never placed never pays for it.
    const starts = (this.starts ??= lineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Index just past the node that starts at `events[i]`. */
export function skipNode(events: readonly Event[], i: number): number {
  const type = events[i].type;
  if (type !== EVENT_ID.MAPPING && type !== EVENT_ID.SEQUENCE) return i + 1;
  let depth = 0;
  do {
    const t = events[i++].type;
    if (t === EVENT_ID.MAPPING || t === EVENT_ID.SEQUENCE) depth++;
    else if (t === EVENT_ID.POP) depth--;
  } while (depth > 0);
  return i;
}

/**
 * Offset in `source` where the node at `events[i]` starts as a reader sees it: its anchor or
 * tag, the opening quote, the `|` of a block scalar. -1 for an empty scalar, which has no text.
 */
export function nodeOffset(events: readonly Event[], source: string, i: number): number {
  const ev = events[i];
  let at = -1;
  const earliest = (o: number) => {
    if (o >= 0 && (at < 0 || o < at)) at = o;
  };
  switch (ev.type) {
    case EVENT_ID.ALIAS:
      earliest(ev.anchorStart - 1); // the '*'
      break;
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      earliest(ev.start);
      if (ev.anchorStart >= 0) earliest(ev.anchorStart - 1); // the '&'
      earliest(ev.tagStart);
      break;
    case EVENT_ID.SCALAR: {
      let start = ev.valueStart;
      if (start >= 0) {
        if (ev.style === SCALAR_STYLE.SINGLE_QUOTED || ev.style === SCALAR_STYLE.DOUBLE_QUOTED) start--;
        else if (ev.style === SCALAR_STYLE.LITERAL_BLOCK || ev.style === SCALAR_STYLE.FOLDED_BLOCK) {
          // valueStart is the first content line; the header is the last indicator before it.
          start = Math.max(source.lastIndexOf('|', start - 1), source.lastIndexOf('>', start - 1));
        }
      }
      earliest(start);
      if (ev.anchorStart >= 0) earliest(ev.anchorStart - 1);
      earliest(ev.tagStart);
      break;
    }
  }
  return at;
}

/** Where a walk ended: the node reached, and the offset of the last path segment found. */
export interface WalkResult {
  /** Absolute offset of the key (or sequence item) for the last segment found. */
  offset: number;
  /** Event index of the node reached. */
  node: number;
  /** Whether every segment was found. */
  complete: boolean;
}

/**
 * One document's events. `source` is the text the offsets refer to, `base` its offset in the
 * file, `root` the index of the document's root node.
 */
export class EventTree {
  constructor(
    readonly events: Event[],
    readonly source: string,
    readonly base: number,
    readonly root: number,
    private readonly schema: Schema,
  ) {}

  /** Index just past the node at `i`. */
  skip(i: number): number {
    return skipNode(this.events, i);
  }

  /** Absolute offset where the node at `i` starts (see nodeOffset), or -1. */
  offset(i: number): number {
    const at = nodeOffset(this.events, this.source, i);
    return at < 0 ? -1 : this.base + at;
  }

  /** The node an alias at `i` stands for (the last anchor of that name before it); else `i`. */
  deref(i: number): number {
    const ev = this.events[i];
    if (ev.type !== EVENT_ID.ALIAS) return i;
    const name = this.source.slice(ev.anchorStart, ev.anchorEnd);
    for (let j = i - 1; j >= this.root; j--) {
      const e = this.events[j];
      if (
        (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE || e.type === EVENT_ID.SCALAR) &&
        e.anchorStart >= 0 &&
        e.anchorEnd - e.anchorStart === name.length &&
        this.source.startsWith(name, e.anchorStart)
      ) {
        return j;
      }
    }
    return i;
  }

  /** Event indexes of the items of the sequence at `seq`. */
  items(seq: number): number[] {
    const out: number[] = [];
    if (this.events[seq].type !== EVENT_ID.SEQUENCE) return out;
    for (let j = seq + 1; this.events[j].type !== EVENT_ID.POP; j = this.skip(j)) out.push(j);
    return out;
  }

  /** Follows `path` from the node at `from` (the root by default) as far as it exists. */
  walk(path: readonly PathSegment[], from = this.root): WalkResult {
    let node = from;
    let offset = this.offset(node);
    for (let s = 0; s < path.length; s++) {
      node = this.deref(node);
      const ev = this.events[node];
      let next: { at: number; node: number } | undefined;
      if (ev.type === EVENT_ID.MAPPING) {
        const hit = this.member(node, String(path[s]), 0);
        if (hit) next = { at: hit.key, node: hit.value };
      } else if (ev.type === EVENT_ID.SEQUENCE) {
        const n = typeof path[s] === 'number' ? (path[s] as number) : /^[0-9]+$/.test(path[s] as string) ? Number(path[s]) : -1;
        let j = node + 1;
        for (let k = 0; k < n && this.events[j].type !== EVENT_ID.POP; k++) j = this.skip(j);
        if (n >= 0 && this.events[j].type !== EVENT_ID.POP) next = { at: j, node: j };
      }
      if (!next) return { offset, node, complete: false };
      const at = this.offset(next.at);
      if (at >= 0) offset = at; // an empty item has no text: keep its parent's place
      node = next.node;
    }
    return { offset, node, complete: true };
  }

  /**
   * The key and value indexes of `key` in the mapping at `map`. The last occurrence wins, as
   * when values are loaded; then merged mappings (`<<: *base`), the first that has the key.
   */
  private member(map: number, key: string, depth: number): { key: number; value: number } | undefined {
    let found: { key: number; value: number } | undefined;
    const merges: number[] = [];
    for (let k = map + 1; this.events[k].type !== EVENT_ID.POP; ) {
      const v = this.skip(k);
      const name = this.keyText(k);
      if (name !== undefined && this.keyMatches(k, name, key)) found = { key: k, value: v };
      else if (name === '<<' && this.isPlain(k)) merges.push(v);
      k = this.skip(v);
    }
    if (found || depth > 16) return found; // depth: merges of merges, and no loops
    for (const m of merges) {
      const source = this.deref(m);
      const maps = this.events[source].type === EVENT_ID.SEQUENCE ? this.items(source).map((i) => this.deref(i)) : [source];
      for (const candidate of maps) {
        if (this.events[candidate].type !== EVENT_ID.MAPPING) continue;
        const hit = this.member(candidate, key, depth + 1);
        if (hit) return hit;
      }
    }
    return undefined;
  }

  private keyText(k: number): string | undefined {
    const ev = this.events[this.deref(k)];
    return ev.type === EVENT_ID.SCALAR ? getScalarValue(this.source, ev) : undefined;
  }

  private isPlain(k: number): boolean {
    const ev = this.events[this.deref(k)];
    return ev.type === EVENT_ID.SCALAR && ev.style === SCALAR_STYLE.PLAIN && ev.tagStart < 0;
  }

  /** A key matches by its text, or by the string its plain value becomes (`yes:` is "true" in 1.1). */
  private keyMatches(k: number, text: string, key: string): boolean {
    if (text === key) return true;
    if (!this.isPlain(k)) return false;
    return String(this.schema.resolveImplicitScalarTag(text).value) === key;
  }
}
