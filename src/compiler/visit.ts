// Generic traversals over terms and bodies, so that each stage only writes the
// cases it cares about.
import type { Body, Expr, ExprBody, Term, VarTerm } from './ast';

/** Calls `f` on every term in `t`, depth first, parents before children. Return false to skip children. */
export function walkTerm(t: Term, f: (t: Term) => boolean | void): void {
  if (f(t) === false) return;
  switch (t.type) {
    case 'ref':
      for (const x of t.terms) walkTerm(x, f);
      break;
    case 'array':
    case 'set':
      for (const x of t.items) walkTerm(x, f);
      break;
    case 'object':
      for (const [k, v] of t.entries) {
        walkTerm(k, f);
        walkTerm(v, f);
      }
      break;
    case 'call':
      for (const x of t.args) walkTerm(x, f);
      break;
    case 'arraycompr':
    case 'setcompr':
      walkTerm(t.head, f);
      walkBody(t.body, f);
      break;
    case 'objectcompr':
      walkTerm(t.key, f);
      walkTerm(t.value, f);
      walkBody(t.body, f);
      break;
    default:
      break;
  }
}

export interface WalkOptions {
  /** Enter `every` bodies and their key/value (default true); false visits only the domain. */
  everyBodies?: boolean;
}

export function walkBody(body: Body, f: (t: Term) => boolean | void, opts: WalkOptions = {}): void {
  for (const e of body) walkExpr(e, f, opts);
}

export function walkExpr(e: Expr, f: (t: Term) => boolean | void, opts: WalkOptions = {}): void {
  walkExprBody(e.body, f, opts);
  for (const w of e.with) {
    walkTerm(w.target, f);
    walkTerm(w.value, f);
  }
}

function walkExprBody(b: ExprBody, f: (t: Term) => boolean | void, opts: WalkOptions): void {
  switch (b.kind) {
    case 'term':
      walkTerm(b.term, f);
      break;
    case 'some':
      for (const v of b.vars) walkTerm(v, f);
      break;
    case 'somein':
      if (b.key) walkTerm(b.key, f);
      walkTerm(b.value, f);
      walkTerm(b.domain, f);
      break;
    case 'every':
      walkTerm(b.domain, f);
      if (opts.everyBodies === false) break;
      if (b.key) walkTerm(b.key, f);
      walkTerm(b.value, f);
      walkBody(b.body, f, opts);
      break;
  }
}

/** Names of the variables occurring in `t`, comprehension bodies included. */
export function varsOf(t: Term, into = new Set<string>()): Set<string> {
  walkTerm(t, (x) => {
    if (x.type === 'var') into.add(x.name);
  });
  return into;
}

export function varsOfBody(b: Body, into = new Set<string>()): Set<string> {
  walkBody(b, (x) => {
    if (x.type === 'var') into.add(x.name);
  });
  return into;
}

/** Variables of `t` outside comprehensions (those a comprehension binds are its own). */
export function varsOutsideClosures(t: Term, into = new Set<string>()): Set<string> {
  walkTerm(t, (x) => {
    if (x.type === 'var') into.add(x.name);
    return !(x.type === 'arraycompr' || x.type === 'setcompr' || x.type === 'objectcompr');
  });
  return into;
}

export function isWildcard(v: VarTerm): boolean {
  return v.name.startsWith('$wildcard');
}

/** Whether a term contains no variables at all (and no calls or comprehensions). */
export function isGround(t: Term): boolean {
  let ground = true;
  walkTerm(t, (x) => {
    if (x.type === 'var' || x.type === 'call' || x.type === 'ref' || x.type.endsWith('compr')) ground = false;
  });
  return ground;
}
