// One text (a file or stdin) into Kubernetes objects, each with its origin and a way to find
// where a field is. Values come from js-yaml (or JSON.parse), positions from js-yaml's parser
// events: the document start is known while reading, anything deeper only when asked for, by
// parsing that one document again (see DocumentSource).
import { EVENT_ID, YAMLException, constructFromEvents, getScalarValue, parseEvents, type Event, type Schema } from 'js-yaml';
import { extname } from 'node:path';
import { EventTree, LineIndex, nodeOffset, skipNode } from './locate';
import { scanFieldPath, type PathSegment } from './path';
import { scanJsonValue, skipJsonSpace } from './json';
import { schemaFor, type YamlVersion } from './schema';

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
  } else readYaml(src, schema, out);
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
    return { file: this.file, ...this.lines.position(offset) };
  }

  error(offset: number | undefined, message: string): ReadError {
    return offset === undefined ? { file: this.file, message } : { ...this.origin(offset), message };
  }
}

/**
 * The text of one document, parsed again for positions when first asked. Keeping every
 * document's events from the first parse would cost about as much memory as the values
 * themselves; re-parsing one document costs well under a millisecond, and only documents with
 * something to report are asked. Lists are the exception: their items' origins need the
 * events at read time anyway, so those are kept.
 */
class DocumentSource {
  private cached: EventTree | null | undefined;

  constructor(
    readonly src: SourceText,
    private readonly from: number,
    private readonly to: number,
    private readonly format: 'yaml' | 'json',
    private readonly schema: Schema,
    tree?: EventTree,
  ) {
    this.cached = tree;
  }

  tree(): EventTree | null {
    if (this.cached === undefined) this.cached = this.parse();
    return this.cached;
  }

  private parse(): EventTree | null {
    let text = this.src.text.slice(this.from, this.to);
    // JSON is YAML, except that YAML does not allow tabs to indent; outside strings (where
    // JSON has no raw tabs) a space reads the same and keeps every offset.
    if (this.format === 'json') text = text.replaceAll('\t', ' ');
    try {
      const events = parseEvents(text, {});
      return events.length > 1 ? new EventTree(events, text, this.from, 1, this.schema) : null;
    } catch {
      return null; // positions then fall back to the object's origin
    }
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
    const segments = typeof path === 'string' ? scanFieldPath(path).segments : path;
    const tree = this.doc.tree();
    if (!tree) return this.origin;
    let from = tree.root;
    if (this.prefix.length > 0) {
      const self = tree.walk(this.prefix);
      if (!self.complete) return this.origin;
      from = self.node;
    }
    const { offset } = tree.walk(segments, from);
    return offset < 0 ? this.origin : this.doc.src.origin(offset);
  }
}

// ---------------------------------------------------------------------------------------------
// YAML

interface ParsedUnit {
  events: Event[];
  /** The text the events' offsets refer to, and where it starts in the file. */
  source: string;
  base: number;
}

function readYaml(src: SourceText, schema: Schema, out: ParseResult): void {
  let units: ParsedUnit[];
  try {
    units = [{ events: parseEvents(src.text, {}), source: src.text, base: 0 }];
  } catch (e) {
    // One bad document must not hide the others: parse each on its own, which also tells
    // which ones are bad.
    units = [];
    const errorsBefore = out.errors.length;
    for (const { from, to } of splitDocuments(src.text)) {
      const source = src.text.slice(from, to);
      try {
        units.push({ events: parseEvents(source, {}), source, base: from });
      } catch (chunkError) {
        out.errors.push(yamlError(src, chunkError, from));
      }
    }
    // The split is a heuristic; should every piece read on its own, the file still is wrong.
    if (out.errors.length === errorsBefore) out.errors.push(yamlError(src, e, 0));
  }
  for (const unit of units) readUnit(src, unit, schema, out);
}

function readUnit(src: SourceText, unit: ParsedUnit, schema: Schema, out: ParseResult): void {
  const { events, source, base } = unit;
  // Documents: DOCUMENT, root node, POP.
  const docs: { start: number; end: number; at: number }[] = [];
  for (let i = 0; i < events.length; ) {
    const end = skipNode(events, i + 1);
    docs.push({ start: i, end, at: nodeOffset(events, source, i + 1) });
    i = end + 1;
  }
  // A document's text runs from the start of its first line to the next document's.
  const froms = docs.map((d) => (d.at < 0 ? -1 : lineStart(source, d.at)));
  let to = source.length;
  const tos: number[] = [];
  for (let k = docs.length - 1; k >= 0; k--) {
    tos[k] = to;
    if (froms[k] >= 0) to = froms[k];
  }

  for (let k = 0; k < docs.length; k++) {
    const { start, end, at } = docs[k];
    const docEvents = events.slice(start, end + 1);
    const value = construct(src, docEvents, source, base, schema, out);
    if (value === undefined || value === null) continue; // empty document, or an error reported
    const offset = base + at;
    if (!isObject(value)) {
      out.errors.push(src.error(offset, `document is ${describe(value)}, not an object`));
      continue;
    }
    const list = isList(value);
    const tree = list ? new EventTree(docEvents, source, base, 1, schema) : undefined;
    const doc = new DocumentSource(src, base + froms[k], base + tos[k], 'yaml', schema, tree);
    emit(value, src.origin(offset), doc, [], tree, tree?.root, out);
  }
}

