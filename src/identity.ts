// What cached results depend on besides their inputs: offgate's own code. Each cache keys its
// entries by the hash of the sources that make them, so two builds of offgate that share a
// version number (two commits of a git install, a development tree) never read each other's:
// - compiled modules (gatekeeper/module-cache.ts), by the compiler and the runtime;
// - a template set's verdicts on its members (gatekeeper/template-set.ts), by the checks;
// - parsed --policy files (manifests/parse-cache.ts), by the reader and the YAML library it
//   falls back to (pinned by the lockfile).
// A bundle carries the hashes of the sources it was built from (scripts/build.mjs computes
// them the same way, as defines); run from the sources, each is computed on first use.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from './hash';
import { packagePath } from './paths';

declare const __OFFGATE_COMPILER_ID: string | undefined;
declare const __OFFGATE_CHECKS_ID: string | undefined;
declare const __OFFGATE_READER_ID: string | undefined;

export const compilerId = identity(typeof __OFFGATE_COMPILER_ID === 'string' ? __OFFGATE_COMPILER_ID : undefined, (src) => compilerSourcesHash(src));
export const checksId = identity(typeof __OFFGATE_CHECKS_ID === 'string' ? __OFFGATE_CHECKS_ID : undefined, (src) => sourcesHash(src, ['gatekeeper']));
export const readerId = identity(typeof __OFFGATE_READER_ID === 'string' ? __OFFGATE_READER_ID : undefined, (src) => sourcesHash(src, ['manifests'], ['package-lock.json']));

/** The hash of every file under src/compiler and src/runtime, in path order: what compile() runs. */
export function compilerSourcesHash(srcDir: string): string {
  return sourcesHash(srcDir, ['compiler', 'runtime']);
}

/** The build's hash when there is one, else the sources' own, computed once. */
function identity(built: string | undefined, compute: (srcDir: string) => string): () => string {
  let id = built;
  return () => (id ??= compute(packagePath('src')));
}

/**
 * The hash of every file under `dirs` (folders of `srcDir`), in path order, then of each of
 * `files` that exists (paths relative to `srcDir`'s parent: the lockfile, say).
 */
function sourcesHash(srcDir: string, dirs: readonly string[], files: readonly string[] = []): string {
  const sources = dirs.flatMap((d) => listFiles(join(srcDir, d))).sort();
  const parts = sources.flatMap((f) => [Buffer.from(`${f.slice(srcDir.length + 1)}\n`), readFileSync(f), Buffer.from('\0')]);
  for (const f of files) {
    const path = join(srcDir, '..', f);
    if (existsSync(path)) parts.push(Buffer.from(`${f}\n`), readFileSync(path), Buffer.from('\0'));
  }
  return sha256(Buffer.concat(parts));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}
