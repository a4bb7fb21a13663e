// Stage: safety. Decides, for each expression, which variables it needs bound
// and which it binds, and reorders each body so every variable is bound before
// it is used (OPA keeps the written order where it can, and so do we). A body
// that cannot be ordered has an unsafe variable: a positioned error.
//
// The planner asks the same questions while it generates code, so the two can
// never disagree about which side of a unification binds what.
import type { Body, Expr, Term, VarTerm } from '../ast';
import { RegoError } from '../errors';
import { walkBody, walkExpr, walkTerm } from '../visit';

export interface SafetyContext {
  /** Arity of a function (builtin or data function) named by a resolved call's `fn`, if known. */
  arity(fn: Term): number | undefined;
  /**
   * Variables of the enclosing scopes, as OPA sees them: those occurring in a
   * body (or head) outside its closures. A closure's variable that is visible
   * outside belongs to the outer scope and must be bound there first.
   */
  visible: ReadonlySet<string>;
}

type Analysis = { ok: true; outputs: Set<string> } | { ok: false; missing: VarTerm };

const ok = (outputs: Iterable<string> = []): Analysis => ({ ok: true, outputs: new Set(outputs) });

function isRoot(name: string): boolean {
  return name === 'input' || name === 'data';
}

/** Variables occurring in `terms` and `bodies` outside comprehensions and `every` bodies. */
export function visibleVars(terms: Term[], bodies: Body[], into = new Set<string>()): Set<string> {
  const visit = (t: Term) => {
    if (t.type === 'var') into.add(t.name);
    return !(t.type === 'arraycompr' || t.type === 'setcompr' || t.type === 'objectcompr');
  };
  for (const t of terms) walkTerm(t, visit);
  for (const b of bodies) walkBody(b, visit, { everyBodies: false });
  return into;
}

/** The variables of a closure (comprehension or `every` body) that belong to an enclosing scope. */
export function closureVars(inner: { terms: Term[]; bodies: Body[] }, ctx: SafetyContext): VarTerm[] {
  const seen = new Set<string>();
  const out: VarTerm[] = [];
  const visit = (t: Term) => {
    if (t.type !== 'var' || seen.has(t.name)) return;
    seen.add(t.name);
    if (!isRoot(t.name) && !t.name.startsWith('$wildcard') && ctx.visible.has(t.name)) out.push(t);
  };
  for (const t of inner.terms) walkTerm(t, visit);
  for (const b of inner.bodies) walkBody(b, visit);
  return out;
}

export class Safety {
  /**
   * closureVars of each closure analysed, by its body: reorder() analyses every
   * expression left once per pass, and walking a closure's whole body each time
   * made ordering a body with comprehensions quadratic in their size.
   */
  private readonly closures = new WeakMap<Body, { terms: Term[]; vars: VarTerm[] }>();

  constructor(readonly ctx: SafetyContext) {}

  /** The safety of a closure's body: its own visible variables join the enclosing ones. */
  nested(terms: Term[], bodies: Body[]): Safety {
    return new Safety({ arity: this.ctx.arity, visible: visibleVars(terms, bodies, new Set(this.ctx.visible)) });
  }

  /** Evaluating `t` as a value: what it needs and which ref-iteration variables it binds. */
  term(t: Term, bound: Bound): Analysis {
    switch (t.type) {
      case 'var':
        return bound.has(t.name) || isRoot(t.name) ? ok() : { ok: false, missing: t };
      case 'ref':
        return this.ref(t.terms, bound);
      case 'array':
      case 'set':
        return this.sequence(t.items, bound);
      case 'object':
        return this.sequence(t.entries.flat(), bound);
      case 'call':
        return this.call(t.fn, t.args, bound);
      case 'arraycompr':
      case 'setcompr':
        return this.closure({ terms: [t.head], bodies: [t.body] }, bound);
      case 'objectcompr':
        return this.closure({ terms: [t.key, t.value], bodies: [t.body] }, bound);
      default:
        return ok();
    }
  }

