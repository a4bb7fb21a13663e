// The linker: appends generated functions, types, globals and one data segment
// to the prebuilt runtime module.
//
// Index spaces are only ever appended to, so runtime code, element segments
// and constant expressions are copied verbatim:
//   functions: runtime imports, runtime functions, then generated functions
//   types:     runtime types, then new (deduplicated) ones
//   globals:   runtime imports and globals, then generated globals
//   data:      runtime segments, then at most one segment holding all addData() bytes
// The linker never adds imports. The export section holds only what was
// exported through the linker; custom sections (names, producers…) are dropped.
//
// Memory: generated data is placed after the runtime's static data (the end of
// its highest active segment, 8-aligned, never below address 8 so that address
// 0 keeps meaning "undefined"). It goes into a *passive* segment that the start
// function copies into place (emitDataInit: memory.grow as needed, memory.init,
// data.drop), so the memory's declared minimum only has to cover the runtime's
// own (active) data, whatever the size of the policy's (the linker adds that code
// to the start function itself, before the start function it was given, so every
// module it emits is laid out the same way): the OPA SDKs hand the
// module a 5-page memory by default, and instantiation fails when an import's
// minimum exceeds the memory provided (a 10k-entry allowlist is more than 5
// pages). The minimum is capped at HOST_DEFAULT_PAGES and its maximum dropped
// (unless the memory is shared, which requires one), so the host decides the
// maximum.

import { Code } from './code';
import { nameSection, namesWanted, runtimeNamesFile } from './names';
import {
  ByteWriter,
  ExternalKind,
  FUNC_TYPE,
  Op,
  PAGE_SIZE,
  SectionId,
  ValTypeName,
  WASM_MAGIC,
  WASM_VERSION,
  alignUp,
  valTypeByte,
  valTypeName,
  writeSection,
} from './wasm-encoding';
import {
  DataSegment,
  Export,
  FuncType,
  Global,
  Import,
  Limits,
  WasmModule,
  evalConstInt,
  functionType,
  importCount,
  readModule,
} from './wasm-reader';

export interface Signature {
  params: readonly ValTypeName[];
  results: readonly ValTypeName[];
}

/** Pages of memory the OPA SDKs give a module by default. */
export const HOST_DEFAULT_PAGES = 5;

/** Generated data never starts below this address: 0 is the "undefined" value address. */
const MIN_DATA_ADDRESS = 8;

export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}

/**
 * What the linker derives from a runtime module, the same for every module linked
 * onto it: decoded once per runtime (every compile links onto the same ~180 KB one),
 * and never modified.
 */
interface ParsedRuntime {
  module: WasmModule;
  exports: Map<string, Export>;
  /** The runtime's code and data section entries (size-prefixed bodies, segments), encoded once. */
  code: EncodedEntries;
  data: EncodedEntries;
  dataEnd: number;
  /** The first index of each runtime type, by typeKey. */
  typeIndex: Map<string, number>;
}

const parsedRuntimes = new WeakMap<Uint8Array, ParsedRuntime>();

function parseRuntime(bytes: Uint8Array): ParsedRuntime {
  let parsed = parsedRuntimes.get(bytes);
  if (parsed === undefined) {
    const module = readModule(bytes);
    const code = new ByteWriter(bytes.length);
    for (const body of module.code) code.byteVec(body);
    const data = new ByteWriter(bytes.length);
    for (const segment of module.data) writeDataSegment(data, segment);
    // The first export of a name wins, as Array.find did.
    const exports = new Map<string, Export>();
    for (const e of module.exports) if (!exports.has(e.name)) exports.set(e.name, e);
    const typeIndex = new Map<string, number>();
    module.types.forEach((t, i) => {
      if (!typeIndex.has(typeKey(t))) typeIndex.set(typeKey(t), i);
    });
    parsed = {
      module,
      exports,
      code: { count: module.code.length, bytes: code.finish() },
      data: { count: module.data.length, bytes: data.finish() },
      dataEnd: runtimeDataEnd(module), typeIndex };
    parsedRuntimes.set(bytes, parsed);
  }
  return parsed;
}

