// Plans rule bodies into wasm, one function at a time.
//
// Evaluation is a depth-first search written in continuation-passing style:
// planning an expression takes the label to branch to when it is undefined
// (`fail`) and a continuation that plans the rest of the body at the point
// where the expression succeeded. Iteration (refs with unbound keys, `some ..
// in`, partial rules) becomes a loop whose body is the continuation, so each
// solution runs the rest of the body once; a failure inside the loop moves on
// to the next element. Invariant: `fail` is always the innermost open block,
// so falling off the end of planned code means the same as failing.
import type { Body, CallTerm, Expr, Pos, Term, VarTerm, With } from '../ast';
import { RegoError } from '../errors';
import type { BuiltinDef } from '../builtins/types';
import { isPattern, matchObjectKeys, Safety, type SafetyContext } from '../stages/safety';
import { isGround } from '../visit';
import type { ConstantPool } from './constants';
import { scalarOf } from './constants';
import { extendEnv, withoutFunctionMocks, type Env, type FunctionMock } from './env';
import { findNode, nodeKind, pathName, type TreeNode } from './tree';
import type { FnWriter, Label } from './writer';

export type Cont = (fail: Label) => void;
export type ValueCont = (value: number, fail: Label) => void;

/** What a body planner needs from the module being built. */
export interface PlanContext {
  readonly tree: TreeNode;
  readonly constants: ConstantPool;
  readonly strict: boolean;
  readonly globals: { input: number; data: number; inputScope: number; inputScopes: number };
  builtin(name: string): BuiltinDef | undefined;
  /** Index of the function computing a node's value (complete, set or object) under `env`. */
  nodeFunction(node: TreeNode, env: Env): number;
  /** Index of a data function's wasm function under `env`. */
  dataFunction(node: TreeNode, env: Env): number;
  /** Id of a host builtin in the module's `builtins()` table. */
  hostBuiltinId(name: string): number;
  /** A fresh mutable i32 global (for `with` mock values). */
  newGlobal(): number;
  /** Rego text of a ground composite term, as a global built at start. */
  compositeConstant(t: Term, text?: string): number;
  /** Address of a fresh u32 in static data, 0 at start: a lookup site's hint (runtime `rt_get_at`). */
  lookupSlot(): number;
  arity(fn: Term): number | undefined;
}

/** How many leading field names of an input ref are kept in locals (BodyPlanner.inputPrefix). */
const MAX_HOISTED_FIELDS = 6;
const T_INT = 3;
const T_ARRAY = 6;
/** Names of the variables the dynamic-terms stage and the parser's chain cutting make. */
const GENERATED = /^\$(dyn|chain)\d+$/;
const T_OBJECT = 7;

const COMPARISONS: Record<string, (c: FnWriter['code']) => void> = {
  equal: (c) => c.i32Eqz(),
  neq: (c) => c.i32Const(0).i32Ne(),
  lt: (c) => c.i32Const(0).i32LtS(),
  lte: (c) => c.i32Const(0).i32LeS(),
  gt: (c) => c.i32Const(0).i32GtS(),
  gte: (c) => c.i32Const(0).i32GeS(),
};

export class BodyPlanner {
  private bound = new Set<string>();
  private safety: Safety;

  constructor(
    readonly ctx: PlanContext,
    readonly w: FnWriter,
    readonly env: Env,
    visible: ReadonlySet<string>,
    /** Rego variable → wasm local; shared with a parent planner for `with` expressions. */
    private readonly vars = new Map<string, number>(),
    /** Whether input is the one the function was called with: not inside a `with` of its body. */
    private readonly inputAtEntry = true,
  ) {
    const safetyCtx: SafetyContext = { arity: (fn) => ctx.arity(fn), visible };
    this.safety = new Safety(safetyCtx);
  }

  get code() {
    return this.w.code;
  }

  // ---- variables ---------------------------------------------------------------

  private varLocal(name: string): number {
    let l = this.vars.get(name);
    if (l === undefined) {
      l = this.w.local();
      this.vars.set(name, l);
    }
    return l;
  }

  /** Binds a variable to the value in `local` (e.g. a function parameter). */
  bindVar(name: string, local: number): void {
    this.code.localGet(local).localSet(this.varLocal(name));
    this.bound.add(name);
  }

  isBound(name: string): boolean {
    return this.bound.has(name);
  }

  /** Runs `f`, then forgets the bindings it made (for `not`, closures, `every`). */
  private scoped(f: () => void): void {
    const saved = new Set(this.bound);
    f();
    this.bound = saved;
  }

  /** Plans a closure's body (comprehension, `every`) with its own scope of variables. */
  private inClosure(terms: Term[], body: Body, f: () => void): void {
    const outer = this.safety;
    this.safety = outer.nested(terms, [body]);
    try {
      this.scoped(f);
    } finally {
      this.safety = outer;
    }
  }

  // ---- bodies and expressions ----------------------------------------------------

  planBody(body: Body, fail: Label, k: Cont): void {
    const ordered = this.safety.reorder(body, this.bound).body;
    this.planExprs(ordered, 0, fail, k);
  }

  private planExprs(exprs: Body, from: number, fail: Label, k: Cont): void {
    this.steps(exprs.length - from, (i, f, next) => this.planExpr(exprs[from + i], f, next), fail, k);
  }

  /**
   * Plans `count` steps in order, each continuing with the next, then `k`.
   * In continuation-passing style the JavaScript stack would grow with every
   * step, and bodies, refs and argument lists as long as the input makes them
   * would overflow it. So a step whose continuation is called in tail position
   * (no block of its own open, nothing emitted or undone after it) is left to
   * return, and the loop plans the next step at the same point; only steps
   * that open a block around their continuation (loops, `with`) nest.
   */
  private steps(count: number, step: (i: number, fail: Label, next: Cont) => void, fail: Label, k: Cont): void {
    let f = fail;
    for (let i = 0; i < count; i++) {
      const depth = this.code.depth;
      let deferred: { fail: Label; length: number; bound: Set<string> } | undefined;
      let nested = false;
      const from = i + 1;
      step(i, f, (f2) => {
        if (deferred) throw new Error('internal: a deferred continuation was called twice');
        if (!nested && this.code.depth === depth) {
          deferred = { fail: f2, length: this.code.length, bound: this.bound };
          return;
        }
        nested = true;
        this.steps(count - from, (j, f3, next) => step(from + j, f3, next), f2, k);
      });
      if (!deferred) return; // planned nested, or the step never succeeds
      if (this.code.length !== deferred.length || this.code.depth !== depth || this.bound !== deferred.bound) {
        throw new Error('internal: a continuation deferred as a tail call was not one');
      }
      f = deferred.fail;
    }
    k(f);
  }

