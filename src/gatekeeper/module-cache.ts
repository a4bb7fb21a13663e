// Compiled modules of users' ConstraintTemplates, cached by content hash in the
// user's cache directory (XDG), so a second run does not compile again. The
// key covers everything the bytes depend on: compiler version, runtime, sources,
// entrypoint and Rego version. A cache that cannot be read or written is
// simply not used. The parsed files of --policy folders are kept here too, as entries
// of their own kind (`.parsed`, and `.stats` naming them: src/manifests/parse-cache.ts),
// under the same bound.
//
// An entry is the module followed by its checksum (8 bytes: src/checksum.ts), checked
// on every read: a truncated or overwritten entry is compiled again and replaced, never
// loaded, so it cannot fail a template run after run. Entries are written beside their
// name and renamed onto it (concurrent runs never see half an entry). Reading an entry
// touches its mtime; after each write the least recently used entries are removed
// while the cache is over its bound (OFFGATE_CACHE_MAX_SIZE, default 256 MiB).
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RegoVersion } from '../compiler/ast';
import { compile, type SourceModule } from '../compiler/compile';
import { compilerId } from '../identity';
import { checksum } from '../checksum';
import { sha256 } from '../hash';
import type { ByteStore } from '../manifests';
import { parseSize } from '../size';
import { compilerVersion } from './bundled-wasm';

export interface CompileRequest {
  modules: SourceModule[];
  entrypoint: string;
  regoVersion: RegoVersion;
}

/** `$XDG_CACHE_HOME/offgate/modules`, else `~/.cache/offgate/modules`; `OFFGATE_CACHE_DIR` overrides. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OFFGATE_CACHE_DIR) return env.OFFGATE_CACHE_DIR;
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'offgate', 'modules');
}

export const DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024;
export const CACHE_MAX_SIZE_ENV = 'OFFGATE_CACHE_MAX_SIZE';

/** The cache's bound in bytes from OFFGATE_CACHE_MAX_SIZE (`512MiB`, `1GB`, bytes), else the default; an error text for a value that is no size. */
export function cacheMaxBytes(env: NodeJS.ProcessEnv = process.env): number | { error: string } {
  const text = env[CACHE_MAX_SIZE_ENV];
  if (text === undefined || text === '') return DEFAULT_CACHE_MAX_BYTES;
  return parseSize(text) ?? { error: `${CACHE_MAX_SIZE_ENV}=${text}: not a size (e.g. 256MiB, 1GB or a number of bytes)` };
}

export function cacheKey(req: CompileRequest): string {
  const parts = [...toolchainKey(), req.regoVersion, req.entrypoint, ...req.modules.map((m) => `${m.file}\n${m.source}`)];
  return sha256(parts.join('\0'));
}

export interface CompiledModule {
  wasm: Uint8Array;
  fromCache: boolean;
  /** An entry was there but failed its check (truncated, overwritten): it was compiled again and replaced. */
  replaced?: boolean;
}

/** Compiles, or reads the module a previous run compiled from the same sources. */
export function compileCached(req: CompileRequest, dir: string | null = cacheDir(), maxBytes?: number): CompiledModule {
  const key = cacheKey(req);
  const file = dir ? join(dir, `${key}.wasm`) : null;
  const cached = file ? readEntry(file) : 'missing';
  if (cached instanceof Uint8Array) return { wasm: cached, fromCache: true };
  const wasm = compile({ modules: req.modules, entrypoints: [req.entrypoint], regoVersion: req.regoVersion });
  if (file && dir) {
    const bound = maxBytes ?? cacheMaxBytes();
    writeEntry(dir, file, wasm, typeof bound === 'number' ? bound : DEFAULT_CACHE_MAX_BYTES);
  }
  return cached === 'bad' ? { wasm, fromCache: false, replaced: true } : { wasm, fromCache: false };
}

/**
 * What an entry holds, named by its file's suffix: a compiled module (one template's, or a
 * template set's with its header: template-set.ts), the objects of parsed files (the parse
 * cache of src/manifests), or the stats of those files that name their entry.
 */
export type EntryKind = 'wasm' | 'parsed' | 'stats';

/** The entry stored under `key` (a sha256 in hex) by storeEntry, when it is there and whole. */
export function loadEntry(key: string, dir: string | null = cacheDir(), kind: EntryKind = 'wasm'): Uint8Array | undefined {
  if (!dir) return undefined;
  const bytes = readEntry(join(dir, `${key}.${kind}`));
  return bytes instanceof Uint8Array ? bytes : undefined;
}

/** Stores `bytes` under `key`, as compileCached stores a module (atomically, then evicting over the bound). */
export function storeEntry(key: string, bytes: Uint8Array, dir: string | null = cacheDir(), maxBytes?: number, kind: EntryKind = 'wasm'): void {
  if (!dir) return;
  const bound = maxBytes ?? cacheMaxBytes();
  writeEntry(dir, join(dir, `${key}.${kind}`), bytes, typeof bound === 'number' ? bound : DEFAULT_CACHE_MAX_BYTES);
}

