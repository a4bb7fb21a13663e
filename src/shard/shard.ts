// `offgate lint --shard I/N`: one CI job of N lints its share of the inputs, so that a job
// matrix (GitHub Actions, GitLab `parallel:`) lints a monorepo N times faster and
// `offgate merge` joins the shards' reports into the one a single run would give.
//
// A file's shard is a hash of its path (relative to the working directory, `/`
// separators), not its rank in a list: adding a file moves no other file to another shard,
// and every job, whatever order its file system lists folders in, agrees. What a
// kustomization or chart renders is one unit, sharded by its folder: its objects, its
// errors and the files it reads all land on the shard of that folder.
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { sha256 } from '../hash';
import type { ManifestObject, ReadResult } from '../manifests';
import { isRendered } from '../render';

export interface Shard {
  /** 1-based: 1 ≤ index ≤ count. */
  index: number;
  count: number;
}

/** Largest N: more jobs than this is no CI matrix anyone runs, and likely a typo. */
export const MAX_SHARDS = 1024;

/** `2/4` → `{index: 2, count: 4}`; anything else is an error naming the form. */
export function parseShard(text: string): Shard | { error: string } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && count <= MAX_SHARDS && index >= 1 && index <= count)) {
    return { error: `--shard ${text}: must be I/N with 1 ≤ I ≤ N ≤ ${MAX_SHARDS} (e.g. 2/4: the second of four shards)` };
  }
  return { index, count };
}

/** The shard (0-based) of a path: the first 48 bits of its SHA-256, modulo `count`. */
export function shardOfPath(path: string, count: number): number {
  return Number(BigInt(`0x${sha256(path).slice(0, 12)}`) % BigInt(count));
}

/** A path as shards hash it: relative to `cwd` when inside it, `/` separators; `-` stays `-`. */
export function shardPath(file: string, cwd: string): string {
  if (file === '-') return '-';
  const abs = resolve(cwd, file);
  const rel = relative(cwd, abs);
  return (rel === '' ? '.' : isAbsolute(rel) ? abs : rel).split(sep).join('/');
}

/** The sources line of a shard: `shard 2/4: 13 of 50 files (by path hash)`; `offgate merge` reads it back. */
export function shardSource(shard: Shard, kept: number, total: number): string {
  return `shard ${shard.index}/${shard.count}: ${kept} of ${total} ${total === 1 ? 'file' : 'files'} (by path hash)`;
}

const SHARD_SOURCE = /^shard (\d+)\/(\d+): (\d+) of (\d+) files? \(by path hash\)$/;

/** A sources line written by `shardSource`, read back. */
export function parseShardSource(line: string): (Shard & { kept: number; total: number }) | undefined {
  const m = SHARD_SOURCE.exec(line);
  return m ? { index: Number(m[1]), count: Number(m[2]), kept: Number(m[3]), total: Number(m[4]) } : undefined;
}

/** What the other shards lint: the cluster state a shard still sees (Namespaces, the inventory). */
export interface OtherShards {
  objects: ManifestObject[];
  files: string[];
  /** Files read before sharding (the sources line's total). */
  total: number;
}

/**
 * Keeps in `read` the files, objects, errors, warnings and skipped files of one shard, and
 * returns what the other shards have. A rendered object goes with its kustomization or
 * chart folder; an error or warning inside such a folder (its kustomization file) with the folder.
 */
export function takeShard(read: ReadResult, shard: Shard, cwd: string): OtherShards {
  const unitPaths = renderedUnits(read, cwd);
  const unitOf = (file: string): string => {
    const p = shardPath(file, cwd);
    let best: string | undefined;
    for (const u of unitPaths) if ((p === u || p.startsWith(`${u}/`)) && (best === undefined || u.length > best.length)) best = u;
    return best ?? p;
  };
  const mine = (key: string) => shardOfPath(key, shard.count) === shard.index - 1;
  const fileMine = (file: string) => mine(unitOf(file));
  const objectMine = (m: ManifestObject) => (isRendered(m) ? mine(shardPath(m.rendered.from, cwd)) : fileMine(m.origin.file));

  const total = read.files.length;
  const others: OtherShards = { objects: read.objects.filter((m) => !objectMine(m)), files: read.files.filter((f) => !fileMine(f)), total };
  read.objects = read.objects.filter(objectMine);
  read.files = read.files.filter(fileMine);
  read.errors = read.errors.filter((e) => fileMine(e.file));
  read.warnings = read.warnings.filter((w) => fileMine(w.file));
  read.skipped = read.skipped.filter((s) => fileMine(s.file));
  return others;
}

/** Manifest files are named by their extension; only other names are looked at on disk. */
const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/**
 * The kustomization and chart folders rendering put among the files read (src/render lists
 * each as one "file"), as shard paths: those with rendered objects, and folders whose
 * renderer failed (an error, no objects).
 */
function renderedUnits(read: ReadResult, cwd: string): string[] {
  const units = new Set<string>();
  for (const m of read.objects) if (isRendered(m)) units.add(shardPath(m.rendered.from, cwd));
  for (const f of read.files) {
    if (f === '-' || MANIFEST_FILE.test(f) || units.has(shardPath(f, cwd))) continue;
    try {
      if (statSync(resolve(cwd, f)).isDirectory()) units.add(shardPath(f, cwd));
    } catch {
      // gone since it was read: a file like any other
    }
  }
  return [...units];
}
