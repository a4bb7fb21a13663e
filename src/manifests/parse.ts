// One text (a file or stdin) into Kubernetes objects, each with its origin and a way to find
// where a field is. Values come from the block reader (block-yaml.ts) for plain block YAML,
// else from js-yaml (or JSON.parse); a document's start from the block reader or js-yaml's
// listener while loading; anything deeper only when asked for (see DocumentSource).
import { YAMLException, loadAll, type Schema, type State } from 'js-yaml';
import { extname } from 'node:path';
import { LineIndex, deref, isKey, positionTrees, skipSpace, walk, type PosNode } from './locate';
import { documentLines, fastLocate, type DocumentLines, type FastLocation } from './fast-locate';
import { scanFieldPath, type PathSegment } from './path';
import { jsonItemRanges, jsonTooDeep, nestedDeeper, scanJsonValue, skipJsonSpace } from './json';
import { KeyCache, placeIn, readBlockYaml, type Placements } from './block-yaml';
import { plainScalarResolver, schemaFor, type YamlVersion } from './schema';
import { MAX_DEPTH, MAX_EXPANDED_NODES, JS_YAML_MAX_DEPTH, MAX_OPEN_NODES, NestingTooDeep, depthMessage } from './limits';

/** Where an object starts: 1-based line and column. `file` is '-' for stdin. */
export interface Origin {
  file: string;
  line: number;
  column: number;
}

export interface ManifestObject {
  object: Record<string, unknown>;
  origin: Origin;
  /**
   * Where a field path is in this object (`spec.containers[1].securityContext.privileged`,
   * `metadata.annotations["a.b/c"]`, or a JSON pointer `/spec/containers/1`): the position of
   * its key, or of a sequence item; when the field is missing, of its deepest existing ancestor
   * (the object itself at worst). Never throws: an invalid path is followed as far as it reads.
   */
  locate(path: string | readonly PathSegment[]): Origin;
}

/** A problem with one input; the others are still read. Print it with formatReadError. */
export interface ReadError {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export interface ParseOptions {
  /** How plain scalars resolve (see schema.ts). Default '1.1', as kubectl and the API server read YAML. */
  yamlVersion?: YamlVersion;
}

export interface ParseResult {
  objects: ManifestObject[];
  errors: ReadError[];
}

/** `file:line:col: message`, on one line. */
export function formatReadError(e: ReadError): string {
  const where = e.line === undefined ? e.file : `${e.file}:${e.line}${e.column === undefined ? '' : `:${e.column}`}`;
  return `${where}: ${e.message.replace(/\s*\n\s*/g, ' ')}`;
}

/**
 * Reads every document of `text`. `file` names it in origins and errors; a `.json` file is
 * JSON (one value, or a stream of them), anything else YAML, unless it starts with `{` and
 * reads as JSON (kubectl sniffs the same way).
 */
export function parseManifestText(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  const src = new SourceText(file, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const out: ParseResult = { objects: [], errors: [] };
  const schema = schemaFor(opts.yamlVersion);
  if (extname(file).toLowerCase() === '.json') readJson(src, schema, out, true);
  else if (src.text.charCodeAt(skipJsonSpace(src.text, 0)) === 0x7b /* { */ && readJson(src, schema, out, false)) {
    // read as JSON
  } else readYaml(src, schema, opts.yamlVersion, out);
  // In file order: a fallback load reports some errors before others found earlier in the file.
  out.errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return out;
}

class SourceText {
  readonly lines: LineIndex;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.lines = new LineIndex(text);
  }

  origin(offset: number): Origin {
    const { line, column } = this.lines.position(offset);
    return { file: this.file, line, column };
  }

  error(offset: number | undefined, message: string): ReadError {
    return offset === undefined ? { file: this.file, message } : { ...this.origin(offset), message };
  }
}

/**
 * The text of one document (or of one List item), loaded again for positions when first asked.
 * Recording every node's position on the first load would slow down reading everything for the
 * sake of the few objects that have something to report; loading one document again takes a
 * fraction of a millisecond.
 */
class DocumentSource {
  private cached: PosNode | null | undefined;
  /** The document's lines for the line scanner (null: it cannot read them). */
  private lines: DocumentLines | null | undefined;

