// Plans every rule the entrypoints reach into wasm functions: one function per
// document node (complete rule, multi-value rule, object built from ref-head
// rules and child nodes) and per data function, each per mocking environment.
// Functions are declared when first referenced and planned from a worklist, so
// mutually referencing rules need no ordering.
import type { Body, ElseClause, Term } from '../ast';
import type { ModuleLinker } from '../backend/link';
import type { BuiltinDef } from '../builtins/types';
import { RegoError } from '../errors';
import { visibleVars } from '../stages/safety';
import type { ResolvedRule } from '../stages/resolve';
import { BodyPlanner, type PlanContext } from './body';
import type { ConstantPool } from './constants';
import { INPUT_ONLY, NO_MOCKS, type Env } from './env';
import { InputDependencies } from './input-deps';
import { nodeKind, pathName, type TreeNode } from './tree';
import { FnWriter, type Label, type ModuleServices } from './writer';
import { regoText } from './rego-text';

interface PlannedFunction {
  index: number;
  node: TreeNode;
  env: Env;
  kind: 'value' | 'function';
}

/** Depths (below the node) at which its ref-head rules put values, and those of multi-value rules (sets). */
interface RuleLeaves {
  at: Set<number>;
  sets: Set<number>;
}

function ruleLeaves(node: TreeNode): RuleLeaves {
  const leaves: RuleLeaves = { at: new Set(), sets: new Set() };
  for (const o of node.objects) {
    leaves.at.add(o.keys.length);
    if (o.multi) leaves.sets.add(o.keys.length);
  }
  return leaves;
}

