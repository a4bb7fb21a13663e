// Writes one generated function: wasm locals, labels for "undefined" exits, and
// calls into the runtime by name. The planner speaks in these terms (values in
// locals, failure = branch to a label) and never sees opcodes for control flow.
import { Code } from '../backend/code';
import { RegoError } from '../errors';
import type { WasmType } from '../backend/runtime-abi';
import { RUNTIME_FUNCTIONS, type RuntimeFnName } from '../backend/runtime-abi';

/** A branch target: the end of a block opened at `depth`. */
export interface Label {
  readonly depth: number;
}

export interface ModuleServices {
  /** Function index of a runtime export. */
  runtime(name: RuntimeFnName | string): number;
  /** Function index of an `env` import (opa_abort, opa_println, opa_builtinN). */
  import(name: string): number;
}

/** V8's kV8MaxWasmFunctionLocals. */
const MAX_LOCALS = 50_000;

export class FnWriter {
  readonly code = new Code();
  readonly locals: WasmType[] = [];

  /** Loads of constants, run once on entry (see `constant`); placed before `code` by `finish`. */
  private readonly prologue = new Code();
  private readonly constants = new Map<string, number>();
  /** `input.a.b` → the local holding its value in this call, and its lookup site's hint (BodyPlanner.inputPrefix). */
  readonly inputPrefixes = new Map<string, { local: number; slot: number }>();

  constructor(
    readonly services: ModuleServices,
    readonly params: WasmType[],
  ) {}

  /**
   * A local holding the constant `key`, loaded once on entry to the function
   * by `load` rather than at each use: a long body uses the same few
   * constants thousands of times, and a function may have at most
   * MAX_LOCALS locals. The local must never be written to.
   */
  constant(key: string, load: (c: Code) => void): number {
    let l = this.constants.get(key);
    if (l === undefined) {
      l = this.local();
      load(this.prologue);
      this.prologue.localSet(l);
      this.constants.set(key, l);
    }
    return l;
  }

  /** The function's instructions: the constant loads, then the body. */
  finish(): Code {
    return new Code().append(this.prologue).append(this.code);
  }

  /** A fresh local (params come first in wasm's numbering). */
  local(type: WasmType = 'i32'): number {
    // Past V8's limit the module would be refused only when loaded.
    if (this.params.length + this.locals.length >= MAX_LOCALS) {
      throw new RegoError('rego_compile_error', `a rule needs more than ${MAX_LOCALS} wasm locals (the limit of V8's WebAssembly engine); split its body`);
    }
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  /** Opens a block, runs `body` with its label, closes it. */
  block(body: (end: Label) => void): void {
    this.code.block();
    const label = { depth: this.code.depth };
    body(label);
    this.code.end();
  }

  /** `br` to a label from wherever we are now. */
  br(label: Label): void {
    this.code.br(this.code.depth - label.depth);
  }

  /** `br_if` (pops an i32 condition). */
  brIf(label: Label): void {
    this.code.brIf(this.code.depth - label.depth);
  }

  /** Branches to `label` when the value in `local` is 0 (undefined). */
  failIfUndefined(local: number, label: Label): void {
    this.code.localGet(local).i32Eqz();
    this.brIf(label);
  }

  /** Calls a runtime function with locals as arguments; stores the result (if any) in `result`. */
  callRuntime(name: RuntimeFnName | string, args: number[], result?: number): void {
    for (const a of args) this.code.localGet(a);
    this.code.call(this.services.runtime(name));
    const sig = (RUNTIME_FUNCTIONS as Record<string, { results: WasmType[] }>)[name];
    const returns = sig ? sig.results.length > 0 : true;
    if (result !== undefined) this.code.localSet(result);
    else if (returns) this.code.drop();
  }

  /** Calls a function by index with locals as arguments; stores its i32 result in `result`. */
  callFunction(index: number, args: number[], result: number): void {
    for (const a of args) this.code.localGet(a);
    this.code.call(index).localSet(result);
  }

  set(local: number, fromLocal: number): void {
    this.code.localGet(fromLocal).localSet(local);
  }

  setConst(local: number, n: number): void {
    this.code.i32Const(n).localSet(local);
  }

  /**
   * A counted loop over the elements of the collection in `coll`: binds
   * `key`/`value` locals (when given) and runs `body`, whose failure label moves
   * on to the next element. Scalars have no elements.
   */
  scan(coll: number, key: number | null, value: number | null, body: (next: Label) => void): void {
    const n = this.local();
    const i = this.local();
    const c = this.code;
    this.callRuntime('rt_len', [coll], n);
    c.i32Const(0).localSet(i);
    this.block((exit) => {
      c.loop();
      const top = { depth: c.depth };
      c.localGet(i).localGet(n).i32GeU();
      this.brIf(exit);
      if (key !== null) this.callRuntime('rt_iter_key', [coll, i], key);
      if (value !== null) this.callRuntime('rt_iter_value', [coll, i], value);
      c.localGet(i).i32Const(1).i32Add().localSet(i);
      this.block((next) => body(next));
      this.br(top);
      c.end();
    });
  }
}
