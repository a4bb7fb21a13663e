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
// it in hand) and asks the same document there. When any file's values JSON cannot carry
// exactly (-0, NaN, a `__proto__` key, an alias), nothing is stored: the files are parsed on
// every run.
import { sha256 } from '../hash';
import { readerId } from '../identity';
import { parseManifestText, type ManifestObject, type Origin, type ParseOptions, type ParseResult, type ReadError } from './parse';
import type { PathSegment } from './path';

/** Where entries live (the module cache's folder, in the CLI). */
export interface ByteStore {
  load(key: string): Uint8Array | undefined;
  store(key: string, bytes: Uint8Array): void;
}

export interface NamedText {
  text: string;
  file: string;
}

/** Files' texts into their objects and errors, in order. */
export type Parser = (files: NamedText[], opts: ParseOptions) => ParseResult[];

interface StoredFile {
  objects: { object: Record<string, unknown>; origin: Origin }[];
  errors: ReadError[];
}

/** parseManifestText on each file, answered from `store` when the same files were parsed before. */
export function cachedParser(store: ByteStore): Parser {
  return (files, opts) => {
    if (files.length === 0) return [];
    const key = sha256([readerId(), `yaml ${opts.yamlVersion ?? 'default'}`, ...files.flatMap((f) => [f.file, f.text])].join('\0'));
    const bytes = store.load(key);
    const entry = bytes ? decode(bytes, files.length) : undefined;
    if (entry) return entry.map((stored, i) => fromStored(stored, files[i], opts));
    const parsed = files.map((f) => parseManifestText(f.text, f.file, opts));
    const seen = new Set<object>();
    if (parsed.every((p) => p.objects.every((m) => jsonExact(m.object, seen)))) {
      const stored: StoredFile[] = parsed.map((p) => ({ objects: p.objects.map((m) => ({ object: m.object, origin: m.origin })), errors: p.errors }));
      store.store(key, Buffer.from(JSON.stringify(stored), 'utf8'));
    }
    return parsed;
  };
}

function fromStored(stored: StoredFile, { text, file }: NamedText, opts: ParseOptions): ParseResult {
  let again: ParseResult | undefined;
  const objects = stored.objects.map(({ object, origin }, index): ManifestObject => ({
    object,
    origin,
    // The same text read by the same reader: the same documents, in the same order.
    locate: (path: string | readonly PathSegment[]) => (again ??= parseManifestText(text, file, opts)).objects[index]?.locate(path) ?? origin,
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
