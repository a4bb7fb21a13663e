// Which findings a change adds and removes. A finding is the same on both sides when it is
// about the same file, object (and workload), constraint kind, enforcement action and message:
// never its line and column, so lines moved by an edit above are not "new", nor the
// constraint's name, which differs between environments (offgate-baseline-… and
// offgate-restricted-… are the same rule). The enforcement action is part of it: a finding
// that goes from warn to deny is a new failure.
import type { Finding, ObjectRef } from '../report/model';

export interface Comparison {
  /** On the `to` side only, in its order. */
  added: Finding[];
  /** On the `from` side only, in its order. */
  removed: Finding[];
  /** How many are on both sides. */
  unchanged: number;
}

/** The identity of a finding across two lint runs. */
export function findingKey(f: Finding): string {
  const ref = (r: ObjectRef | undefined) => (r ? [r.apiVersion, r.kind, r.namespace ?? '', r.name ?? ''] : null);
  const actions = f.enforcementAction === 'scoped' ? [...(f.scopedActions ?? [])].sort() : [];
  return JSON.stringify([f.file, ref(f.object), ref(f.workload), f.constraint.kind, f.enforcementAction, actions, f.message]);
}

/**
 * `to` against `from`, as multisets: a finding twice on one side and once on the other
 * is one unchanged and one added (or removed).
 */
export function compareFindings(from: Finding[], to: Finding[]): Comparison {
  const remaining = new Map<string, number>();
  for (const f of from) remaining.set(findingKey(f), (remaining.get(findingKey(f)) ?? 0) + 1);
  const added: Finding[] = [];
  let unchanged = 0;
  for (const f of to) {
    const key = findingKey(f);
    const left = remaining.get(key) ?? 0;
    if (left > 0) {
      remaining.set(key, left - 1);
      unchanged++;
    } else added.push(f);
  }
  // The `from` findings not matched: the first ones of each key were matched, the rest removed.
  const removed: Finding[] = [];
  const seen = new Map<string, number>();
  const matched = new Map<string, number>();
  for (const f of from) matched.set(findingKey(f), (matched.get(findingKey(f)) ?? 0) + 1);
  for (const [key, left] of remaining) matched.set(key, (matched.get(key) ?? 0) - left);
  for (const f of from) {
    const key = findingKey(f);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n > (matched.get(key) ?? 0)) removed.push(f);
  }
  return { added, removed, unchanged };
}
