// Stage: rewrite dynamic terms, as OPA's compiler does (RewriteDynamicTerms).
// The operands of a call expression that are refs, calls or comprehensions
// are evaluated first, each bound to a generated variable by an expression of
// its own placed before the call:
//
//   not f(input.missing)     becomes    $dyn1 = input.missing; not f($dyn1)
//
// This is not only cosmetic: the generated expressions stay outside a
// negation, so a negated call whose operand is undefined makes the whole body
// fail instead of succeeding (pod-security spec §1.3 depends on it).
//
// A function's arguments are patterns, bound to the values it is called with
// before its body runs. A call or comprehension in one (`f(concat("/", [x, y]))`,
// a template string) cannot be bound that way: it becomes a generated variable
// there, and an expression at the start of each clause's body unifies that
// variable with it, once the body has bound its variables (OPA's compiler moves
// calls out of rule heads into the body the same way).
import type { Body, ElseClause, Expr, Term } from '../ast';
import type { Program, ResolvedRule } from './resolve';

export function rewriteDynamicTerms(program: Program): Program {
  const fresh = { n: 0 };
  return { ...program, rules: program.rules.map((r) => rewriteRule(r, fresh)) };
}

interface Counter {
  n: number;
}

function rewriteRule(r: ResolvedRule, fresh: Counter): ResolvedRule {
  const fromArgs: Expr[] = [];
  const args = r.args?.map((a) => argPattern(a, fromArgs, fresh));
  // Each clause gets its own copy of the expressions checking the arguments.
  const withArgs = (body: Body): Body => (fromArgs.length > 0 ? [...structuredClone(fromArgs), ...body] : body);
  const rewritten: ResolvedRule = { ...r, body: rewriteBody(withArgs(r.body), fresh), else: r.else ? rewriteElse(r.else, fresh, withArgs) : undefined };
  if (args) rewritten.args = args;
  return rewritten;
}

/** An argument with its calls and comprehensions replaced by generated variables (bound in `before`). */
function argPattern(t: Term, before: Expr[], fresh: Counter): Term {
  switch (t.type) {
    case 'call':
    case 'arraycompr':
    case 'setcompr':
    case 'objectcompr':
      return bind(t, { pos: t.pos, negated: false, body: { kind: 'term', term: t }, with: [] }, before, fresh);
    case 'array':
      return { ...t, items: t.items.map((x) => argPattern(x, before, fresh)) };
    case 'set':
      return { ...t, items: t.items.map((x) => argPattern(x, before, fresh)) };
    case 'object':
      return { ...t, entries: t.entries.map(([k, v]) => [k, argPattern(v, before, fresh)] as [Term, Term]) };
    default:
      return t;
  }
}

/** A loop over the chain: chains of thousands of clauses are valid. */
function rewriteElse(first: ElseClause, fresh: Counter, withArgs: (body: Body) => Body): ElseClause {
  const clauses: ElseClause[] = [];
  for (let e: ElseClause | undefined = first; e; e = e.else) clauses.push({ ...e, body: rewriteBody(withArgs(e.body), fresh), else: undefined });
  for (let i = 0; i + 1 < clauses.length; i++) clauses[i].else = clauses[i + 1];
  return clauses[0];
}

function rewriteBody(body: Body, fresh: Counter): Body {
  return body.flatMap((e) => rewriteExpr(e, fresh));
}

/**
 * Unifications (`=`, `:=`, and `==`, which OPA rewrites to `=` first) keep
 * their sides in place, only their nested dynamic parts are hoisted; every
 * other call has its dynamic operands hoisted whole. `print` is left alone.
 */
const UNIFICATIONS = new Set(['eq', 'assign', 'equal']);

function rewriteExpr(e: Expr, fresh: Counter): Expr[] {
  const b = e.body;
  const before: Expr[] = [];
  switch (b.kind) {
    case 'every':
      {
        const domain = inTerm(b.domain, e, before, fresh);
        return [...before, { ...e, body: { ...b, domain, body: rewriteBody(b.body, fresh) } }];
      }
    case 'some':
    case 'somein':
      return [e];
    case 'term': {
      const t = b.term;
      if (t.type !== 'call') {
        const term = inTerm(t, e, before, fresh);
        return [...before, { ...e, body: { kind: 'term', term } }];
      }
      const op = t.fn.type === 'var' ? t.fn.name : '';
      if (op === 'print') return [e];
      const args = UNIFICATIONS.has(op) && t.args.length === 2 ? t.args.map((a) => inTerm(a, e, before, fresh)) : t.args.map((a) => hoist(a, e, before, fresh));
      return [...before, { ...e, body: { kind: 'term', term: { ...t, args } } }];
    }
  }
}

/** OPA's rewriteDynamicsOne: refs, calls and comprehensions become generated variables. */
function hoist(t: Term, origin: Expr, before: Expr[], fresh: Counter): Term {
  switch (t.type) {
    case 'ref':
      return bind({ ...t, terms: [t.terms[0], ...t.terms.slice(1).map((x) => hoist(x, origin, before, fresh))] }, origin, before, fresh);
    case 'call':
      return bind({ ...t, args: t.args.map((x) => hoist(x, origin, before, fresh)) }, origin, before, fresh);
    case 'arraycompr':
    case 'setcompr':
    case 'objectcompr':
      return bind(closureBody(t, fresh), origin, before, fresh);
    case 'array':
      return { ...t, items: t.items.map((x) => hoist(x, origin, before, fresh)) };
    case 'set':
      return { ...t, items: t.items.map((x) => hoist(x, origin, before, fresh)) };
    case 'object':
      return { ...t, entries: t.entries.map(([k, v]) => [hoist(k, origin, before, fresh), hoist(v, origin, before, fresh)] as [Term, Term]) };
    default:
      return t;
  }
}

/** OPA's rewriteDynamicsInTerm: a ref stays, its dynamic keys are hoisted; a comprehension stays, its body rewritten. */
function inTerm(t: Term, origin: Expr, before: Expr[], fresh: Counter): Term {
  switch (t.type) {
    case 'ref':
      return { ...t, terms: [t.terms[0], ...t.terms.slice(1).map((x) => hoist(x, origin, before, fresh))] };
    case 'arraycompr':
    case 'setcompr':
    case 'objectcompr':
      return closureBody(t, fresh);
    default:
      return hoist(t, origin, before, fresh);
  }
}

/** `$dynN = value`, placed before the expression it came from (with its `with` modifiers, never its negation). */
function bind(value: Term, origin: Expr, before: Expr[], fresh: Counter): Term {
  const v: Term = { type: 'var', name: `$dyn${++fresh.n}`, pos: value.pos };
  const eq: Term = { type: 'call', fn: { type: 'var', name: 'eq', pos: value.pos }, args: [v, value], pos: value.pos };
  before.push({ pos: value.pos, negated: false, body: { kind: 'term', term: eq }, with: origin.with });
  return v;
}

function closureBody(t: Term & { type: 'arraycompr' | 'setcompr' | 'objectcompr' }, fresh: Counter): Term {
  return { ...t, body: rewriteBody(t.body, fresh) };
}