  private closure(inner: { terms: Term[]; bodies: Body[] }, bound: Bound): Analysis {
    for (const v of this.closureVarsOf(inner)) {
      if (!bound.has(v.name)) return { ok: false, missing: v };
    }
    return ok();
  }

  private closureVarsOf(inner: { terms: Term[]; bodies: Body[] }): VarTerm[] {
    const key = inner.bodies.length === 1 ? inner.bodies[0] : undefined;
    const hit = key && this.closures.get(key);
    if (hit && hit.terms.length === inner.terms.length && hit.terms.every((t, i) => t === inner.terms[i])) return hit.vars;
    const vars = closureVars(inner, this.ctx);
    if (key) this.closures.set(key, { terms: inner.terms, vars });
    return vars;
  }

  private ref(terms: Term[], bound: Bound): Analysis {
    const [head, ...path] = terms;
    const first = head.type === 'var' ? this.term(head, bound) : this.term(head, bound);
    if (!first.ok) return first;
    const now = extend(bound, first.outputs);
    const outputs = new Set(first.outputs);
    for (const k of path) {
      if (isPattern(k, now)) {
        for (const v of patternVars(k, now)) {
          outputs.add(v);
          now.add(v);
        }
        const inner = this.patternInputs(k, now);
        if (!inner.ok) return inner;
        continue;
      }
      const a = this.term(k, now);
      if (!a.ok) return a;
      for (const v of a.outputs) {
        outputs.add(v);
        now.add(v);
      }
    }
    return ok(outputs);
  }

  private sequence(items: Term[], bound: Bound): Analysis {
    const o = this.evaluationOrder(items, bound);
    return o.ok ? ok(o.outputs) : o;
  }

  /**
   * An order in which to evaluate `items` (the arguments of a call, the elements
   * of a composite): as written, except that an item waits for the items whose
   * refs bind its variables, as OPA allows (`foo == input.foos[foo]` iterates
   * the ref, binding foo, before comparing).
   */
  evaluationOrder(items: Term[], bound: Bound): { ok: true; order: number[]; outputs: Set<string> } | { ok: false; missing: VarTerm } {
    const now = extend(bound);
    const outputs = new Set<string>();
    const order: number[] = [];
    const done = items.map(() => false);
    // Linear when the written order works (long literals are common); a deferred
    // item is retried after each item taken.
    let first = 0;
    while (order.length < items.length) {
      while (done[first]) first++;
      let failure: Analysis | undefined;
      let taken = -1;
      for (let j = first; j < items.length && taken < 0; j++) {
        if (done[j]) continue;
        const a = this.term(items[j], now);
        if (!a.ok) {
          failure ??= a;
          continue;
        }
        for (const v of a.outputs) {
          outputs.add(v);
          now.add(v);
        }
        taken = j;
      }
      if (taken < 0) return failure as { ok: false; missing: VarTerm };
      done[taken] = true;
      order.push(taken);
    }
    return { ok: true, order, outputs };
  }

  private call(fn: Term, args: Term[], bound: Bound): Analysis {
    const arity = this.ctx.arity(fn);
    if (arity !== undefined && args.length === arity + 1) {
      const inputs = this.sequence(args.slice(0, arity), bound);
      if (!inputs.ok) return inputs;
      const now = extend(bound, inputs.outputs);
      const out = this.unifyWithValue(args[arity], now);
      if (!out.ok) return out;
      return ok([...inputs.outputs, ...out.outputs]);
    }
    return this.sequence(args, bound);
  }

  /** `pattern = <some evaluated value>`: the pattern's unbound vars become outputs. */
  private unifyWithValue(p: Term, bound: Bound): Analysis {
    if (isPattern(p, bound)) {
      const vars = patternVars(p, bound);
      const now = extend(bound, vars);
      const inner = this.patternInputs(p, now);
      if (!inner.ok) return inner;
      return ok([...vars, ...inner.outputs]);
    }
    return this.term(p, bound);
  }

