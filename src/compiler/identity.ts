// What a compiled module's bytes depend on besides its sources: the compiler's own
// code. The module cache keys entries by it, so two builds of offgate that share a
// version number (two commits of a git install, a development tree) never read each
// other's modules. The bundle carries the hash of the sources it was built from
// (scripts/build.mjs defines __OFFGATE_COMPILER_ID); run from the sources, it is
// computed from them on first use.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../hash';
import { packagePath } from '../paths';

declare const __OFFGATE_COMPILER_ID: string | undefined;

let id: string | undefined;

export function compilerId(): string {
  if (typeof __OFFGATE_COMPILER_ID === 'string') return __OFFGATE_COMPILER_ID;
  return (id ??= compilerSourcesHash(packagePath('src')));
}

/** The hash of every file under src/compiler and src/runtime, in path order: what compile() runs. */
export function compilerSourcesHash(srcDir: string): string {
  const files = ['compiler', 'runtime'].flatMap((d) => listFiles(join(srcDir, d))).sort();
  // scripts/build.mjs hashes the same bytes the same way for the bundle.
  return sha256(Buffer.concat(files.flatMap((f) => [Buffer.from(`${f.slice(srcDir.length + 1)}\n`), readFileSync(f), Buffer.from('\0')])));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}
