// What a parsed file depends on besides its text and name: the reader's own code (this
// folder) and the YAML library it falls back to (pinned by the lockfile). The parse cache
// (parse-cache.ts) keys entries by it, as the module cache keys modules by the compiler's.
import { packagePath } from '../paths';
import { sourcesHash } from '../sources-hash';

declare const __OFFGATE_READER_ID: string | undefined;

let id: string | undefined;

export function readerId(): string {
  if (typeof __OFFGATE_READER_ID === 'string') return __OFFGATE_READER_ID;
  return (id ??= readerSourcesHash(packagePath('src')));
}

export function readerSourcesHash(srcDir: string): string {
  return sourcesHash(srcDir, ['manifests'], ['package-lock.json']);
}
