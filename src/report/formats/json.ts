// The machine format (`-o json`), documented in json.md. Every object is built here key
// by key, so the key order is part of the schema and does not follow the model's.
import type { Finding, InputError, ObjectRef, Report, Summary } from '../model';
import { compareActions } from '../summary';
import type { RenderOptions } from './types';

export function render(report: Report, _opts: RenderOptions): string {
  const doc = {
    version: report.version,
    sources: report.sources,
    results: report.findings.map(result),
    errors: report.errors.map(inputError),
    warnings: report.warnings,
    summary: summary(report.summary),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function objectRef(ref: ObjectRef) {
  return { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace ?? null, name: ref.name ?? null };
}

function result(f: Finding) {
  return {
    file: f.file,
    line: f.line,
    column: f.column,
    object: objectRef(f.object),
    ...(f.workload ? { workload: { ...objectRef(f.workload), expansion: f.workload.expansion, builtIn: f.workload.builtIn } } : {}),
    constraint: { kind: f.constraint.kind, name: f.constraint.name },
    enforcementAction: f.enforcementAction,
    ...(f.enforcementAction === 'scoped' ? { scopedActions: f.scopedActions ?? [] } : {}),
    message: f.message,
    details: f.details ?? null,
    ...(f.path !== undefined ? { path: f.path } : {}),
    ...(f.fix !== undefined ? { fix: f.fix } : {}),
    ...(f.evaluationError ? { evaluationError: true } : {}),
    ...(f.autoreject ? { autoreject: true } : {}),
  };
}

function inputError(e: InputError) {
  return { file: e.file, line: e.line ?? null, column: e.column ?? null, message: e.message };
}

function summary(s: Summary) {
  const byAction = Object.fromEntries(Object.entries(s.byAction).sort(([a], [b]) => compareActions(a, b)));
  return { files: s.files, objects: s.objects, byAction, errors: s.errors };
}
