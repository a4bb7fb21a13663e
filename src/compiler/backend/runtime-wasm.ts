// The prebuilt runtime module every policy is linked onto (src/runtime/runtime.wasm).
import { readFileSync } from 'node:fs';
import { packagePath } from '../../paths';

let cached: Uint8Array | undefined;

export function loadRuntime(): Uint8Array {
  cached ??= new Uint8Array(readFileSync(packagePath('src', 'runtime', 'runtime.wasm')));
  return cached;
}
