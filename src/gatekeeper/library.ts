// offgate's bundled constraint library: one folder per template under rego/,
// each with its metadata (template.yaml) and Rego, plus shared libs in
// rego/lib/. Everything here is read from the package at run time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import type { Module } from '../compiler/ast';
import { parseModule } from '../compiler/parser';
import { packagePath } from '../paths';

/** What template.yaml says about a template. */
export interface TemplateMetadata {
  kind: string;
  name: string;
  version: string;
  title: string;
  description: string;
  bundles: string[];
  portainer?: string;
  pss?: string;
  skipsUpdate: boolean;
  /** openAPIV3Schema of `spec.parameters`. */
  parameters: Record<string, unknown>;
  /** One line telling a user how to fix a violation. */
  fix: string;
}

export interface SourceFile {
  file: string;
  source: string;
}

export interface BundledTemplate {
  folder: string;
  metadata: TemplateMetadata;
  /** The template's own Rego. */
  rego: SourceFile;
  /** Package of the template's Rego (`k8spspprivileged`). */
  package: string;
  /** The shared libs its Rego imports, transitively, in a stable order. */
  libs: SourceFile[];
  /** Whether its Rego mentions the inventory (`data.inventory`): the engine then builds one. */
  readsInventory: boolean;
}

const REGO_DIR = 'rego';
const TARGET = 'admission.k8s.gatekeeper.sh';
const LIB_DIR = 'lib';
/** offgate's default ExpansionTemplates (default-expansions.ts), not a template. */
const EXPANSIONS_DIR = 'expansions';

let cache: BundledTemplate[] | undefined;

/**
 * Every bundled template, by folder name order. At run time they come from the
 * catalog that `npm run build:wasm` writes into wasm/manifest.json (metadata,
 * package, files), so nothing is parsed on start-up and the Rego is only read
 * when asked for; straight from the sources when there is no catalog.
 */
export function bundledTemplates(): BundledTemplate[] {
  cache ??= fromCatalog() ?? loadLibrary(packagePath(REGO_DIR));
  return cache;
}

/** What the catalog in wasm/manifest.json records of a template. */
export interface CatalogEntry {
  metadata: TemplateMetadata;
  package: string;
  rego: string;
  libs: string[];
  readsInventory: boolean;
}

export function catalogEntry(t: BundledTemplate): CatalogEntry {
  return { metadata: t.metadata, package: t.package, rego: t.rego.file, libs: t.libs.map((l) => l.file), readsInventory: t.readsInventory };
}

function fromCatalog(): BundledTemplate[] | undefined {
  let manifest: { templates?: Record<string, Partial<CatalogEntry>> };
  try {
    manifest = JSON.parse(readFileSync(packagePath('wasm', 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const entries = Object.entries(manifest.templates ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0 || entries.some(([, e]) => !e.metadata || !e.package || !e.rego || !e.libs || typeof e.readsInventory !== 'boolean')) return undefined;
  const source = (file: string): SourceFile => ({ file, source: readFileSync(packagePath(file), 'utf8') });
  return entries.map(([folder, e]) => {
    let rego: SourceFile | undefined;
    let libs: SourceFile[] | undefined;
    return {
      folder,
      metadata: e.metadata!,
      package: e.package!,
      readsInventory: e.readsInventory!,
      get rego() {
        return (rego ??= source(e.rego!));
      },
      get libs() {
        return (libs ??= e.libs!.map(source));
      },
    };
  });
}

export function bundledTemplateByKind(kind: string): BundledTemplate | undefined {
  return bundledTemplates().find((t) => t.metadata.kind === kind);
}

export function loadLibrary(dir: string): BundledTemplate[] {
  const libs = readLibs(join(dir, LIB_DIR));
  const out: BundledTemplate[] = [];
  for (const folder of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== LIB_DIR && d.name !== EXPANSIONS_DIR).map((d) => d.name).sort()) {
    const base = join(dir, folder);
    const metadata = loadYaml(readFileSync(join(base, 'template.yaml'), 'utf8'), { schema: CORE_SCHEMA }) as TemplateMetadata;
    const regoFile = readdirSync(base).find((f) => f.endsWith('.rego'));
    if (!regoFile) throw new Error(`${base}: no .rego file`);
    const rego = { file: `${REGO_DIR}/${folder}/${regoFile}`, source: readFileSync(join(base, regoFile), 'utf8') };
    const module = parseModule(rego.source, rego.file, { regoVersion: 'v0' });
    const imported = libsFor(module, libs);
    out.push({ folder, metadata, rego, package: module.package.join('.'), libs: imported, readsInventory: mentionsInventory([rego, ...imported]) });
  }
  return out;
}

interface Lib extends SourceFile {
  module: Module;
  package: string;
}

function readLibs(dir: string): Lib[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.rego'))
    .sort()
    .map((f) => {
      const file = `${REGO_DIR}/${LIB_DIR}/${f}`;
      const source = readFileSync(join(dir, f), 'utf8');
      const module = parseModule(source, file, { regoVersion: 'v0' });
      return { file, source, module, package: module.package.join('.') };
    });
}

/** The libs a module imports (`import data.lib.x...`), and the libs those import. */
function libsFor(module: Module, libs: Lib[]): SourceFile[] {
  const needed = new Set<Lib>();
  const visit = (m: Module) => {
    for (const imp of m.imports) {
      const path = importPath(imp.path);
      for (const lib of libs) {
        const p = `data.${lib.package}`;
        if ((path === p || path.startsWith(`${p}.`)) && !needed.has(lib)) {
          needed.add(lib);
          visit(lib.module);
        }
      }
    }
  };
  visit(module);
  return libs.filter((l) => needed.has(l)).map(({ file, source }) => ({ file, source }));
}

/** The engine's test for templates among the inputs too: a mention of `inventory` anywhere. */
function mentionsInventory(sources: SourceFile[]): boolean {
  return sources.some((s) => s.source.includes('inventory'));
}

function importPath(t: Module['imports'][number]['path']): string {
  const terms = t.type === 'ref' ? t.terms : [t];
  return terms.map((x) => (x.type === 'var' ? x.name : x.type === 'string' ? x.value : '?')).join('.');
}

/**
 * The template as a `templates.gatekeeper.sh/v1` ConstraintTemplate a cluster accepts.
 * With `code: false`, its target carries no Rego: what judging Constraints against the
 * template's schema needs, without reading the sources (a lint evaluates the compiled module).
 */
export function renderConstraintTemplate(t: BundledTemplate, { code = true }: { code?: boolean } = {}): Record<string, unknown> {
  const m = t.metadata;
  return {
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: {
      name: m.name,
      annotations: {
        'metadata.gatekeeper.sh/title': m.title,
        'metadata.gatekeeper.sh/version': m.version,
        ...(m.bundles.length > 0 ? { 'metadata.gatekeeper.sh/bundle': m.bundles.join(', ') } : {}),
        description: m.description,
        'offgate.dev/generated-by': 'offgate export templates',
      },
    },
    spec: {
      crd: { spec: { names: { kind: m.kind }, validation: { openAPIV3Schema: m.parameters } } },
      targets: [code ? { target: TARGET, rego: t.rego.source, libs: t.libs.map((l) => l.source) } : { target: TARGET }],
    },
  };
}