  private planExpr(e: Expr, fail: Label, k: Cont): void {
    if (e.with.length > 0) return this.planWith(e, fail, k);
    if (e.negated) {
      this.scoped(() => this.w.block((undef) => this.planPositive(e, undef, () => this.w.br(fail))));
      return k(fail);
    }
    this.planPositive(e, fail, k);
  }

  private planPositive(e: Expr, fail: Label, k: Cont): void {
    const b = e.body;
    switch (b.kind) {
      case 'some':
        return k(fail);
      case 'somein':
        return this.planSomeIn(b.key, b.value, b.domain, fail, k);
      case 'every':
        return this.planEvery(b.key, b.value, b.domain, b.body, fail, k);
      case 'term': {
        const t = b.term;
        if (t.type === 'call' && t.fn.type === 'var') {
          const op = t.fn.name;
          if ((op === 'eq' || op === 'assign') && t.args.length === 2) return this.unify(t.args[0], t.args[1], fail, k);
          if (this.planCondition(t, fail, k)) return;
        }
        return this.planTerm(t, fail, (v, f) => {
          this.failIfFalse(v, f);
          k(f);
        });
      }
    }
  }

  private failIfFalse(v: number, fail: Label): void {
    this.code.localGet(v).globalGet(this.ctx.constants.falseGlobal).i32Eq();
    this.w.brIf(fail);
  }

  private planSomeIn(key: Term | null, value: Term, domain: Term, fail: Label, k: Cont): void {
    this.planTerm(domain, fail, (d, f) => {
      const kl = key ? this.w.local() : null;
      const vl = this.w.local();
      this.w.scan(d, kl, vl, (next) => {
        const bindValue: Cont = (f2) => this.bindPattern(value, vl, f2, k);
        if (key && kl !== null) this.bindPattern(key, kl, next, bindValue);
        else bindValue(next);
      });
      void f;
    });
  }

  private planEvery(key: Term | null, value: Term, domain: Term, body: Body, fail: Label, k: Cont): void {
    this.planTerm(domain, fail, (d, f) => {
      // Over a scalar (not a collection) `every` is false in OPA, not vacuously true.
      this.code.localGet(d).call(this.w.services.runtime('rt_tag')).i32Const(T_ARRAY).i32LtU();
      this.w.brIf(f);
      this.inClosure(key ? [key, value] : [value], body, () => {
        const kl = key ? this.w.local() : null;
        const vl = this.w.local();
        this.w.scan(d, kl, vl, () => {
          this.w.block((bodyOk) => {
            this.w.block((bodyFail) => {
              const planInner: Cont = (f2) => this.bindPattern(value, vl, f2, (f3) => this.planBody(body, f3, () => this.w.br(bodyOk)));
              if (key && kl !== null) this.bindPattern(key, kl, bodyFail, planInner);
              else planInner(bodyFail);
            });
            this.w.br(f); // no solution for this element: `every` is false
          });
        });
      });
      k(f);
    });
  }

  // ---- with ------------------------------------------------------------------------

  private planWith(e: Expr, fail: Label, k: Cont): void {
    const inner: Expr = { ...e, with: [] };
    this.planWithValues(e.with, 0, [], fail, (mocks, f) => {
      const input = [...mocks].reverse().find((m) => m.kind === 'input');
      const data: [string, number][] = [];
      const functions: [string, FunctionMock][] = [];
      for (const m of mocks) {
        if (m.kind === 'data') {
          const g = this.ctx.newGlobal();
          this.code.localGet(m.value).globalSet(g);
          data.push([m.path.join('/'), g]);
        } else if (m.kind === 'function') {
          functions.push([m.name, m.mock]);
        }
      }
      const env = extendEnv(this.env, { input: input !== undefined, data, functions });
      const planner = this.child(env);
      const c = this.code;
      const g = this.ctx.globals;
      const saved = this.w.local();
      c.globalGet(g.input).localSet(saved);
      // Each entry into a `with input` is a scope of its own (a number never used before),
      // in force whenever its input is: rules cached under it (ModulePlanner.planNode) are
      // reused within it, and never outside.
      const scope = input ? this.w.local() : -1;
      const savedScope = input ? this.w.local() : -1;
      if (input) {
        c.globalGet(g.inputScope).localSet(savedScope);
        c.globalGet(g.inputScopes).i32Const(1).i32Add().localTee(scope).globalSet(g.inputScopes);
      }
      const setInput = () => {
        if (input) c.localGet(input.value).globalSet(g.input).localGet(scope).globalSet(g.inputScope);
      };
      const restoreInput = () => {
        c.localGet(saved).globalSet(g.input);
        if (input) c.localGet(savedScope).globalSet(g.inputScope);
      };
      setInput();
      this.w.block((wfail) => {
        planner.planExpr(inner, wfail, () => {
          restoreInput();
          this.bound = new Set([...this.bound, ...planner.bound]);
          this.w.block((kdone) => k(kdone));
          setInput();
        });
      });
      restoreInput();
      void f;
    });
  }

  /** A planner for the same function under another environment, sharing variables. */
  private child(env: Env): BodyPlanner {
    // Same variables (and locals): what the child binds, the continuation sees.
    const p = new BodyPlanner(this.ctx, this.w, env, new Set(), this.vars, false);
    p.safety = this.safety;
    p.bound = new Set(this.bound);
    return p;
  }