/** The document's value; undefined after reporting an error. */
function construct(src: SourceText, docEvents: Event[], source: string, base: number, schema: Schema, out: ParseResult): unknown {
  try {
    return constructFromEvents(docEvents, { source, schema })[0];
  } catch (e) {
    if (!(e instanceof YAMLException) || e.reason !== 'duplicated mapping key') {
      out.errors.push(yamlError(src, e, base));
      return undefined;
    }
    // Strict clients reject duplicate keys: kubectl's default (server-side strict field
    // validation, since 1.27), and kubectl's older client-side validation. Lenient readers
    // (`--validate=false`, and JSON.parse) keep the last value, which is what the policies are
    // then checked against.
    const key = e.mark ? keyAt(docEvents, source, e.mark.position) : undefined;
    out.errors.push(src.error(e.mark ? base + e.mark.position : undefined, key === undefined ? 'duplicate key' : `duplicate key ${JSON.stringify(key)}`));
    try {
      return constructFromEvents(docEvents, { source, schema, json: true })[0];
    } catch (again) {
      out.errors.push(yamlError(src, again, base));
      return undefined;
    }
  }
}

function keyAt(events: Event[], source: string, position: number): string | undefined {
  for (const ev of events) {
    if (ev.type === EVENT_ID.SCALAR && (ev.valueStart === position || ev.valueStart - 1 === position)) {
      return getScalarValue(source, ev);
    }
  }
  return undefined;
}

function yamlError(src: SourceText, e: unknown, base: number): ReadError {
  if (e instanceof YAMLException) return src.error(e.mark ? base + e.mark.position : undefined, e.reason);
  return src.error(undefined, e instanceof Error ? e.message : String(e));
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * Where documents start and end, from the `---` and `...` lines alone: YAML forbids these at
 * the start of a line inside any content, so they split a stream even where it fails to parse.
 */
export function splitDocuments(text: string): { from: number; to: number }[] {
  const chunks: { from: number; to: number }[] = [];
  let from = 0;
  let hasContent = false; // something beyond comments and directives since `from`
  let hasMarker = false; // a `---` since `from`
  for (let at = 0; at < text.length; ) {
    const nl = text.indexOf('\n', at);
    const next = nl < 0 ? text.length : nl + 1;
    const line = text.slice(at, next).trimEnd();
    const marker = line.startsWith('---') || line.startsWith('...') ? line.length === 3 || /[ \t]/.test(line[3]) : false;
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
    const from = skipJsonSpace(text, 0);
    values.push({ value: JSON.parse(text), from, to: text.length });
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
    if (!isObject(value)) {
      out.errors.push(src.error(from, `document is ${describe(value)}, not an object`));
      continue;
    }
    const doc = new DocumentSource(src, from, to, 'json', schema);
    const tree = isList(value) ? doc.tree() ?? undefined : undefined;
    emit(value, src.origin(from), doc, [], tree, tree?.root, out);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Objects and Lists

/**
 * Adds `value`, or the items of a List. kubectl unpacks any object with an `items` array
 * (`kind: List` from `kubectl get -o yaml`, typed lists like PodList); we ask the kind to end
 * in "List" too, so that a custom resource with a top-level `items` field stays one object.
 */
function emit(
  value: Record<string, unknown>,
  origin: Origin,
  doc: DocumentSource,
  prefix: readonly PathSegment[],
  tree: EventTree | undefined,
  node: number | undefined,
  out: ParseResult,
): void {
  if (!isList(value)) {
    out.objects.push(new Manifest(value, origin, doc, prefix));
    return;
  }
  let itemNodes: number[] = [];
  if (tree && node !== undefined) {
    const items = tree.walk(['items'], node);
    if (items.complete) itemNodes = tree.items(tree.deref(items.node)).map((i) => tree.deref(i));
  }
  const items = value.items as unknown[];
  items.forEach((item, i) => {
    const at = itemNodes[i] === undefined ? -1 : tree!.offset(itemNodes[i]);
    const itemOrigin = at < 0 ? origin : doc.src.origin(at);
    if (!isObject(item)) {
      out.errors.push({ ...itemOrigin, message: `item ${i} of ${value.kind} is ${describe(item)}, not an object` });
      return;
    }
    emit(withListKind(item, value), itemOrigin, doc, [...prefix, 'items', i], tree, itemNodes[i], out);
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
  return { apiVersion: list.apiVersion, kind: list.kind.slice(0, -'List'.length), ...item };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  return `a ${typeof value} (${String(value)})`;
}