  /** Non-pattern parts of a pattern (object keys, refs, calls inside it) must be evaluable. */
  private patternInputs(p: Term, bound: Bound): Analysis {
    switch (p.type) {
      case 'var':
        return ok();
      case 'array':
        return this.sequenceOf(p.items.map((x) => (y: Bound) => this.patternInputs(x, y)), bound);
      case 'object':
        return this.sequenceOf(
          p.entries.flatMap(([k, v]) => [(y: Bound) => this.term(k, y), (y: Bound) => this.patternInputs(v, y)]),
          bound,
        );
      default:
        return this.term(p, bound);
    }
  }

  private sequenceOf(steps: ((b: Bound) => Analysis)[], bound: Bound): Analysis {
    const now = extend(bound);
    const outputs = new Set<string>();
    for (const s of steps) {
      const a = s(now);
      if (!a.ok) return a;
      for (const v of a.outputs) {
        outputs.add(v);
        now.add(v);
      }
    }
    return ok(outputs);
  }

  /** `a = b`: one side may bind the other's variables. */
  unify(a: Term, b: Term, bound: Bound): Analysis {
    if (a.type === 'array' && b.type === 'array' && a.items.length === b.items.length) {
      return this.sequenceOf(a.items.map((x, i) => (y: Bound) => this.unify(x, b.items[i], y)), bound);
    }
    if (a.type === 'object' && b.type === 'object' && a.entries.length === b.entries.length) {
      const pairs = matchObjectKeys(a, b);
      if (pairs) return this.sequenceOf(pairs.map(([x, y]) => (s: Bound) => this.unify(x, y, s)), bound);
    }
    const aPattern = isPattern(a, bound);
    const bPattern = isPattern(b, bound);
    if (aPattern && !bPattern) {
      const value = this.term(b, bound);
      if (!value.ok) return value;
      const rest = this.unifyWithValue(a, extend(bound, value.outputs));
      if (!rest.ok) return rest;
      return ok([...value.outputs, ...rest.outputs]);
    }
    if (bPattern && !aPattern) return this.unify(b, a, bound);
    if (aPattern && bPattern) {
      // Both sides still have unbound variables and cannot be matched term by term.
      return { ok: false, missing: patternVarTerms(a, bound)[0] ?? patternVarTerms(b, bound)[0] };
    }
    return this.sequenceOf([(s) => this.term(a, s), (s) => this.term(b, s)], bound);
  }

  expr(e: Expr, bound: Bound): Analysis {
    for (const w of e.with) {
      const a = w.value.type === 'var' && !bound.has(w.value.name) && !isRoot(w.value.name) ? ok() : this.term(w.value, bound);
      if (!a.ok) return a;
    }
    const r = this.exprBody(e, bound);
    if (!r.ok || !e.negated) return r;
    // A negation binds nothing; its own variables must be bound already, except wildcards.
    for (const v of r.outputs) {
      if (!v.startsWith('$wildcard')) return { ok: false, missing: findVar(e, v) ?? { type: 'var', name: v, pos: e.pos } };
    }
    return ok();
  }

  private exprBody(e: Expr, bound: Bound): Analysis {
    const b = e.body;
    switch (b.kind) {
      case 'some':
        return ok();
      case 'somein': {
        const d = this.term(b.domain, bound);
        if (!d.ok) return d;
        const now = extend(bound, d.outputs);
        const outs = new Set(d.outputs);
        for (const p of b.key ? [b.key, b.value] : [b.value]) {
          const a = this.unifyWithValue(p, now);
          if (!a.ok) return a;
          for (const v of a.outputs) {
            outs.add(v);
            now.add(v);
          }
        }
        return ok(outs);
      }
      case 'every': {
        const d = this.term(b.domain, bound);
        if (!d.ok) return d;
        const inner = this.closure({ terms: b.key ? [b.key, b.value] : [b.value], bodies: [b.body] }, extend(bound, d.outputs));
        if (!inner.ok) return inner;
        return ok(d.outputs);
      }
      case 'term': {
        const t = b.term;
        if (t.type === 'call' && t.fn.type === 'var' && (t.fn.name === 'eq' || t.fn.name === 'assign') && t.args.length === 2) {
          return this.unify(t.args[0], t.args[1], bound);
        }
        return this.term(t, bound);
      }
    }
  }

