// Compiles every bundled template (rego/<folder>/) into wasm/<folder>.wasm and
// writes wasm/manifest.json with the sources' hashes and the compiler version.
//
//   npm run build:wasm
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileBundled, compileLibrary, compilerVersion, LIBRARY_MODULE, entrypointOf, MANIFEST, sourcesHash, WASM_DIR, type WasmManifest } from '../src/gatekeeper/bundled-wasm';
import { sha256 } from '../src/hash';
import { catalogEntry, loadLibrary } from '../src/gatekeeper/library';
import { loadRuntime } from '../src/compiler/backend/runtime-wasm';
import { packagePath } from '../src/paths';

const dir = packagePath(WASM_DIR);
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) if (f.endsWith('.wasm')) rmSync(join(dir, f));
const manifest: WasmManifest = { compiler: compilerVersion(), runtime: sha256(loadRuntime()), templates: {}, library: '' };
// Straight from the sources: the catalog in the manifest is what this writes.
const templates = loadLibrary(packagePath('rego'));
for (const t of templates) {
  const wasm = compileBundled(t);
  writeFileSync(join(dir, `${t.folder}.wasm`), wasm);
  manifest.templates[t.folder] = { kind: t.metadata.kind, entrypoint: entrypointOf(t), sources: sourcesHash(t), wasm: sha256(wasm), ...catalogEntry(t) };
  console.log(`${t.folder}: ${t.metadata.kind}, ${wasm.length} bytes`);
}
const library = compileLibrary(templates);
writeFileSync(join(dir, LIBRARY_MODULE), library);
manifest.library = sha256(library);
console.log(`${LIBRARY_MODULE}: all ${templates.length} templates, ${library.length} bytes`);
writeFileSync(join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
