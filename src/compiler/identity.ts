// What a compiled module's bytes depend on besides its sources: the compiler's own
// code. The module cache keys entries by it, so two builds of offgate that share a
// version number (two commits of a git install, a development tree) never read each
// other's modules. The bundle carries the hash of the sources it was built from
// (scripts/build.mjs defines __OFFGATE_COMPILER_ID); run from the sources, it is
// computed from them on first use.
import { packagePath } from '../paths';
import { sourcesHash } from '../sources-hash';

declare const __OFFGATE_COMPILER_ID: string | undefined;

let id: string | undefined;

export function compilerId(): string {
  if (typeof __OFFGATE_COMPILER_ID === 'string') return __OFFGATE_COMPILER_ID;
  return (id ??= compilerSourcesHash(packagePath('src')));
}

/** The hash of every file under src/compiler and src/runtime, in path order: what compile() runs. */
export function compilerSourcesHash(srcDir: string): string {
  return sourcesHash(srcDir, ['compiler', 'runtime']);
}