/** The parse cache's store (src/manifests/parse-cache.ts): entries of their own kind, bounded and evicted with the modules. */
export function parsedFileStore(dir: string | null = cacheDir()): ByteStore {
  return { load: (key, kind = 'parsed') => loadEntry(key, dir, kind), store: (key, bytes, kind = 'parsed') => storeEntry(key, bytes, dir, undefined, kind) };
}

/**
 * What every key depends on besides the sources: offgate's version and its compiler's code,
 * whose hash (compilerId) covers every file of src/runtime, the runtime module too; so no
 * run hashes the runtime again.
 */
export function toolchainKey(): string[] {
  return [compilerVersion(), compilerId()];
}

/** An entry ends with its checksum (src/checksum.ts): 8 bytes. */
const CHECKSUM_BYTES = 8;
const ENTRY = /^[0-9a-f]{64}\.(wasm|parsed|stats)$/;
const TEMP = /^[0-9a-f]{64}\.(wasm|parsed|stats)\.\d+\.[0-9a-z]+\.tmp$/;
/** The CLI's code cache, recorded here by bin/offgate.js when the package has none (and its temporary file). */
const CODE_CACHE = /^code-cache-node[\w.-]+\.v8(\.\d+\.tmp)?$/;
/** A temporary file this old belongs to a run that died before renaming it. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** The module in an entry whose checksum matches, `missing`, or `bad` (there, but not whole). */
function readEntry(file: string): Uint8Array | 'missing' | 'bad' {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return 'missing';
  }
  if (bytes.length <= CHECKSUM_BYTES) return 'bad';
  const wasm = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  if (checksum(wasm) !== bytes.subarray(bytes.length - CHECKSUM_BYTES).toString('hex')) return 'bad';
  try {
    const now = new Date();
    utimesSync(file, now, now); // recently used: evicted last
  } catch {
    // a read-only cache still serves
  }
  return new Uint8Array(wasm.buffer, wasm.byteOffset, wasm.byteLength);
}

function writeEntry(dir: string, file: string, wasm: Uint8Array, maxBytes: number): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, Buffer.concat([wasm, Buffer.from(checksum(wasm), 'hex')]));
    renameSync(tmp, file); // atomic: concurrent runs never read half a module
  } catch {
    // a read-only or missing home is not an error
    try {
      unlinkSync(tmp);
    } catch {
      // never written
    }
    return;
  }
  evict(dir, maxBytes, file);
}

interface Entry {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Removes the least recently used entries while the cache is over `maxBytes`; never `keep`, the entry just written. */
function evict(dir: string, maxBytes: number, keep: string): void {
  const { entries, temps } = listCache(dir);
  const now = Date.now();
  for (const t of temps) if (now - t.mtimeMs > STALE_TEMP_MS) removeQuietly(t.path);
  let total = entries.reduce((n, e) => n + e.size, 0);
  if (total <= maxBytes) return;
  entries.sort((a, b) => a.mtimeMs - b.mtimeMs);
  for (const e of entries) {
    if (total <= maxBytes) break;
    if (e.path === keep) continue;
    if (removeQuietly(e.path)) total -= e.size;
  }
}

function listCache(dir: string): { entries: Entry[]; temps: Entry[] } {
  const entries: Entry[] = [];
  const temps: Entry[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { entries, temps };
  }
  for (const name of names) {
    const isEntry = ENTRY.test(name);
    if (!isEntry && !TEMP.test(name)) continue; // not ours: never touched
    try {
      const st = statSync(join(dir, name));
      if (st.isFile()) (isEntry ? entries : temps).push({ path: join(dir, name), size: st.size, mtimeMs: st.mtimeMs });
    } catch {
      // removed by a concurrent run meanwhile
    }
  }
  return { entries, temps };
}

function removeQuietly(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}

export interface CacheUsage {
  entries: number;
  bytes: number;
  /** Of the entries, how many are compiled modules. */
  modules: number;
  /** Of the entries, how many are parsed files (the others are their files' stats). */
  parsed: number;
}

/** How many entries the cache holds and their size. */
export function cacheUsage(dir: string = cacheDir()): CacheUsage {
  const { entries } = listCache(dir);
  return { entries: entries.length, bytes: entries.reduce((n, e) => n + e.size, 0), modules: entries.filter((e) => e.path.endsWith('.wasm')).length, parsed: entries.filter((e) => e.path.endsWith('.parsed')).length };
}

/** `offgate cache clean`: removes every entry and temporary file, and the CLI's code cache (only offgate's own names: the folder may be shared). */
export function cleanCache(dir: string = cacheDir()): CacheUsage {
  const { entries, temps } = listCache(dir);
  let removed = 0;
  let bytes = 0;
  let modules = 0;
  let parsed = 0;
  for (const e of entries) {
    if (removeQuietly(e.path)) {
      removed++;
      bytes += e.size;
      if (e.path.endsWith('.wasm')) modules++;
      if (e.path.endsWith('.parsed')) parsed++;
    }
  }
  for (const t of temps) removeQuietly(t.path);
  for (const name of listNames(dir)) if (CODE_CACHE.test(name)) removeQuietly(join(dir, name));
  return { entries: removed, bytes, modules, parsed };
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