interface GeneratedFunction {
  typeIndex: number;
  /** Encoded body (locals + instructions + end), once defined. */
  body?: Uint8Array;
}

export class ModuleLinker {
  private readonly parsed: ParsedRuntime;
  private readonly runtime: WasmModule;
  private readonly importedFunctions: number;
  private readonly importedGlobals: number;
  /** Runtime types followed by added ones. */
  private readonly types: FuncType[];
  /** Index of each type in `types`, by typeKey: addType runs once per generated function. */
  private readonly typeIndex: Map<string, number>;
  private readonly globals: Global[] = [];
  private readonly functions: GeneratedFunction[] = [];
  private readonly exports: Export[] = [];
  private start: number | undefined;
  /** Address of the first byte of generated data. */
  private readonly dataBase: number;
  private readonly data = new ByteWriter(256);
  /** Names of generated functions, kept only when modules carry names (names.ts). */
  private readonly names: Map<number, string> | undefined = namesWanted() ? new Map() : undefined;

  constructor(runtime: Uint8Array) {
    this.parsed = parseRuntime(runtime);
    this.runtime = this.parsed.module;
    this.importedFunctions = importCount(this.runtime, 'func');
    this.importedGlobals = importCount(this.runtime, 'global');
    this.types = this.runtime.types.map((t) => ({ params: [...t.params], results: [...t.results] }));
    this.typeIndex = new Map(this.parsed.typeIndex);
    this.dataBase = alignUp(Math.max(this.parsed.dataEnd, MIN_DATA_ADDRESS), 8);
  }

  // -- resolving runtime entities --------------------------------------------

  /** The function index of a runtime export; throws if missing or if `sig` differs from its type. */
  runtimeFunction(name: string, sig?: Signature): number {
    const exp = this.parsed.exports.get(name);
    if (exp === undefined) throw new LinkError(`runtime does not export '${name}'`);
    if (exp.kind !== 'func') throw new LinkError(`runtime export '${name}' is a ${exp.kind}, not a function`);
    if (sig !== undefined) {
      const actual = functionType(this.runtime, exp.index);
      if (actual === undefined) throw new LinkError(`runtime export '${name}' has no valid type`);
      const expected = toFuncType(sig.params, sig.results);
      if (!sameType(actual, expected)) {
        throw new LinkError(
          `runtime function '${name}' has signature ${formatType(actual)}, expected ${formatType(expected)}`,
        );
      }
    }
    return exp.index;
  }

  /** The function index of the runtime's `env` function import `name`. */
  importFunction(name: string): number {
    let index = 0;
    for (const imp of this.runtime.imports) {
      if (imp.desc.kind !== 'func') continue;
      if (imp.module === 'env' && imp.name === name) return index;
      index++;
    }
    throw new LinkError(`runtime has no function import env.${name}`);
  }

  // -- adding entities -------------------------------------------------------

  /** The index of a function type, added unless an identical one exists. */
  addType(params: readonly ValTypeName[], results: readonly ValTypeName[]): number {
    const type = toFuncType(params, results);
    const key = typeKey(type);
    const existing = this.typeIndex.get(key);
    if (existing !== undefined) return existing;
    this.types.push(type);
    this.typeIndex.set(key, this.types.length - 1);
    return this.types.length - 1;
  }

  addGlobal(type: ValTypeName, mutable: boolean, init: number | bigint): number {
    this.globals.push({ type: { valType: valTypeByte(type), mutable }, init: constExpr(type, init) });
    return this.importedGlobals + this.runtime.globals.length + this.globals.length - 1;
  }

  /**
   * Places `bytes` in the generated data segment and returns their absolute
   * address, a multiple of `align` (a power of two).
   */
  addData(bytes: Uint8Array, align = 8): number {
    const address = alignUp(this.dataBase + this.data.length, align);
    while (this.dataBase + this.data.length < address) this.data.byte(0);
    this.data.raw(bytes);
    return address;
  }

  /** The first free address after all static data, 8-aligned. Call after the last addData(). */
  staticEnd(): number {
    return alignUp(this.dataBase + this.data.length, 8);
  }

