// Stage: resolve names. Every reference to a rule, import or package becomes a
// ref rooted at `data` (or `input`); declared locals (`:=`, `some`, `every`,
// comprehension-local declarations) are renamed apart so that a declaration in
// a nested scope never captures an outer variable; calls name either a data
// function (a `data` ref) or a builtin (a var holding its dotted name).
//
// The result is a flat table of rules keyed by their full path in `data`.
import type {
  Body, CallTerm, ElseClause, Expr, ExprBody, Module, Pos, RefTerm, Rule, RuleKind, Term, VarTerm, With,
} from '../ast';
import { RegoError } from '../errors';
import { walkTerm } from '../visit';

/** A rule after resolution, with the full path it defines under `data`. */
export interface ResolvedRule {
  /** `[pkg..., name, ...]` without the leading `data`: strings, then possibly key terms. */
  path: Term[];
  kind: RuleKind;
  default: boolean;
  args?: Term[];
  key?: Term;
  /** Head value (absent in the source means `true`). */
  value: Term;
  body: Body;
  else?: ElseClause;
  pos: Pos;
  module: Module;
}

export interface Program {
  modules: Module[];
  rules: ResolvedRule[];
}

export const ROOTS = new Set(['input', 'data']);

export function resolve(modules: Module[]): Program {
  const rulesByPackage = indexRuleNames(modules);
  const fresh = new FreshNames();
  const rules: ResolvedRule[] = [];
  for (const m of modules) {
    const ctx = new ModuleContext(m, rulesByPackage.get(m.package.join('.')) ?? new Set(), fresh);
    for (const r of m.rules) rules.push(ctx.resolveRule(r));
  }
  return { modules, rules };
}

function indexRuleNames(modules: Module[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const m of modules) {
    const key = m.package.join('.');
    const names = out.get(key) ?? new Set<string>();
    for (const r of m.rules) {
      const head = r.head.ref[0];
      if (head.type === 'var') names.add(head.name);
    }
    out.set(key, names);
  }
  return out;
}

class FreshNames {
  private n = 0;
  next(name: string): string {
    return `${name}$${++this.n}`;
  }
}

/** A lexical scope of declared variables: source name → renamed. */
class Scope {
  private readonly vars = new Map<string, string>();
  /** Undeclared names used in this scope so far: declaring one later is an error. */
  readonly used = new Set<string>();
  constructor(readonly parent: Scope | null) {}
  lookup(name: string): string | undefined {
    return this.vars.get(name) ?? this.parent?.lookup(name);
  }
  declaredHere(name: string): boolean {
    return this.vars.has(name);
  }
  declare(name: string, renamed: string): void {
    this.vars.set(name, renamed);
  }
}

function str(value: string, pos: Pos): Term {
  return { type: 'string', value, pos };
}

function dataRef(path: string[], pos: Pos): RefTerm {
  return { type: 'ref', terms: [{ type: 'var', name: 'data', pos }, ...path.map((p) => str(p, pos))], pos };
}

class ModuleContext {
  private readonly imports = new Map<string, Term[]>();

  constructor(
    readonly module: Module,
    readonly packageRules: Set<string>,
    readonly fresh: FreshNames,
  ) {
    for (const imp of module.imports) {
      const terms = imp.path.type === 'ref' ? imp.path.terms : [imp.path];
      const root = terms[0];
      if (root.type !== 'var' || (root.name !== 'data' && root.name !== 'input')) continue; // future.*, rego.v1
      const last = terms[terms.length - 1];
      const alias = imp.alias ?? (last.type === 'string' ? last.value : last.type === 'var' ? last.name : undefined);
      if (alias === undefined) throw new RegoError('rego_compile_error', 'import path must end in a name or have an alias', imp.pos);
      this.imports.set(alias, terms);
    }
  }

  resolveRule(r: Rule): ResolvedRule {
    const scope = new Scope(null);
    const head = r.head;
    const args = head.args?.map((a) => {
      this.declareParams(a, scope);
      return this.term(a, scope);
    });
    const body = this.body(r.body, scope);
    const headScope = scope;
    const pkgPath = this.module.package.map((p) => str(p, head.pos));
    const [first, ...rest] = head.ref;
    if (first.type !== 'var') throw new RegoError('rego_parse_error', 'rule head must start with a name', head.pos);
    const path: Term[] = [...pkgPath, str(first.name, first.pos), ...rest.map((t) => this.term(t, headScope))];
    const value = head.value ? this.term(head.value, headScope) : ({ type: 'boolean', value: true, pos: head.pos } as Term);
    const key = head.key ? this.term(head.key, headScope) : undefined;
    const elseClause = r.else ? this.elseClause(r.else, head.args ?? []) : undefined;
    return { path, kind: head.kind, default: r.default, args, key, value, body, else: elseClause, pos: r.pos, module: this.module };
  }

