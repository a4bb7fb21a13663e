// Constraints indexed by the kinds they match: an object is matched only against the
// constraints whose `match.kinds` can take it, not against every constraint loaded (a
// platform team's 1,000 constraints, most for other kinds). The criterion is the one
// match.ts checks first (kindsMatch), so leaving the others out changes no verdict: a
// constraint that fails on kinds is unmatched, before any criterion that could error.
import type { K8sObject, Match } from './types';
import { gvkOf } from './types';

export class KindIndex<C extends { match?: Match }> {
  private readonly byKind = new Map<string, C[]>();

  /** `constraints` in the order results are made in; every list handed out keeps it. */
  constructor(private readonly constraints: C[]) {}

  /** The constraints whose kinds can match the object or, when there is one, the old object; in order. */
  candidates(object: K8sObject | null, oldObject: K8sObject | null): C[] {
    const a = object ? this.forKind(object) : undefined;
    const b = oldObject ? this.forKind(oldObject) : undefined;
    if (!a || !b || a === b) return a ?? b ?? this.constraints;
    const either = new Set([...a, ...b]);
    return this.constraints.filter((c) => either.has(c));
  }

  private forKind(obj: K8sObject): C[] {
    const { group, kind } = gvkOf(obj);
    const key = `${group}/${kind}`;
    let list = this.byKind.get(key);
    if (!list) {
      list = this.constraints.filter((c) => kindsAllow(c.match, group, kind));
      this.byKind.set(key, list);
    }
    return list;
  }
}

/** match.ts's kinds criterion: no kinds, or an entry whose kinds and apiGroups are empty, `*` or name the object's. */
function kindsAllow(match: Match | undefined, group: string, kind: string): boolean {
  if (match == null || !match.kinds?.length) return true;
  const allows = (list: string[] | undefined, value: string) => !list?.length || list.includes('*') || list.includes(value);
  return match.kinds.some((entry) => allows(entry.kinds, kind) && allows(entry.apiGroups, group));
}