  constructor(
    readonly src: SourceText,
    private readonly from: number,
    private readonly to: number,
    private readonly format: 'yaml' | 'json',
    private readonly schema: Schema,
    /** For a List item: the List's document and the item's path there, should its text not load alone. */
    private readonly parent?: { doc: DocumentSource; path: PathSegment[] },
    /** Where the block reader saw the keys and items of this document's value, when it read it (offsets from `base`). */
    readonly placement?: { placements: Placements; root: number; base: number },
  ) {}

  /** Where a path is, read from the lines alone when the document is plain block YAML; undefined otherwise. */
  fast(path: readonly PathSegment[]): FastLocation | undefined {
    if (this.format !== 'yaml' || this.parent) return undefined;
    if (this.lines === undefined) this.lines = documentLines(this.src.text, this.from, this.to);
    return this.lines ? fastLocate(this.lines, path) : undefined;
  }

  /** The `index`th item of this document's List, written from `from` to `to`. */
  item(index: number, from: number, to: number): DocumentSource {
    return new DocumentSource(this.src, from, to, this.format, this.schema, { doc: this, path: ['items', index] });
  }

  /** The positions of this document's nodes; null if they cannot be had. */
  tree(): PosNode | null {
    if (this.cached === undefined) this.cached = this.load() ?? this.fromParent();
    return this.cached;
  }

  private load(): PosNode | null {
    // A List item starts mid-line: spaces in front of it keep its lines' indentation, and its
    // offsets, as in the file.
    const column = this.from - lineStart(this.src.text, this.from);
    let text = ' '.repeat(column) + this.src.text.slice(this.from, this.to);
    // JSON is YAML, except that YAML does not indent with tabs; outside strings (where JSON
    // allows no raw tab) a space reads the same and keeps every offset.
    if (this.format === 'json') text = text.replaceAll('\t', ' ');
    try {
      return positionTrees(text, this.from - column, this.schema)[0] ?? null;
    } catch {
      return null;
    }
  }

  /** An item that does not load alone (it uses an anchor from elsewhere) is placed in its List. */
  private fromParent(): PosNode | null {
    const root = this.parent?.doc.tree();
    if (!root || !this.parent) return null; // positions then fall back to the object's origin
    const self = walk(root, this.parent.path);
    return self.complete ? self.node : null;
  }
}

class Manifest implements ManifestObject {
  constructor(
    readonly object: Record<string, unknown>,
    readonly origin: Origin,
    private readonly doc: DocumentSource,
    /** Path of this object in its document: [] or ['items', 3] for an item of a List. */
    private readonly prefix: readonly PathSegment[],
  ) {}

