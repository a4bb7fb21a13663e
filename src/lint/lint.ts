// `offgate lint` as a library function: manifests in, one Report out. The
// steps read top to bottom: read inputs and policies, choose the constraints
// (environment, or the user's own), evaluate with the engine, place each
// finding at its field in the file.
import { loadConfig } from '../config/load';
import { resolveEnvironment } from '../config/resolve';
import { loadLibraryWasm, entrypointOf, compilerVersion } from '../gatekeeper/bundled-wasm';
import { evaluate, type Located, type PrecompiledTemplate, type Result } from '../gatekeeper/engine';
import { bundledTemplates, renderConstraintTemplate, type BundledTemplate } from '../gatekeeper/library';
import { CONSTRAINT_GROUP } from '../gatekeeper/constraint-schema';
import { isConstraintTemplate } from '../gatekeeper/templates';
import { gvkOf, type K8sObject } from '../gatekeeper/types';
import { formatReadError, readManifests, type ManifestObject, type ReadError } from '../manifests';
import { checkLimits, DEFAULT_LIMITS } from '../policy/limits';
import type { Finding, InputError, Report } from '../report/model';
import { summarize } from '../report/summary';

export interface LintOptions {
  /** Files, folders, globs, or `-` for stdin. */
  paths: string[];
  cwd?: string;
  stdin?: NodeJS.ReadableStream | string;
  /** `--env NAME`: an environment of offgate.yaml, or a preset (baseline, restricted). */
  env?: string;
  /** `--config FILE`; default: offgate.yaml found upward from cwd. */
  configPath?: string;
  /** `--policy DIR`: ConstraintTemplates and Constraints of the user's own (a GitOps repository). */
  policyDirs?: string[];
  /** `--namespace NS`: where namespaced objects without a namespace land (default `default`). */
  namespace?: string;
  /** `--timeout SECONDS` in milliseconds: evaluation deadline per template and object (the CLI passes 30,000, Gatekeeper's maximum webhook timeout). */
  timeoutMs?: number;
  /** `--max-file-size SIZE` in bytes: larger inputs are refused, not read (the CLI passes 64 MiB). */
  maxFileSize?: number;
  /** `--gatekeeper-namespace NS`: the namespace whose Config named `config` Gatekeeper reads (the CLI passes gatekeeper-system). */
  gatekeeperNamespace?: string;
  /** Maximum memory of each template's module, in bytes (default 1 GiB). */
  memoryLimitBytes?: number;
  /** Called with the number of files read so far (progress display). */
  onProgress?: (done: number) => void;
}

export interface LintOutcome {
  report: Report;
  /** The configuration itself is unusable (unknown environment, bad offgate.yaml): nothing was linted. */
  fatal?: string;
}