  /** Reserves the index of a generated function; its body comes with defineFunction(). */
  declareFunction(params: readonly ValTypeName[], results: readonly ValTypeName[]): number {
    this.functions.push({ typeIndex: this.addType(params, results) });
    return this.firstGeneratedFunction() + this.functions.length - 1;
  }

  /**
   * Gives a declared function its body. `locals` are the locals after the
   * parameters. `body` is the instruction sequence without the function's
   * final `end`, which the linker appends (a Code must be balanced).
   */
  defineFunction(index: number, locals: readonly ValTypeName[], body: Code | Uint8Array): void {
    const fn = this.functions[index - this.firstGeneratedFunction()];
    if (fn === undefined) throw new LinkError(`function ${index} was not declared through the linker`);
    if (fn.body !== undefined) throw new LinkError(`function ${index} is already defined`);
    // encodeFunctionBody copies the instructions, so a Code's need not be copied first.
    fn.body = encodeFunctionBody(locals, body instanceof Code ? body.view() : body);
  }

  /** Names a generated function in the module's `name` section, when modules carry names (names.ts). */
  nameFunction(index: number, name: string): void {
    this.names?.set(index, name);
  }

  exportFunction(name: string, index: number): void {
    this.checkFunctionIndex(index);
    this.addExport({ name, kind: 'func', index });
  }

  exportGlobal(name: string, index: number): void {
    const total = this.importedGlobals + this.runtime.globals.length + this.globals.length;
    if (!Number.isInteger(index) || index < 0 || index >= total) throw new LinkError(`no global ${index}`);
    this.addExport({ name, kind: 'global', index });
  }

  /** Re-exports a runtime export (function, global, memory…) under its own name. */
  keepRuntimeExport(name: string): void {
    const exp = this.parsed.exports.get(name);
    if (exp === undefined) throw new LinkError(`runtime does not export '${name}'`);
    this.addExport({ ...exp });
  }

  /** Makes function `index` (type [] → []) the start function. */
  setStart(index: number): void {
    this.checkFunctionIndex(index);
    if (this.runtime.start !== undefined) {
      throw new LinkError(`runtime already has a start function (${this.runtime.start}); call it from the generated one instead`);
    }
    const type = this.typeOfFunction(index);
    if (type.params.length !== 0 || type.results.length !== 0) {
      throw new LinkError(`start function ${index} must have type [] -> [], has ${formatType(type)}`);
    }
    this.start = index;
  }

  // -- output ------------------------------------------------------------------

  /** The linked module. Deterministic, and does not change the linker's state. */
  emit(): Uint8Array<ArrayBuffer> {
    const undefinedFns = this.functions
      .map((fn, i) => (fn.body === undefined ? this.firstGeneratedFunction() + i : -1))
      .filter((i) => i >= 0);
    if (undefinedFns.length > 0) throw new LinkError(`functions declared but not defined: ${undefinedFns.join(', ')}`);

    const rt = this.runtime;
    const segment = this.generatedSegment();
    // Only the runtime's active data must be in place at instantiation.
    const pages = Math.ceil(this.dataBase / PAGE_SIZE);
    // With generated data, the start function is one more function: the data copy,
    // then the start function given (if any).
    const types = [...this.types];
    const functions = [...rt.functions, ...this.functions.map((fn) => fn.typeIndex)];
    // The runtime's bodies and segments go in pre-encoded (writeModule's `prefixes`).
    const code = this.functions.map((fn) => fn.body!);
    let start = this.start ?? rt.start;
    if (segment !== undefined) {
      const voidType = toFuncType([], []);
      let typeIndex = types.findIndex((t) => sameType(t, voidType));
      if (typeIndex < 0) typeIndex = types.push(voidType) - 1;
      const init = this.dataInit(rt.data.length);
      if (start !== undefined) init.call(start);
      functions.push(typeIndex);
      code.push(encodeFunctionBody([], init.bytes()));
      start = this.importedFunctions + functions.length - 1;
    }
    let memoryIndex = 0; // memory 0 is the first imported memory, else the first defined one

    const imports: Import[] = rt.imports.map((imp) => {
      if (imp.desc.kind !== 'memory') return imp;
      const isFirst = memoryIndex++ === 0;
      if (!isFirst) return imp;
      return { ...imp, desc: { kind: 'memory', limits: resizedLimits(imp.desc.limits, pages, HOST_DEFAULT_PAGES) } };
    });
    const memories = rt.memories.map((limits) =>
      memoryIndex++ === 0 ? resizedLimits(limits, pages, Infinity) : limits,
    );
    if (segment !== undefined && memoryIndex === 0) throw new LinkError('runtime has no memory to place data in');

    return writeModule({
      types,
      imports,
      functions,
      tables: rt.tables,
      memories,
      tags: rt.tags,
      globals: [...rt.globals, ...this.globals],
      exports: this.exports,
      start,
      elements: rt.elements,
      // memory.init needs the data count section.
      dataCount: segment === undefined ? rt.dataCount : rt.data.length + 1,
      code,
      data: segment === undefined ? [] : [segment],
      customs: this.names ? [{ name: 'name', bytes: nameSection(this.functionNames(start)) }] : [],
    }, { code: this.parsed.code, data: this.parsed.data });
  }