  locate(path: string | readonly PathSegment[]): Origin {
    const segments = typeof path === 'string' ? segmentsOf(path) : path;
    const placement = this.doc.placement;
    if (placement && this.prefix.length === 0) {
      const { offset } = placeIn(placement.placements, placement.root, -1, segments);
      return offset < 0 ? this.origin : this.doc.src.origin(placement.base + offset);
    }
    const fast = this.prefix.length === 0 ? this.doc.fast(segments) : undefined;
    if (fast) return this.doc.src.origin(fast.offset);
    const root = this.doc.tree();
    if (!root) return this.origin;
    const self = walk(root, this.prefix);
    if (!self.complete) return this.origin;
    const { offset } = walk(self.node, segments);
    return offset < 0 ? this.origin : this.doc.src.origin(offset);
  }
}

/** Paths read so far: a lint places thousands of findings along a few hundred distinct paths. */
const segmentsRead = new Map<string, readonly PathSegment[]>();

function segmentsOf(path: string): readonly PathSegment[] {
  let segments = segmentsRead.get(path);
  if (!segments) {
    if (segmentsRead.size >= 10_000) segmentsRead.clear();
    segments = scanFieldPath(path).segments;
    segmentsRead.set(path, segments);
  }
  return segments;
}

// ---------------------------------------------------------------------------------------------
// YAML

/** Documents loaded from `source`, which starts at `base` in the file. */
interface LoadedUnit {
  source: string;
  base: number;
  values: unknown[];
  /** Offset in `source` where each document's root node starts. */
  starts: number[];
  /** For each document, where the items of its top-level `items` list are (in `source`), if any. */
  items: (Range[] | undefined)[];
  /** Where each document's keys and items are, when the block reader read the text: the table, and each document's root there. */
  placements?: { table: Placements; roots: number[] };
}

interface Range {
  start: number;
  end: number;
}

function load(source: string, base: number, schema: Schema, json = false): LoadedUnit {
  // The listener notes where each document's root node opens, and where the items of a
  // top-level `items` list are (what a List's items need for their origins). It looks at the
  // top three levels only, which keeps it nearly free.
  const opens: number[] = [];
  const items: (Range[] | undefined)[] = [];
  let depth = 0;
  let itemsNext = false; // the last key at depth 2 was `items`
  let inItems: Range[] | undefined; // within the value of that key
  let itemOpen = 0;
  const listener = (event: 'open' | 'close', state: State) => {
    if (event === 'open') {
      // js-yaml recurses once per level: stop before the stack runs out, with the place.
      if (++depth > MAX_OPEN_NODES) throw new NestingTooDeep(state.position);
      if (depth === 1) {
        opens.push(state.position);
        items.push(undefined);
      } else if (depth === 2 && itemsNext) {
        inItems = items[items.length - 1] = [];
        itemsNext = false;
      } else if (depth === 3 && inItems) {
        itemOpen = skipSpace(source, state.position);
        // `items:` with a flow list on the next line is read through a nested node, so this
        // level is the list itself, not an item: leave that List to its position tree.
        if (source.charCodeAt(itemOpen) === 0x5b /* [ */) inItems = items[items.length - 1] = undefined;
      }
      return;
    }
    if (depth === 3 && inItems) {
      inItems.push({ start: itemOpen, end: state.position });
    } else if (depth === 2) {
      if (inItems) inItems = undefined;
      else itemsNext = state.result === 'items' && isKey(source, state.position);
    }
    depth--;
  };
  const values = loadAll(source, null, { schema, json, listener, maxDepth: JS_YAML_MAX_DEPTH });
  // One root per document; should a js-yaml version ever differ, origins fall back to the
  // start of the text rather than to another document's.
  const aligned = opens.length === values.length;
  const starts = aligned ? opens.map((at) => skipSpace(source, at)) : values.map(() => 0);
  return { source, base, values, starts, items: aligned ? items : [] };
}

function readYaml(src: SourceText, schema: Schema, version: YamlVersion | undefined, out: ParseResult): void {
  const pieces = readByDocument(src.text, schema, plainScalarResolver(version));
  if (pieces) {
    for (const unit of pieces) readUnit(src, unit, schema, out);
    return;
  }
  let units: LoadedUnit[];
  try {
    units = [load(src.text, 0, schema)];
  } catch (e) {
    // js-yaml stops at the first error. One bad document must not hide the others: load each
    // on its own, which also tells which ones are bad.
    units = [];
    const errorsBefore = out.errors.length;
    for (const { from, to } of splitDocuments(src.text)) {
      const unit = loadChunk(src, src.text.slice(from, to), from, schema, out);
      if (unit) units.push(unit);
    }
    // The split is a heuristic; should every piece load on its own, the file is still wrong.
    if (out.errors.length === errorsBefore) out.errors.push(yamlError(src, e, 0, src.text));
  }
  for (const unit of units) readUnit(src, unit, schema, out);
}

/**
 * The documents of a YAML text as plain values, for inputs that are no manifests (test suites
 * and the files they name): the same readers as manifests, under the same bounds (nesting
 * depth, aliases), without origins or positions, stopping at the first error. Empty
 * documents may be left out.
 */
export function parseYamlValues(text: string, file: string, opts: ParseOptions = {}): { values: unknown[]; error?: ReadError } {
  const src = new SourceText(file, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  let unit: { values: unknown[]; starts: number[] };
  try {
    unit = readBlockYaml(src.text, plainScalarResolver(opts.yamlVersion)) ?? load(src.text, 0, schemaFor(opts.yamlVersion));
  } catch (e) {
    return { values: [], error: yamlError(src, e, 0, src.text) };
  }
  if (src.text.includes('*')) {
    for (let k = 0; k < unit.values.length; k++) {
      const aliasing = checkAliases(unit.values[k]);
      if (aliasing) return { values: [], error: src.error(unit.starts[k], aliasing) };
    }
  }
  return { values: unit.values };
}

/**
 * The text by the block reader when it is all plain block YAML (nearly every manifest); else
 * piece by piece, a piece running from one `---` line to the next, plain block pieces by the
 * block reader and the others by js-yaml, so that one odd document does not leave a whole file
 * to the slower reader. Undefined when js-yaml refuses a piece: the whole text is then read as
 * one, which reports its errors. When every piece reads, they read as the whole text does: a
 * line starting `---` always ends a document, so each piece holds whole documents.
 */
function readByDocument(text: string, schema: Schema, resolve: (plain: string) => unknown): LoadedUnit[] | undefined {
  // The whole text at once first: nearly always it is all plain block YAML.
  const keys = new KeyCache(resolve);
  const whole = readBlockYaml(text, resolve, keys);
  if (whole) return [{ source: text, base: 0, values: whole.values, starts: whole.starts, items: [], placements: { table: whole.placements, roots: whole.roots } }];
  const units: LoadedUnit[] = [];
  for (const { from, to } of markerPieces(text)) {
    const source = text.slice(from, to);
    const block = readBlockYaml(source, resolve, keys);
    if (block) {
      units.push({ source, base: from, values: block.values, starts: block.starts, items: [], placements: { table: block.placements, roots: block.roots } });
      continue;
    }
    try {
      units.push(load(source, from, schema));
    } catch {
      return undefined;
    }
  }
  return units;
}

/** The text cut before each line that starts with a `---` marker. */
function markerPieces(text: string): { from: number; to: number }[] {
  const pieces: { from: number; to: number }[] = [];
  let from = 0;
  for (let at = text.startsWith('---') ? 0 : text.indexOf('\n---'); at >= 0; at = text.indexOf('\n---', at + 1)) {
    const line = at === 0 && text.startsWith('---') ? 0 : at + 1;
    const c = text.charCodeAt(line + 3);
    if (!(line + 3 >= text.length || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d)) continue;
    if (line > from) pieces.push({ from, to: line });
    from = line;
  }
  pieces.push({ from, to: text.length });
  return pieces;
}

function loadChunk(src: SourceText, source: string, base: number, schema: Schema, out: ParseResult): LoadedUnit | undefined {
  try {
    return load(source, base, schema);
  } catch (e) {
    if (!(e instanceof YAMLException) || e.reason !== 'duplicated mapping key' || !e.mark) {
      out.errors.push(yamlError(src, e, base, source));
      return undefined;
    }
    // Strict readers reject duplicate keys: kubectl by default (server-side strict field
    // validation since 1.27; its client-side validation before), Helm's and gator's loaders.
    // Lenient ones (`kubectl --validate=false`, JSON.parse) keep the last value, which is what
    // the policies are then checked against.
    out.errors.push(src.error(base + e.mark.position, `duplicate key ${keyText(source, e.mark.position)}`));
    try {
      return load(source, base, schema, true);
    } catch (again) {
      out.errors.push(yamlError(src, again, base, source));
      return undefined;
    }
  }
}

/** The key written at `at`, quoted as in the file, or in double quotes if plain. */
export function keyText(source: string, at: number): string {
  const m = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\n]*?(?=\s*:(?:\s|$))/y;
  m.lastIndex = at;
  const text = m.exec(source)?.[0] ?? '';
  return text.startsWith('"') || text.startsWith("'") ? text : JSON.stringify(text);
}

function readUnit(src: SourceText, unit: LoadedUnit, schema: Schema, out: ParseResult): void {
  const { source, base, values, starts } = unit;
  // A document's text, loaded again for positions, runs from the start of its root's first line
  // to the next document's: whatever markers and comments lie between do no harm.
  const froms = values.map((v, k) => (v === null || v === undefined ? -1 : lineStart(source, starts[k])));
  const tos: number[] = [];
  for (let k = values.length - 1, to = source.length; k >= 0; k--) {
    tos[k] = to;
    if (froms[k] >= 0) to = froms[k];
  }
  // Aliases share values rather than copy them: only a document with an alias (`*name`,
  // merge keys included) can have any. Documents come in order, so the next `*` found is
  // kept for the documents before it (a search to the end of the text for each would make
  // a long file without aliases quadratic).
  let star = -1;
  const hasAlias = (k: number) => {
    if (star < froms[k]) star = source.indexOf('*', froms[k]);
    if (star < 0) star = source.length;
    return star < tos[k];
  };
  values.forEach((value, k) => {
    if (value === null || value === undefined) return; // an empty document
    const offset = base + starts[k];
    if (!isObject(value)) {
      out.errors.push(src.error(offset, `document is ${describe(value)}, not an object`));
      return;
    }
    const aliasing = hasAlias(k) ? checkAliases(value) : undefined;
    if (aliasing) {
      out.errors.push(src.error(offset, aliasing));
      return;
    }
    const placement = unit.placements && { placements: unit.placements.table, root: unit.placements.roots[k], base };
    const doc = new DocumentSource(src, base + froms[k], base + tos[k], 'yaml', schema, undefined, placement);
    const items = unit.items[k]?.map((r) => ({ start: base + r.start, end: base + r.end }));
    emit(value, src.origin(offset), doc, out, items);
  });
}

/**
 * What go-yaml v2 would reject in a document's aliases: an anchor used inside itself (a cycle,
 * which nothing downstream could serialize), so many aliases of aliases that expanding them
 * explodes ("billion laughs"), or aliases nesting values deeper than MAX_DEPTH (each alias
 * adds its anchor's depth where it stands). Counts nodes as if aliases were copied, visiting
 * each shared value once; the recursion stops at MAX_DEPTH.
 */
export function checkAliases(root: unknown): string | undefined {
  if (plainlyBounded(root)) return undefined;
  /** Per shared value: nodes as if copied, and levels of nesting below it. */
  const sizes = new Map<object, { nodes: number; height: number }>();
  const open = new Set<object>();
  let unique = 0;
  const size = (value: unknown, depth: number): { nodes: number; height: number } => {
    if (typeof value !== 'object' || value === null) return LEAF;
    const known = sizes.get(value);
    if (known !== undefined) {
      if (depth + known.height > MAX_DEPTH) throw new RangeError('depth');
      return known;
    }
    if (depth >= MAX_DEPTH) throw new RangeError('depth');
    if (open.has(value)) throw new RangeError('cycle');
    open.add(value);
    unique++;
    let nodes = 1;
    let height = 0;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      const got = size(child, depth + 1);
      nodes += got.nodes;
      if (got !== LEAF && got.height + 1 > height) height = got.height + 1;
    }
    open.delete(value);
    const total = { nodes, height };
    sizes.set(value, total);
    return total;
  };
  let expanded: number;
  try {
    expanded = size(root, 1).nodes;
  } catch (e) {
    if (e instanceof RangeError && e.message === 'cycle') return 'an anchor is used inside itself (recursive alias)';
    if (e instanceof RangeError && e.message === 'depth') return `aliases nest values ${depthMessage()}`;
    throw e;
  }
  return expanded > MAX_EXPANDED_NODES && expanded > 10 * unique ? `document contains excessive aliasing (more than ${MAX_EXPANDED_NODES} nodes once aliases are expanded)` : undefined;
}