  /** The whole `else` chain, by a loop: chains of thousands of clauses are valid. */
  private elseClause(first: ElseClause, args: Term[]): ElseClause {
    const clauses: ElseClause[] = [];
    for (let e: ElseClause | undefined = first; e; e = e.else) {
      const scope = new Scope(null);
      for (const a of args) this.declareParams(a, scope);
      const body = this.body(e.body, scope);
      clauses.push({ pos: e.pos, value: e.value ? this.term(e.value, scope) : undefined, body });
    }
    for (let i = 0; i + 1 < clauses.length; i++) clauses[i].else = clauses[i + 1];
    return clauses[0];
  }

  private body(b: Body, scope: Scope): Body {
    return b.map((e) => this.expr(e, scope));
  }

  private expr(e: Expr, scope: Scope): Expr {
    const withs: With[] = e.with.map((w) => ({ pos: w.pos, target: this.withTarget(w.target, scope), value: this.withValue(w.value, scope) }));
    return { pos: e.pos, negated: e.negated, with: withs, body: this.exprBody(e.body, scope, e.pos) };
  }

  private exprBody(b: ExprBody, scope: Scope, pos: Pos): ExprBody {
    switch (b.kind) {
      case 'term': {
        const t = b.term;
        if (t.type === 'call' && t.fn.type === 'var' && t.fn.name === 'assign') {
          const [lhs, rhs] = t.args;
          const value = this.term(rhs, scope);
          this.declarePattern(lhs, scope, true);
          return { kind: 'term', term: { ...t, args: [this.term(lhs, scope), value] } };
        }
        return { kind: 'term', term: this.term(t, scope) };
      }
      case 'some': {
        for (const v of b.vars) this.declare(v, scope, true);
        return { kind: 'some', vars: b.vars.map((v) => this.term(v, scope) as VarTerm) };
      }
      case 'somein': {
        const domain = this.term(b.domain, scope);
        if (b.key) this.declarePattern(b.key, scope, true);
        this.declarePattern(b.value, scope, true);
        return { kind: 'somein', key: b.key ? this.term(b.key, scope) : null, value: this.term(b.value, scope), domain };
      }
      case 'every': {
        const domain = this.term(b.domain, scope);
        const inner = new Scope(scope);
        if (b.key) this.declarePattern(b.key, inner, false);
        this.declarePattern(b.value, inner, false);
        const key = b.key ? this.term(b.key, inner) : null;
        const value = this.term(b.value, inner);
        return { kind: 'every', key, value, domain, body: this.body(b.body, inner) };
      }
    }
    void pos;
  }

  /**
   * Function parameters keep their names: they are rule-level variables, shared
   * by the body and every `else` clause.
   */
  private declareParams(t: Term, scope: Scope): void {
    walkTerm(t, (x) => {
      if (x.type === 'var' && !x.name.startsWith('$wildcard')) scope.declare(x.name, x.name);
      return x.type !== 'ref' && x.type !== 'call';
    });
  }

  /** Declares every variable of a pattern (`x`, `[a, b]`, `{"k": v}`) in `scope`. */
  private declarePattern(t: Term, scope: Scope, checkRedeclared: boolean): void {
    walkTerm(t, (x) => {
      if (x.type === 'var') this.declare(x, scope, checkRedeclared);
      // keys of object patterns and refs are not declarations
      if (x.type === 'ref' || x.type === 'call') return false;
      if (x.type === 'object') {
        for (const [, v] of x.entries) this.declarePattern(v, scope, checkRedeclared);
        return false;
      }
      return true;
    });
  }

  private declare(v: VarTerm, scope: Scope, checkRedeclared: boolean): void {
    if (v.name.startsWith('$wildcard')) return;
    if (ROOTS.has(v.name)) throw new RegoError('rego_compile_error', `variables must not shadow ${v.name} (use a different variable name)`, v.pos);
    if (checkRedeclared && scope.declaredHere(v.name)) {
      throw new RegoError('rego_compile_error', `var ${v.name} assigned above`, v.pos);
    }
    if (checkRedeclared && scope.used.has(v.name)) {
      throw new RegoError('rego_compile_error', `var ${v.name} referenced above`, v.pos);
    }
    scope.declare(v.name, this.fresh.next(v.name));
  }