  // -- helpers -------------------------------------------------------------------

  /** Every function's name for the `name` section: runtime ones by file or export, generated ones as named. */
  private functionNames(start: number | undefined): Map<number, string> {
    const names = new Map(runtimeNamesFile());
    for (const e of this.runtime.exports) if (e.kind === 'func' && !names.has(e.index)) names.set(e.index, e.name);
    for (const [index, name] of this.names!) names.set(index, name);
    if (start !== undefined && !names.has(start)) names.set(start, 'start');
    return names;
  }

  private firstGeneratedFunction(): number {
    return this.importedFunctions + this.runtime.functions.length;
  }

  private checkFunctionIndex(index: number): void {
    const total = this.firstGeneratedFunction() + this.functions.length;
    if (!Number.isInteger(index) || index < 0 || index >= total) throw new LinkError(`no function ${index}`);
  }

  private typeOfFunction(index: number): FuncType {
    const generated = this.functions[index - this.firstGeneratedFunction()];
    const type = generated !== undefined ? this.types[generated.typeIndex] : functionType(this.runtime, index);
    if (type === undefined) throw new LinkError(`function ${index} has no valid type`);
    return type;
  }

  private addExport(exp: Export): void {
    if (this.exports.some((e) => e.name === exp.name)) throw new LinkError(`duplicate export '${exp.name}'`);
    this.exports.push(exp);
  }

  /**
   * Code placing the generated data (passive segment `segment`) at its address:
   * grows memory 0 to cover staticEnd(), copies the bytes, drops the segment.
   */
  private dataInit(segment: number): Code {
    if (this.runtime.memories[0]?.is64 || this.runtime.imports.some((i) => i.desc.kind === 'memory' && i.desc.limits.is64)) {
      throw new LinkError('memory64 runtimes are not supported');
    }
    const pages = Math.ceil(this.staticEnd() / PAGE_SIZE);
    const c = new Code();
    // if (memory.size < pages && memory.grow(pages - memory.size) == -1) unreachable
    c.memorySize().i32Const(pages).i32LtU().if_();
    c.i32Const(pages).memorySize().i32Sub().memoryGrow().i32Const(-1).i32Eq().if_().unreachable().end();
    c.end();
    return c.i32Const(this.dataBase).i32Const(0).i32Const(this.data.length).memoryInit(segment).dataDrop(segment);
  }

  private generatedSegment(): DataSegment | undefined {
    if (this.data.length === 0) return undefined;
    return { mode: 'passive', bytes: this.data.finish() };
  }
}

// ---------------------------------------------------------------------------
// Free helpers

/** The end of the runtime's static data: max offset + length over active segments of memory 0. */
function runtimeDataEnd(mod: WasmModule): number {
  let end = 0;
  for (const seg of mod.data) {
    if (seg.mode !== 'active' || seg.memory !== 0) continue;
    const offset = evalConstInt(mod, seg.offset);
    if (offset === undefined) {
      throw new LinkError('runtime data segment has a non-constant offset; cannot place generated data after it');
    }
    end = Math.max(end, offset + seg.bytes.length);
  }
  return end;
}

