// Building the run's Summary from its findings, and the action vocabulary every
// format shares: which action a finding stands for, in which order actions are listed.
import type { Finding, InputError, ObjectRef, Summary } from './model';

/** Actions offgate knows, most severe first; any other string sorts after them, alphabetically. */
const KNOWN_ACTIONS = ['deny', 'warn', 'dryrun'];

/**
 * The action a finding stands for. A `scoped` constraint lists its actions for gator's
 * enforcement point (`scopedActions`); it stands for the most severe of them.
 */
export function effectiveAction(f: Finding): string {
  if (f.enforcementAction !== 'scoped') return f.enforcementAction;
  const actions = f.scopedActions ?? [];
  return KNOWN_ACTIONS.find((a) => actions.includes(a)) ?? actions[0] ?? 'scoped';
}

/** deny, warn, dryrun, then the other actions alphabetically. */
export function compareActions(a: string, b: string): number {
  const rank = (x: string) => {
    const i = KNOWN_ACTIONS.indexOf(x);
    return i === -1 ? KNOWN_ACTIONS.length : i;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Findings per effective action, keys in `compareActions` order. */
export function countByAction(findings: readonly Finding[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) {
    const a = effectiveAction(f);
    counts.set(a, (counts.get(a) ?? 0) + 1);
  }
  return byActionOrder(counts);
}

/** Counts per action as a record, keys in `compareActions` order. */
function byActionOrder(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => compareActions(a, b)));
}

export interface SummaryInput {
  findings: readonly Finding[];
  errors: readonly InputError[];
  /** Manifest files read. */
  files: number;
  /** Files skipped as no Kubernetes manifests. */
  skipped?: number;
  /** Objects reviewed (as written in the files; a workload's generated Pods are not counted). */
  objects: number;
}

export function summarize({ findings, errors, files, objects, skipped = 0 }: SummaryInput): Summary {
  return { files, objects, skipped, byAction: countByAction(findings), errors: errors.length };
}

/**
 * For one action: how many objects of the files (a workload for its generated Pods) it
 * meets, and with how many findings. A workload is counted once however many of its
 * containers fail.
 */
export interface Outcome {
  action: string;
  /** Workloads (Deployments, CronJobs, …) whose generated Pods have a finding. */
  workloads: number;
  /** Other objects with a finding of their own. */
  objects: number;
  findings: number;
}

/** The objects each action meets, most severe action first; an object is counted under each action it meets. */
export function outcomes(findings: readonly Finding[]): Outcome[] {
  // One key per finding, made once: the same string then serves every set it goes in.
  const keys = subjectKeys(findings);
  // A workload whose own fields are also reviewed is still one workload.
  const workloads = new Set<string>();
  for (let i = 0; i < findings.length; i++) if (findings[i]!.workload) workloads.add(keys[i]!);
  const byAction = new Map<string, { workloads: Set<string>; objects: Set<string>; findings: number }>();
  for (let i = 0; i < findings.length; i++) {
    const action = effectiveAction(findings[i]!);
    let entry = byAction.get(action);
    if (!entry) byAction.set(action, (entry = { workloads: new Set(), objects: new Set(), findings: 0 }));
    const key = keys[i]!;
    (workloads.has(key) ? entry.workloads : entry.objects).add(key);
    entry.findings++;
  }
  return [...byAction]
    .sort(([a], [b]) => compareActions(a, b))
    .map(([action, e]) => ({ action, workloads: e.workloads.size, objects: e.objects.size, findings: e.findings }));
}

/**
 * Each finding's subjectKey. A lint's findings of one object share its ObjectRef (18k
 * findings, 2k objects): the key is made once per ref and file, not once per finding.
 */
function subjectKeys(findings: readonly Finding[]): string[] {
  const byRef = new Map<ObjectRef, { file: string; key: string }>();
  return findings.map((f) => {
    const ref = f.workload ?? f.object;
    const known = byRef.get(ref);
    if (known && known.file === f.file) return known.key;
    const key = subjectKey(f);
    if (!known) byRef.set(ref, { file: f.file, key });
    return key;
  });
}

/** The object of the files a finding is about (the workload for a generated Pod), as a key. */
function subjectKey(f: Finding): string {
  const o = f.workload ?? f.object;
  // NUL cannot occur in a path or a Kubernetes name: a separator no part can contain.
  return `${f.file}\0${o.apiVersion}\0${o.kind}\0${o.namespace ?? ''}\0${o.name ?? ''}`;
}

/** Findings of one constraint kind (one restriction of offgate.yaml, or a template of --policy), per action. */
export interface KindCount {
  kind: string;
  byAction: Record<string, number>;
  total: number;
}

/** Findings per constraint kind: most findings first, then by kind. */
export function countByKind(findings: readonly Finding[]): KindCount[] {
  // Counted in one pass, per kind and action: no list of findings per kind.
  const byKind = new Map<string, { counts: Map<string, number>; total: number }>();
  for (const f of findings) {
    let entry = byKind.get(f.constraint.kind);
    if (!entry) byKind.set(f.constraint.kind, (entry = { counts: new Map(), total: 0 }));
    const a = effectiveAction(f);
    entry.counts.set(a, (entry.counts.get(a) ?? 0) + 1);
    entry.total++;
  }
  return [...byKind]
    .map(([kind, e]) => ({ kind, byAction: byActionOrder(e.counts), total: e.total }))
    .sort((a, b) => b.total - a.total || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}
