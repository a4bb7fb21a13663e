// The bundled templates compiled to wasm: built into wasm/ by `npm run
// build:wasm`, committed, and checked fresh by the tests (compiling is
// deterministic, so a stale module differs byte for byte).
import { existsSync, readFileSync } from 'node:fs';
import { compile } from '../compiler/compile';
import { sha256 } from '../hash';
import { packagePath } from '../paths';
import type { BundledTemplate, CatalogEntry } from './library';

export const WASM_DIR = 'wasm';
export const MANIFEST = 'manifest.json';

export interface WasmManifest {
  /** offgate's version, which is the compiler's. */
  compiler: string;
  /** sha256 of the runtime the modules were linked onto. */
  runtime: string;
  /** Per template folder: its module's entrypoint and hashes, and the catalog entry lint reads on start-up. */
  templates: Record<string, { kind: string; entrypoint: string; sources: string; wasm: string } & CatalogEntry>;
  /** sha256 of library.wasm, the module with every template's entrypoint. */
  library: string;
}

export function entrypointOf(t: BundledTemplate): string {
  return `${t.package.replace(/\./g, '/')}/violation`;
}

export function compileBundled(t: BundledTemplate): Uint8Array {
  return compile({ modules: [t.rego, ...t.libs], entrypoints: [entrypointOf(t)], regoVersion: 'v0' });
}

/** Hash of everything a template's module is compiled from. */
export function sourcesHash(t: BundledTemplate): string {
  return sha256([t.rego, ...t.libs].map((s) => `${s.file}\n${s.source}`).join('\0'));
}

export function wasmFile(t: BundledTemplate): string {
  return packagePath(WASM_DIR, `${t.folder}.wasm`);
}

/** The committed module of a bundled template. */
export function loadBundledWasm(t: BundledTemplate): Uint8Array {
  const file = wasmFile(t);
  if (!existsSync(file)) throw new Error(`offgate: ${file} is missing (run npm run build:wasm)`);
  return new Uint8Array(readFileSync(file));
}

let version: string | undefined;

export function compilerVersion(): string {
  version ??= (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
  return version;
}

/** All bundled templates in one module (one instance, one copy of the runtime): what lint loads. */
export const LIBRARY_MODULE = 'library.wasm';

export function compileLibrary(templates: BundledTemplate[]): Uint8Array {
  const modules = new Map<string, { file: string; source: string }>();
  for (const t of templates) for (const m of [t.rego, ...t.libs]) modules.set(m.file, m);
  modules.set(BATCH_FILE, { file: BATCH_FILE, source: batchModule(templates) });
  return compile({ modules: [...modules.values()], entrypoints: [...templates.map(entrypointOf), BATCH_ENTRYPOINT], regoVersion: 'v0' });
}

/** The entrypoint evaluating several constraints on one review in one call (see batchModule). */
export const BATCH_ENTRYPOINT = 'offgate/batch/results';
/** The file name batch modules are compiled under. */
export const BATCH_FILE = 'offgate-batch.rego';

/**
 * Rego evaluating, for one review, every constraint listed in `input.constraints`, which
 * maps each template's entrypoint to its constraints as `[i, parameters]` pairs: `results[i]`
 * is the i-th constraint's violations, each template seeing exactly the input Gatekeeper
 * gives it ({review, parameters}). One call instead of one per constraint, and each
 * template's rule looks up its own constraints instead of scanning them all.
 */
export function batchModule(templates: BundledTemplate[]): string {
  return batchModuleOf(templates.map((t) => ({ entrypoint: entrypointOf(t), ref: `data.${t.package}.violation` })), 'v0');
}

/**
 * batchModule for any templates, users' too: each named by its entrypoint and the ref of
 * its violation rule (`data.<package>.violation`), in the syntax of their Rego version.
 */
export function batchModuleOf(members: { entrypoint: string; ref: string }[], regoVersion: 'v0' | 'v1'): string {
  const keyword = regoVersion === 'v1' ? ' if' : '';
  const rules = members.map(
    (m) => `results[i] := violations${keyword} {
	[i, parameters] := input.constraints[${JSON.stringify(m.entrypoint)}][_]
	violations := ${m.ref} with input as {"review": input.review, "parameters": parameters}
}`,  );
  return `package offgate.batch

${rules.join('\n\n')}
`;
}

let libraryWasm: Uint8Array | undefined;

/** The committed module holding every bundled template's entrypoint. */
export function loadLibraryWasm(): Uint8Array {
  libraryWasm ??= new Uint8Array(readFileSync(packagePath(WASM_DIR, LIBRARY_MODULE)));
  return libraryWasm;
}

let libraryModule: Promise<WebAssembly.Module | undefined> | undefined;

/**
 * The library module compiled off the main thread: lint starts this before reading its
 * inputs, so that on two cores the compile overlaps the YAML, and awaits it when it
 * evaluates. Undefined when it cannot be had this way (the file is missing or broken):
 * loading it from the bytes then says why.
 */
export function compileLibraryModule(): Promise<WebAssembly.Module | undefined> {
  libraryModule ??= (async () => {
    try {
      return await WebAssembly.compile(loadLibraryWasm() as Uint8Array<ArrayBuffer>);
    } catch {
      return undefined;
    }
  })();
  return libraryModule;
}
