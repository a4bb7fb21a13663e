// Parsed files kept between runs, for inputs that seldom change: a repository's --policy
// folders. A platform team's ConstraintTemplates carry kilobytes of Rego each, and on a
// pre-commit run reading them is the reader's first work of the process, run by V8's
// interpreter before any of it is optimised: 19 templates took ~25 ms to parse, against ~3
// from the cache.
//
// One entry holds the files read together (a folder), keyed by each one's name (origins
// carry it, and `.json` decides the format) and text, the parse options and the reader's
// own code (src/identity.ts): one read and one JSON.parse for the folder. It holds the
// documents' values and origins as JSON, and the errors. Positions of fields are not kept:
// the first `locate` on an object from the cache parses that file's text again (the run has
// it in hand, or reads it then) and asks the same document there. When any file's values
// JSON cannot carry exactly (-0, NaN, a `__proto__` key, an alias), nothing is stored: the
// files are parsed on every run.
//
// A folder whose files have not changed since is not even read: beside each entry, a second
// one (kind `stats`) keyed by the files' names and paths records what the file system said of
// each as it was read (device, inode, size, modification and change times: file.ts FileStat)
// and names the entry of their texts. When every file still says the same, that entry is the
// answer. As git's index trusts a file's stat, and with git's care for "racy" files: stats
// are recorded only for files last changed more than `settledMs` before (a file system that
// keeps times to the second would not show an edit made within the same second).
import { entryName } from '../checksum';
import { sha256 } from '../hash';
import { readerId } from '../identity';
import { readInputFile, statOfPath, type FileStat } from './file';
import { parseManifestText, type ManifestObject, type Origin, type ParseOptions, type ParseResult, type ReadError } from './parse';
import type { PathSegment } from './path';

/** Where entries live (the module cache's folder, in the CLI): the parsed files, and the stats that name them. */
export interface ByteStore {
  load(key: string, kind?: 'parsed' | 'stats'): Uint8Array | undefined;
  store(key: string, bytes: Uint8Array, kind?: 'parsed' | 'stats'): void;
}

export interface NamedText {
  text: string;
  file: string;
  /** Where it was read (absolute), and what the file system said of it then: given for every file, or for none. */
  path?: string;
  stat?: FileStat;
}

/** A file to be read: its name as origins give it, and its absolute path. */
export interface FileRef {
  file: string;
  path: string;
}

/**
 * Files' texts into their objects and errors, in order; with `unchanged`, the same answer
 * for files not read at all, when the file system says they are as they were.
 */
export interface Parser {
  (files: NamedText[], opts: ParseOptions): ParseResult[];
  unchanged?(files: FileRef[], opts: ParseOptions & { maxFileSize: number }): ParseResult[] | undefined;
}

export interface CachedParserOptions {
  /** How long ago a file must have last changed for its stats to be recorded (default 3 s). */
  settledMs?: number;
}

interface StoredFile {
  objects: { object: Record<string, unknown>; origin: Origin }[];
  errors: ReadError[];
}

/** parseManifestText on each file, answered from `store` when the same files were parsed before. */
export function cachedParser(store: ByteStore, options: CachedParserOptions = {}): Parser {
  const settledNs = BigInt(options.settledMs ?? 3000) * 1_000_000n;
  const parser: Parser = (files, opts) => {
    if (files.length === 0) return [];
    const key = sha256([readerId(), `yaml ${opts.yamlVersion ?? 'default'}`, ...files.flatMap((f) => [f.file, f.text])].join('\0'));
    const bytes = store.load(key);
    const entry = bytes ? decode(bytes, files.length) : undefined;
    if (entry) {
      recordStats(store, files, opts, key, settledNs);
      return entry.map((stored, i) => fromStored(stored, key, i, files[i].file, () => files[i].text, opts));
    }
    const parsed = files.map((f) => parseManifestText(f.text, f.file, opts));
    const seen = new Set<object>();
    if (parsed.every((p) => p.objects.every((m) => jsonExact(m.object, seen)))) {
      const stored: StoredFile[] = parsed.map((p) => ({ objects: p.objects.map((m) => ({ object: m.object, origin: m.origin })), errors: p.errors }));
      store.store(key, Buffer.from(JSON.stringify(stored), 'utf8'));
      recordStats(store, files, opts, key, settledNs);
      parsed.forEach((p, i) => p.objects.forEach((m, j) => provenance.set(m.object, `${key}:${i}:${j}`)));
    }
    return parsed;
  };
  parser.unchanged = (files, opts) => {
    if (files.length === 0) return undefined;
    const named = statsKey(files, opts);
    const recorded = decodeStats(store.load(named.name, 'stats'), named.key, files.length);
    if (!recorded) return undefined;
    for (let i = 0; i < files.length; i++) {
      const now = statOfPath(files[i].path);
      // A file over today's limit is refused as it would be if read: read it, and say so.
      if (now === undefined || now.key !== recorded.stats[i] || now.size > opts.maxFileSize) return undefined;
    }
    const bytes = store.load(recorded.entry);
    const entry = bytes ? decode(bytes, files.length) : undefined;
    if (!entry) return undefined;
    // Positions are asked of the text (rarely: a Rego error): read then, as the file is now.
    return entry.map((stored, i) => fromStored(stored, recorded.entry, i, files[i].file, () => textOf(files[i].path, opts.maxFileSize), opts));
  };
  return parser;
}