  private planWithValues(
    withs: With[],
    i: number,
    acc: WithMock[],
    fail: Label,
    k: (mocks: WithMock[], fail: Label) => void,
  ): void {
    if (i === withs.length) return k(acc, fail);
    const w = withs[i];
    const next = (m: WithMock, f: Label) => this.planWithValues(withs, i + 1, [...acc, m], f, k);
    const target = w.target;
    const root = target.type === 'ref' ? target.terms[0] : target;
    if (root.type === 'var' && (root.name === 'input' || root.name === 'data') && (target.type === 'ref' || root.name === 'input') && !this.namesFunction(target)) {
      const path = target.type === 'ref' ? target.terms.slice(1) : [];
      const keys = path.map((t) => {
        if (t.type !== 'string') throw new RegoError('rego_type_error', 'with keyword target must be a ground reference', w.pos);
        return t.value;
      });
      if (root.name === 'data') {
        if (keys.length === 0) throw new RegoError('rego_type_error', 'with keyword cannot replace all of data', w.pos);
        return this.planTerm(w.value, fail, (v, f) => next({ kind: 'data', path: keys, value: v }, f));
      }
      return this.planTerm(w.value, fail, (v, f) => {
        if (keys.length === 0) return next({ kind: 'input', value: v }, f);
        // Patch the current input (or an empty object) at the path.
        // Several `with input...` apply in order, each over the previous one.
        const base = this.w.local();
        const c = this.code;
        const previous = [...acc].reverse().find((m) => m.kind === 'input');
        if (previous && previous.kind === 'input') c.localGet(previous.value).localSet(base);
        else c.globalGet(this.ctx.globals.input).localSet(base);
        const pathArr = this.constantLocal({ type: 'array', items: keys.map((s) => ({ type: 'string', value: s, pos: w.pos }) as Term), pos: w.pos });
        const patched = this.w.local();
        c.localGet(base).i32Eqz().if_();
        c.i32Const(0).call(this.w.services.runtime('rt_object')).localSet(base);
        c.end();
        this.w.callRuntime('rt_upsert_path', [base, pathArr, v], patched);
        next({ kind: 'input', value: patched }, f);
      });
    }
    // A function or builtin replaced by another function or by a value.
    const name = functionKey(target);
    const mock = this.functionMockFor(w.value);
    if (mock) return next({ kind: 'function', name, mock }, fail);
    return this.planTerm(w.value, fail, (v, f) => {
      const g = this.ctx.newGlobal();
      this.code.localGet(v).globalSet(g);
      next({ kind: 'function', name, mock: { kind: 'value', global: g } }, f);
    });
  }

  /** Whether a ref names a data function (`with data.a.f as ...` mocks the function). */
  private namesFunction(t: Term): boolean {
    if (t.type !== 'ref' || t.terms[0].type !== 'var' || t.terms[0].name !== 'data') return false;
    const path = stringPath(t.terms.slice(1));
    const node = path && findNode(this.ctx.tree, path);
    return node !== undefined && node !== null && nodeKind(node) === 'function';
  }

  /** When a `with` value names a function (data or builtin), the mock it makes. */
  private functionMockFor(value: Term): FunctionMock | undefined {
    if (value.type === 'var' && !this.bound.has(value.name) && this.ctx.builtin(value.name)) {
      return { kind: 'builtin', name: value.name };
    }
    if (value.type === 'ref' && value.terms[0].type === 'var' && value.terms[0].name === 'data') {
      const path = stringPath(value.terms.slice(1));
      if (path) {
        const node = findNode(this.ctx.tree, path);
        if (node && nodeKind(node) === 'function') return { kind: 'function', path };
      }
    }
    return undefined;
  }

  // ---- unification -----------------------------------------------------------------

  unify(a: Term, b: Term, fail: Label, k: Cont): void {
    if (a.type === 'array' && b.type === 'array' && a.items.length === b.items.length) {
      return this.unifyPairs(a.items.map((x, i) => [x, b.items[i]]), 0, fail, k);
    }
    if (a.type === 'object' && b.type === 'object' && a.entries.length === b.entries.length) {
      const pairs = matchObjectKeys(a, b);
      if (pairs) return this.unifyPairs(pairs, 0, fail, k);
    }
    const aPat = isPattern(a, this.bound);
    const bPat = isPattern(b, this.bound);
    if (aPat && !bPat) return this.planTerm(b, fail, (v, f) => this.bindPattern(a, v, f, k));
    if (bPat && !aPat) return this.planTerm(a, fail, (v, f) => this.bindPattern(b, v, f, k));
    if (aPat && bPat && a.type === 'object' && b.type === 'object') {
      return this.planTerm(b, fail, (v, f) => this.bindPattern(a, v, f, k));
    }
    this.planTerm(a, fail, (va, f) =>
      this.planTerm(b, f, (vb, f2) => {
        this.failIfNotEqual(va, vb, f2);
        k(f2);
      }),
    );
  }

  private unifyPairs(pairs: [Term, Term][], i: number, fail: Label, k: Cont): void {
    this.steps(pairs.length - i, (j, f, next) => this.unify(pairs[i + j][0], pairs[i + j][1], f, next), fail, k);
  }

  private failIfNotEqual(a: number, b: number, fail: Label): void {
    const c = this.code;
    c.localGet(a).localGet(b).call(this.w.services.runtime('rt_equal')).i32Eqz();
    this.w.brIf(fail);
  }

  /** Matches the value in `v` against a pattern, binding its unbound variables. */
  bindPattern(p: Term, v: number, fail: Label, k: Cont): void {
    const c = this.code;
    switch (p.type) {
      case 'var': {
        if (p.name.startsWith('$wildcard')) return k(fail);
        if (this.bound.has(p.name) || p.name === 'input' || p.name === 'data') break;
        // A generated variable ($dynN, $chainN) is bound once, where it is
        // made, so it can name the local holding its value instead of a copy:
        // long expressions make one per operator, and wasm functions are
        // limited to 50,000 locals.
        if (GENERATED.test(p.name) && !this.vars.has(p.name)) {
          this.vars.set(p.name, v);
          this.bound.add(p.name);
          return k(fail);
        }
        c.localGet(v).localSet(this.varLocal(p.name));
        this.bound.add(p.name);
        return k(fail);
      }
      case 'array': {
        if (!isPattern(p, this.bound)) break;
        this.checkShape(v, T_ARRAY, p.items.length, fail);
        const step = (i: number, f: Label): void => {
          if (i === p.items.length) return k(f);
          const e = this.w.local();
          c.localGet(v).i32Const(i).call(this.w.services.runtime('rt_iter_value')).localSet(e);
          this.bindPattern(p.items[i], e, f, (f2) => step(i + 1, f2));
        };
        return step(0, fail);
      }
      case 'object': {
        if (!isPattern(p, this.bound)) break;
        this.checkShape(v, T_OBJECT, p.entries.length, fail);
        const step = (i: number, f: Label): void => {
          if (i === p.entries.length) return k(f);
          const [kt, vt] = p.entries[i];
          this.planTerm(kt, f, (kv, f2) => {
            const e = this.w.local();
            this.w.callRuntime('rt_get', [v, kv], e);
            this.w.failIfUndefined(e, f2);
            this.bindPattern(vt, e, f2, (f3) => step(i + 1, f3));
          });
        };
        return step(0, fail);
      }
      default:
        break;
    }
    this.planTerm(p, fail, (pv, f) => {
      this.failIfNotEqual(pv, v, f);
      k(f);
    });
  }

