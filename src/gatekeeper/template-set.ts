// A user's templates (from --policy, offgate.yaml's policy:, a suite) compiled together
// into one module, as the bundled library is (bundled-wasm.ts): one instance, one copy of
// the runtime, and one call per review for all their constraints through the batch
// entrypoint. Each template keeps its own entrypoint, so a template that fails on a review
// is evaluated alone and its error lands on its own constraints.
//
// The module is cached by the content hash of the whole set (with what the compiler's
// output depends on, as module-cache.ts keys a single template): every member's whole
// object, so that an entry is proof of what the checks said of each. A run that finds it
// reads from the entry's header which template is invalid and why (validateTemplate's
// problems), which has which entrypoint, and validates nothing and parses no Rego at all.
//
// Not every template can share a module: Rego merges packages of the same name, so two
// templates whose packages overlap (the same package, or one inside the other; a lib of
// the very same source is shared) would see each other's rules. A template that overlaps
// one already in the set, whose Rego version is not the set's, or that does not compile
// is left out (null in `members`): the engine compiles it on its own, as before, and
// reports its errors as before.
import type { RegoVersion } from '../compiler/ast';
import { compile, type SourceModule } from '../compiler/compile';
import { parseModule } from '../compiler/parser';
import { entryName } from '../checksum';
import { sha256 } from '../hash';
import { BATCH_ENTRYPOINT, BATCH_FILE, batchModuleOf } from './bundled-wasm';
import { validateTemplate } from './constraint-schema';
import { checksId } from '../identity';
import { parsedFrom } from '../manifests';
import { loadEntry, storeEntry, toolchainKey } from './module-cache';
import { templateRego, type TemplateRego } from './templates';
import type { K8sObject } from './types';

export interface SetMember {
  object: K8sObject;
  /** The file it was read from: error positions inside the module name it. */
  file: string;
}

/** A member compiled into the set's module. */
export interface MemberEntry {
  entrypoint: string;
  /** Whether its Rego mentions data.inventory (as the engine decides for one template). */
  readsInventory: boolean;
}

export interface CompiledSet {
  wasm: Uint8Array;
  /** `wasm` compiled already, when it was read ahead (compileTemplateSetAhead). */
  module?: WebAssembly.Module;
  /** Per member, in order: its entry in the module, or null when it was left out. */
  members: (MemberEntry | null)[];
  /** Per member, in order: what validateTemplate says of it (an invalid member is left out). */
  problems: string[][];
  fromCache: boolean;
}

interface SetEntry {
  wasm: Uint8Array;
  members: (MemberEntry | null)[];
  problems: string[][];
}

/** One module for the valid members that can share it, or undefined when fewer than two can. */
export function compileTemplateSet(members: SetMember[], dir: string | null, maxBytes?: number): CompiledSet | undefined {
  if (members.length < 2) return undefined;
  const readAhead = ahead && ahead.dir === dir && sameMembers(ahead.members, members) ? ahead : undefined;
  if (readAhead?.set) return readAhead.set;
  const key = readAhead?.key ?? setKey(members);
  const cached = cachedSet(members, key, dir);
  if (cached) return cached;
  const problems = members.map((m) => validateTemplate(m.object));
  const built = buildSet(members.map((m, i) => (problems[i].length === 0 ? m : null)));
  if (!built) return undefined;
  const entry = { ...built, problems };
  storeEntry(key.name, encodeEntry(entry, key.key), dir, maxBytes);
  return { ...entry, fromCache: false };
}

/** The set read ahead (or only its key, when the cache has none), for the compileTemplateSet call that asks for these very members. */
let ahead: { members: SetMember[]; dir: string | null; key: { name: string; key: string }; set?: CompiledSet } | undefined;

/**
 * Reads the set's entry now and compiles its module on another thread meanwhile, as lint
 * does the bundled library's (bundled-wasm.ts): lint calls this once the policy folders are
 * read, goes on reading its inputs, and awaits it before evaluating; compileTemplateSet then
 * answers from it. A set not in the cache is left to compileTemplateSet.
 */
