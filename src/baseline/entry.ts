// What a baseline remembers of a finding: where it is and what it says, not on which line.
// Edits that move lines (a comment added above, a container inserted before) leave a
// finding's entry as it was, so a baselined finding does not resurface; a change to the
// object's name, the constraint's kind or the message makes it a new finding.
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Finding } from '../report/model';

/** One finding as a baseline file holds it (`offgate-baseline.json`, one entry a line). */
export interface BaselineEntry {
  /** The file, relative to the baseline file's folder, with `/` separators (`-` for standard input). */
  file: string;
  /** The object in the file: the workload for a Pod its controller would create. */
  kind: string;
  namespace: string | null;
  name: string | null;
  /** The constraint's kind (its template): renaming a constraint does not resurface its findings. */
  constraint: string;
  message: string;
}

/** The keys of an entry, in the order the file writes them. */
export const ENTRY_KEYS = ['file', 'kind', 'namespace', 'name', 'constraint', 'message'] as const;

/**
 * The entry of a finding. `baselineDir` is the baseline file's folder, `cwd` the folder the
 * finding's file is relative to: the same repository read from another working directory
 * gives the same entries.
 */
export function entryOf(f: Finding, baselineDir: string, cwd: string): BaselineEntry {
  const o = f.workload ?? f.object;
  return {
    file: baselinePath(f.file, baselineDir, cwd),
    kind: o.kind,
    namespace: o.namespace ?? null,
    name: o.name ?? null,
    constraint: f.constraint.kind,
    message: f.message,
  };
}

/** The key that tells entries apart (multiset semantics: equal keys are counted). */
export function entryKey(e: BaselineEntry): string {
  return JSON.stringify(ENTRY_KEYS.map((k) => e[k]));
}

/** A path as the baseline file names it: relative to its folder, `/` separators. */
export function baselinePath(file: string, baselineDir: string, cwd: string): string {
  if (file === '-') return '-';
  const rel = relative(baselineDir, resolve(cwd, file));
  return (rel === '' || isAbsolute(rel) ? resolve(cwd, file) : rel).replace(/\\/g, '/');
}

/** The folder a baseline file's paths are relative to. */
export function baselineDirOf(baselineFile: string, cwd: string): string {
  return dirname(resolve(cwd, baselineFile));
}

/** Entries in the file's order: by each key in turn, code point by code point (null first). */
export function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  for (const k of ENTRY_KEYS) {
    const x = a[k] ?? '';
    const y = b[k] ?? '';
    if (x !== y) return x < y ? -1 : 1;
    if (a[k] !== b[k]) return a[k] === null ? -1 : 1;
  }
  return 0;
}