  private checkShape(v: number, tag: number, n: number, fail: Label): void {
    const c = this.code;
    c.localGet(v).call(this.w.services.runtime('rt_tag')).i32Const(tag).i32Ne();
    this.w.brIf(fail);
    c.localGet(v).call(this.w.services.runtime('rt_len')).i32Const(n).i32Ne();
    this.w.brIf(fail);
  }

  // ---- terms -----------------------------------------------------------------------

  /** Evaluates `t`; the continuation gets a local holding its value (never undefined). */
  planTerm(t: Term, fail: Label, k: ValueCont): void {
    const scalar = scalarOf(t);
    if (scalar) {
      const l = this.w.constant(JSON.stringify(scalar), (c) => this.ctx.constants.load(c, scalar));
      return k(l, fail);
    }
    switch (t.type) {
      case 'var':
        return this.planVar(t, fail, k);
      case 'ref':
        return this.planRef(t.terms, fail, k);
      case 'array':
      case 'set':
      case 'object':
        return this.planComposite(t, fail, k);
      case 'call':
        return this.planCall(t, fail, k);
      case 'arraycompr':
      case 'setcompr':
      case 'objectcompr':
        return this.planComprehension(t, fail, k);
      default:
        throw new RegoError('rego_compile_error', `unexpected term ${t.type}`, t.pos);
    }
  }

  private planVar(t: VarTerm, fail: Label, k: ValueCont): void {
    if (t.name === 'input') return this.planRef([t], fail, k);
    if (t.name === 'data') return this.planDataRef([], fail, k);
    if (!this.bound.has(t.name)) {
      throw new RegoError('rego_unsafe_var_error', `var ${displayVar(t.name)} is unsafe`, t.pos);
    }
    k(this.varLocal(t.name), fail);
  }

  /** Evaluates terms in the order safety chose (refs binding variables first); values in written order. */
  private planSeq(terms: Term[], fail: Label, k: (values: number[], fail: Label) => void): void {
    const values: number[] = [];
    const o = this.safety.evaluationOrder(terms, this.bound);
    const order = o.ok ? o.order : terms.map((_, i) => i); // unsafe: planning the written order names the variable
    this.steps(terms.length, (i, f, next) => this.planTerm(terms[order[i]], f, (v, f2) => {
      values[order[i]] = v;
      next(f2);
    }), fail, (f) => k(values, f));
  }

  private constantLocal(t: Term): number {
    const l = this.w.local();
    this.code.globalGet(this.ctx.compositeConstant(t)).localSet(l);
    return l;
  }

  private planComposite(t: Term & { type: 'array' | 'set' | 'object' }, fail: Label, k: ValueCont): void {
    if (isGround(t)) return k(this.constantLocal(t), fail);
    const rt = this.w.services.runtime.bind(this.w.services);
    const c = this.code;
    if (t.type === 'object') {
      const terms = t.entries.flat();
      return this.planSeq(terms, fail, (vals, f) => {
        const o = this.w.local();
        c.i32Const(t.entries.length).call(rt('rt_object')).localSet(o);
        for (let i = 0; i < vals.length; i += 2) {
          c.localGet(o).localGet(vals[i]).localGet(vals[i + 1]).call(rt('rt_object_insert'));
        }
        k(o, f);
      });
    }
    this.planSeq(t.items, fail, (vals, f) => {
      const out = this.w.local();
      const [mk, add] = t.type === 'array' ? ['rt_array', 'rt_array_push'] : ['rt_set', 'rt_set_add'];
      c.i32Const(t.items.length).call(rt(mk)).localSet(out);
      for (const v of vals) c.localGet(out).localGet(v).call(rt(add));
      k(out, f);
    });
  }

  private planComprehension(t: Term & { type: 'arraycompr' | 'setcompr' | 'objectcompr' }, fail: Label, k: ValueCont): void {
    const c = this.code;
    const rt = this.w.services.runtime.bind(this.w.services);
    const out = this.w.local();
    const mk = t.type === 'arraycompr' ? 'rt_array' : t.type === 'setcompr' ? 'rt_set' : 'rt_object';
    c.i32Const(4).call(rt(mk)).localSet(out);
    const headTerms = t.type === 'objectcompr' ? [t.key, t.value] : [t.head];
    this.inClosure(headTerms, t.body, () => {
      this.w.block((done) =>
        this.planBody(t.body, done, (f) => {
          if (t.type === 'objectcompr') {
            this.planTerm(t.key, f, (kv, f2) =>
              this.planTerm(t.value, f2, (vv, f3) => {
                this.insertUnique(out, kv, vv, 'object keys must be unique');
                void f3;
              }),
            );
          } else {
            this.planTerm(t.head, f, (hv) => {
              c.localGet(out).localGet(hv).call(rt(t.type === 'arraycompr' ? 'rt_array_push' : 'rt_set_add'));
            });
          }
        }),
      );
    });
    k(out, fail);
  }

  /** Inserts key → value into an object being built; a different existing value is a conflict. */
  insertUnique(obj: number, key: number, value: number, conflict: string): void {
    const c = this.code;
    const rt = this.w.services.runtime.bind(this.w.services);
    const existing = this.w.local();
    this.w.callRuntime('rt_get', [obj, key], existing);
    c.localGet(existing).if_();
    c.localGet(existing).localGet(value).call(rt('rt_equal')).i32Eqz().if_();
    this.abort(`eval_conflict_error: ${conflict}`);
    c.end();
    c.end();
    c.localGet(obj).localGet(key).localGet(value).call(rt('rt_object_insert'));
  }

