// A folder of files for a test to run offgate in: a temporary directory holding each
// path → content given (folders made as needed). `git: true` marks it a repository root
// (a .git folder), where offgate's upward search for offgate.yaml stops.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function workspace(files: Record<string, string> = {}, opts: { prefix?: string; git?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), opts.prefix ?? 'offgate-test-'));
  if (opts.git) mkdirSync(join(dir, '.git'));
  writeFiles(dir, files);
  return dir;
}

/** Writes each path → content under `dir`, making folders as needed. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}
