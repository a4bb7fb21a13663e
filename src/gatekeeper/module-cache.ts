// Compiled modules of users' ConstraintTemplates, cached by content hash in the
// user's cache directory (XDG), so a second run does not compile again. The
// key covers everything the bytes depend on: compiler version, runtime, sources,
// entrypoint and Rego version. A cache that cannot be read or written is
// simply not used.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RegoVersion } from '../compiler/ast';
import { loadRuntime } from '../compiler/backend/runtime-wasm';
import { compile, type SourceModule } from '../compiler/compile';
import { sha256 } from '../hash';
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

let runtimeHash: string | undefined;

export function cacheKey(req: CompileRequest): string {
  runtimeHash ??= sha256(loadRuntime());
  const parts = [compilerVersion(), runtimeHash, req.regoVersion, req.entrypoint, ...req.modules.map((m) => `${m.file}\n${m.source}`)];
  return sha256(parts.join('\0'));
}

export interface CompiledModule {
  wasm: Uint8Array;
  fromCache: boolean;
}

/** Compiles, or reads the module a previous run compiled from the same sources. */
export function compileCached(req: CompileRequest, dir: string | null = cacheDir()): CompiledModule {
  const key = cacheKey(req);
  const file = dir ? join(dir, `${key}.wasm`) : null;
  if (file) {
    try {
      return { wasm: new Uint8Array(readFileSync(file)), fromCache: true };
    } catch {
      // not cached yet
    }
  }
  const wasm = compile({ modules: req.modules, entrypoints: [req.entrypoint], regoVersion: req.regoVersion });
  if (file && dir) {
    try {
      mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, wasm);
      renameSync(tmp, file); // atomic: concurrent runs never read half a module
    } catch {
      // a read-only or missing home is not an error
    }
  }
  return { wasm, fromCache: false };
}
