// What a template set's cache entry says besides the compiled module: which members
// validateTemplate found invalid, and why. That is this folder's code (the checks and the
// schemas they read), so the entry is keyed by it too, as modules are by the compiler's
// (src/compiler/identity.ts).
import { packagePath } from '../paths';
import { sourcesHash } from '../sources-hash';

declare const __OFFGATE_CHECKS_ID: string | undefined;

let id: string | undefined;

export function checksId(): string {
  if (typeof __OFFGATE_CHECKS_ID === 'string') return __OFFGATE_CHECKS_ID;
  return (id ??= checksSourcesHash(packagePath('src')));
}

export function checksSourcesHash(srcDir: string): string {
  return sourcesHash(srcDir, ['gatekeeper']);
}
