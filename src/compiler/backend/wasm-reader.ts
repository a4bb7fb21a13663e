// Parses a WebAssembly module into its sections. Only what the linker must
// understand is decoded (types, imports, function type indices, limits,
// global types, exports, data segment modes and offsets); function bodies,
// constant expressions, tables, tags and element segments are kept as raw
// bytes so they can be written back verbatim. Index spaces are never
// renumbered by the linker, so verbatim bytes stay valid.

import {
  ByteReader,
  ExternalKind,
  FUNC_TYPE,
  Op,
  SECTION_ORDER,
  SectionId,
  WASM_MAGIC,
  WASM_VERSION,
  WasmDecodeError,
} from './wasm-encoding';

export interface FuncType {
  /** Value type bytes (ValType.*). */
  params: number[];
  results: number[];
}

export interface Limits {
  min: number;
  max?: number;
  shared: boolean;
  /** memory64 (limits encoded as u64). */
  is64: boolean;
}

export interface GlobalType {
  valType: number;
  mutable: boolean;
}

export type ImportDesc =
  | { kind: 'func'; typeIndex: number }
  | { kind: 'table'; raw: Uint8Array }
  | { kind: 'memory'; limits: Limits }
  | { kind: 'global'; type: GlobalType }
  | { kind: 'tag'; raw: Uint8Array };

export interface Import {
  module: string;
  name: string;
  desc: ImportDesc;
}

export interface Global {
  type: GlobalType;
  /** The constant initializer expression, including its final `end`. */
  init: Uint8Array;
}

export interface Export {
  name: string;
  kind: keyof typeof ExternalKind;
  index: number;
}

export interface ElementSegment {
  /** Flags 0..7 of the element segment encoding. */
  flags: number;
  mode: 'active' | 'passive' | 'declarative';
  /** The whole encoded segment, flags included. */
  raw: Uint8Array;
}

export type DataSegment =
  | {
      mode: 'active';
      memory: number;
      /** The offset expression, including its final `end`. */
      offset: Uint8Array;
      bytes: Uint8Array;
    }
  | { mode: 'passive'; bytes: Uint8Array };

export interface CustomSection {
  name: string;
  bytes: Uint8Array;
}

export interface WasmModule {
  types: FuncType[];
  imports: Import[];
  /** Type index of each function defined in the module (the function section). */
  functions: number[];
  /** Each table type, encoded (reftype + limits, or the initializer form). */
  tables: Uint8Array[];
  memories: Limits[];
  /** Each tag type, encoded. */
  tags: Uint8Array[];
  globals: Global[];
  exports: Export[];
  start?: number;
  elements: ElementSegment[];
  /** The datacount section's value, when the section is present. */
  dataCount?: number;
  /** Each function body (local declarations + expression), encoded, without its size prefix. */
  code: Uint8Array[];
  data: DataSegment[];
  customs: CustomSection[];
}

const KIND_NAMES = ['func', 'table', 'memory', 'global', 'tag'] as const;

/** Parses a binary module. Throws WasmDecodeError on malformed input. */
export function readModule(bytes: Uint8Array): WasmModule {
  const r = new ByteReader(bytes);
  expectBytes(r, WASM_MAGIC, 'not a WebAssembly module (bad magic)');
  expectBytes(r, WASM_VERSION, 'unsupported WebAssembly version');

  const mod: WasmModule = {
    types: [], imports: [], functions: [], tables: [], memories: [], tags: [], globals: [],
    exports: [], elements: [], code: [], data: [], customs: [],
  };

  let lastOrder = -1;
  while (!r.eof) {
    const id = r.byte();
    const size = r.u32();
    const sectionStart = r.pos;
    const end = sectionStart + size;
    if (end > r.end) r.fail(`section ${id} runs past the end of the module`);
    const s = new ByteReader(bytes, sectionStart, end);

    if (id !== SectionId.custom) {
      const order = SECTION_ORDER.indexOf(id);
      if (order < 0) r.fail(`unknown section id ${id}`, sectionStart - 1);
      if (order <= lastOrder) r.fail(`section ${id} out of order or duplicated`, sectionStart - 1);
      lastOrder = order;
    }
    readSection(id, s, mod);
    if (s.pos !== end) s.fail(`section ${id} has ${end - s.pos} trailing bytes`);
    r.pos = end;
  }

  if (mod.functions.length !== mod.code.length) {
    throw new WasmDecodeError(
      `function section declares ${mod.functions.length} functions, code section has ${mod.code.length}`,
      bytes.length,
    );
  }
  return mod;
}

function expectBytes(r: ByteReader, expected: readonly number[], message: string): void {
  const at = r.pos;
  for (const b of expected) if (r.byte() !== b) r.fail(message, at);
}

