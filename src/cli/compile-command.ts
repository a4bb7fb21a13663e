// `offgate compile FILE... -e ENTRYPOINT... --output-file out.wasm`: Rego files or
// Gatekeeper ConstraintTemplates in, one OPA-ABI wasm module out.
import type { RegoVersion } from '../compiler/ast';
import { compile, type SourceModule } from '../compiler/compile';
import { RegoError, RegoErrors } from '../compiler/errors';
import { isConstraintTemplate, placeRegoError, templateRego, type TemplateText } from '../gatekeeper/templates';
import type { K8sObject } from '../gatekeeper/types';
import { DEFAULT_MAX_FILE_SIZE, formatReadError, parseManifestText, readInputFile } from '../manifests';
import { parseYamlValues } from '../manifests/parse';
import { UsageError } from './errors';
import { writeOutputFile } from './output';

export interface CompileCommandOptions {
  entrypoint?: string[];
  /** `--output-file FILE`: where the module goes. */
  outputFile?: string;
  /** `-o`: a format in every other command; here only an error with a hint. */
  output?: string;
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

interface ReadTemplate {
  /** The file its modules are named after (`t.yaml`, or `t.yaml[1]` for the second of a file). */
  moduleFile: string;
  file: string;
  object: K8sObject;
  source: TemplateText;
}

export function runCompile(files: string[], opts: CompileCommandOptions): void {
  const templates: ReadTemplate[] = [];
  try {
    compileFiles(files, opts, templates);
  } catch (e) {
    // A template's Rego error at its file's line and column, not the module's.
    if (e instanceof RegoError) throw placed(e, templates);
    if (e instanceof RegoErrors) throw new RegoErrors(e.errors.map((r) => placed(r, templates)));
    throw e;
  }
}

function placed(e: RegoError, templates: ReadTemplate[]): RegoError {
  for (const t of templates) {
    const at = placeRegoError(t.object, t.moduleFile, e, t.source);
    if (at) return new RegoError(e.code, e.detail, { file: t.file, line: at.line, col: at.column });
  }
  return e;
}

function compileFiles(files: string[], opts: CompileCommandOptions, templates: ReadTemplate[]): void {
  if (opts.output !== undefined) throw new UsageError(`compile: -o is an output format; use --output-file FILE (--output-file ${opts.output})`);
  if (!opts.outputFile) throw new UsageError('compile: name the module to write: --output-file FILE (e.g. --output-file policy.wasm)');
  const sources = files.map((file) => readSources(file, templates));
  const regoVersion = parseVersion(opts.regoVersion) ?? (sources.every((s) => s.regoVersion === 'v0') ? 'v0' : 'v1');
  const modules = sources.flatMap((s) => s.modules);
  const entrypoints = opts.entrypoint?.length ? opts.entrypoint : [...new Set(sources.flatMap((s) => s.defaultEntrypoints))];
  if (entrypoints.length === 0) throw new UsageError('no entrypoint: pass -e PACKAGE/RULE (e.g. -e k8spsp/violation)');
  const wasm = compile({ modules, entrypoints, regoVersion, strict: opts.strict });
  writeOutputFile(opts.outputFile, wasm);
}

function parseVersion(v: string | undefined): RegoVersion | undefined {
  if (v === undefined) return undefined;
  if (v === 'v0' || v === 'v1') return v;
  throw new UsageError(`--rego-version must be v0 or v1, not ${v}`);
}

function readSources(file: string, read: ReadTemplate[]): Sources {
  // As every input: a regular file (a FIFO would block the open forever) under the size cap.
  const input = readInputFile(file, DEFAULT_MAX_FILE_SIZE, { allowPipe: true });
  if ('error' in input) throw new UsageError(`${file}: cannot read: ${input.error}`);
  const text = input.text;
  if (/\.rego$/.test(file)) return { modules: [{ file, source: text }], regoVersion: 'v1', defaultEntrypoints: [] };
  return templateSources(file, text, read);
}

/**
 * The Rego of a ConstraintTemplate, as Gatekeeper takes it: one target, its `rego` and `libs`
 * or a `code` entry with engine Rego (templateRego checks Gatekeeper's contract too). Read with
 * the one YAML reader every input goes through (nesting, aliases and size bounded). Each template
 * read is added to `read`, so that its Rego errors can be placed in the file.
 */
function templateSources(file: string, text: string, read: ReadTemplate[]): Sources {
  const { values, error } = parseYamlValues(text, file);
  if (error) throw new UsageError(formatReadError(error));
  const templates = values.filter((v): v is K8sObject => typeof v === 'object' && v !== null && isConstraintTemplate(v as K8sObject));
  if (templates.length === 0) throw new UsageError(`${file}: no ConstraintTemplate with Rego found`);
  const modules: SourceModule[] = [];
  const entrypoints: string[] = [];
  let regoVersion: RegoVersion = 'v0';
  // The same templates with their fields' positions, found only for an error to place.
  let located: { locate(path: string): { line: number; column: number } }[] | undefined;
  const locatedTemplates = () => (located ??= parseManifestText(text, file).objects.filter((m) => isConstraintTemplate(m.object as K8sObject)));
  for (const [i, template] of templates.entries()) {
    const moduleFile = templates.length === 1 ? file : `${file}[${i}]`;
    read.push({ moduleFile, file, object: template, source: { text: () => text, locate: (path) => locatedTemplates()[i]?.locate(path) } });
    let rego;
    try {
      rego = templateRego(template, moduleFile);
    } catch (e) {
      if (e instanceof RegoError || e instanceof RegoErrors) throw e;
      throw new UsageError(`${file}: ${(e as Error).message}`);
    }
    if (i > 0 && rego.regoVersion !== regoVersion) throw new UsageError(`${file}: its ConstraintTemplates mix Rego v0 and v1: compile them one file at a time`);
    modules.push(...rego.modules);
    entrypoints.push(rego.entrypoint);
    regoVersion = rego.regoVersion;
  }
  return { modules, regoVersion, defaultEntrypoints: entrypoints };
}