export async function lint(opts: LintOptions): Promise<LintOutcome> {
  const badLimits = checkLimits({ timeoutMs: opts.timeoutMs ?? DEFAULT_LIMITS.timeoutMs, memoryLimitBytes: opts.memoryLimitBytes ?? DEFAULT_LIMITS.memoryLimitBytes });
  if (badLimits) return { report: emptyReport([]), fatal: badLimits };
  const cwd = opts.cwd ?? process.cwd();
  const read = await readManifests(opts.paths, { cwd, stdin: opts.stdin, maxFileSize: opts.maxFileSize });
  // A document without apiVersion or kind is no Kubernetes object: an input error, as the API server says.
  const notObjects = read.objects.filter((m) => typeof m.object.apiVersion !== 'string' || typeof m.object.kind !== 'string' || !m.object.apiVersion || !m.object.kind);
  if (notObjects.length > 0) {
    read.objects = read.objects.filter((m) => !notObjects.includes(m));
    for (const m of notObjects) {
      const missing = typeof m.object.kind === 'string' && m.object.kind ? 'apiVersion' : 'kind';
      read.errors.push({ ...m.origin, message: `not a Kubernetes object: ${missing} is not set` });
    }
  }
  const policies = opts.policyDirs?.length ? await readManifests(opts.policyDirs, { cwd, maxFileSize: opts.maxFileSize }) : { objects: [], errors: [], warnings: [], files: [] };
  opts.onProgress?.(read.files.length);

  const byOrigin = new Map<object, ManifestObject>();
  const located = (m: ManifestObject): Located => {
    byOrigin.set(m.origin, m);
    return { object: m.object as K8sObject, origin: m.origin };
  };
  const isPolicy = (o: K8sObject) => isConstraintTemplate(o) || gvkOf(o).group === CONSTRAINT_GROUP;
  const userPolicy = [...policies.objects.filter((m) => isPolicy(m.object as K8sObject)), ...read.objects.filter((m) => isPolicy(m.object as K8sObject))];
  const userConstraints = userPolicy.filter((m) => gvkOf(m.object as K8sObject).group === CONSTRAINT_GROUP);
  const userTemplateKinds = new Set(userPolicy.filter((m) => isConstraintTemplate(m.object as K8sObject)).map((m) => templateKind(m.object as K8sObject)));

  // Which constraints apply: an environment (chosen, or from offgate.yaml, or the default
  // preset), unless the user brought constraints of their own and chose no environment.
  const loaded = loadConfig({ cwd, configPath: opts.configPath, maxFileSize: opts.maxFileSize });
  if ('error' in loaded) return { report: emptyReport([]), fatal: loaded.error };
  const sources: string[] = [];
  let envConstraints: K8sObject[] = [];
  if (opts.env || loaded.config || userConstraints.length === 0) {
    const env = resolveEnvironment(loaded.config, opts.env);
    if ('error' in env) return { report: emptyReport([]), fatal: env.error };
    envConstraints = env.constraints;
    sources.push(env.source);
  }
  if (policies.files.length > 0) sources.push(...(opts.policyDirs ?? []).map((d) => `--policy ${d}`));
  if (read.objects.some((m) => gvkOf(m.object as K8sObject).group === CONSTRAINT_GROUP)) sources.push('constraints among the inputs');

  // Constraints of a bundled kind use the bundled template unless the user brings one.
  const kinds = new Set([...envConstraints, ...userConstraints.map((m) => m.object as K8sObject)].map((c) => String(c.kind)));
  const bundled = bundledTemplates().filter((t) => kinds.has(t.metadata.kind) && !userTemplateKinds.has(t.metadata.kind));
  const precompiled = bundled.map(precompile);

  const out = evaluate({
    objects: [...envConstraints.map((object) => ({ object })), ...userPolicy.map(located), ...read.objects.filter((m) => !isPolicy(m.object as K8sObject)).map(located)],
    precompiled,
    options: { defaultNamespace: opts.namespace, timeoutMs: opts.timeoutMs, memoryLimitBytes: opts.memoryLimitBytes },
  });

  const fixes = new Map(bundled.map((t) => [t.metadata.kind, t.metadata.fix]));
  const findings = out.results.map((r) => toFinding(r, byOrigin, fixes));
  const errors: InputError[] = [...read.errors, ...policies.errors].map(readError);
  for (const e of out.errors) errors.push({ file: e.origin?.file ?? '', line: e.origin?.line, column: e.origin?.column, message: e.message });
  const report: Report = {
    version: compilerVersion(),
    sources,
    findings,
    errors,
    warnings: [...[...read.warnings, ...policies.warnings].map(formatReadError), ...(loaded.warnings ?? []), ...out.warnings],
    summary: summarize({ findings, errors, files: read.files.length, objects: read.objects.length }),
  };
  return { report };
}

function templateKind(t: K8sObject): string {
  return String((t.spec as { crd?: { spec?: { names?: { kind?: string } } } } | undefined)?.crd?.spec?.names?.kind ?? '');
}

/** A bundled template, evaluated in the shared library module (one instance for them all). */
function precompile(t: BundledTemplate): PrecompiledTemplate {
  return {
    kind: t.metadata.kind,
    wasm: loadLibraryWasm(),
    entrypoint: entrypointOf(t),
    template: renderConstraintTemplate(t, { code: false }) as K8sObject,
    readsInventory: t.readsInventory,
  };
}

/** A result placed at its field: the offending field's line when the template names it, else the object's. */
function toFinding(r: Result, byOrigin: Map<object, ManifestObject>, fixes: Map<string, string>): Finding {
  const m = r.origin ? byOrigin.get(r.origin) : undefined;
  const at = m && r.path ? m.locate(r.path) : (m?.origin ?? r.origin);
  const finding: Finding = {
    file: at?.file ?? '',
    line: at?.line ?? 1,
    column: at?.column ?? 1,
    object: r.object,
    constraint: r.constraint,
    enforcementAction: r.enforcementAction,
    message: r.message,
    details: r.details,
  };
  if (r.workload) finding.workload = r.workload;
  if (r.scopedActions) finding.scopedActions = r.scopedActions;
  if (r.path) finding.path = r.path;
  const fix = fixes.get(r.constraint.kind);
  if (fix && !r.evaluationError && !r.autoreject) finding.fix = fix;
  if (r.evaluationError) finding.evaluationError = true;
  if (r.autoreject) finding.autoreject = true;
  return finding;
}

function readError(e: ReadError): InputError {
  return { file: e.file, line: e.line, column: e.column, message: e.message };
}

function emptyReport(sources: string[]): Report {
  return { version: compilerVersion(), sources, findings: [], errors: [], warnings: [], summary: summarize({ findings: [], errors: [], files: 0, objects: 0 }) };
}