/**
 * New limits for memory 0: at least `pages`, at least the current minimum
 * capped at `cap`, no maximum unless the memory is shared.
 */
function resizedLimits(limits: Limits, pages: number, cap: number): Limits {
  const min = Math.max(pages, Math.min(limits.min, cap));
  if (!limits.shared) return { min, shared: false, is64: limits.is64 };
  return { min, max: Math.max(min, limits.max ?? min), shared: true, is64: limits.is64 };
}

function toFuncType(params: readonly ValTypeName[], results: readonly ValTypeName[]): FuncType {
  return { params: params.map(valTypeByte), results: results.map(valTypeByte) };
}

/** Equal for types sameType() finds equal, and only for them. */
function typeKey(t: FuncType): string {
  return `${t.params.join(',')}>${t.results.join(',')}`;
}

function sameType(a: FuncType, b: FuncType): boolean {
  return sameBytes(a.params, b.params) && sameBytes(a.results, b.results);
}

function sameBytes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function formatType(t: FuncType): string {
  return `[${t.params.map(valTypeName).join(', ')}] -> [${t.results.map(valTypeName).join(', ')}]`;
}

/** The constant expression `<type>.const init end`. */
function constExpr(type: ValTypeName, init: number | bigint): Uint8Array {
  const w = new ByteWriter(16);
  switch (type) {
    case 'i32': {
      const n = Number(init);
      if (!Number.isInteger(n) || n < -0x8000_0000 || n > 0xffff_ffff) throw new LinkError(`i32 initializer out of range: ${init}`);
      w.byte(Op.i32Const).s32(n | 0);
      break;
    }
    case 'i64': {
      if (typeof init === 'number' && !Number.isSafeInteger(init)) throw new LinkError(`i64 initializer must be an exact integer: ${init}`);
      const n = BigInt(init);
      if (n < -(1n << 63n) || n >= 1n << 64n) throw new LinkError(`i64 initializer out of range: ${init}`);
      w.byte(Op.i64Const).s64(BigInt.asIntN(64, n));
      break;
    }
    case 'f64':
      w.byte(Op.f64Const).f64(Number(init));
      break;
  }
  return w.byte(Op.end).finish();
}

/** A function body as stored in the code section (without its size): run-length local declarations, instructions, end. */
export function encodeFunctionBody(locals: readonly ValTypeName[], instructions: Uint8Array): Uint8Array<ArrayBuffer> {
  const runs: { count: number; type: ValTypeName }[] = [];
  for (const type of locals) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.type === type) last.count++;
    else runs.push({ count: 1, type });
  }
  const w = new ByteWriter(instructions.length + 8 + runs.length * 2);
  w.vec(runs, (x, run) => x.u32(run.count).byte(valTypeByte(run.type)));
  return w.raw(instructions).byte(Op.end).finish();
}

// ---------------------------------------------------------------------------
// Module writer

/** Section entries already encoded (size-prefixed code bodies, data segments). */
export interface EncodedEntries {
  count: number;
  bytes: Uint8Array;
}

const NO_ENTRIES: EncodedEntries = { count: 0, bytes: new Uint8Array(0) };

/**
 * Serializes a module model. Empty sections are omitted; customs are written after
 * everything else. `prefixes` hold code bodies and data segments that come before
 * `mod`'s in their sections (the linker's runtime, encoded once rather than per module).
 */
