// The compiler: Rego sources in, an OPA-ABI WebAssembly module out. The stages
// run in the order of this table, each a small function over the shared state.
import type { Module, RegoVersion, Term } from './ast';
import { emitModule } from './backend/module';
import { builtinTable, INLINE_BUILTINS } from './builtins/index';
import type { BuiltinDef } from './builtins/types';
import { RegoError } from './errors';
import { MAX_NESTING_DEPTH, parseModule } from './parser';
import { buildTree, detachedNode, findNode, nodeKind, type TreeNode } from './plan/tree';
import { queryModule, type QuerySource } from './query';
import { checkCalls } from './stages/check';
import { checkTypes } from './stages/check-types';
import { checkSafety } from './stages/check-safety';
import { rewriteDynamicTerms } from './stages/dynamics';
import { fillMetadataCalls } from './stages/metadata';
import { checkRecursion } from './stages/recursion';
import { resolve, type Program } from './stages/resolve';

export interface SourceModule {
  /** Shown in error positions. */
  file: string;
  source: string;
}

export interface CompileOptions {
  modules: SourceModule[];
  /** Entrypoints as `pkg/rule` paths (`a.b.c` is accepted too). */
  entrypoints: string[];
  /** Syntax for modules that do not say: OPA 1.x defaults to v1, Gatekeeper templates use v0. */
  regoVersion?: RegoVersion;
  /** Builtin errors abort evaluation instead of making the expression undefined. */
  strict?: boolean;
  /**
   * Builtins known to this compilation only, beside offgate's own: for a runner whose
   * host provides more (OPA's test-only builtins, src/compiler/test-builtins.ts).
   */
  extraBuiltins?: BuiltinDef[];
  /** A query whose solutions (bindings of its variables) are one more entrypoint, no document of `data`. */
  query?: QuerySource;
}

interface State {
  options: CompileOptions;
  builtins: Map<string, BuiltinDef>;
  modules?: Module[];
  /** The query's module (also in `modules`): its rule is resolved and checked, but hangs in no tree. */
  queryModule?: Module;
  program?: Program;
  tree?: TreeNode;
  queryNode?: TreeNode;
  wasm?: Uint8Array;
}

type Stage = [name: string, run: (s: State) => void];

const STAGES: Stage[] = [
  ['parse', (s) => {
    s.modules = s.options.modules.map((m) => parseModule(m.source, m.file, { regoVersion: s.options.regoVersion ?? 'v1' }));
    if (s.options.query) {
      s.queryModule = queryModule(s.options.query);
      s.modules.push(s.queryModule);
    }
  }],
  ['fill in rego.metadata calls', (s) => {
    const filled = fillMetadataCalls(s.modules!);
    // The query's module keeps its identity: later stages tell it from the documents by it.
    if (s.queryModule) s.queryModule = filled[s.modules!.indexOf(s.queryModule)];
    s.modules = filled;
  }],
  ['resolve refs and rename locals', (s) => {
    s.program = resolve(s.modules!);
  }],
  ['rewrite dynamic terms', (s) => {
    s.program = rewriteDynamicTerms(s.program!);
  }],
  ['build the document tree', (s) => {
    const documents = s.program!.rules.filter((r) => r.module !== s.queryModule);
    const packages = s.modules!.filter((m) => m !== s.queryModule).map((m) => m.package);
    s.tree = buildTree(documents, packages);
    const query = s.program!.rules.find((r) => r.module === s.queryModule);
    if (query) s.queryNode = detachedNode(query);
  }],
  ['check calls', (s) => checkCalls(s.program!, s.tree!, s.builtins)],
  ['check types', (s) => checkTypes(s.program!)],
  ['check recursion', (s) => checkRecursion(s.tree!)],
  ['check safety', (s) => checkSafety(s.program!, (fn) => arityOf(s, fn))],
  ['plan and emit wasm', (s) => {
    s.wasm = emitModule(s.tree!, s.builtins, {
      entrypoints: s.options.entrypoints.map(normalizeEntrypoint),
      strict: s.options.strict ?? false,
      query: s.queryNode && { entrypoint: s.options.query!.entrypoint, node: s.queryNode },
    });
  }],
];

/**
 * Compiles Rego modules into a wasm module exposing the given entrypoints.
 * `stageMs`, when given, accumulates each stage's milliseconds under its name
 * (bench/compile.ts --stages prints the split).
 */
export function compile(options: CompileOptions, stageMs?: Map<string, number>): Uint8Array {
  const builtins = options.extraBuiltins ? new Map([...allBuiltins(), ...options.extraBuiltins.map((d) => [d.name, d] as const)]) : allBuiltins();
  const state: State = { options, builtins };
  for (const [name, run] of STAGES) {
    const t0 = stageMs && performance.now();
    try {
      run(state);
      if (stageMs) stageMs.set(name, (stageMs.get(name) ?? 0) + performance.now() - t0!);
    } catch (e) {
      if (e instanceof RangeError) throw tooDeep(name, options.modules);
      // Limits met while emitting code know no source position; name the file at least.
      if (e instanceof RegoError && !e.pos) throw new RegoError(e.code, e.detail, { file: filesOf(options.modules), line: 1, col: 1 });
      throw e;
    }
  }
  return state.wasm!;
}

/**
 * The parser bounds nesting (MAX_NESTING_DEPTH) and cuts operator chains, so
 * the stages' recursion is bounded too; should some shape still exhaust the
 * stack, the policy is refused with an error naming it, never a RangeError
 * that would end the whole run.
 */
function tooDeep(stage: string, modules: SourceModule[]): RegoError {
  return new RegoError('rego_compile_error', `policy too deeply nested to compile (stage "${stage}" ran out of stack; nesting is limited to ${MAX_NESTING_DEPTH} levels)`, { file: filesOf(modules), line: 1, col: 1 });
}

function filesOf(modules: SourceModule[]): string {
  return [...new Set(modules.map((m) => m.file))].join(', ');
}

/** The stage names, in order (for docs and `--debug` output). */
export const STAGE_NAMES = STAGES.map(([name]) => name);

let builtinsCache: Map<string, BuiltinDef> | undefined;

function allBuiltins(): Map<string, BuiltinDef> {
  if (!builtinsCache) {
    builtinsCache = builtinTable();
    for (const def of INLINE_BUILTINS) builtinsCache.set(def.name, def);
  }
  return builtinsCache;
}

function arityOf(s: State, fn: Term): number | undefined {
  if (fn.type === 'var') return s.builtins.get(fn.name)?.arity;
  if (fn.type !== 'ref') return undefined;
  const path: string[] = [];
  for (const t of fn.terms.slice(1)) {
    if (t.type !== 'string') return undefined;
    path.push(t.value);
  }
  const node = findNode(s.tree!, path);
  return node && nodeKind(node) === 'function' ? (node.functions[0].args?.length ?? 0) : undefined;
}

/** `a.b.c`, `data.a.b.c` and `a/b/c` all name the entrypoint `a/b/c`. */
export function normalizeEntrypoint(ep: string): string {
  let p = ep.trim();
  if (p.startsWith('data.')) p = p.slice(5);
  if (!p.includes('/')) p = p.split('.').join('/');
  return p;
}