export async function compileTemplateSetAhead(members: SetMember[], dir: string | null): Promise<void> {
  ahead = undefined;
  if (members.length < 2) return;
  // Only ever a head start: whatever goes wrong here is met again, and reported, where the set is loaded.
  try {
    const key = setKey(members);
    ahead = { members, dir, key };
    const set = cachedSet(members, key, dir);
    if (!set) return;
    ahead.set = set;
    set.module = await WebAssembly.compile(set.wasm as Uint8Array<ArrayBuffer>);
  } catch {
    // the module is compiled from its bytes when loaded
  }
}

/** The set's entry, when the cache holds a whole one made for this very key. */
function cachedSet(members: SetMember[], key: { name: string; key: string }, dir: string | null): CompiledSet | undefined {
  const bytes = loadEntry(key.name, dir);
  const entry = bytes && decodeEntry(bytes, key.key, members.length);
  return entry ? { ...entry, fromCache: true } : undefined;
}

function sameMembers(a: SetMember[], b: SetMember[]): boolean {
  return a.length === b.length && a.every((m, i) => m.object === b[i].object && m.file === b[i].file);
}

/**
 * Everything the entry depends on: the toolchain, the checks' code, and each member as written
 * and where; kept in the entry and compared when it is read (`key`), under `name`. Members read
 * through the parse cache stand for themselves by where they were parsed from, itself named
 * by the SHA-256 of their files' texts: then nothing is hashed here, and a warm run with
 * unchanged policy files never loads node:crypto (src/checksum.ts). Any other set is named by
 * the SHA-256 of its members' JSON.
 */
function setKey(members: SetMember[]): { name: string; key: string } {
  const head = [...toolchainKey(), checksId(), `template-set, batch up to ${MAX_BATCH}`];
  const parsed = members.map((m) => parsedFrom(m.object));
  if (parsed.every((p) => p !== undefined)) {
    const key = [...head, ...members.map((m, i) => `${m.file}\n@${parsed[i]}`)].join('\0');
    return { name: entryName(key), key };
  }
  const key = sha256([...head, ...members.map((m) => `${m.file}\n${JSON.stringify(m.object)}`)].join('\0'));
  return { name: key, key };
}

interface Candidate {
  index: number;
  rego: TemplateRego;
  /** Each module's package, dotted; libs flagged (only a lib may be shared, when its source is the same). */
  packages: { path: string[]; source: string; lib: boolean }[];
}

/** The module of the members given (null: an invalid one, left out). */
function buildSet(members: (SetMember | null)[]): { wasm: Uint8Array; members: (MemberEntry | null)[] } | undefined {
  const candidates: Candidate[] = [];
  for (const [index, m] of members.entries()) {
    if (!m) continue;
    try {
      const rego = templateRego(m.object, m.file);
      const packages = rego.modules.map((s, i) => ({ path: parseModule(s.source, s.file, { regoVersion: rego.regoVersion }).package, source: s.source, lib: i > 0 }));
      candidates.push({ index, rego, packages });
    } catch {
      // its error is reported when it is compiled on its own
    }
  }
  const regoVersion = majorityVersion(candidates);
  let chosen = disjoint(candidates.filter((c) => c.rego.regoVersion === regoVersion));
  const batch = chosen.length <= MAX_BATCH;
  let wasm = tryCompile(chosen, regoVersion, batch);
  if (!wasm) {
    // Some template does not compile: keep those that do on their own, and try again once.
    chosen = chosen.filter((c) => compiles(c, regoVersion));
    wasm = tryCompile(chosen, regoVersion, batch && chosen.length <= MAX_BATCH);
  }
  if (!wasm) return undefined;
  const entries: (MemberEntry | null)[] = members.map(() => null);
  for (const c of chosen) entries[c.index] = { entrypoint: c.rego.entrypoint, readsInventory: c.rego.modules.some((s) => s.source.includes('inventory')) };
  return { wasm, members: entries };
}

/**
 * Up to this many templates, the module gets the batch entrypoint (one call per review for
 * all constraints). Beyond, its evaluation grows faster than the set (1,000 templates: 10×
 * slower than calling each template's entrypoint in turn, measured with scripts/bench.ts), so
 * a larger set is one module whose templates are called one by one.
 */
const MAX_BATCH = 64;

function majorityVersion(candidates: Candidate[]): RegoVersion {
  const v1 = candidates.filter((c) => c.rego.regoVersion === 'v1').length;
  return v1 * 2 > candidates.length ? 'v1' : 'v0';
}

