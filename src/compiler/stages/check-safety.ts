// Stage: safety of rule bodies and heads. Every variable a head uses must be
// bound by the body; every body must be orderable (see safety.ts). Closures
// (comprehensions, `every`) are checked again when planned, with the outer
// bindings they see.
import type { Body, Term } from '../ast';
import { RegoError } from '../errors';
import { varsOf } from '../visit';
import type { Program } from './resolve';
import { displayName, Safety, visibleVars } from './safety';

export function checkSafety(program: Program, arity: (fn: Term) => number | undefined): void {
  for (const r of program.rules) {
    const clauses: { body: Body; value?: Term }[] = [{ body: r.body, value: r.value }];
    for (let e = r.else; e; e = e.else) clauses.push({ body: e.body, value: e.value });
    for (const clause of clauses) {
      const headTerms: Term[] = [...r.path, ...(r.key ? [r.key] : []), ...(clause.value ? [clause.value] : [])];
      const visible = visibleVars([...headTerms, ...(r.args ?? [])], [clause.body]);
      const safety = new Safety({ arity, visible });
      const params = new Set<string>();
      for (const a of r.args ?? []) varsOf(a, params);
      const { bound } = safety.reorder(clause.body, params);
      for (const t of headTerms) {
        const a = safety.term(t, bound);
        if (!a.ok) throw new RegoError('rego_unsafe_var_error', `var ${displayName(a.missing.name)} is unsafe`, a.missing.pos);
        // A head may iterate over wildcards (`q(_) := xs[_]`), never bind a named variable.
        const named = [...a.outputs].find((v) => !v.startsWith('$wildcard'));
        if (named !== undefined) throw new RegoError('rego_unsafe_var_error', `var ${displayName(named)} is unsafe`, t.pos);
      }
    }
  }
}