  /**
   * Orders `body` so each expression's inputs are bound before it runs; returns
   * the ordered body and the variables bound at its end.
   */
  reorder(body: Body, bound: ReadonlySet<string>): { body: Body; bound: Set<string> } {
    const remaining = [...body];
    const out: Body = [];
    const now = new Set(bound);
    while (remaining.length > 0) {
      let picked = -1;
      for (let i = 0; i < remaining.length; i++) {
        const a = this.expr(remaining[i], now);
        if (a.ok) {
          for (const v of a.outputs) now.add(v);
          picked = i;
          break;
        }
      }
      if (picked < 0) throw this.unsafe(remaining, now);
      out.push(remaining[picked]);
      // Usually the first one is ready: shifting keeps long bodies linear.
      if (picked === 0) remaining.shift();
      else remaining.splice(picked, 1);
    }
    return { body: out, bound: now };
  }

  private unsafe(remaining: Body, bound: Bound): RegoError {
    for (const e of remaining) {
      const a = this.expr(e, bound);
      if (!a.ok) {
        const v = a.missing;
        return new RegoError('rego_unsafe_var_error', `var ${displayName(v.name)} is unsafe`, v.pos);
      }
    }
    return new RegoError('rego_unsafe_var_error', 'body is unsafe', remaining[0].pos);
  }
}

/** The variables bound at some point: a Set, or an Extended one. */
export interface Bound {
  has(name: string): boolean;
}

/**
 * A set of bound variables extended by a few more, without copying it: the
 * analysis of each expression adds its outputs to what the body bound before
 * it, and copying that set for every expression made long bodies quadratic.
 */
class Extended implements Bound {
  private readonly added: Set<string>;
  constructor(private readonly base: Bound, added: Iterable<string>) {
    this.added = new Set(added);
  }
  has(name: string): boolean {
    return this.added.has(name) || this.base.has(name);
  }
  add(name: string): void {
    this.added.add(name);
  }
}

function extend(base: Bound, added: Iterable<string> = []): Extended {
  return new Extended(base, added);
}

/** The name a user wrote: locals are renamed `x$3`, wildcards `$wildcard0`. */
export function displayName(name: string): string {
  if (name.startsWith('$wildcard')) return '_';
  const i = name.indexOf('$');
  return i > 0 ? name.slice(0, i) : name;
}

/** A term with unbound variables in positions unification can bind (vars, array items, object values). */
export function isPattern(t: Term, bound: Bound): boolean {
  return patternVarTerms(t, bound).length > 0;
}

export function patternVars(t: Term, bound: Bound): string[] {
  return [...new Set(patternVarTerms(t, bound).map((v) => v.name))];
}

function patternVarTerms(t: Term, bound: Bound): VarTerm[] {
  switch (t.type) {
    case 'var':
      return bound.has(t.name) || isRoot(t.name) ? [] : [t];
    case 'array':
      return t.items.flatMap((x) => patternVarTerms(x, bound));
    case 'object':
      return t.entries.flatMap(([, v]) => patternVarTerms(v, bound));
    default:
      return [];
  }
}

export function matchObjectKeys(a: Term & { type: 'object' }, b: Term & { type: 'object' }): [Term, Term][] | null {
  const key = (t: Term) => (t.type === 'string' || t.type === 'number' || t.type === 'boolean' ? `${t.type}:${String((t as { value: unknown }).value)}` : t.type === 'null' ? 'null' : null);
  const pairs: [Term, Term][] = [];
  for (const [ka, va] of a.entries) {
    const k = key(ka);
    if (k === null) return null;
    const match = b.entries.find(([kb]) => key(kb) === k);
    if (!match) return null;
    pairs.push([va, match[1]]);
  }
  return pairs;
}

function findVar(e: Expr, name: string): VarTerm | undefined {
  let found: VarTerm | undefined;
  walkExpr(e, (t) => {
    if (!found && t.type === 'var' && t.name === name) found = t;
  });
  return found;
}