export function writeModule(mod: WasmModule, prefixes: { code?: EncodedEntries; data?: EncodedEntries } = {}): Uint8Array<ArrayBuffer> {
  const codePrefix = prefixes.code ?? NO_ENTRIES;
  const dataPrefix = prefixes.data ?? NO_ENTRIES;
  // Sized for the bulk (code and data) so that no growing copies the ~200 KB again.
  const codeBytes = codePrefix.bytes.length + mod.code.reduce((n, body) => n + body.length + 5, 0);
  const dataBytes = dataPrefix.bytes.length + mod.data.reduce((n, seg) => n + seg.bytes.length + 16, 0);
  const out = new ByteWriter(4096 + codeBytes + dataBytes).raw(WASM_MAGIC).raw(WASM_VERSION);
  const section = (id: number, count: number, fill: (w: ByteWriter) => void, capacity = 256): void => {
    if (count === 0) return;
    const w = new ByteWriter(capacity);
    fill(w);
    writeSection(out, id, w.view()); // copied into `out` at once
  };
  const vecSection = <T>(id: number, items: readonly T[], each: (w: ByteWriter, item: T) => void): void =>
    section(id, items.length, (w) => w.vec(items, each));

  vecSection(SectionId.type, mod.types, (w, t) => {
    w.byte(FUNC_TYPE).byteVec(t.params).byteVec(t.results);
  });
  vecSection(SectionId.import, mod.imports, writeImport);
  vecSection(SectionId.function, mod.functions, (w, typeIndex) => w.u32(typeIndex));
  vecSection(SectionId.table, mod.tables, (w, raw) => w.raw(raw));
  vecSection(SectionId.memory, mod.memories, writeLimits);
  vecSection(SectionId.tag, mod.tags, (w, raw) => w.raw(raw));
  vecSection(SectionId.global, mod.globals, (w, g) => {
    w.byte(g.type.valType).byte(g.type.mutable ? 1 : 0).raw(g.init);
  });
  vecSection(SectionId.export, mod.exports, (w, e) => {
    w.name(e.name).byte(ExternalKind[e.kind]).u32(e.index);
  });
  if (mod.start !== undefined) section(SectionId.start, 1, (w) => w.u32(mod.start!));
  vecSection(SectionId.element, mod.elements, (w, seg) => w.raw(seg.raw));
  if (mod.dataCount !== undefined) section(SectionId.dataCount, 1, (w) => w.u32(mod.dataCount!));
  section(SectionId.code, codePrefix.count + mod.code.length, (w) => {
    w.u32(codePrefix.count + mod.code.length).raw(codePrefix.bytes);
    for (const body of mod.code) w.byteVec(body);
  }, codeBytes + 16);
  section(SectionId.data, dataPrefix.count + mod.data.length, (w) => {
    w.u32(dataPrefix.count + mod.data.length).raw(dataPrefix.bytes);
    for (const segment of mod.data) writeDataSegment(w, segment);
  }, dataBytes + 16);
  for (const custom of mod.customs) {
    section(SectionId.custom, 1, (w) => w.name(custom.name).raw(custom.bytes));
  }
  return out.finish();
}

function writeImport(w: ByteWriter, imp: Import): void {
  w.name(imp.module).name(imp.name);
  const d = imp.desc;
  switch (d.kind) {
    case 'func': w.byte(ExternalKind.func).u32(d.typeIndex); break;
    case 'table': w.byte(ExternalKind.table).raw(d.raw); break;
    case 'memory': w.byte(ExternalKind.memory); writeLimits(w, d.limits); break;
    case 'global': w.byte(ExternalKind.global).byte(d.type.valType).byte(d.type.mutable ? 1 : 0); break;
    case 'tag': w.byte(ExternalKind.tag).raw(d.raw); break;
  }
}

function writeLimits(w: ByteWriter, limits: Limits): void {
  const flags = (limits.max !== undefined ? 0x01 : 0) | (limits.shared ? 0x02 : 0) | (limits.is64 ? 0x04 : 0);
  w.byte(flags);
  const value = (n: number): void => void (limits.is64 ? w.u64(BigInt(n)) : w.u32(n));
  value(limits.min);
  if (limits.max !== undefined) value(limits.max);
}

function writeDataSegment(w: ByteWriter, seg: DataSegment): void {
  if (seg.mode === 'passive') {
    w.u32(1).byteVec(seg.bytes);
  } else if (seg.memory === 0) {
    w.u32(0).raw(seg.offset).byteVec(seg.bytes);
  } else {
    w.u32(2).u32(seg.memory).raw(seg.offset).byteVec(seg.bytes);
  }
}