function sortedChildren(node: TreeNode): [string, TreeNode][] {
  return [...node.children.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface ModulePlannerOptions {
  strict: boolean;
}

export class ModulePlanner implements PlanContext {
  readonly globals: { input: number; data: number; epoch: number; inputScope: number; inputScopes: number };
  private readonly functions = new Map<string, PlannedFunction>();
  private readonly worklist: PlannedFunction[] = [];
  private readonly hostBuiltins = new Map<string, number>();
  private readonly inputDeps: InputDependencies;
  readonly strict: boolean;

  constructor(
    readonly tree: TreeNode,
    readonly linker: ModuleLinker,
    readonly constants: ConstantPool,
    readonly services: ModuleServices,
    private readonly builtins: Map<string, BuiltinDef>,
    options: ModulePlannerOptions,
  ) {
    this.strict = options.strict;
    this.inputDeps = new InputDependencies(tree);
    this.globals = {
      input: linker.addGlobal('i32', true, 0),
      data: linker.addGlobal('i32', true, 0),
      epoch: linker.addGlobal('i32', true, 0),
      // The `with input as` scope in force (see BodyPlanner.planWith), and how many were ever entered.
      inputScope: linker.addGlobal('i32', true, 0),
      inputScopes: linker.addGlobal('i32', true, 0),
    };
  }

  builtin(name: string): BuiltinDef | undefined {
    return this.builtins.get(name);
  }

  /** Host builtins called through opa_builtinN, in order of first use. */
  hostBuiltinTable(): Map<string, number> {
    return this.hostBuiltins;
  }

  hostBuiltinId(name: string): number {
    let id = this.hostBuiltins.get(name);
    if (id === undefined) {
      id = this.hostBuiltins.size;
      this.hostBuiltins.set(name, id);
    }
    return id;
  }

  newGlobal(): number {
    return this.linker.addGlobal('i32', true, 0);
  }

  compositeConstant(t: Term, text = regoText(t)): number {
    // Laid out now (static data must be complete before the start function is written).
    const addr = this.constants.string(text); // a string value: length at +4, bytes at +8
    const length = new TextEncoder().encode(text).length;
    return this.constants.composite(text, (c) => {
      c.i32Const(addr + 8).i32Const(length).call(this.services.runtime('opa_value_parse'));
    });
  }

  lookupSlot(): number {
    return this.linker.addData(new Uint8Array(4), 4);
  }

  arity(fn: Term): number | undefined {
    if (fn.type === 'var') return this.builtins.get(fn.name)?.arity;
    if (fn.type === 'ref') {
      const path: string[] = [];
      for (const t of fn.terms.slice(1)) {
        if (t.type !== 'string') return undefined;
        path.push(t.value);
      }
      let n: TreeNode | undefined = this.tree;
      for (const seg of path) n = n?.children.get(seg);
      if (n && nodeKind(n) === 'function') return n.functions[0].args?.length ?? 0;
    }
    return undefined;
  }

  nodeFunction(node: TreeNode, env: Env): number {
    return this.declare(node, env, 'value');
  }

  dataFunction(node: TreeNode, env: Env): number {
    return this.declare(node, env, 'function');
  }

  private declare(node: TreeNode, env: Env, kind: 'value' | 'function'): number {
    const key = `${kind}:${pathName(node.path)}|${env.key}`;
    let f = this.functions.get(key);
    if (!f) {
      const params = kind === 'function' ? (node.functions[0].args ?? []).map(() => 'i32' as const) : [];
      const index = this.linker.declareFunction(params, ['i32']);
      this.linker.nameFunction(index, `${pathName(node.path)}${env.key ? `|${env.key}` : ''}`);
      f = { index, node, env, kind };
      this.functions.set(key, f);
      this.worklist.push(f);
    }
    return f.index;
  }

  /** Plans everything declared so far, and whatever that declares in turn. */
  planAll(): void {
    for (let f = this.worklist.shift(); f; f = this.worklist.shift()) {
      const w = f.kind === 'function' ? this.planDataFunction(f) : this.planNode(f);
      this.linker.defineFunction(f.index, w.locals, w.finish());
    }
  }

  /** An entry point: the document at `path`, as a function returning its value or 0. */
  planEntrypoint(path: string[]): number {
    const index = this.linker.declareFunction([], ['i32']);
    this.linker.nameFunction(index, `entrypoint ${path.join('/')}`);
    const w = new FnWriter(this.services, []);
    const bp = new BodyPlanner(this, w, NO_MOCKS, new Set());
    const result = w.local();
    w.setConst(result, 0);
    const pos = { file: '', line: 0, col: 0 };
    w.block((fail) =>
      bp.planDataRef(path.map((s) => ({ type: 'string', value: s, pos }) as Term), fail, (v) => w.set(result, v)),
    );
    w.code.localGet(result);
    this.linker.defineFunction(index, w.locals, w.finish());
    return index;
  }

  /** An entry point computing a node outside the tree (a compiled query). */
  planNodeEntrypoint(node: TreeNode): number {
    const index = this.linker.declareFunction([], ['i32']);
    const w = new FnWriter(this.services, []);
    w.code.call(this.nodeFunction(node, NO_MOCKS));
    this.linker.defineFunction(index, w.locals, w.finish());
    return index;
  }

  // ---- documents ---------------------------------------------------------------------

  private planNode(f: PlannedFunction): FnWriter {
    const w = new FnWriter(this.services, []);
    const result = w.local();
    const cache = this.cachePolicy(f);
    const c = w.code;
    // The part of input the value depends on (cachePolicy), at entry.
    const part = cache?.inputKey !== undefined ? w.local() : undefined;
    if (cache) {
      if (part !== undefined) {
        c.globalGet(this.globals.input).if_('i32');
        c.globalGet(this.globals.input).i32Const(this.constants.string(cache.inputKey!)).i32Const(this.lookupSlot()).call(this.services.runtime('rt_get_at'));
        c.else_().i32Const(0).end();
        c.localSet(part);
      }
      c.globalGet(cache.epochOf).globalGet(cache.epoch).i32Eq();
      if (part !== undefined) c.globalGet(cache.part!).localGet(part).i32Eq().i32And();
      c.if_();
      c.globalGet(cache.value).return_();
      c.end();
    }
    switch (nodeKind(f.node)) {
      case 'complete':
        this.planComplete(w, f.node, f.env, result);
        break;
      case 'set':
        this.planSet(w, f.node, f.env, result);
        break;
      case 'object':
        this.planObject(w, f.node, f.env, result);
        break;
      case 'function':
        throw new RegoError('rego_type_error', `function ${pathName(f.node.path)} must be called`, f.node.functions[0].pos);
    }
    if (cache) {
      c.localGet(result).globalSet(cache.value);
      c.globalGet(cache.epoch).globalSet(cache.epochOf);
      if (part !== undefined) c.localGet(part).globalSet(cache.part!);
    }
    c.localGet(result);
    return w;
  }

  /**
   * How a document's value is cached, if it is. A value is the same for as long as input
   * and data are: one evaluation (`epoch`). Under `with input as` alone, for as long as the
   * parts of input it reads are (input-deps.ts): none, one evaluation again; one top-level
   * key, the same value there (kept in `part`, compared by address: a batch module's
   * `input.review` is one value for every constraint); more, one entry into that `with`
   * (`inputScope`, a number never reused).
   */
  private cachePolicy(f: PlannedFunction): { value: number; epochOf: number; epoch: number; part?: number; inputKey?: string } | undefined {
    const slot = () => this.linker.addGlobal('i32', true, 0);
    if (f.env.cacheable) return { value: slot(), epochOf: slot(), epoch: this.globals.epoch };
    if (f.env.key !== INPUT_ONLY) return undefined;
    const keys = this.inputDeps.of(f.node);
    if (keys !== 'all' && keys.size === 0) return { value: slot(), epochOf: slot(), epoch: this.globals.epoch };
    if (keys !== 'all' && keys.size === 1) return { value: slot(), epochOf: slot(), epoch: this.globals.epoch, part: slot(), inputKey: [...keys][0] };
    return { value: slot(), epochOf: slot(), epoch: this.globals.inputScope };
  }

  private bodyPlanner(w: FnWriter, env: Env, rule: ResolvedRule, clause?: { body: Body; value?: Term }): BodyPlanner {
    const terms: Term[] = [...rule.path, ...(rule.args ?? []), rule.value, ...(rule.key ? [rule.key] : [])];
    if (clause?.value) terms.push(clause.value);
    return new BodyPlanner(this, w, env, visibleVars(terms, [clause?.body ?? rule.body]));
  }

  private planComplete(w: FnWriter, node: TreeNode, env: Env, result: number): void {
    w.setConst(result, 0);
    const conflict = `eval_conflict_error: complete rules must not produce multiple outputs (rule ${pathName(node.path)} produced conflicting values)`;
    for (const rule of node.complete) {
      this.planClauses(w, env, rule, [], result, conflict);
    }
    const def = node.defaults[0];
    if (def) {
      const c = w.code;
      c.localGet(result).i32Eqz().if_();
      w.block((fail) => {
        const bp = this.bodyPlanner(w, env, def);
        bp.planTerm(def.value, fail, (v) => w.set(result, v));
      });
      c.end();
    }
  }

  /**
   * A rule's body and its `else` chain: the first clause with any solution
   * gives the value; all of a clause's solutions must agree.
   */
  private planClauses(w: FnWriter, env: Env, rule: ResolvedRule, params: number[], result: number, conflict: string): void {
    const clauses: { body: Body; value: Term }[] = [{ body: rule.body, value: rule.value }];
    for (let e: ElseClause | undefined = rule.else; e; e = e.else) {
      clauses.push({ body: e.body, value: e.value ?? { type: 'boolean', value: true, pos: e.pos } });
    }
    const found = clauses.length > 1 ? w.local() : -1;
    if (found >= 0) w.setConst(found, 0);
    w.block((chainDone) => {
      for (const clause of clauses) {
        w.block((fail) => {
          const bp = this.bodyPlanner(w, env, rule, clause);
          this.bindParams(bp, rule.args ?? [], params, fail, (f) =>
            bp.planBody(clause.body, f, (f2) =>
              bp.planTerm(clause.value, f2, (v) => {
                this.assignConflictFree(bp, result, v, conflict);
                if (found >= 0) w.setConst(found, 1);
              }),
            ),
          );
        });
        if (found >= 0) {
          w.code.localGet(found);
          w.brIf(chainDone);
        }
      }
    });
  }

  private bindParams(bp: BodyPlanner, args: Term[], params: number[], fail: Label, k: (f: Label) => void, i = 0): void {
    if (i === args.length) return k(fail);
    bp.bindPattern(args[i], params[i], fail, (f) => this.bindParams(bp, args, params, f, k, i + 1));
  }

  private assignConflictFree(bp: BodyPlanner, result: number, v: number, conflict: string): void {
    const c = bp.code;
    c.localGet(result).if_();
    c.localGet(result).localGet(v).call(this.services.runtime('rt_equal')).i32Eqz().if_();
    bp.abort(conflict);
    c.end();
    c.end();
    c.localGet(v).localSet(result);
  }

  // The elements are collected into an array and made a set at the end: added to the
  // set one by one, elements that come out of order (most do: e.g. one per container,
  // keyed by a message) each move every element after them, quadratic in their number.
  private planSet(w: FnWriter, node: TreeNode, env: Env, result: number): void {
    w.code.i32Const(4).call(this.services.runtime('rt_array')).localSet(result);
    for (const rule of node.sets) {
      w.block((fail) => {
        const bp = this.bodyPlanner(w, env, rule);
        bp.planBody(rule.body, fail, (f) =>
          bp.planTerm(rule.key ?? rule.value, f, (v) => {
            w.code.localGet(result).localGet(v).call(this.services.runtime('rt_array_push'));
          }),
        );
      });
    }
    w.code.localGet(result).call(this.services.runtime('rt_set_from_array')).localSet(result);
  }

  /** An object document: ref-head rules with dynamic keys, child documents, and base data at the same path. */
  private planObject(w: FnWriter, node: TreeNode, env: Env, result: number): void {
    const c = w.code;
    const rt = (n: string) => this.services.runtime(n);
    c.i32Const(4).call(rt('rt_object')).localSet(result);
    for (const { rule, keys, multi } of node.objects) {
      w.block((fail) => {
        const bp = this.bodyPlanner(w, env, rule);
        bp.planBody(rule.body, fail, (f) => this.insertPath(bp, result, keys, multi ? rule.key! : rule.value, multi, f, pathName(node.path)));
      });
    }
    const leaves = node.objects.length > 0 ? ruleLeaves(node) : undefined;
    for (const [name, child] of sortedChildren(node)) {
      if (nodeKind(child) === 'function') continue;
      if (leaves) {
        this.mergeChild(w, env, result, name, child, 1, leaves, `object keys must be unique (rule ${pathName(node.path)} produced conflicting values)`);
        continue;
      }
      const v = w.local();
      c.call(this.nodeFunction(child, env)).localSet(v);
      c.localGet(v).if_();
      c.localGet(result).i32Const(this.constants.string(name)).localGet(v).call(rt('rt_object_insert'));
      c.end();
    }
    this.mergeBase(w, env, result, node.path);
  }

  /**
   * Child document `name` (at depth `depth` below the node whose ref-head rules built
   * `obj`) merged into what those rules put there. As in OPA, two rules may meet in
   * the objects their refs go through, but not at a value: the same leaf from both is
   * a conflict unless equal (or both sets: their union), and one rule's value may
   * neither be replaced by the other's objects nor have keys added inside it.
   */
  private mergeChild(w: FnWriter, env: Env, obj: number, name: string, child: TreeNode, depth: number, leaves: RuleLeaves, conflict: string): void {
    const c = w.code;
    const rt = (n: string) => this.services.runtime(n);
    const key = w.local();
    const existing = w.local();
    c.i32Const(this.constants.string(name)).localSet(key);
    w.callRuntime('rt_get', [obj, key], existing);
    const abort = () => {
      c.i32Const(this.constants.cstring(`eval_conflict_error: ${conflict}`)).call(this.services.import('opa_abort')).unreachable();
    };
    const kind = nodeKind(child);
    const interior = kind === 'object' && child.objects.length === 0;
    const v = w.local();
    c.localGet(existing).i32Eqz().if_();
    c.call(this.nodeFunction(child, env)).localSet(v);
    c.localGet(v).if_();
    c.localGet(obj).localGet(key).localGet(v).call(rt('rt_object_insert'));
    c.end();
    c.else_();
    if (interior && !leaves.at.has(depth)) {
      // Both go on through objects here: merge below.
      for (const [n, g] of sortedChildren(child)) {
        if (nodeKind(g) !== 'function') this.mergeChild(w, env, existing, n, g, depth + 1, leaves, conflict);
      }
      this.mergeBase(w, env, existing, child.path);
    } else {
      c.call(this.nodeFunction(child, env)).localSet(v);
      c.localGet(v).if_();
      if (kind === 'set' && leaves.sets.has(depth)) {
        c.localGet(obj).localGet(key).localGet(existing).localGet(v).call(rt('b_or')).call(rt('rt_object_insert'));
      } else if (kind === 'complete' && leaves.at.has(depth)) {
        c.localGet(existing).localGet(v).call(rt('rt_equal')).i32Eqz().if_();
        abort();
        c.end();
      } else if (kind === 'object' && !leaves.at.has(depth)) {
        // The child's own ref-head rules build objects here too: keys merge, values must agree.
        const k = w.local();
        const x = w.local();
        const there = w.local();
        w.scan(v, k, x, () => {
          w.callRuntime('rt_get', [existing, k], there);
          c.localGet(there).if_();
          c.localGet(there).localGet(x).call(rt('rt_equal')).i32Eqz().if_();
          abort();
          c.end();
          c.else_();
          c.localGet(existing).localGet(k).localGet(x).call(rt('rt_object_insert'));
          c.end();
        });
      } else if (kind === 'object') {
        // Keys added inside a rule's value (none: nothing was added).
        c.localGet(v).call(rt('rt_len')).if_();
        abort();
        c.end();
      } else {
        abort();
      }
      c.end();
    }
    c.end();
  }

  /**
   * Base documents at `path` merged into the object `result` built there. Child
   * documents merged their own base data already (objects under the same key);
   * elsewhere, where both define a key, the base document's value is what OPA's
   * evaluator returns.
   */
  private mergeBase(w: FnWriter, env: Env, result: number, path: string[]): void {
    const c = w.code;
    const rt = (n: string) => this.services.runtime(n);
    w.block((fail) => {
      const bp = new BodyPlanner(this, w, env, new Set());
      bp.baseLookup(path, fail, (base) => {
        const k = w.local();
        const v = w.local();
        const existing = w.local();
        c.localGet(base).call(rt('rt_tag')).i32Const(7).i32Ne();
        w.brIf(fail);
        w.scan(base, k, v, (next) => {
          w.callRuntime('rt_get', [result, k], existing);
          c.localGet(existing).if_();
          c.localGet(existing).call(rt('rt_tag')).i32Const(7).i32Eq();
          c.localGet(v).call(rt('rt_tag')).i32Const(7).i32Eq().i32And();
          w.brIf(next);
          c.end();
          c.localGet(result).localGet(k).localGet(v).call(rt('rt_object_insert'));
        });
      });
    });
  }

  /**
   * `p[a][b] := v`: nested objects created on the way; a different value at the
   * same key is a conflict. `p[a] contains v` (multi): v joins a set at p[a].
   */
  private insertPath(bp: BodyPlanner, obj: number, keys: Term[], value: Term, multi: boolean, fail: Label, name: string): void {
    const w = bp.w;
    const c = w.code;
    const rt = (n: string) => this.services.runtime(n);
    /** The collection under key kv of cur, created (object or set) if absent. */
    const child = (cur: number, kv: number, make: string): number => {
      const sub = w.local();
      w.callRuntime('rt_get', [cur, kv], sub);
      c.localGet(sub).i32Eqz().if_();
      c.i32Const(4).call(rt(make)).localSet(sub);
      c.localGet(cur).localGet(kv).localGet(sub).call(rt('rt_object_insert'));
      c.end();
      return sub;
    };
    const step = (cur: number, i: number, f: Label): void => {
      bp.planTerm(keys[i], f, (kv, f2) => {
        if (i < keys.length - 1) return step(child(cur, kv, 'rt_object'), i + 1, f2);
        if (multi) {
          const set = child(cur, kv, 'rt_set');
          return bp.planTerm(value, f2, (vv) => c.localGet(set).localGet(vv).call(rt('rt_set_add')));
        }
        bp.planTerm(value, f2, (vv) => bp.insertUnique(cur, kv, vv, `object keys must be unique (rule ${name} produced conflicting values)`));
      });
    };
    step(obj, 0, fail);
  }

  // ---- functions -----------------------------------------------------------------------

  private planDataFunction(f: PlannedFunction): FnWriter {
    const arity = f.node.functions[0].args?.length ?? 0;
    const params = Array.from({ length: arity }, (_, i) => i);
    const w = new FnWriter(this.services, params.map(() => 'i32'));
    // Calls are work the deadline counts (src/runtime/deadline.ts).
    w.code.call(this.services.runtime('rt_tick'));
    const result = w.local();
    w.setConst(result, 0);
    const conflict = `eval_conflict_error: functions must not produce multiple outputs for same inputs (function ${pathName(f.node.path)} produced conflicting values for the same inputs)`;
    for (const rule of f.node.functions.filter((r) => !r.default)) this.planClauses(w, f.env, rule, params, result, conflict);
    const def = f.node.functions.find((r) => r.default);
    if (def) {
      w.code.localGet(result).i32Eqz().if_();
      w.block((fail) => {
        const bp = this.bodyPlanner(w, f.env, def);
        this.bindParams(bp, def.args ?? [], params, fail, (f2) => bp.planTerm(def.value, f2, (v) => w.set(result, v)));
      });
      w.code.end();
    }
    w.code.localGet(result);
    return w;
  }
}
