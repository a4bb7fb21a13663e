// Wording and helpers shared by the output formats, so that every format names objects,
// constraints, consequences and constraint sources the same way.
import { isAbsolute, relative } from 'node:path';
import type { Finding, ObjectRef, Summary } from './model';
import { compareActions, effectiveAction } from './summary';

/** `Deployment shop/web`, `Namespace shop`, `Pod shop/(unnamed)`. */
export function refLabel(ref: ObjectRef): string {
  const name = ref.name ?? '(unnamed)';
  return `${ref.kind || '(no kind)'} ${ref.namespace ? `${ref.namespace}/${name}` : name}`;
}

/** The object in the file a finding is about: the workload for a generated Pod. */
export function subjectLabel(f: Finding): string {
  return refLabel(f.workload ?? f.object);
}

/** `K8sPSPPrivilegedContainer/no-privileged`. */
export function constraintLabel(f: Finding): string {
  return `${f.constraint.kind}/${f.constraint.name}`;
}

/** What happens to the Pods a workload's controller creates. */
function podsConsequence(workload: ObjectRef, action: string): string {
  const pods = `pods of ${refLabel(workload)}`;
  switch (action) {
    case 'deny':
      return `${pods} would be rejected at creation`;
    case 'warn':
      return `${pods} would be admitted with a warning at creation`;
    case 'dryrun':
      return `${pods} would be admitted at creation (dryrun: the violation is only recorded)`;
    default:
      return `${pods} would meet enforcementAction "${action}" at creation`;
  }
}

export const EVALUATION_ERROR_NOTE = 'the template itself failed on this object; a cluster running the Rego engine rejects it';
export const AUTOREJECT_NOTE =
  'the constraint could not be matched against this object (e.g. its namespaceSelector needs a Namespace no input describes); Gatekeeper rejects it';

/** One-line explanations of a finding beyond its message, in display order. */
export function notesOf(f: Finding, consequence: (workload: ObjectRef, action: string) => string = podsConsequence): string[] {
  const notes: string[] = [];
  if (f.workload) notes.push(consequence(f.workload, effectiveAction(f)));
  if (f.evaluationError) notes.push(EVALUATION_ERROR_NOTE);
  if (f.autoreject) notes.push(AUTOREJECT_NOTE);
  if (f.rendered) notes.push(`rendered by ${f.rendered.by} ${f.rendered.from}`);
  // Set when offgate.yaml's `paths:` chose it: the file's environment, which the run did not name.
  if (f.environment !== undefined) notes.push(`checked against environment ${f.environment}`);
  return notes;
}

/**
 * notesOf for the findings of one report, each workload's note made once per action: a
 * lint's findings of one workload share its ObjectRef (9k findings, a thousand workloads).
 */
export class Notes {
  private readonly byWorkload = new Map<ObjectRef, Map<string, string>>();
  private readonly consequence = (workload: ObjectRef, action: string): string => {
    let byAction = this.byWorkload.get(workload);
    if (!byAction) this.byWorkload.set(workload, (byAction = new Map()));
    let note = byAction.get(action);
    if (note === undefined) byAction.set(action, (note = podsConsequence(workload, action)));
    return note;
  };

  of(f: Finding): string[] {
    return notesOf(f, this.consequence);
  }
}

/** `bundled:baseline` → `bundled baseline preset`, `policy:./dir` → `./dir`, … */
export function sourceLabel(source: string): string {
  const colon = source.indexOf(':');
  const [kind, rest] = colon === -1 ? [source, ''] : [source.slice(0, colon), source.slice(colon + 1)];
  switch (kind) {
    case 'bundled':
      return `bundled ${rest} preset`;
    case 'env':
      return `environment ${rest}`;
    case 'policy':
      return rest;
    case 'inputs':
      return rest ? source : 'the inputs';
    default:
      return source;
  }
}

export function sourcesLine(sources: readonly string[]): string {
  return `constraints: ${sources.length === 0 ? 'none' : sources.map(sourceLabel).join(', ')}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function actionCount(action: string, n: number): string {
  switch (action) {
    case 'deny':
      return `${n} denied`;
    case 'warn':
      return plural(n, 'warning');
    case 'dryrun':
      return `${n} dry-run`;
    default:
      return `${n} ${action}`;
  }
}

/** `3 denied, 1 warning, 2 dry-run · 1 input error · 12 objects in 4 files`. */
export function summaryLine(s: Summary): string {
  const counts = Object.entries(s.byAction)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => compareActions(a, b))
    .map(([a, n]) => actionCount(a, n));
  const parts = [counts.length > 0 ? counts.join(', ') : 'no violations'];
  if (s.errors > 0) parts.push(plural(s.errors, 'input error'));
  parts.push(`${plural(s.objects, 'object')} in ${plural(s.files, 'file')}`);
  if (s.skipped) parts.push(`${plural(s.skipped, 'file')} skipped: not Kubernetes objects`);
  return parts.join(' · ');
}

/** `12 findings baselined (offgate-baseline.json)`, for a run with `--baseline`; nothing without one. */
export function baselinedLine(report: { summary: Summary; baseline?: string }): string | undefined {
  if (report.baseline === undefined) return undefined;
  return `${plural(report.summary.baselined ?? 0, 'finding')} baselined (${report.baseline})`;
}

/** `line:col`, or just `line`, or nothing, for an input error's position. */
export function positionSuffix(line?: number, column?: number): string {
  if (line === undefined) return '';
  return column === undefined ? `:${line}` : `:${line}:${column}`;
}

/**
 * A file as CI tools want it: forward slashes, no leading `./`, and relative to `cwd`
 * when it is an absolute path inside it. Other absolute paths stay absolute.
 */
export function portablePath(file: string, cwd: string): string {
  let p = file;
  if (isAbsolute(file)) {
    const rel = relative(cwd, file);
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) p = rel;
  }
  p = p.replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

/** Items grouped by file, files in order of first appearance. */
export function groupByFile<T extends { file: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.file);
    if (group) group.push(item);
    else groups.set(item.file, [item]);
  }
  return groups;
}

/** By line, then column; stable. */
export function byPosition<T extends { line?: number; column?: number }>(a: T, b: T): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/**
 * Control characters from manifests (terminal escapes, NUL, …) made visible as `\xNN`,
 * so that a manifest cannot drive the terminal or a CI log. Tabs and newlines stay.
 */
export function visible(text: string): string {
  // Tested first: nearly every text has none, and a test is cheaper than a replace.
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROL_ALL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');