  abort(message: string): void {
    this.code.i32Const(this.ctx.constants.cstring(message)).call(this.w.services.import('opa_abort')).unreachable();
  }

  // ---- references ------------------------------------------------------------------

  private planRef(terms: Term[], fail: Label, k: ValueCont): void {
    const head = terms[0];
    if (head.type === 'var' && head.name === 'data') return this.planDataRef(terms.slice(1), fail, k);
    if (head.type === 'var' && head.name === 'input') {
      // The leading field names, at most MAX_HOISTED_FIELDS (a longer ref goes on from there).
      let fields = 0;
      while (fields < MAX_HOISTED_FIELDS && 1 + fields < terms.length && terms[1 + fields].type === 'string') fields++;
      if (fields > 0 && this.inputAtEntry) {
        const keys = terms.slice(1, 1 + fields).map((t) => (t as Term & { type: 'string' }).value);
        const v = this.inputPrefix(keys);
        this.w.failIfUndefined(v, fail);
        return this.applyPath(v, terms, 1 + fields, fail, k);
      }
      const v = this.w.local();
      this.code.globalGet(this.ctx.globals.input).localSet(v);
      this.w.failIfUndefined(v, fail);
      return this.applyPath(v, terms, 1, fail, k);
    }
    this.planTerm(head, fail, (v, f) => this.applyPath(v, terms, 1, f, k));
  }

  /**
   * A local holding `input.<keys>` (0: undefined), looked up once per call of the function:
   * the first use computes it (and its prefixes), later ones reuse it, so the many
   * references of a body to `input.review.object...` walk from input once. The code to
   * compute it goes at every use (the first use's block need not enclose the others), and
   * runs only while the local is still 0. Only where input is the one the function was
   * called with (inputAtEntry).
   */
  private inputPrefix(keys: string[]): number {
    const name = keys.join('.');
    let prefix = this.w.inputPrefixes.get(name);
    if (prefix === undefined) {
      prefix = { local: this.w.local(), slot: this.ctx.lookupSlot() };
      this.w.inputPrefixes.set(name, prefix);
    }
    const c = this.code;
    c.localGet(prefix.local).i32Eqz().if_();
    const parent = keys.length > 1 ? this.inputPrefix(keys.slice(0, -1)) : undefined;
    const loadParent = () => (parent === undefined ? c.globalGet(this.ctx.globals.input) : c.localGet(parent));
    loadParent().if_('i32');
    loadParent().i32Const(this.ctx.constants.string(keys[keys.length - 1])).i32Const(prefix.slot).call(this.w.services.runtime('rt_get_at'));
    c.else_().i32Const(0).end();
    c.localSet(prefix.local);
    c.end();
    return prefix.local;
  }

  /** Follows `path[i..]` from the value in `v`: lookups for bound keys, loops for unbound ones. */
  applyPath(v: number, path: Term[], i: number, fail: Label, k: ValueCont): void {
    let current = v;
    this.steps(path.length - i, (j, f, next) => this.pathStep(current, path[i + j], f, (r, f2) => {
      current = r;
      next(f2);
    }), fail, (f) => k(current, f));
  }

  /**
   * Follows `path[i..]` through base data, where (as in OPA's storage paths) a
   * number key names an object's key by its text: `data.a[2]` is `data.a["2"]`,
   * and still element 2 of an array.
   */
  private applyBasePath(v: number, path: Term[], i: number, fail: Label, k: ValueCont): void {
    let current = v;
    this.steps(path.length - i, (j, f, next) => {
      const key = path[i + j];
      const step = (r: number, f2: Label) => {
        current = r;
        next(f2);
      };
      if (key.type !== 'number') return this.pathStep(current, key, f, step);
      this.planTerm(key, f, (kv, f2) => {
        const c = this.code;
        const r = this.w.local();
        c.localGet(current).call(this.w.services.runtime('rt_tag')).i32Const(T_OBJECT).i32Eq().if_('i32');
        c.localGet(current).i32Const(this.ctx.constants.string(key.value)).call(this.w.services.runtime('rt_get'));
        c.else_();
        c.localGet(current).localGet(kv).call(this.w.services.runtime('rt_get'));
        c.end();
        c.localSet(r);
        this.w.failIfUndefined(r, f2);
        step(r, f2);
      });
    }, fail, (f) => k(current, f));
  }

  /** One element of a path: a lookup for a bound key, a loop for an unbound one. */
  private pathStep(v: number, key: Term, fail: Label, k: ValueCont): void {
    if (isPattern(key, this.bound)) {
      const wildcard = key.type === 'var' && key.name.startsWith('$wildcard');
      const kl = wildcard ? null : this.w.local();
      const vl = this.w.local();
      this.w.scan(v, kl, vl, (next) => {
        if (kl === null) return k(vl, next);
        this.bindPattern(key, kl, next, (f) => k(vl, f));
      });
      return;
    }
    this.planTerm(key, fail, (kv, f) => {
      const r = this.w.local();
      if (key.type === 'string') {
        // A field by name (`c.securityContext`): looked up where this site found it last.
        this.code.localGet(v).localGet(kv).i32Const(this.ctx.lookupSlot()).call(this.w.services.runtime('rt_get_at')).localSet(r);
      } else {
        this.w.callRuntime('rt_get', [v, kv], r);
      }
      this.w.failIfUndefined(r, f);
      k(r, f);
    });
  }

  /** A reference into `data`: rules are called, base documents looked up, mocks honoured. */
  planDataRef(path: Term[], fail: Label, k: ValueCont): void {
    this.walkData(this.ctx.tree, [], path, 0, fail, k);
  }