  /** Rewrites a term: locals renamed, rule/import references made absolute. */
  term(t: Term, scope: Scope): Term {
    switch (t.type) {
      case 'var':
        return this.var(t, scope);
      case 'ref': {
        const [head, ...rest] = t.terms;
        const h = head.type === 'var' ? this.var(head, scope) : this.term(head, scope);
        const path = rest.map((x) => this.term(x, scope));
        if (h.type === 'ref') return { type: 'ref', terms: [...h.terms, ...path], pos: t.pos };
        return { type: 'ref', terms: [h, ...path], pos: t.pos };
      }
      case 'array':
        return { ...t, items: t.items.map((x) => this.term(x, scope)) };
      case 'set':
        return { ...t, items: t.items.map((x) => this.term(x, scope)) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [this.term(k, scope), this.term(v, scope)] as [Term, Term]) };
      case 'call':
        return this.call(t, scope);
      case 'arraycompr':
      case 'setcompr': {
        const inner = new Scope(scope);
        const body = this.body(t.body, inner);
        return { ...t, body, head: this.term(t.head, inner) };
      }
      case 'objectcompr': {
        const inner = new Scope(scope);
        const body = this.body(t.body, inner);
        return { ...t, body, key: this.term(t.key, inner), value: this.term(t.value, inner) };
      }
      default:
        return t;
    }
  }

  private var(v: VarTerm, scope: Scope): Term {
    const local = scope.lookup(v.name);
    if (local !== undefined) return { ...v, name: local };
    if (ROOTS.has(v.name) || v.name.startsWith('$wildcard')) return v;
    const imported = this.imports.get(v.name);
    if (imported) return { type: 'ref', terms: imported.map((x) => ({ ...x, pos: v.pos })), pos: v.pos };
    if (this.packageRules.has(v.name)) return dataRef([...this.module.package, v.name], v.pos);
    scope.used.add(v.name);
    return v;
  }

  private call(c: CallTerm, scope: Scope): Term {
    const args = c.args.map((a) => this.term(a, scope));
    return { ...c, fn: this.functionName(c.fn, scope), args };
  }

  /**
   * A function's name: a `data` ref for rules (package-local, imported or
   * absolute), else a var holding the builtin's dotted name.
   */
  functionName(fn: VarTerm | RefTerm, scope: Scope): VarTerm | RefTerm {
    const terms = fn.type === 'var' ? [fn] : fn.terms;
    const head = terms[0];
    if (head.type === 'var') {
      const resolvedHead = this.var(head, scope);
      if (resolvedHead.type === 'ref') {
        return { type: 'ref', terms: [...resolvedHead.terms, ...terms.slice(1).map((x) => this.term(x, scope))], pos: fn.pos };
      }
      if (head.name === 'data' || head.name === 'input') {
        return { type: 'ref', terms: terms.map((x) => this.term(x, scope)), pos: fn.pos };
      }
    }
    const parts: string[] = [];
    for (const x of terms) {
      if (x.type === 'var') parts.push(x.name);
      else if (x.type === 'string') parts.push(x.value);
      else throw new RegoError('rego_type_error', 'invalid function name', fn.pos);
    }
    return { type: 'var', name: parts.join('.'), pos: fn.pos };
  }

  private withTarget(t: Term, scope: Scope): Term {
    if (t.type === 'var' || t.type === 'ref') {
      const terms = t.type === 'var' ? [t] : t.terms;
      const head = terms[0];
      if (head.type === 'var' && (head.name === 'input' || head.name === 'data')) return this.term(t, scope);
      return this.functionName(t as VarTerm | RefTerm, scope);
    }
    throw new RegoError('rego_type_error', 'with keyword target must reference existing input, data, or a function', t.pos);
  }

  private withValue(t: Term, scope: Scope): Term {
    // A name that is not a variable, import or rule may denote a builtin (a mock).
    const head = t.type === 'var' ? t : t.type === 'ref' ? t.terms[0] : undefined;
    if (
      head?.type === 'var' &&
      (t.type === 'var' || (t as RefTerm).terms.slice(1).every((x) => x.type === 'string')) &&
      scope.lookup(head.name) === undefined &&
      !this.imports.has(head.name) &&
      !this.packageRules.has(head.name) &&
      !ROOTS.has(head.name)
    ) {
      return this.functionName(t as VarTerm | RefTerm, scope);
    }
    return this.term(t, scope);
  }
}

/** Whether a (resolved) term is a ref rooted at `data`. */
export function isDataRef(t: Term): t is RefTerm {
  return t.type === 'ref' && t.terms[0].type === 'var' && t.terms[0].name === 'data';
}

/** The leading string segments of a data ref (after `data`). */
export function groundPrefix(terms: Term[]): string[] {
  const out: string[] = [];
  for (const t of terms) {
    if (t.type !== 'string') break;
    out.push(t.value);
  }
  return out;
}
