// What cached results depend on besides their inputs: offgate's own code. A bundle carries
// the hashes of the sources it was built from (scripts/build.mjs computes them the same way,
// as defines); run from the sources, they are computed on first use.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from './hash';

/**
 * The hash of every file under `dirs` (folders of `srcDir`), in path order, then of each of
 * `files` that exists (paths relative to `srcDir`'s parent: the lockfile, say).
 */
export function sourcesHash(srcDir: string, dirs: readonly string[], files: readonly string[] = []): string {
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