function readSection(id: number, s: ByteReader, mod: WasmModule): void {
  switch (id) {
    case SectionId.custom:
      mod.customs.push({ name: s.name(), bytes: s.take(s.end - s.pos) });
      return;
    case SectionId.type:
      mod.types = s.vec(readFuncType);
      return;
    case SectionId.import:
      mod.imports = s.vec(readImport);
      return;
    case SectionId.function:
      mod.functions = s.vec((r) => r.u32());
      return;
    case SectionId.table:
      mod.tables = s.vec(readTableType);
      return;
    case SectionId.memory:
      mod.memories = s.vec(readLimits);
      return;
    case SectionId.tag:
      mod.tags = s.vec(readTagType);
      return;
    case SectionId.global:
      mod.globals = s.vec((r) => ({ type: readGlobalType(r), init: readConstExpr(r) }));
      return;
    case SectionId.export:
      mod.exports = s.vec(readExport);
      return;
    case SectionId.start:
      mod.start = s.u32();
      return;
    case SectionId.element:
      mod.elements = s.vec(readElementSegment);
      return;
    case SectionId.dataCount:
      mod.dataCount = s.u32();
      return;
    case SectionId.code:
      mod.code = s.vec((r) => r.take(r.u32()).slice());
      return;
    case SectionId.data:
      mod.data = s.vec(readDataSegment);
      return;
  }
}

function readValTypes(r: ByteReader): number[] {
  return r.vec((x) => x.byte());
}

function readFuncType(r: ByteReader): FuncType {
  const form = r.byte();
  if (form !== FUNC_TYPE) r.fail(`unsupported type form 0x${form.toString(16)} (only function types)`, r.pos - 1);
  return { params: readValTypes(r), results: readValTypes(r) };
}

function readImport(r: ByteReader): Import {
  const module = r.name();
  const name = r.name();
  const kind = r.byte();
  switch (kind) {
    case ExternalKind.func:
      return { module, name, desc: { kind: 'func', typeIndex: r.u32() } };
    case ExternalKind.table:
      return { module, name, desc: { kind: 'table', raw: readTableType(r) } };
    case ExternalKind.memory:
      return { module, name, desc: { kind: 'memory', limits: readLimits(r) } };
    case ExternalKind.global:
      return { module, name, desc: { kind: 'global', type: readGlobalType(r) } };
    case ExternalKind.tag:
      return { module, name, desc: { kind: 'tag', raw: readTagType(r) } };
    default:
      return r.fail(`unknown import kind ${kind}`, r.pos - 1);
  }
}

export function readLimits(r: ByteReader): Limits {
  const flags = r.byte();
  if (flags & ~0x07) r.fail(`unsupported limits flags 0x${flags.toString(16)}`, r.pos - 1);
  const is64 = (flags & 0x04) !== 0;
  const value = (): number => (is64 ? Number(r.u64()) : r.u32());
  const limits: Limits = { min: value(), shared: (flags & 0x02) !== 0, is64 };
  if (flags & 0x01) limits.max = value();
  return limits;
}

/** Skips a reference type (funcref/externref); typed references are not supported. */
function skipRefType(r: ByteReader): void {
  const t = r.byte();
  if (t !== 0x70 && t !== 0x6f) r.fail(`unsupported reference type 0x${t.toString(16)}`, r.pos - 1);
}

function readTableType(r: ByteReader): Uint8Array {
  const start = r.pos;
  if (r.peek() === 0x40) {
    // table with an explicit initializer: 0x40 0x00 tabletype expr
    r.byte();
    if (r.byte() !== 0x00) r.fail('malformed table type', start);
    skipRefType(r);
    readLimits(r);
    readConstExpr(r);
  } else {
    skipRefType(r);
    readLimits(r);
  }
  return r.bytes.slice(start, r.pos);
}

function readTagType(r: ByteReader): Uint8Array {
  const start = r.pos;
  if (r.byte() !== 0x00) r.fail('unsupported tag attribute', start);
  r.u32();
  return r.bytes.slice(start, r.pos);
}

function readGlobalType(r: ByteReader): GlobalType {
  const valType = r.byte();
  const mut = r.byte();
  if (mut > 1) r.fail(`malformed global mutability ${mut}`, r.pos - 1);
  return { valType, mutable: mut === 1 };
}

function readExport(r: ByteReader): Export {
  const name = r.name();
  const kindByte = r.byte();
  const kind = KIND_NAMES[kindByte];
  if (kind === undefined) r.fail(`unknown export kind ${kindByte}`, r.pos - 1);
  return { name, kind, index: r.u32() };
}