const LEAF = { nodes: 1, height: 0 };

/** Nodes plainlyBounded walks before leaving a document to the exact count. */
const PLAIN_WALK_BUDGET = 100_000;

/**
 * Whether walking `root` as if aliases were copies ends within PLAIN_WALK_BUDGET nodes, no
 * value deeper than MAX_DEPTH - 2: then checkAliases has nothing to say (no cycle, as the walk
 * ended; no expansion past the budget; no depth near the limit, whichever way a shared value
 * is reached first). A Deployment whose labels are an alias (what `yaml` writes for shared
 * values) is walked once, without the table of shared values the exact count keeps for every
 * node: this answers for nearly every document at a fraction of its cost.
 */
function plainlyBounded(root: unknown): boolean {
  let budget = PLAIN_WALK_BUDGET;
  const walk = (value: unknown, depth: number): boolean => {
    if (typeof value !== 'object' || value === null) return true;
    if (--budget < 0 || depth >= MAX_DEPTH - 2) return false;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (!walk(value[i], depth + 1)) return false;
      return true;
    }
    for (const key in value) if (!walk((value as Record<string, unknown>)[key], depth + 1)) return false;
    return true;
  };
  return walk(root, 1);
}

/** `e` thrown while loading `source`, which starts at `base` in the file. */
function yamlError(src: SourceText, e: unknown, base: number, source: string): ReadError {
  if (e instanceof NestingTooDeep) return src.error(base + e.position, e.message);
  if (!(e instanceof YAMLException)) return src.error(undefined, e instanceof Error ? e.message : String(e));
  if (!e.mark) return src.error(undefined, quoteless(e.reason));
  // "unexpected end of the stream" is found past the last line, maybe at the next document's
  // `---`: point just after the last thing written instead.
  const position = Math.min(e.mark.position, source.trimEnd().length);
  return src.error(base + position, quoteless(e.reason));
}

