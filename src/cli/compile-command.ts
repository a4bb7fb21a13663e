// `offgate compile FILE... -e ENTRYPOINT... -o out.wasm`: Rego files or
// Gatekeeper ConstraintTemplates in, one OPA-ABI wasm module out.
import { parseAllDocuments } from 'yaml';
import type { RegoVersion } from '../compiler/ast';
import { compile, type SourceModule } from '../compiler/compile';
import { parseModule } from '../compiler/parser';
import { DEFAULT_MAX_FILE_SIZE, readInputFile } from '../manifests';
import { UsageError } from './errors';
import { writeOutputFile } from './output';

export interface CompileCommandOptions {
  entrypoint?: string[];
  output: string;
  regoVersion?: string;
  strict?: boolean;
}

interface Sources {
  modules: SourceModule[];
  /** Version the sources are written in (templates are Gatekeeper's v0 unless they import rego.v1). */
  regoVersion: RegoVersion;
  /** Entrypoints implied by templates: `<package>/violation`. */
  defaultEntrypoints: string[];
}

export function runCompile(files: string[], opts: CompileCommandOptions): void {
  const sources = files.map(readSources);
  const regoVersion = parseVersion(opts.regoVersion) ?? (sources.every((s) => s.regoVersion === 'v0') ? 'v0' : 'v1');
  const modules = sources.flatMap((s) => s.modules);
  const entrypoints = opts.entrypoint?.length ? opts.entrypoint : [...new Set(sources.flatMap((s) => s.defaultEntrypoints))];
  if (entrypoints.length === 0) throw new UsageError('no entrypoint: pass -e PACKAGE/RULE (e.g. -e k8spsp/violation)');
  const wasm = compile({ modules, entrypoints, regoVersion, strict: opts.strict });
  writeOutputFile(opts.output, wasm);
}

function parseVersion(v: string | undefined): RegoVersion | undefined {
  if (v === undefined) return undefined;
  if (v === 'v0' || v === 'v1') return v;
  throw new UsageError(`--rego-version must be v0 or v1, not ${v}`);
}

function readSources(file: string): Sources {
  // As every input: a regular file (a FIFO would block the open forever) under the size cap.
  const read = readInputFile(file, DEFAULT_MAX_FILE_SIZE, { allowPipe: true });
  if ('error' in read) throw new UsageError(`${file}: cannot read: ${read.error}`);
  const text = read.text;
  if (/\.rego$/.test(file)) return { modules: [{ file, source: text }], regoVersion: 'v1', defaultEntrypoints: [] };
  return templateSources(file, text);
}

/** The Rego of a ConstraintTemplate: `spec.targets[].rego` and `libs`, or `code[]` with engine Rego. */
function templateSources(file: string, text: string): Sources {
  const modules: SourceModule[] = [];
  const entrypoints: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const line = e.linePos?.[0]?.line;
      throw new UsageError(`${file}${line ? `:${line}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`);
    }
    const obj = doc.toJS() as { kind?: string; spec?: { targets?: TemplateTarget[] } } | null;
    if (!obj || obj.kind !== 'ConstraintTemplate') continue;
    for (const target of obj.spec?.targets ?? []) {
      const regos: string[] = [];
      if (typeof target.rego === 'string') regos.push(target.rego);
      for (const code of target.code ?? []) {
        if (code.engine === 'Rego' && typeof code.source?.rego === 'string') regos.push(code.source.rego);
        for (const lib of code.engine === 'Rego' ? (code.source?.libs ?? []) : []) modules.push({ file: `${file}#lib${modules.length}`, source: lib });
      }
      regos.forEach((rego, i) => {
        const name = `${file}#rego${i}`;
        modules.push({ file: name, source: rego });
        entrypoints.push(`${parseModule(rego, name, { regoVersion: 'v0' }).package.join('.')}/violation`.replace(/\./g, '/'));
      });
      for (const lib of target.libs ?? []) modules.push({ file: `${file}#lib${modules.length}`, source: lib });
    }
  }
  if (modules.length === 0) throw new UsageError(`${file}: no ConstraintTemplate with Rego found`);
  return { modules, regoVersion: 'v0', defaultEntrypoints: entrypoints };
}

interface TemplateTarget {
  rego?: string;
  libs?: string[];
  code?: { engine?: string; source?: { rego?: string; libs?: string[] } }[];
}