  private walkData(node: TreeNode | undefined, prefix: string[], path: Term[], i: number, fail: Label, k: ValueCont): void {
    const mock = this.env.dataMocks.get(prefix.join('/'));
    if (mock !== undefined && prefix.length > 0) {
      const v = this.w.local();
      this.code.globalGet(mock).localSet(v);
      return this.applyPath(v, path, i, fail, k);
    }
    if (node && node.path.length > 0 && nodeKind(node) === 'function') {
      throw new RegoError('rego_type_error', `function ${pathName(node.path)} must be called`, path[0]?.pos);
    }
    const leaf = node !== undefined && (nodeKind(node) !== 'object' || node.objects.length > 0);
    if (i === path.length || leaf) {
      return this.valueAt(node, prefix, fail, (v, f) => this.applyPath(v, path, i, f, k));
    }
    const t = path[i];
    if (t.type === 'string') {
      const child = node?.children.get(t.value);
      const below = [...prefix, t.value];
      if (child || this.hasMockAtOrBelow(below)) return this.walkData(child, below, path, i + 1, fail, k);
      if (node === undefined || node.children.size === 0) {
        // Plain base data from here on.
        return this.valueAt(undefined, prefix, fail, (v, f) => this.applyBasePath(v, path, i, f, k));
      }
      return this.baseLookup(below, fail, (v, f) => this.applyBasePath(v, path, i + 1, f, k));
    }
    if ((t.type === 'number' || t.type === 'boolean' || t.type === 'null') && !this.hasMockAtOrBelow(prefix)) {
      // Documents of rules are named by strings: under any other scalar key there is base data only.
      return this.baseLookup(prefix, fail, (v, f) => this.applyBasePath(v, path, i, f, k));
    }
    if (this.documentNames(node, prefix).length > 0) {
      if (isPattern(t, this.bound)) return this.iterateKeys(node, prefix, path, i, fail, k);
      return this.planTerm(t, fail, (kv, f) => this.dispatchKey(node, prefix, path, i, kv, f, k));
    }
    // Base data only.
    this.valueAt(node, prefix, fail, (v, f) => this.applyPath(v, path, i, f, k));
  }

  /** Names under `prefix` with a document of rules (functions are none) or a `with` mock below. */
  private documentNames(node: TreeNode | undefined, prefix: string[]): string[] {
    const names = new Set<string>();
    for (const [name, child] of node?.children ?? []) if (nodeKind(child) !== 'function') names.add(name);
    const p = prefix.join('/');
    for (const m of this.env.dataMocks.keys()) {
      const rest = prefix.length === 0 ? m : m.startsWith(p + '/') ? m.slice(p.length + 1) : undefined;
      if (rest !== undefined) names.add(rest.split('/')[0]);
    }
    return [...names];
  }

  /**
   * The document under the key in `kv` at `node`, a key known only when evaluated
   * (`data[x].allow`): the child it names, computed alone, else base data. As in
   * OPA, the other children are not computed: building the whole document here
   * would also compute the rule making the reference when it is below (issue
   * 7399: `data.test.p` reading `data[first].allow`), and never end.
   */
  private dispatchKey(node: TreeNode | undefined, prefix: string[], path: Term[], i: number, kv: number, fail: Label, k: ValueCont): void {
    const c = this.code;
    // Functions are no documents: a key naming one finds base data, if any.
    for (const name of this.documentNames(node, prefix)) {
      this.w.block((other) => {
        c.localGet(kv).i32Const(this.ctx.constants.string(name)).call(this.w.services.runtime('rt_equal')).i32Eqz();
        this.w.brIf(other);
        // Each branch plans the rest of the body anew, from the same bindings.
        this.scoped(() => this.walkData(node?.children.get(name), [...prefix, name], path, i + 1, fail, k));
        // This child was the one: its solutions are all there are.
        this.w.br(fail);
      });
    }
    this.scoped(() =>
      this.baseLookup(prefix, fail, (base, f) => {
        const r = this.w.local();
        this.w.callRuntime('rt_get', [base, kv], r);
        this.w.failIfUndefined(r, f);
        this.applyBasePath(r, path, i + 1, f, k);
      }),
    );
  }

  /**
   * An unbound key at `node` (`data[x].allow`): x iterates over the names of its
   * child documents and the keys of base data there, in order, each dispatched
   * as a bound key is.
   */
  private iterateKeys(node: TreeNode | undefined, prefix: string[], path: Term[], i: number, fail: Label, k: ValueCont): void {
    const c = this.code;
    const rt = (n: string) => this.w.services.runtime(n);
    const keys = this.w.local();
    const names = this.documentNames(node, prefix);
    c.i32Const(names.length).call(rt('rt_set')).localSet(keys);
    for (const name of names) c.localGet(keys).i32Const(this.ctx.constants.string(name)).call(rt('rt_set_add'));
    this.w.block((noBase) =>
      this.baseLookup(prefix, noBase, (base, f) => {
        c.localGet(base).call(rt('rt_tag')).i32Const(T_OBJECT).i32Ne();
        this.w.brIf(f);
        const bk = this.w.local();
        this.w.scan(base, bk, null, () => {
          c.localGet(keys).localGet(bk).call(rt('rt_set_add'));
        });
      }),
    );
    const kv = this.w.local();
    this.w.scan(keys, null, kv, (next) =>
      this.bindPattern(path[i], kv, next, (f) => this.dispatchKey(node, prefix, path, i, kv, f, k)),
    );
    void fail;
  }

  private hasMockAtOrBelow(prefix: string[]): boolean {
    if (prefix.length === 0) return this.env.dataMocks.size > 0;
    const p = prefix.join('/');
    for (const m of this.env.dataMocks.keys()) if (m === p || m.startsWith(p + '/')) return true;
    return false;
  }

  /** The value of the document at `prefix`: a rule's value, a built object, or base data; mocks below it patched in. */
  private valueAt(node: TreeNode | undefined, prefix: string[], fail: Label, k: ValueCont): void {
    const patch = (v: number, f: Label) => {
      const p = prefix.join('/');
      const below = [...this.env.dataMocks.entries()].filter(([m]) => prefix.length === 0 || m.startsWith(p + '/')).sort(([a], [b]) => (a < b ? -1 : 1));
      if (below.length === 0) return k(v, f);
      const out = this.w.local();
      this.code.localGet(v).localSet(out);
      for (const [m, g] of below) {
        const rel = (prefix.length === 0 ? m : m.slice(p.length + 1)).split('/');
        const relPath = this.constantLocal({ type: 'array', items: rel.map((s) => ({ type: 'string', value: s, pos: { file: '', line: 0, col: 0 } }) as Term), pos: { file: '', line: 0, col: 0 } });
        const gl = this.w.local();
        this.code.globalGet(g).localSet(gl);
        this.w.callRuntime('rt_upsert_path', [out, relPath, gl], out);
      }
      k(out, f);
    };
    if (node) {
      const r = this.w.local();
      this.code.call(this.ctx.nodeFunction(node, this.env)).localSet(r);
      this.w.failIfUndefined(r, fail);
      return patch(r, fail);
    }
    this.baseLookup(prefix, fail, patch);
  }

