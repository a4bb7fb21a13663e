// The prebuilt runtime module every policy is linked onto. In the source tree
// it sits in src/runtime/; the bundled CLI ships a copy next to itself.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CANDIDATES = ['../../runtime/runtime.wasm', './runtime.wasm'];

let cached: Uint8Array | undefined;

export function loadRuntime(): Uint8Array {
  if (cached) return cached;
  for (const rel of CANDIDATES) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) {
      cached = new Uint8Array(readFileSync(path));
      return cached;
    }
  }
  throw new Error('offgate: runtime.wasm not found (run `npm run build:runtime`)');
}
