// The machine format (`-o json`), documented in json.md. Every object is built here key
// by key, so the key order is part of the schema and does not follow the model's.
import type { Finding, InputError, ObjectRef, Report, SkippedFile, Summary } from '../model';
import { compareActions } from '../summary';
import type { RenderOptions } from './types';

/** `-o json`'s document, as documented in json.md; also what the library API's `lint` returns. */
export interface JsonReport {
  version: string;
  sources: string[];
  results: JsonResult[];
  errors: JsonInputError[];
  warnings: string[];
  skipped: JsonSkippedFile[];
  summary: JsonSummary;
  /** The `--baseline` file results were compared with. */
  baseline?: string;
}

/** A file read but not linted: none of its documents has apiVersion and kind. */
export interface JsonSkippedFile {
  file: string;
  reason: string;
}

export interface JsonObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string | null;
  name: string | null;
}

export interface JsonResult {
  file: string;
  line: number;
  column: number;
  object: JsonObjectRef;
  workload?: JsonObjectRef & { expansion: string; builtIn: boolean };
  constraint: { kind: string; name: string };
  enforcementAction: string;
  scopedActions?: string[];
  message: string;
  details: unknown;
  path?: string;
  fix?: string;
  evaluationError?: true;
  autoreject?: true;
  rendered?: { by: string; from: string };
  environment?: string;
  baselined?: true;
}

export interface JsonInputError {
  file: string;
  line: number | null;
  column: number | null;
  message: string;
}

export interface JsonSummary {
  files: number;
  objects: number;
  skipped: number;
  byAction: Record<string, number>;
  errors: number;
  baselined?: number;
}

export function render(report: Report, _opts: RenderOptions): string {
  // Written at once: its objects may share their parts (see Parts).
  const parts = new Parts();
  return `${JSON.stringify(jsonReport(report, report.findings.map((f) => result(f, parts))), null, 2)}\n`;
}

/** The report as `-o json` writes it, key by key in the documented order. */
export function toJsonReport(report: Report): JsonReport {
  return jsonReport(report, report.findings.map((f) => result(f)));
}

function jsonReport(report: Report, results: JsonResult[]): JsonReport {
  return {
    version: report.version,
    sources: report.sources,
    results,
    errors: report.errors.map(inputError),
    warnings: report.warnings,
    skipped: (report.skipped ?? []).map(skippedFile),
    summary: summary(report.summary),
    ...(report.baseline !== undefined ? { baseline: report.baseline } : {}),
  };
}

function objectRef(ref: ObjectRef): JsonObjectRef {
  return { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace ?? null, name: ref.name ?? null };
}

/**
 * One result, its optional keys assigned in the documented order rather than spread in:
 * a spread of `cond ? {…} : {}` allocates an object per key and leaves results of many
 * shapes, which JSON.stringify then walks the slow way (18k results: twice the time).
 */
function result(f: Finding, parts?: Parts): JsonResult {
  const r: JsonResult = { file: f.file, line: f.line, column: f.column, object: parts ? parts.object(f.object) : objectRef(f.object) } as JsonResult;
  if (f.workload) r.workload = parts ? parts.workload(f.workload) : workloadRef(f.workload);
  r.constraint = parts ? parts.constraint(f.constraint) : { kind: f.constraint.kind, name: f.constraint.name };
  r.enforcementAction = f.enforcementAction;
  if (f.enforcementAction === 'scoped') r.scopedActions = f.scopedActions ?? [];
  r.message = f.message;
  r.details = f.details ?? null;
  if (f.path !== undefined) r.path = f.path;
  if (f.fix !== undefined) r.fix = f.fix;
  if (f.evaluationError) r.evaluationError = true;
  if (f.autoreject) r.autoreject = true;
  if (f.rendered) r.rendered = { by: f.rendered.by, from: f.rendered.from };
  if (f.environment !== undefined) r.environment = f.environment;
  if (f.baselined) r.baselined = true;
  return r;
}

function workloadRef(w: NonNullable<Finding['workload']>): NonNullable<JsonResult['workload']> {
  const workload = objectRef(w) as NonNullable<JsonResult['workload']>;
  workload.expansion = w.expansion;
  workload.builtIn = w.builtIn;
  return workload;
}

/**
 * For a document written at once (render), never for one handed to a caller who may change
 * it (toJsonReport): each object, workload and constraint as JSON once, shared by its
 * results, as a lint's findings of one object share its ObjectRef (18k results, 2k objects).
 */
class Parts {
  private readonly objects = new Map<ObjectRef, JsonObjectRef>();
  private readonly workloads = new Map<NonNullable<Finding['workload']>, NonNullable<JsonResult['workload']>>();
  private readonly constraints = new Map<Finding['constraint'], JsonResult['constraint']>();

  object(ref: ObjectRef): JsonObjectRef {
    let json = this.objects.get(ref);
    if (!json) this.objects.set(ref, (json = objectRef(ref)));
    return json;
  }

  workload(w: NonNullable<Finding['workload']>): NonNullable<JsonResult['workload']> {
    let json = this.workloads.get(w);
    if (!json) this.workloads.set(w, (json = workloadRef(w)));
    return json;
  }

  constraint(c: Finding['constraint']): JsonResult['constraint'] {
    let json = this.constraints.get(c);
    if (!json) this.constraints.set(c, (json = { kind: c.kind, name: c.name }));
    return json;
  }
}

function inputError(e: InputError): JsonInputError {
  return { file: e.file, line: e.line ?? null, column: e.column ?? null, message: e.message };
}

function skippedFile(s: SkippedFile): JsonSkippedFile {
  return { file: s.file, reason: s.reason };
}

function summary(s: Summary): JsonSummary {
  const byAction = Object.fromEntries(Object.entries(s.byAction).sort(([a], [b]) => compareActions(a, b)));
  return { files: s.files, objects: s.objects, skipped: s.skipped ?? 0, byAction, errors: s.errors, ...(s.baselined !== undefined ? { baselined: s.baselined } : {}) };
}