  /** Base data at a ground path. */
  baseLookup(prefix: string[], fail: Label, k: ValueCont): void {
    const v = this.w.local();
    this.code.globalGet(this.ctx.globals.data).localSet(v);
    this.w.failIfUndefined(v, fail);
    for (const seg of prefix) {
      const key = this.w.local();
      this.code.i32Const(this.ctx.constants.string(seg)).localSet(key);
      this.w.callRuntime('rt_get', [v, key], v);
      this.w.failIfUndefined(v, fail);
    }
    k(v, fail);
  }

  // ---- calls -------------------------------------------------------------------------

  /** Comparisons and membership at expression level: branch directly, no boolean value. */
  private planCondition(t: CallTerm, fail: Label, k: Cont): boolean {
    const op = (t.fn as VarTerm).name;
    if (this.env.functionMocks.has(op)) return false;
    if (Object.hasOwn(COMPARISONS, op) && t.args.length === 2) {
      this.planSeq(t.args, fail, ([a, b], f) => {
        this.emitComparison(op, a, b);
        this.code.i32Eqz();
        this.w.brIf(f);
        k(f);
      });
      return true;
    }
    if ((op === 'internal.member_2' && t.args.length === 2) || (op === 'internal.member_3' && t.args.length === 3)) {
      this.planSeq(t.args, fail, (vals, f) => {
        const found = this.membership(vals);
        this.code.localGet(found).i32Eqz();
        this.w.brIf(f);
        k(f);
      });
      return true;
    }
    return false;
  }

  /** Leaves the comparison's i32 truth value on the stack. */
  private emitComparison(op: string, a: number, b: number): void {
    const c = this.code;
    if (op === 'equal' || op === 'neq') {
      c.localGet(a).localGet(b).call(this.w.services.runtime('rt_equal'));
      if (op === 'neq') c.i32Eqz();
      return;
    }
    c.localGet(a).localGet(b).call(this.w.services.runtime('rt_compare'));
    COMPARISONS[op](c);
  }

  /** `x in xs` / `k, v in xs`: a local holding 1 when found. */
  private membership(vals: number[]): number {
    const c = this.code;
    const found = this.w.local();
    c.i32Const(0).localSet(found);
    if (vals.length === 3) {
      const [key, value, coll] = vals;
      const got = this.w.local();
      this.w.callRuntime('rt_get', [coll, key], got);
      c.localGet(got).if_();
      c.localGet(got).localGet(value).call(this.w.services.runtime('rt_equal')).localSet(found);
      c.end();
      return found;
    }
    const [x, coll] = vals;
    this.w.block((done) => {
      const v = this.w.local();
      this.w.scan(coll, null, v, () => {
        c.localGet(v).localGet(x).call(this.w.services.runtime('rt_equal')).if_();
        c.i32Const(1).localSet(found);
        this.w.br(done);
        c.end();
      });
    });
    return found;
  }

  private planCall(t: CallTerm, fail: Label, k: ValueCont): void {
    const fn = t.fn;
    if (fn.type === 'ref') return this.planDataCall(t, fn.terms, fail, k);
    const name = fn.name;
    const mock = this.env.functionMocks.get(name);
    if (mock) return this.planMockedCall(t, mock, fail, k);
    if (Object.hasOwn(COMPARISONS, name) && t.args.length === 2) {
      return this.planSeq(t.args, fail, ([a, b], f) => k(this.boolFromStack(() => this.emitComparison(name, a, b)), f));
    }
    if ((name === 'internal.member_2' && t.args.length === 2) || (name === 'internal.member_3' && t.args.length === 3)) {
      return this.planSeq(t.args, fail, (vals, f) => {
        const found = this.membership(vals);
        k(this.boolFromStack(() => this.code.localGet(found)), f);
      });
    }
    if (name === 'print') return this.planPrint(t, fail, k);
    const def = this.ctx.builtin(name);
    if (!def) throw new RegoError('rego_type_error', `undefined function ${name}`, t.pos);
    this.planBuiltinCall(t, def, fail, k);
  }

  private boolFromStack(emit: () => void): number {
    const r = this.w.local();
    emit();
    this.code.call(this.w.services.runtime('rt_bool')).localSet(r);
    return r;
  }

  private planBuiltinCall(t: CallTerm, def: BuiltinDef, fail: Label, k: ValueCont): void {
    const arity = def.arity;
    if (t.args.length !== arity && t.args.length !== arity + 1) {
      throw new RegoError('rego_type_error', `${def.name}: arity mismatch: expected ${arity} arguments, got ${t.args.length}`, t.pos);
    }
    this.planSeq(t.args.slice(0, arity), fail, (vals, f) => this.callBuiltin(t, def, vals, arity, f, k));
  }

  /** Calls a builtin on evaluated arguments (native, or through the host) and continues with its result. */
  private callBuiltin(t: CallTerm, def: BuiltinDef, vals: number[], arity: number, fail: Label, k: ValueCont): void {
    const r = this.w.local();
    const c = this.code;
    if (def.native) {
      for (const v of vals) c.localGet(v);
      c.call(this.w.services.runtime(def.native)).localSet(r);
    } else {
      const hostArgs = [
        ...vals,
        ...(def.intFlagFor === undefined ? [] : [this.isInt(vals[def.intFlagFor - 1])]),
        ...(def.jsonTextFor ?? []).map((n) => this.jsonText(vals[n - 1])),
      ];
      if (hostArgs.length > 4) throw new RegoError('rego_type_error', `${def.name}: host builtins take at most 4 arguments`, t.pos);
      c.i32Const(this.ctx.hostBuiltinId(def.hostName ?? def.name)).i32Const(0);
      for (const v of hostArgs) c.localGet(v);
      c.call(this.w.services.import(`opa_builtin${hostArgs.length}`)).localSet(r);
    }
    if (this.ctx.strict || def.halts) this.abortOnBuiltinError(r, t.pos);
    this.w.failIfUndefined(r, fail);
    if (def.setResult) c.localGet(r).call(this.w.services.runtime('rt_set_from_array')).localSet(r);
    if (def.mergesIntoFirst) c.localGet(vals[0]).localGet(r).call(this.w.services.runtime('b_object_union')).localSet(r);
    if (def.relation) {
      const e = this.w.local();
      return this.w.scan(r, null, e, (next) => this.callResult(t, arity, e, next, k));
    }
    this.callResult(t, arity, r, fail, k);
  }