/**
 * Where the stats of these files are recorded: by their names and paths, the options and the
 * reader. The key is kept in the entry and compared when read, so its name needs no SHA-256
 * (which would load node:crypto in a run that otherwise hashes nothing).
 */
function statsKey(files: readonly { file: string; path?: string }[], opts: ParseOptions): { name: string; key: string } {
  const key = [readerId(), `yaml ${opts.yamlVersion ?? 'default'}`, 'stats', ...files.flatMap((f) => [f.file, f.path ?? ''])].join('\0');
  return { name: entryName(key), key };
}

/** Records the files' stats as naming the entry `entry`, when every file has them and none changed within the last `settledNs`. */
function recordStats(store: ByteStore, files: NamedText[], opts: ParseOptions, entry: string, settledNs: bigint): void {
  const settledBefore = BigInt(Date.now()) * 1_000_000n - settledNs;
  if (!files.every((f) => f.path !== undefined && f.stat !== undefined && f.stat.changedNs < settledBefore)) return;
  const stats = files.map((f) => f.stat!.key);
  const { name, key } = statsKey(files, opts);
  store.store(name, Buffer.from(JSON.stringify({ key, entry, stats }), 'utf8'), 'stats');
}

function decodeStats(bytes: Uint8Array | undefined, key: string, count: number): { entry: string; stats: string[] } | undefined {
  if (!bytes) return undefined;
  try {
    const r = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as { key: unknown; entry: unknown; stats: unknown };
    if (r.key !== key) return undefined; // another folder's, under the same name
    return typeof r.entry === 'string' && /^[0-9a-f]{64}$/.test(r.entry) && Array.isArray(r.stats) && r.stats.length === count && r.stats.every((s) => typeof s === 'string') ? { entry: r.entry, stats: r.stats as string[] } : undefined;
  } catch {
    return undefined;
  }
}

function textOf(path: string, maxFileSize: number): string | undefined {
  const read = readInputFile(path, maxFileSize);
  return 'text' in read ? read.text : undefined;
}

/**
 * The entry each object read through the cache was parsed into, and its place there
 * (`key:file:document`): what it was made from, without hashing it again (template-set.ts
 * names a set of templates by it). Objects are never changed once read.
 */
const provenance = new WeakMap<object, string>();

/** Where `object` was parsed from, when it came through the parse cache. */
export function parsedFrom(object: object): string | undefined {
  return provenance.get(object);
}

function fromStored(stored: StoredFile, key: string, fileIndex: number, file: string, text: () => string | undefined, opts: ParseOptions): ParseResult {
  let again: ParseResult | undefined;
  stored.objects.forEach(({ object }, index) => provenance.set(object, `${key}:${fileIndex}:${index}`));
  const objects = stored.objects.map(({ object, origin }, index): ManifestObject => ({
    object,
    origin,
    // The same text read by the same reader: the same documents, in the same order.
    locate: (path: string | readonly PathSegment[]) => {
      if (again === undefined) {
        const t = text();
        if (t === undefined) return origin;
        again = parseManifestText(t, file, opts);
      }
      return again.objects[index]?.locate(path) ?? origin;
    },
  }));
  return { objects, errors: stored.errors };
}

function decode(bytes: Uint8Array, count: number): StoredFile[] | undefined {
  try {
    const files = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as StoredFile[];
    return Array.isArray(files) && files.length === count && files.every((f) => Array.isArray(f?.objects) && Array.isArray(f.errors)) ? files : undefined;
  } catch {
    return undefined; // not an entry of this reader: parse
  }
}

/**
 * Whether JSON.parse(JSON.stringify(value)) gives back the same value: plain data, finite
 * numbers but -0, no `__proto__` key, and no value reached twice (a YAML alias shares one
 * object between two places; JSON would make two).
 */
function jsonExact(value: unknown, seen: Set<object>): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object' || seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || !jsonExact(value[i], seen)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Object.keys(value)) if (key === '__proto__' || !jsonExact((value as Record<string, unknown>)[key], seen)) return false;
  return true;
}