/**
 * js-yaml's reason without what it quotes of the text (an alias's or a tag's name): a file
 * that does not parse may be anything a link points at (a private key), and errors end up in
 * CI logs and annotations. The position says where to look. (Its `message` adds a snippet
 * of the text, never used.)
 */
export function quoteless(reason: string): string {
  return reason.replace(/"[^"]*"|!<[^>]*>|'[^']*'/g, '…');
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * Where documents start and end, from the `---` and `...` lines alone: YAML forbids these at
 * the start of a line inside any content, so they split a stream even where it fails to parse.
 */
function splitDocuments(text: string): { from: number; to: number }[] {
  const chunks: { from: number; to: number }[] = [];
  let from = 0;
  let hasContent = false; // something beyond comments and directives since `from`
  let hasMarker = false; // a `---` since `from`
  for (let at = 0; at < text.length; ) {
    const nl = text.indexOf('\n', at);
    const next = nl < 0 ? text.length : nl + 1;
    const line = text.slice(at, next).trimEnd();
    const marker = (line.startsWith('---') || line.startsWith('...')) && (line.length === 3 || line[3] === ' ' || line[3] === '\t');
    if (marker && line[0] === '-') {
      if (hasContent || hasMarker) {
        chunks.push({ from, to: at });
        from = at;
      }
      hasMarker = true;
      const rest = line.slice(3).trim();
      hasContent = rest !== '' && !rest.startsWith('#');
    } else if (marker) {
      chunks.push({ from, to: next });
      from = next;
      hasContent = hasMarker = false;
    } else {
      const trimmed = line.trimStart();
      const directive = line.startsWith('%') && !hasContent && !hasMarker;
      if (trimmed !== '' && !trimmed.startsWith('#') && !directive) hasContent = true;
    }
    at = next;
  }
  if (from < text.length) chunks.push({ from, to: text.length });
  return chunks;
}

// ---------------------------------------------------------------------------------------------
// JSON

/**
 * Reads `src` as JSON: one value, or a stream of them. When not `strict` (a file that merely
 * starts with `{`), returns false without reporting anything if it is not JSON.
 */
function readJson(src: SourceText, schema: Schema, out: ParseResult, strict: boolean): boolean {
  const text = src.text;
  const values: { value: unknown; from: number; to: number }[] = [];
  try {
    values.push({ value: JSON.parse(text), from: skipJsonSpace(text, 0), to: text.length });
  } catch {
    for (let at = skipJsonSpace(text, 0); at < text.length; ) {
      const scan = scanJsonValue(text, at);
      if ('error' in scan) {
        if (!strict) return false;
        out.errors.push(src.error(scan.offset, scan.error));
        break;
      }
      values.push({ value: JSON.parse(text.slice(at, scan.end)), from: at, to: scan.end });
      at = scan.end;
    }
  }
  for (const { value, from, to } of values) {
    if (value === null) continue;
    const tooDeep = nestedDeeper(value, MAX_DEPTH) ? jsonTooDeep(text, from, to, MAX_DEPTH) : -1;
    if (tooDeep >= 0) {
      out.errors.push(src.error(tooDeep, depthMessage()));
      continue;
    }
    if (!isObject(value)) {
      out.errors.push(src.error(from, `document is ${describe(value)}, not an object`));
      continue;
    }
    const doc = new DocumentSource(src, from, to, 'json', schema);
    emit(value, src.origin(from), doc, out, isList(value) ? jsonItemRanges(text, from) : undefined);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Objects and Lists

/**
 * Adds `value`, or the items of a List. kubectl unpacks any object with an `items` array
 * (`kind: List` from `kubectl get -o yaml`, typed lists like PodList); we ask the kind to end
 * in "List" too, so that a custom resource with a top-level `items` field stays one object.
 *
 * `items` says where the List's items are written, when the loader found them: each item then
 * gets its own text, so placing a field in one item loads that item alone, not the whole List
 * (`kubectl get -A -o yaml` can be megabytes). Otherwise (items through an alias, a List inside
 * a List), the List's whole position tree is built, and items are placed through it.
 */
function emit(value: Record<string, unknown>, origin: Origin, doc: DocumentSource, out: ParseResult, items?: Range[]): void {
  if (!isList(value)) {
    out.objects.push(new Manifest(value, origin, doc, []));
    return;
  }
  if (items && items.length === value.items.length) {
    value.items.forEach((item, i) => {
      const { start, end } = items[i];
      const itemOrigin = doc.src.origin(start);
      if (!isObject(item)) {
        out.errors.push({ ...itemOrigin, message: `item ${i} of ${value.kind} is ${describe(item)}, not an object` });
        return;
      }
      emit(withListKind(item, value), itemOrigin, doc.item(i, start, end), out);
    });
    return;
  }
  emitItems(value, origin, doc, [], doc.tree(), out);
}

/** The items of a List placed through its position tree; `node` is the List's node. */
function emitItems(
  list: Record<string, unknown> & { kind: string; items: unknown[] },
  origin: Origin,
  doc: DocumentSource,
  prefix: readonly PathSegment[],
  node: PosNode | null,
  out: ParseResult,
): void {
  const found = node ? walk(node, ['items']) : undefined;
  const itemNodes = found?.complete ? deref(found.node).items ?? [] : [];
  list.items.forEach((item, i) => {
    const itemNode = itemNodes[i] ?? null;
    const itemOrigin = itemNode && itemNode.start >= 0 ? doc.src.origin(itemNode.start) : origin;
    if (!isObject(item)) {
      out.errors.push({ ...itemOrigin, message: `item ${i} of ${list.kind} is ${describe(item)}, not an object` });
      return;
    }
    const object = withListKind(item, list);
    const path = [...prefix, 'items', i];
    if (isList(object)) emitItems(object, itemOrigin, doc, path, itemNode && deref(itemNode), out);
    else out.objects.push(new Manifest(object, itemOrigin, doc, path));
  });
}

function isList(value: Record<string, unknown>): value is Record<string, unknown> & { kind: string; items: unknown[] } {
  return typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
}

/**
 * The API server leaves out the kind and apiVersion of a typed list's items (a PodList's pods);
 * kubectl puts back the list's, as we do here.
 */
function withListKind(item: Record<string, unknown>, list: { kind: string; apiVersion?: unknown }): Record<string, unknown> {
  if (item.kind !== undefined || item.apiVersion !== undefined || list.kind === 'List') return item;
  const kind = list.kind.slice(0, -'List'.length);
  return typeof list.apiVersion === 'string' ? { apiVersion: list.apiVersion, kind, ...item } : { kind, ...item };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  // Never the value itself: a document that is no object may be any file a link points at.
  return `a ${typeof value}`;
}