  /** A boolean value: whether value `v` is an int (tag 3), not a float or anything else. */
  private isInt(v: number): number {
    return this.boolFromStack(() => this.code.localGet(v).call(this.w.services.runtime('rt_tag')).i32Const(T_INT).i32Eq());
  }

  /** A string value: value `v`'s JSON text (json.marshal), every digit of its numbers kept. */
  private jsonText(v: number): number {
    const text = this.w.local();
    this.code.localGet(v).call(this.w.services.runtime('b_json_marshal')).localSet(text);
    return text;
  }

  /** The result of a call: bound to the extra output argument if there is one. */
  private callResult(t: CallTerm, arity: number, r: number, fail: Label, k: ValueCont): void {
    if (t.args.length === arity + 1) {
      return this.bindPattern(t.args[arity], r, fail, (f) => {
        const tr = this.w.local();
        this.code.globalGet(this.ctx.constants.trueGlobal).localSet(tr);
        k(tr, f);
      });
    }
    k(r, fail);
  }

  private abortOnBuiltinError(r: number, pos: Pos): void {
    const c = this.code;
    const msg = this.w.local();
    c.localGet(r).i32Eqz().if_();
    c.i32Const(this.ctx.constants.cstring(`${pos.file}:${pos.line}: `));
    c.call(this.w.services.runtime('rt_builtin_error')).localTee(msg).if_();
    c.localGet(msg).call(this.w.services.import('opa_abort'));
    c.end();
    c.end();
  }

  private planDataCall(t: CallTerm, terms: Term[], fail: Label, k: ValueCont): void {
    const path = stringPath(terms.slice(1));
    if (!path) throw new RegoError('rego_type_error', 'function references must be ground', t.pos);
    const key = pathName(path);
    const mock = this.env.functionMocks.get(key);
    if (mock) return this.planMockedCall(t, mock, fail, k);
    const node = findNode(this.ctx.tree, path);
    if (!node || nodeKind(node) !== 'function') {
      throw new RegoError('rego_type_error', `undefined function ${key}`, t.pos);
    }
    const arity = node.functions[0].args?.length ?? 0;
    if (t.args.length !== arity && t.args.length !== arity + 1) {
      throw new RegoError('rego_type_error', `${key}: arity mismatch: expected ${arity} arguments, got ${t.args.length}`, t.pos);
    }
    const index = this.ctx.dataFunction(node, this.env);
    this.planSeq(t.args.slice(0, arity), fail, (vals, f) => {
      const r = this.w.local();
      this.w.callFunction(index, vals, r);
      this.w.failIfUndefined(r, f);
      this.callResult(t, arity, r, f, k);
    });
  }

  /**
   * A call to a mocked function: the arguments are evaluated here, under the
   * current mocks; the replacement itself runs without function mocks (it may
   * call the original, and one mock never calls another).
   */
  private planMockedCall(t: CallTerm, mock: FunctionMock, fail: Label, k: ValueCont): void {
    const arity = this.ctx.arity(t.fn) ?? t.args.length;
    this.planSeq(t.args.slice(0, arity), fail, (vals, f) => {
      if (mock.kind === 'builtin') {
        const def = this.ctx.builtin(mock.name);
        if (!def) throw new RegoError('rego_type_error', `undefined function ${mock.name}`, t.pos);
        return this.callBuiltin(t, def, vals, arity, f, k);
      }
      const r = this.w.local();
      if (mock.kind === 'value') {
        this.code.globalGet(mock.global).localSet(r);
      } else {
        const node = findNode(this.ctx.tree, mock.path);
        if (!node || nodeKind(node) !== 'function') throw new RegoError('rego_type_error', `undefined function ${pathName(mock.path)}`, t.pos);
        this.w.callFunction(this.ctx.dataFunction(node, withoutFunctionMocks(this.env)), vals, r);
      }
      this.w.failIfUndefined(r, f);
      this.callResult(t, arity, r, f, k);
    });
  }

  /** `print(a, b)`: each argument's values as a set; undefined arguments print `<undefined>`. */
  private planPrint(t: CallTerm, fail: Label, k: ValueCont): void {
    const c = this.code;
    const rt = this.w.services.runtime.bind(this.w.services);
    const args = this.w.local();
    c.i32Const(t.args.length).call(rt('rt_array')).localSet(args);
    for (const a of t.args) {
      const set = this.w.local();
      c.i32Const(1).call(rt('rt_set')).localSet(set);
      this.scoped(() =>
        this.w.block((done) =>
          this.planTerm(a, done, (v) => {
            c.localGet(set).localGet(v).call(rt('rt_set_add'));
          }),
        ),
      );
      c.localGet(args).localGet(set).call(rt('rt_array_push'));
    }
    c.localGet(args).call(rt('rt_print'));
    const tr = this.w.local();
    c.globalGet(this.ctx.constants.trueGlobal).localSet(tr);
    k(tr, fail);
  }
}

type WithMock =
  | { kind: 'input'; value: number }
  | { kind: 'data'; path: string[]; value: number }
  | { kind: 'function'; name: string; mock: FunctionMock };

function stringPath(terms: Term[]): string[] | undefined {
  const out: string[] = [];
  for (const t of terms) {
    if (t.type !== 'string') return undefined;
    out.push(t.value);
  }
  return out;
}

/** The key a function is mocked under: its builtin name or `data.a.f`. */
function functionKey(t: Term): string {
  if (t.type === 'var') return t.name;
  if (t.type === 'ref') {
    const path = stringPath(t.terms.slice(1));
    if (t.terms[0].type === 'var' && t.terms[0].name === 'data' && path) return pathName(path);
  }
  throw new RegoError('rego_type_error', 'with keyword target must reference existing input, data, or a function', t.pos);
}

function displayVar(name: string): string {
  if (name.startsWith('$wildcard')) return '_';
  const i = name.indexOf('$');
  return i > 0 ? name.slice(0, i) : name;
}
