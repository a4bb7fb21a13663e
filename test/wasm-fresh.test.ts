// wasm/ holds the bundled templates compiled by this compiler from these sources:
// compiling is deterministic, so any difference means `npm run build:wasm` is due.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileBundled, compileLibrary, compilerVersion, loadLibraryWasm, loadBundledWasm, MANIFEST, sourcesHash, WASM_DIR, type WasmManifest } from '../src/gatekeeper/bundled-wasm';
import { sha256 } from '../src/hash';
import { bundledTemplates, catalogEntry, loadLibrary } from '../src/gatekeeper/library';
import { loadRuntime } from '../src/compiler/backend/runtime-wasm';
import { packagePath } from '../src/paths';

const manifest = JSON.parse(readFileSync(packagePath(WASM_DIR, MANIFEST), 'utf8')) as WasmManifest;

describe('wasm/ is fresh (run `npm run build:wasm` if not)', () => {
  it('was built by this compiler version and runtime', () => {
    expect(manifest.compiler).toBe(compilerVersion());
    expect(manifest.runtime).toBe(sha256(loadRuntime()));
  });

  it('library.wasm holds every template, built from these sources', () => {
    const fresh = compileLibrary(loadLibrary(packagePath('rego')));
    expect(sha256(loadLibraryWasm())).toBe(sha256(fresh));
    expect(manifest.library).toBe(sha256(fresh));
  });

  it('lists exactly the bundled templates', () => {
    expect(Object.keys(manifest.templates).sort()).toEqual(bundledTemplates().map((t) => t.folder).sort());
  });

  it.each(loadLibrary(packagePath('rego')))('$folder: the catalog matches the sources', (t) => {
    const { metadata, package: pkg, rego, libs, readsInventory } = manifest.templates[t.folder];
    expect({ metadata, package: pkg, rego, libs, readsInventory }).toEqual(catalogEntry(t));
    const fromCatalog = bundledTemplates().find((b) => b.folder === t.folder)!;
    expect(fromCatalog.rego).toEqual(t.rego);
    expect(fromCatalog.libs).toEqual(t.libs);
  });

  it.each(bundledTemplates())('$folder matches its sources', (t) => {
    expect(manifest.templates[t.folder].sources).toBe(sourcesHash(t));
    const fresh = compileBundled(t);
    expect(sha256(loadBundledWasm(t))).toBe(sha256(fresh));
    expect(manifest.templates[t.folder].wasm).toBe(sha256(fresh));
  });
});
