// Builds the policy module: plans the entrypoints onto the runtime, then adds
// the OPA ABI functions only a policy can provide (eval, opa_eval, the
// entrypoint and builtin tables) and the start function that lays out constants.
import type { BuiltinDef } from '../builtins/types';
import { ConstantPool } from '../plan/constants';
import { ModulePlanner } from '../plan/rules';
import type { TreeNode } from '../plan/tree';
import { FnWriter, type ModuleServices } from '../plan/writer';
import { ModuleLinker } from './link';
import { ABI_EXPORTS, DEADLINE_BUILTIN, DEADLINE_EXPORT } from './runtime-abi';
import { loadRuntime } from './runtime-wasm';

/** The OPA wasm ABI version the modules follow (exported as opa_wasm_abi_version and _minor_version). */
export const OPA_WASM_ABI_VERSION = { major: 1, minor: 2 } as const;

export interface EmitOptions {
  entrypoints: string[];
  strict: boolean;
  /** A compiled query: the value of its detached node, under its own entrypoint name. */
  query?: { entrypoint: string; node: TreeNode };
}

export function emitModule(tree: TreeNode, builtins: Map<string, BuiltinDef>, options: EmitOptions): Uint8Array {
  const linker = new ModuleLinker(loadRuntime());
  const services: ModuleServices = {
    runtime: (name) => linker.runtimeFunction(name),
    import: (name) => linker.importFunction(name),
  };
  const constants = new ConstantPool(linker);
  const planner = new ModulePlanner(tree, linker, constants, services, builtins, { strict: options.strict });

  const entries = options.entrypoints.map((ep) => planner.planEntrypoint(ep.split('/').filter((s) => s.length > 0)));
  const names = [...options.entrypoints];
  if (options.query) {
    entries.push(planner.planNodeEntrypoint(options.query.node));
    names.push(options.query.entrypoint);
  }
  planner.planAll();
  const deadlineBuiltin = planner.hostBuiltinId(DEADLINE_BUILTIN);

  const abi = new AbiFunctions(linker, services, constants, planner, entries, deadlineBuiltin);
  linker.exportFunction('opa_eval', abi.opaEval());
  linker.exportFunction('eval', abi.eval());
  linker.exportFunction('entrypoints', abi.table(Object.fromEntries(names.map((ep, i) => [ep, i]))));
  linker.exportFunction('builtins', abi.table(Object.fromEntries(planner.hostBuiltinTable())));
  for (const name of ABI_EXPORTS) linker.keepRuntimeExport(name);
  linker.keepRuntimeExport(DEADLINE_EXPORT);
  linker.exportGlobal('opa_wasm_abi_version', linker.addGlobal('i32', false, OPA_WASM_ABI_VERSION.major));
  linker.exportGlobal('opa_wasm_abi_minor_version', linker.addGlobal('i32', false, OPA_WASM_ABI_VERSION.minor));
  linker.setStart(abi.start());
  return linker.emit();
}

class AbiFunctions {
  constructor(
    private readonly linker: ModuleLinker,
    private readonly services: ModuleServices,
    private readonly constants: ConstantPool,
    private readonly planner: ModulePlanner,
    private readonly entries: number[],
    private readonly deadlineBuiltin: number,
  ) {}

  private define(params: number, build: (w: FnWriter) => void): number {
    const types = Array.from({ length: params }, () => 'i32' as const);
    const index = this.linker.declareFunction(types, ['i32']);
    const w = new FnWriter(this.services, types);
    build(w);
    this.linker.defineFunction(index, w.locals, w.finish());
    return index;
  }

  /** Runs entrypoint `ep` (in a local) and wraps its value as OPA's result set. */
  private runEntrypoint(w: FnWriter, ep: number): number {
    const c = w.code;
    const g = this.planner.globals;
    c.globalGet(g.epoch).i32Const(1).i32Add().globalSet(g.epoch);
    c.call(this.services.runtime('rt_clear_error'));
    const value = w.local();
    w.setConst(value, 0);
    this.entries.forEach((fn, i) => {
      c.localGet(ep).i32Const(i).i32Eq().if_();
      c.call(fn).localSet(value);
      c.end();
    });
    const rs = w.local();
    c.i32Const(1).call(this.services.runtime('rt_array')).localSet(rs);
    c.localGet(value).if_();
    const obj = w.local();
    c.i32Const(1).call(this.services.runtime('rt_object')).localSet(obj);
    c.localGet(obj).i32Const(this.constants.string('result')).localGet(value).call(this.services.runtime('rt_object_insert'));
    c.localGet(rs).localGet(obj).call(this.services.runtime('rt_array_push'));
    c.end();
    return rs;
  }

  /** opa_eval(reserved, entrypoint, data, input_addr, input_len, heap_ptr, format) → result string. */
  opaEval(): number {
    return this.define(7, (w) => {
      const c = w.code;
      const g = this.planner.globals;
      const [, ep, data, inAddr, inLen, heap, format] = [0, 1, 2, 3, 4, 5, 6];
      c.localGet(heap).call(this.services.runtime('opa_heap_ptr_set'));
      const input = w.local();
      w.setConst(input, 0);
      c.localGet(inLen).if_();
      c.localGet(inAddr).localGet(inLen).call(this.services.runtime('opa_json_parse')).localTee(input).i32Eqz().if_();
      c.i32Const(this.constants.cstring('invalid input: malformed JSON')).call(this.services.import('opa_abort'));
      c.end();
      c.end();
      c.localGet(input).globalSet(g.input);
      c.localGet(data).globalSet(g.data);
      const rs = this.runEntrypoint(w, ep);
      c.localGet(format).if_('i32');
      c.localGet(rs).call(this.services.runtime('opa_value_dump'));
      c.else_();
      c.localGet(rs).call(this.services.runtime('opa_json_dump'));
      c.end();
    });
  }

  /** eval(ctx): the context-based ABI for older hosts. */
  eval(): number {
    return this.define(1, (w) => {
      const c = w.code;
      const g = this.planner.globals;
      const rt = (n: string) => this.services.runtime(n);
      c.localGet(0).call(rt('rt_ctx_input')).globalSet(g.input);
      c.localGet(0).call(rt('rt_ctx_data')).globalSet(g.data);
      const ep = w.local();
      c.localGet(0).call(rt('rt_ctx_entrypoint')).localSet(ep);
      const rs = this.runEntrypoint(w, ep);
      c.localGet(0).localGet(rs).call(rt('rt_ctx_set_result'));
      c.i32Const(0);
    });
  }

  /** A function returning a constant object (entrypoints(), builtins()). */
  table(entries: Record<string, number>): number {
    const text = JSON.stringify(Object.fromEntries(Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : 1))));
    const global = this.planner.compositeConstant({ type: 'string', value: '', pos: { file: '', line: 0, col: 0 } }, text);
    return this.define(0, (w) => {
      w.code.globalGet(global);
    });
  }

  /** Start (after the linker's copy of the static data): the heap begins after it; then singletons and constants. */
  start(): number {
    const index = this.linker.declareFunction([], []);
    const w = new FnWriter(this.services, []);
    const c = w.code;
    c.i32Const(this.linker.staticEnd()).call(this.services.runtime('rt_init'));
    c.i32Const(this.deadlineBuiltin).call(this.services.runtime('rt_deadline_builtin'));
    this.constants.emitSingletons(c, (n) => this.services.runtime(n));
    this.constants.emitComposites(c);
    this.linker.defineFunction(index, w.locals, w.finish());
    return index;
  }
}
