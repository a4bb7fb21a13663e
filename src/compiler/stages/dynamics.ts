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
  return { ...r, body: rewriteBody(r.body, fresh), else: r.else ? rewriteElse(r.else, fresh) : undefined };
}

function rewriteElse(e: ElseClause, fresh: Counter): ElseClause {
  return { ...e, body: rewriteBody(e.body, fresh), else: e.else ? rewriteElse(e.else, fresh) : undefined };
}

function rewriteBody(body: Body, fresh: Counter): Body {
  return body.flatMap((e) => rewriteExpr(e, fresh));
}

/** Calls whose operands are not evaluated the usual way. */
const KEEP_OPERANDS = new Set(['eq', 'assign', 'print']);

function rewriteExpr(e: Expr, fresh: Counter): Expr[] {
  const b = e.body;
  if (b.kind === 'every') {
    return [{ ...e, body: { ...b, body: rewriteBody(b.body, fresh) } }];
  }
  if (b.kind !== 'term') return [withClosures(e, fresh)];
  const t = b.term;
  if (t.type !== 'call' || (t.fn.type === 'var' && KEEP_OPERANDS.has(t.fn.name))) return [withClosures(e, fresh)];
  const before: Expr[] = [];
  const args = t.args.map((a) => hoist(a, e, before, fresh));
  return [...before, { ...e, body: { kind: 'term', term: { ...t, args } } }];
}

/** Replaces dynamic parts of an operand by generated variables bound in `before`. */
function hoist(t: Term, origin: Expr, before: Expr[], fresh: Counter): Term {
  switch (t.type) {
    case 'ref':
    case 'call':
    case 'arraycompr':
    case 'setcompr':
    case 'objectcompr': {
      const value = rewriteClosures(t, fresh);
      const v: Term = { type: 'var', name: `$dyn${++fresh.n}`, pos: t.pos };
      const eq: Term = { type: 'call', fn: { type: 'var', name: 'eq', pos: t.pos }, args: [v, value], pos: t.pos };
      before.push({ pos: t.pos, negated: false, body: { kind: 'term', term: eq }, with: origin.with });
      return v;
    }
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

/** Rewrites the bodies of comprehensions inside an expression that is otherwise kept. */
function withClosures(e: Expr, fresh: Counter): Expr {
  const b = e.body;
  if (b.kind === 'term') return { ...e, body: { kind: 'term', term: rewriteClosures(b.term, fresh) } };
  if (b.kind === 'somein') return { ...e, body: { ...b, domain: rewriteClosures(b.domain, fresh) } };
  return e;
}

function rewriteClosures(t: Term, fresh: Counter): Term {
  switch (t.type) {
    case 'arraycompr':
    case 'setcompr':
      return { ...t, head: rewriteClosures(t.head, fresh), body: rewriteBody(t.body, fresh) };
    case 'objectcompr':
      return { ...t, key: rewriteClosures(t.key, fresh), value: rewriteClosures(t.value, fresh), body: rewriteBody(t.body, fresh) };
    case 'ref':
      return { ...t, terms: t.terms.map((x) => rewriteClosures(x, fresh)) };
    case 'call':
      return { ...t, args: t.args.map((x) => rewriteClosures(x, fresh)) };
    case 'array':
    case 'set':
      return { ...t, items: t.items.map((x) => rewriteClosures(x, fresh)) };
    case 'object':
      return { ...t, entries: t.entries.map(([k, v]) => [rewriteClosures(k, fresh), rewriteClosures(v, fresh)] as [Term, Term]) };
    default:
      return t;
  }
}
