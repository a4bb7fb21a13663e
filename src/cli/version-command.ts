// `offgate version` (and `--version`): what a bug report needs. offgate's version, the
// bundled template library (the hash of its compiled module, from wasm/manifest.json),
// the OPA wasm ABI its modules follow, Node's version, and where compiled templates are
// cached.
import { readFileSync } from 'node:fs';
import { OPA_WASM_ABI_VERSION } from '../compiler/backend/module';
import { compilerId } from '../identity';
import { compilerVersion, MANIFEST, WASM_DIR, type WasmManifest } from '../gatekeeper/bundled-wasm';
import { cacheDir, cacheMaxBytes, cacheUsage, type CacheUsage } from '../gatekeeper/module-cache';
import { cacheContents } from './cache-command';
import { packagePath } from '../paths';
import { plural } from '../report/describe';
import { formatSize } from '../size';

export interface VersionInfo {
  offgate: string;
  /** `sha256:<12 hex>` of the library module, and how many templates it holds; undefined without a manifest. */
  templates?: { library: string; count: number };
  /** The first 12 hex digits of the hash of the compiler's sources (what cached modules are keyed by). */
  compiler: string;
  abi: string;
  node: string;
  cache: CacheUsage & { dir: string; maxBytes: number | { error: string } };
}

export function versionInfo(env: NodeJS.ProcessEnv): VersionInfo {
  let templates: VersionInfo['templates'];
  try {
    const manifest = JSON.parse(readFileSync(packagePath(WASM_DIR, MANIFEST), 'utf8')) as WasmManifest;
    templates = { library: `sha256:${manifest.library.slice(0, 12)}`, count: Object.keys(manifest.templates).length };
  } catch {
    templates = undefined;
  }
  const dir = cacheDir(env);
  return {
    offgate: compilerVersion(),
    templates,
    compiler: compilerId().slice(0, 12),
    abi: `${OPA_WASM_ABI_VERSION.major}.${OPA_WASM_ABI_VERSION.minor}`,
    node: process.version,
    cache: { dir, ...cacheUsage(dir), maxBytes: cacheMaxBytes(env) },
  };
}

export function formatVersion(v: VersionInfo): string {
  const bound = typeof v.cache.maxBytes === 'number' ? `bound ${formatSize(v.cache.maxBytes)}` : v.cache.maxBytes.error;
  return [
    `offgate ${v.offgate}`,
    `templates: ${v.templates ? `${v.templates.library} (${plural(v.templates.count, 'bundled template')})` : 'wasm/manifest.json missing (run npm run build:wasm)'}`,
    `compiler: ${v.compiler}`,
    `OPA wasm ABI: ${v.abi}`,
    `Node.js: ${v.node}`,
    `module cache: ${v.cache.dir} (${cacheContents(v.cache)}, ${formatSize(v.cache.bytes)}; ${bound})`,
  ]
    .map((l) => `${l}\n`)
    .join('');
}
