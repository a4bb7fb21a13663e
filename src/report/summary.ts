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