/** Candidates, in order, whose packages overlap none of those taken before them. */
function disjoint(candidates: Candidate[]): Candidate[] {
  // Every package taken (with its source, for shared libs), and every strict prefix of one.
  const taken = new Map<string, { source: string; lib: boolean }>([['offgate.batch', { source: '', lib: false }]]);
  const prefixes = new Set<string>(['offgate']);
  const overlaps = (p: { path: string[]; source: string; lib: boolean }): boolean => {
    const name = p.path.join('.');
    if (prefixes.has(name)) return true;
    for (let i = 1; i < p.path.length; i++) if (taken.has(p.path.slice(0, i).join('.'))) return true;
    const same = taken.get(name);
    return same !== undefined && !(same.lib && p.lib && same.source === p.source);
  };
  const chosen: Candidate[] = [];
  for (const c of candidates) {
    // Packages within one template may share a prefix (a lib and its sub-lib): check against the others only.
    if (c.packages.some(overlaps)) continue;
    const own = new Set<string>();
    for (const p of c.packages) {
      const name = p.path.join('.');
      // A package this template writes in several modules is its own: never shared.
      taken.set(name, own.has(name) ? { source: '', lib: false } : { source: p.source, lib: p.lib });
      own.add(name);
      for (let i = 1; i < p.path.length; i++) prefixes.add(p.path.slice(0, i).join('.'));
    }
    chosen.push(c);
  }
  return chosen;
}

/** The module of these candidates with the batch entrypoint (or, alone, without), undefined if it does not compile. */
function tryCompile(chosen: Candidate[], regoVersion: RegoVersion, batch: boolean): Uint8Array | undefined {
  if (chosen.length < 2) return undefined;
  const modules: SourceModule[] = [];
  const shared = new Set<string>();
  for (const c of chosen) {
    for (const [i, m] of c.rego.modules.entries()) {
      if (i > 0) {
        // A lib of the very same package and source, in several templates: once.
        const id = `${c.packages[i].path.join('.')}\0${m.source}`;
        if (shared.has(id)) continue;
        shared.add(id);
      }
      modules.push(m);
    }
  }
  const entrypoints = chosen.map((c) => c.rego.entrypoint);
  if (batch) {
    const refs = chosen.map((c) => ({ entrypoint: c.rego.entrypoint, ref: `data${c.packages[0].path.map((s) => `[${JSON.stringify(s)}]`).join('')}.violation` }));
    modules.push({ file: BATCH_FILE, source: batchModuleOf(refs, regoVersion) });
    entrypoints.push(BATCH_ENTRYPOINT);
  }
  try {
    return compile({ modules, entrypoints, regoVersion });
  } catch {
    return undefined;
  }
}

function compiles(c: Candidate, regoVersion: RegoVersion): boolean {
  try {
    compile({ modules: c.rego.modules, entrypoints: [c.rego.entrypoint], regoVersion });
    return true;
  } catch {
    return false;
  }
}

// An entry: the header's length (4 bytes, little-endian), the header (JSON: the set's key,
// the members' entries and problems), then the module.
function encodeEntry({ wasm, members, problems }: SetEntry, key: string): Uint8Array {
  const header = Buffer.from(JSON.stringify({ key, members, problems }), 'utf8');
  const bytes = new Uint8Array(4 + header.length + wasm.length);
  new DataView(bytes.buffer).setUint32(0, header.length, true);
  bytes.set(header, 4);
  bytes.set(wasm, 4 + header.length);
  return bytes;
}

function decodeEntry(bytes: Uint8Array, key: string, count: number): SetEntry | undefined {
  if (bytes.length < 4) return undefined;
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + length > bytes.length) return undefined;
  try {
    const header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 4, length).toString('utf8')) as { key: unknown; members: (MemberEntry | null)[]; problems: string[][] };
    const { members, problems } = header;
    if (header.key !== key) return undefined; // another set's, under the same name
    if (!Array.isArray(members) || members.length !== count || !Array.isArray(problems) || problems.length !== count) return undefined;
    return { wasm: bytes.subarray(4 + length), members, problems };
  } catch {
    return undefined;
  }
}