/**
 * Reads a constant expression up to and including its `end`, returning its
 * bytes (a copy). Accepts the instructions allowed in constant expressions,
 * including the extended-constant arithmetic.
 */
export function readConstExpr(r: ByteReader): Uint8Array {
  const start = r.pos;
  for (;;) {
    const op = r.byte();
    switch (op) {
      case Op.end:
        return r.bytes.slice(start, r.pos);
      case Op.i32Const: r.s32(); break;
      case Op.i64Const: r.s64(); break;
      case Op.f32Const: r.take(4); break;
      case Op.f64Const: r.take(8); break;
      case Op.globalGet: r.u32(); break;
      case Op.refFunc: r.u32(); break;
      case Op.refNull: r.s33(); break; // heap type (0x70/0x6f are single-byte negative s33s)
      case Op.i32Add: case Op.i32Sub: case Op.i32Mul:
      case Op.i64Add: case Op.i64Sub: case Op.i64Mul:
        break;
      case Op.prefixFD:
        if (r.u32() !== 12) r.fail('unsupported SIMD instruction in constant expression');
        r.take(16); // v128.const
        break;
      default:
        r.fail(`unsupported instruction 0x${op.toString(16)} in constant expression`, r.pos - 1);
    }
  }
}

function readElementSegment(r: ByteReader): ElementSegment {
  const start = r.pos;
  const flags = r.u32();
  if (flags > 7) r.fail(`unsupported element segment flags ${flags}`, start);
  const passiveOrDeclarative = (flags & 0x01) !== 0;
  const explicitTable = (flags & 0x02) !== 0;
  const usesExprs = (flags & 0x04) !== 0;
  const mode = !passiveOrDeclarative ? 'active' : explicitTable ? 'declarative' : 'passive';

  if (mode === 'active') {
    if (explicitTable) r.u32();
    readConstExpr(r);
  }
  // Flags 0 and 4 imply funcref; all others carry an element kind or reference type.
  if (flags !== 0 && flags !== 4) {
    if (usesExprs) skipRefType(r);
    else if (r.byte() !== 0x00) r.fail('unsupported element kind', r.pos - 1);
  }
  if (usesExprs) r.vec(readConstExpr);
  else r.vec((x) => x.u32());
  return { flags, mode, raw: r.bytes.slice(start, r.pos) };
}

function readDataSegment(r: ByteReader): DataSegment {
  const flags = r.u32();
  switch (flags) {
    case 0:
      return { mode: 'active', memory: 0, offset: readConstExpr(r), bytes: r.take(r.u32()).slice() };
    case 1:
      return { mode: 'passive', bytes: r.take(r.u32()).slice() };
    case 2: {
      const memory = r.u32();
      return { mode: 'active', memory, offset: readConstExpr(r), bytes: r.take(r.u32()).slice() };
    }
    default:
      return r.fail(`unsupported data segment flags ${flags}`, r.pos - 1);
  }
}

/** Index spaces: imported entities come first. */
export function importCount(mod: WasmModule, kind: ImportDesc['kind']): number {
  let n = 0;
  for (const imp of mod.imports) if (imp.desc.kind === kind) n++;
  return n;
}

/** The type of function `index` in the module's function index space (imports first). */
export function functionType(mod: WasmModule, index: number): FuncType | undefined {
  let typeIndex: number | undefined;
  const imported = importCount(mod, 'func');
  if (index < imported) {
    let seen = 0;
    for (const imp of mod.imports) {
      if (imp.desc.kind !== 'func') continue;
      if (seen++ === index) typeIndex = imp.desc.typeIndex;
    }
  } else {
    typeIndex = mod.functions[index - imported];
  }
  return typeIndex === undefined ? undefined : mod.types[typeIndex];
}

/**
 * Evaluates a constant expression that is a single i32.const or i64.const
 * (optionally through global.get of a defined global with such an
 * initializer). Returns undefined for anything else.
 */
export function evalConstInt(mod: WasmModule, expr: Uint8Array, depth = 0): number | undefined {
  if (depth > 8) return undefined;
  const r = new ByteReader(expr);
  let value: number | undefined;
  const op = r.byte();
  if (op === Op.i32Const) value = r.s32() >>> 0; // addresses are unsigned
  else if (op === Op.i64Const) value = Number(r.s64());
  else if (op === Op.globalGet) {
    const index = r.u32() - importCount(mod, 'global');
    const global = index >= 0 ? mod.globals[index] : undefined;
    if (global === undefined || global.type.mutable) return undefined;
    value = evalConstInt(mod, global.init, depth + 1);
  } else return undefined;
  return !r.eof && r.byte() === Op.end && r.eof ? value : undefined;
}
