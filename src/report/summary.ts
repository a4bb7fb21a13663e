// Building the run's Summary from its findings, and the action vocabulary every
// format shares: which action a finding stands for, in which order actions are listed.
import type { Finding, InputError, Summary } from './model';

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
  const byAction = new Map<string, { workloads: Set<string>; objects: Set<string>; findings: number }>();
  // A workload whose own fields are also reviewed is still one workload.
  const workloads = new Set(findings.filter((f) => f.workload).map(subjectKey));
  for (const f of findings) {
    const action = effectiveAction(f);
    let entry = byAction.get(action);
    if (!entry) byAction.set(action, (entry = { workloads: new Set(), objects: new Set(), findings: 0 }));
    const key = subjectKey(f);
    (workloads.has(key) ? entry.workloads : entry.objects).add(key);
    entry.findings++;
  }
  return [...byAction]
    .sort(([a], [b]) => compareActions(a, b))
    .map(([action, e]) => ({ action, workloads: e.workloads.size, objects: e.objects.size, findings: e.findings }));
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
  const byKind = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byKind.get(f.constraint.kind);
    if (list) list.push(f);
    else byKind.set(f.constraint.kind, [f]);
  }
  return [...byKind]
    .map(([kind, list]) => ({ kind, byAction: countByAction(list), total: list.length }))
    .sort((a, b) => b.total - a.total || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}
