// An `offgate lint -o json` document (src/report/formats/json.md) read back into the one
// result model, so that `offgate merge` can render the joined report in any format. The
// inverse of toJsonReport: rendering what this returns gives the same JSON again.
import type { JsonObjectRef } from '../report/formats/json';
import type { Finding, InputError, ObjectRef, Report, SkippedFile } from '../report/model';

/** Whether a parsed JSON document looks like offgate's report (rather than SARIF or anything else). */
export function isJsonReport(doc: unknown): boolean {
  return isRecord(doc) && 'results' in doc && 'summary' in doc && 'sources' in doc;
}

/** The report a JSON document holds; a document of another shape is one error naming the first bad key. */
export function reportFromJson(doc: unknown, file: string): Report | { error: string } {
  try {
    return toReport(doc);
  } catch (e) {
    if (e instanceof ShapeError) return { error: `${file}: not an offgate JSON report (offgate lint -o json): ${e.message}` };
    throw e;
  }
}

class ShapeError extends Error {}

function toReport(doc: unknown): Report {
  const d = record(doc, 'the document');
  const summary = record(d.summary, 'summary');
  const byAction = record(summary.byAction, 'summary.byAction');
  const report: Report = {
    version: str(d.version, 'version'),
    sources: list(d.sources, 'sources').map((s, i) => str(s, `sources[${i}]`)),
    findings: list(d.results, 'results').map((r, i) => finding(r, `results[${i}]`)),
    errors: list(d.errors, 'errors').map((e, i) => inputError(e, `errors[${i}]`)),
    warnings: list(d.warnings, 'warnings').map((w, i) => str(w, `warnings[${i}]`)),
    skipped: list(d.skipped ?? [], 'skipped').map((s, i) => skippedFile(s, `skipped[${i}]`)),
    summary: {
      files: num(summary.files, 'summary.files'),
      objects: num(summary.objects, 'summary.objects'),
      skipped: num(summary.skipped ?? 0, 'summary.skipped'),
      byAction: Object.fromEntries(Object.entries(byAction).map(([k, v]) => [k, num(v, `summary.byAction.${k}`)])),
      errors: num(summary.errors, 'summary.errors'),
      ...(summary.baselined !== undefined ? { baselined: num(summary.baselined, 'summary.baselined') } : {}),
    },
  };
  if (d.baseline !== undefined) report.baseline = str(d.baseline, 'baseline');
  return report;
}

function finding(v: unknown, at: string): Finding {
  const r = record(v, at);
  const constraint = record(r.constraint, `${at}.constraint`);
  const f: Finding = {
    file: str(r.file, `${at}.file`),
    line: num(r.line, `${at}.line`),
    column: num(r.column, `${at}.column`),
    object: objectRef(r.object, `${at}.object`),
    constraint: { kind: str(constraint.kind, `${at}.constraint.kind`), name: str(constraint.name, `${at}.constraint.name`) },
    enforcementAction: str(r.enforcementAction, `${at}.enforcementAction`),
    message: str(r.message, `${at}.message`),
    details: r.details,
  };
  if (r.workload !== undefined) {
    const w = record(r.workload, `${at}.workload`);
    f.workload = { ...objectRef(w, `${at}.workload`), expansion: str(w.expansion, `${at}.workload.expansion`), builtIn: w.builtIn === true };
  }
  if (r.scopedActions !== undefined) f.scopedActions = list(r.scopedActions, `${at}.scopedActions`).map((a, i) => str(a, `${at}.scopedActions[${i}]`));
  if (r.path !== undefined) f.path = str(r.path, `${at}.path`);
  if (r.fix !== undefined) f.fix = str(r.fix, `${at}.fix`);
  if (r.evaluationError === true) f.evaluationError = true;
  if (r.autoreject === true) f.autoreject = true;
  if (r.rendered !== undefined) {
    const x = record(r.rendered, `${at}.rendered`);
    f.rendered = { by: str(x.by, `${at}.rendered.by`), from: str(x.from, `${at}.rendered.from`) };
  }
  // Set when offgate.yaml's `paths:` chose the file's environment (a note in every format).
  if (r.environment !== undefined) f.environment = str(r.environment, `${at}.environment`);
  if (r.baselined === true) f.baselined = true;
  return f;
}

/** `{apiVersion, kind, namespace, name}` with nulls, as the engine builds it: absent keys for unknowns. */
function objectRef(v: unknown, at: string): ObjectRef {
  const o = record(v, at) as Partial<Record<keyof JsonObjectRef, unknown>>;
  const ref: ObjectRef = { apiVersion: str(o.apiVersion, `${at}.apiVersion`), kind: str(o.kind, `${at}.kind`) };
  if (o.namespace !== null && o.namespace !== undefined) ref.namespace = str(o.namespace, `${at}.namespace`);
  if (o.name !== null && o.name !== undefined) ref.name = str(o.name, `${at}.name`);
  return ref;
}

function inputError(v: unknown, at: string): InputError {
  const e = record(v, at);
  const error: InputError = { file: str(e.file, `${at}.file`), message: str(e.message, `${at}.message`) };
  if (e.line !== null && e.line !== undefined) error.line = num(e.line, `${at}.line`);
  if (e.column !== null && e.column !== undefined) error.column = num(e.column, `${at}.column`);
  return error;
}

function skippedFile(v: unknown, at: string): SkippedFile {
  const s = record(v, at);
  return { file: str(s.file, `${at}.file`), reason: str(s.reason, `${at}.reason`) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function record(v: unknown, at: string): Record<string, unknown> {
  if (!isRecord(v)) throw new ShapeError(`${at} must be an object`);
  return v;
}

function list(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) throw new ShapeError(`${at} must be a list`);
  return v;
}

function str(v: unknown, at: string): string {
  if (typeof v !== 'string') throw new ShapeError(`${at} must be a string`);
  return v;
}

function num(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ShapeError(`${at} must be a number`);
  return v;
}
