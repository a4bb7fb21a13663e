import { describe, expect, it } from 'vitest';
import { Code, CodeError } from '../src/compiler/backend/code';
import {
  HOST_DEFAULT_PAGES,
  LinkError,
  ModuleLinker,
  encodeFunctionBody,
  writeModule,
} from '../src/compiler/backend/link';
import {
  ByteReader,
  ByteWriter,
  ValType,
  WasmDecodeError,
  decodeS32,
  decodeS64,
  decodeU32,
  decodeU64,
  encodeS32,
  encodeS64,
  encodeU32,
  encodeU64,
} from '../src/compiler/backend/wasm-encoding';
import { Limits, WasmModule, readModule } from '../src/compiler/backend/wasm-reader';

const bytesOf = (...b: number[]): Uint8Array => Uint8Array.from(b);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('LEB128', () => {
  it('encodes u32 edge cases', () => {
    expect([...encodeU32(0)]).toEqual([0x00]);
    expect([...encodeU32(127)]).toEqual([0x7f]);
    expect([...encodeU32(128)]).toEqual([0x80, 0x01]);
    expect([...encodeU32(624485)]).toEqual([0xe5, 0x8e, 0x26]);
    expect([...encodeU32(0x8000_0000)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x08]);
    expect([...encodeU32(0xffff_ffff)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => encodeU32(-1)).toThrow(RangeError);
    expect(() => encodeU32(2 ** 32)).toThrow(RangeError);
    expect(() => encodeU32(1.5)).toThrow(RangeError);
  });

  it('encodes s32 edge cases', () => {
    expect([...encodeS32(0)]).toEqual([0x00]);
    expect([...encodeS32(-1)]).toEqual([0x7f]);
    expect([...encodeS32(63)]).toEqual([0x3f]);
    expect([...encodeS32(64)]).toEqual([0xc0, 0x00]);
    expect([...encodeS32(-64)]).toEqual([0x40]);
    expect([...encodeS32(-65)]).toEqual([0xbf, 0x7f]);
    expect([...encodeS32(-123456)]).toEqual([0xc0, 0xbb, 0x78]);
    expect([...encodeS32(0x7fff_ffff)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x07]);
    expect([...encodeS32(-0x8000_0000)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
    expect(() => encodeS32(0x8000_0000)).toThrow(RangeError);
  });

  it('encodes 64-bit edge cases', () => {
    expect([...encodeU64(0n)]).toEqual([0x00]);
    expect([...encodeU64((1n << 64n) - 1n)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect([...encodeS64(-1n)]).toEqual([0x7f]);
    expect([...encodeS64((1n << 63n) - 1n)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
    expect([...encodeS64(-(1n << 63n))]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
    expect(() => encodeS64(1n << 63n)).toThrow(RangeError);
    expect(() => encodeU64(-1n)).toThrow(RangeError);
  });

  it('round-trips', () => {
    const u32s = [0, 1, 127, 128, 16383, 16384, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31, 2 ** 32 - 1];
    for (const n of u32s) expect(decodeU32(encodeU32(n))).toBe(n);
    const s32s = [0, 1, -1, 63, 64, -64, -65, 8191, -8192, 2 ** 31 - 1, -(2 ** 31), 12345678, -12345678];
    for (const n of s32s) expect(decodeS32(encodeS32(n))).toBe(n);
    const s64s = [0n, 1n, -1n, 63n, -64n, 2n ** 32n, -(2n ** 32n), 2n ** 62n, (1n << 63n) - 1n, -(1n << 63n)];
    for (const n of s64s) expect(decodeS64(encodeS64(n))).toBe(n);
    const u64s = [0n, 127n, 128n, 2n ** 53n + 1n, (1n << 64n) - 1n];
    for (const n of u64s) expect(decodeU64(encodeU64(n))).toBe(n);
  });

  it('accepts non-minimal encodings within the size limit', () => {
    expect(decodeU32(bytesOf(0x80, 0x80, 0x80, 0x80, 0x00))).toBe(0);
    expect(decodeS32(bytesOf(0xff, 0xff, 0xff, 0xff, 0x7f))).toBe(-1);
    expect(decodeU32(bytesOf(0x83, 0x00))).toBe(3);
  });

  it('rejects overlong, out-of-range and truncated encodings', () => {
    expect(() => decodeU32(bytesOf(0x80, 0x80, 0x80, 0x80, 0x80, 0x00))).toThrow(WasmDecodeError);
    expect(() => decodeU32(bytesOf(0xff, 0xff, 0xff, 0xff, 0x1f))).toThrow(WasmDecodeError);
    expect(() => decodeS32(bytesOf(0xff, 0xff, 0xff, 0xff, 0x0f))).toThrow(WasmDecodeError);
    expect(() => decodeS32(bytesOf(0x80, 0x80, 0x80, 0x80, 0x70))).toThrow(WasmDecodeError);
    expect(() => decodeS64(bytesOf(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))).toThrow(WasmDecodeError);
    expect(() => decodeU64(bytesOf(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02))).toThrow(WasmDecodeError);
    expect(() => decodeU32(bytesOf(0x80))).toThrow(WasmDecodeError);
  });

  it('encodes floats and names', () => {
    const w = new ByteWriter().f64(1.5).name('héllo');
    const r = new ByteReader(w.finish());
    expect(r.f64()).toBe(1.5);
    expect(r.name()).toBe('héllo');
    expect(r.eof).toBe(true);
  });
});

describe('Code', () => {
  it('emits instructions', () => {
    const c = new Code().localGet(0).i32Const(-1).i32Add().i32Load(8).i32Load8U(3).drop();
    expect([...c.bytes()]).toEqual([0x20, 0x00, 0x41, 0x7f, 0x6a, 0x28, 0x02, 0x08, 0x2d, 0x00, 0x03, 0x1a]);
    expect([...new Code().i32Const(0xffff_ffff).bytes()]).toEqual([0x41, 0x7f]);
    expect([...new Code().memoryCopy().memoryFill().bytes()]).toEqual([0xfc, 0x0a, 0x00, 0x00, 0xfc, 0x0b, 0x00]);
    expect([...new Code().block('i32').i32Const(1).end().bytes()]).toEqual([0x02, 0x7f, 0x41, 0x01, 0x0b]);
    expect([...new Code().block().loop().br(1).brTable([0, 1], 0).end().end().bytes()]).toEqual([
      0x02, 0x40, 0x03, 0x40, 0x0c, 0x01, 0x0e, 0x02, 0x00, 0x01, 0x00, 0x0b, 0x0b,
    ]);
  });

  it('tracks structured control', () => {
    expect(() => new Code().end()).toThrow(CodeError);
    expect(() => new Code().block().end().end()).toThrow(CodeError);
    expect(() => new Code().block().else_()).toThrow(CodeError);
    expect(() => new Code().if_().else_().else_()).toThrow(CodeError);
    expect(() => new Code().block().bytes()).toThrow(/still open/);
    expect(() => new Code().br(1)).toThrow(CodeError);
    expect(() => new Code().block().brIf(2)).toThrow(CodeError);
    expect(() => new Code().block().brTable([0, 2], 0)).toThrow(CodeError);
    const c = new Code().block().if_().br(2).else_().end();
    expect(c.depth).toBe(1);
    c.end();
    expect(c.depth).toBe(0);
    expect(() => c.bytes()).not.toThrow();
  });

  it('checks operands', () => {
    expect(() => new Code().i32Const(2 ** 32)).toThrow(CodeError);
    expect(() => new Code().i32Const(0.5)).toThrow(CodeError);
    expect(() => new Code().i64Const(1n << 64n)).toThrow(CodeError);
    expect(() => new Code().i32Load(0, 8)).toThrow(CodeError);
    expect(() => new Code().i32Load(0, 3)).toThrow(CodeError);
    expect([...new Code().i64Const((1n << 64n) - 1n).bytes()]).toEqual([0x42, 0x7f]);
    expect([...new Code().f64Const(1).bytes()]).toEqual([0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  });
});

// ---------------------------------------------------------------------------
// A tiny "runtime" built with our own encoder

const I32 = ValType.i32;

interface TinyRuntimeOptions {
  memory?: Limits;
  dataCount?: boolean;
  data?: { offset: number; bytes: Uint8Array }[];
}

/**
 * types:   0 (i32)->()  1 (i32,i32)->i32  2 ()->i32
 * imports: env.memory, env.opa_abort (f0), env.opa_println (f1)
 * funcs:   f2 rt_add(a,b) = a+b
 *          f3 rt_init(p): heap = p
 *          f4 rt_heap(): heap
 *          f5 rt_fail(p): opa_abort(p)
 *          f6 internal(): 7 (not exported, referenced by the table)
 * globals: g0 heap (mut i32)
 * table:   funcref[2] = [rt_add, internal]
 * data:    "RT!" at 1024 (unless overridden)
 */
function tinyRuntime(opts: TinyRuntimeOptions = {}): Uint8Array<ArrayBuffer> {
  const body = (code: Code): Uint8Array => encodeFunctionBody([], code.bytes());
  const data = opts.data ?? [{ offset: 1024, bytes: utf8('RT!') }];
  const i32Offset = (n: number): Uint8Array => new ByteWriter().byte(0x41).s32(n).byte(0x0b).finish();
  const mod: WasmModule = {
    types: [
      { params: [I32], results: [] },
      { params: [I32, I32], results: [I32] },
      { params: [], results: [I32] },
    ],
    imports: [
      { module: 'env', name: 'memory', desc: { kind: 'memory', limits: opts.memory ?? { min: 2, shared: false, is64: false } } },
      { module: 'env', name: 'opa_abort', desc: { kind: 'func', typeIndex: 0 } },
      { module: 'env', name: 'opa_println', desc: { kind: 'func', typeIndex: 0 } },
    ],
    functions: [1, 0, 2, 0, 2],
    tables: [bytesOf(0x70, 0x00, 0x02)],
    memories: [],
    tags: [],
    globals: [{ type: { valType: I32, mutable: true }, init: bytesOf(0x41, 0x00, 0x0b) }],
    exports: [
      { name: 'rt_add', kind: 'func', index: 2 },
      { name: 'rt_init', kind: 'func', index: 3 },
      { name: 'rt_heap', kind: 'func', index: 4 },
      { name: 'rt_fail', kind: 'func', index: 5 },
      { name: 'memory', kind: 'memory', index: 0 },
      { name: 'heap', kind: 'global', index: 0 },
    ],
    elements: [{ flags: 0, mode: 'active', raw: bytesOf(0x00, 0x41, 0x00, 0x0b, 0x02, 0x02, 0x06) }],
    dataCount: opts.dataCount ? data.length : undefined,
    code: [
      body(new Code().localGet(0).localGet(1).i32Add()),
      body(new Code().localGet(0).globalSet(0)),
      body(new Code().globalGet(0)),
      body(new Code().localGet(0).call(0)),
      body(new Code().i32Const(7)),
    ],
    data: data.map((d) => ({ mode: 'active', memory: 0, offset: i32Offset(d.offset), bytes: d.bytes })),
    customs: [{ name: 'name', bytes: bytesOf(0x00, 0x00) }],
  };
  return writeModule(mod);
}

class Aborted extends Error {}

async function instantiate(bytes: Uint8Array<ArrayBuffer>, pages = HOST_DEFAULT_PAGES) {
  const memory = new WebAssembly.Memory({ initial: pages });
  const printed: number[] = [];
  const { instance } = await WebAssembly.instantiate(bytes, {
    env: {
      memory,
      opa_abort: (addr: number) => {
        throw new Aborted(`abort ${addr}`);
      },
      opa_println: (addr: number) => void printed.push(addr),
    },
  });
  return { instance, memory, printed };
}

/** A linked module exercising calls, data, globals, a start function and mutual recursion. */
function linkSample(runtime = tinyRuntime()) {
  const L = new ModuleLinker(runtime);
  const rtAdd = L.runtimeFunction('rt_add', { params: ['i32', 'i32'], results: ['i32'] });
  const rtInit = L.runtimeFunction('rt_init', { params: ['i32'], results: [] });
  const println = L.importFunction('opa_println');

  const greeting = L.addData(utf8('hello'));
  const word = L.addData(bytesOf(0x2a, 0, 0, 0), 4);
  const counter = L.addGlobal('i32', true, 0);
  const abi = L.addGlobal('i32', false, 1);
  const big = L.addGlobal('i64', false, -(1n << 63n));

  const start = L.declareFunction([], []);
  const isEven = L.declareFunction(['i32'], ['i32']);
  const isOdd = L.declareFunction(['i32'], ['i32']);
  const evalFn = L.declareFunction(['i32'], ['i32']);
  const indirect = L.declareFunction(['i32', 'i32'], ['i32']);

  // start: rt_init(staticEnd); counter = 100
  L.defineFunction(start, [], new Code().i32Const(L.staticEnd()).call(rtInit).i32Const(100).globalSet(counter));
  // is_even(n) = n == 0 ? 1 : is_odd(n - 1), declared before is_odd is defined
  L.defineFunction(
    isEven,
    [],
    new Code().localGet(0).i32Eqz().if_('i32').i32Const(1).else_().localGet(0).i32Const(1).i32Sub().call(isOdd).end(),
  );
  L.defineFunction(
    isOdd,
    [],
    new Code().localGet(0).i32Eqz().if_('i32').i32Const(0).else_().localGet(0).i32Const(1).i32Sub().call(isEven).end(),
  );
  // eval(x): println(greeting); sum of x + word + greeting[1] + counter, looping to sum 0..x-1 as well
  const sum = 1;
  const i = 2;
  L.defineFunction(
    evalFn,
    ['i32', 'i32'],
    new Code()
      .i32Const(greeting).call(println)
      .localGet(0).i32Const(word).i32Load().call(rtAdd)
      .i32Const(greeting).i32Load8U(1).i32Add()
      .globalGet(counter).i32Add()
      .localSet(sum)
      .block().loop()
      .localGet(i).localGet(0).i32GeU().brIf(1)
      .localGet(sum).localGet(i).i32Add().localSet(sum)
      .localGet(i).i32Const(1).i32Add().localSet(i)
      .br(0)
      .end().end()
      .localGet(sum),
  );
  // indirect(a, b) = table[0](a, b) + table[1]()
  const t1 = L.addType(['i32', 'i32'], ['i32']);
  const t2 = L.addType([], ['i32']);
  L.defineFunction(
    indirect,
    [],
    new Code().localGet(0).localGet(1).i32Const(0).callIndirect(t1).i32Const(1).callIndirect(t2).i32Add(),
  );

  L.setStart(start);
  L.exportFunction('eval', evalFn);
  L.exportFunction('is_even', isEven);
  L.exportFunction('indirect', indirect);
  L.exportGlobal('opa_wasm_abi_version', abi);
  L.exportGlobal('big', big);
  L.keepRuntimeExport('rt_heap');
  L.keepRuntimeExport('rt_fail');
  return { linker: L, greeting, word, staticEnd: L.staticEnd() };
}

describe('ModuleLinker', () => {
  it('links generated functions that run', async () => {
    const { linker, greeting, word, staticEnd } = linkSample();
    const bytes = linker.emit();
    expect(WebAssembly.validate(bytes)).toBe(true);

    // runtime data ends at 1024 + 3, so generated data starts at 1032
    expect(greeting).toBe(1032);
    expect(word).toBe(1040);
    expect(staticEnd).toBe(1048);

    const { instance, memory, printed } = await instantiate(bytes);
    const x = instance.exports as Record<string, any>;
    // the start function ran: rt_init(staticEnd) set the runtime's heap global
    expect(x.rt_heap()).toBe(1048);
    // data is in place, next to the runtime's
    const mem = new Uint8Array(memory.buffer);
    expect(new TextDecoder().decode(mem.subarray(1024, 1027))).toBe('RT!');
    expect(new TextDecoder().decode(mem.subarray(greeting, greeting + 5))).toBe('hello');
    // 5 + 42 + 'e'(101) + 100 + (0+1+2+3+4)
    expect(x.eval(5)).toBe(5 + 42 + 101 + 100 + 10);
    expect(printed).toEqual([greeting]);
    expect(x.is_even(10)).toBe(1);
    expect(x.is_even(7)).toBe(0);
    expect(x.indirect(3, 4)).toBe(14);
    expect(x.opa_wasm_abi_version.value).toBe(1);
    expect(x.big.value).toBe(-(1n << 63n));
    expect(() => x.rt_fail(99)).toThrow(Aborted);
  });

  it('exports only what went through the linker', () => {
    const bytes = linkSample().linker.emit();
    const names = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => `${e.kind}:${e.name}`);
    expect(names).toEqual([
      'function:eval', 'function:is_even', 'function:indirect', 'global:opa_wasm_abi_version',
      'global:big', 'function:rt_heap', 'function:rt_fail',
    ]);
  });

  it('re-exports the runtime memory only when kept', () => {
    const L = new ModuleLinker(tinyRuntime());
    L.keepRuntimeExport('memory');
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(L.emit()));
    expect(exports).toEqual([{ name: 'memory', kind: 'memory' }]);
  });

  it('keeps imports unchanged and drops custom sections', () => {
    const bytes = linkSample().linker.emit();
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes)).map((i) => `${i.module}.${i.name}`);
    expect(imports).toEqual(['env.memory', 'env.opa_abort', 'env.opa_println']);
    expect(readModule(tinyRuntime()).customs).toHaveLength(1);
    expect(readModule(bytes).customs).toHaveLength(0);
  });

  it('keeps runtime function indices and appends generated ones', () => {
    const L = new ModuleLinker(tinyRuntime());
    expect(L.importFunction('opa_abort')).toBe(0);
    expect(L.importFunction('opa_println')).toBe(1);
    expect(L.runtimeFunction('rt_add')).toBe(2);
    expect(L.runtimeFunction('rt_heap')).toBe(4);
    expect(L.declareFunction([], [])).toBe(7);
    expect(L.declareFunction(['i32'], ['i32'])).toBe(8);
    expect(L.addGlobal('f64', false, 0.5)).toBe(1);
  });

  it('rejects unknown names and mismatched signatures', () => {
    const L = new ModuleLinker(tinyRuntime());
    expect(() => L.runtimeFunction('nope')).toThrow(LinkError);
    expect(() => L.runtimeFunction('heap')).toThrow(/not a function/);
    expect(() => L.runtimeFunction('rt_add', { params: ['i32'], results: ['i32'] })).toThrow(/signature/);
    expect(() => L.runtimeFunction('rt_add', { params: ['i32', 'i32'], results: [] })).toThrow(LinkError);
    expect(() => L.importFunction('opa_builtin0')).toThrow(LinkError);
    expect(() => L.importFunction('memory')).toThrow(LinkError);
    expect(() => L.keepRuntimeExport('nope')).toThrow(LinkError);
  });

  it('checks functions are defined once, and exports are unique', () => {
    const L = new ModuleLinker(tinyRuntime());
    const f = L.declareFunction([], ['i32']);
    expect(() => L.emit()).toThrow(/not defined/);
    expect(() => L.defineFunction(2, [], new Code())).toThrow(LinkError);
    expect(() => L.defineFunction(f, [], new Code().block())).toThrow(CodeError);
    L.defineFunction(f, [], new Code().i32Const(1));
    expect(() => L.defineFunction(f, [], new Code().i32Const(1))).toThrow(/already defined/);
    L.exportFunction('f', f);
    expect(() => L.exportFunction('f', f)).toThrow(/duplicate/);
    expect(() => L.exportFunction('g', f + 1)).toThrow(LinkError);
    expect(() => L.setStart(f)).toThrow(/start function/);
    expect(WebAssembly.validate(L.emit())).toBe(true);
  });

  it('dedupes types', () => {
    const L = new ModuleLinker(tinyRuntime());
    expect(L.addType(['i32', 'i32'], ['i32'])).toBe(1);
    expect(L.addType([], ['i32'])).toBe(2);
    expect(L.addType(['i64'], [])).toBe(3);
    expect(L.addType(['i64'], [])).toBe(3);
    L.defineFunction(L.declareFunction(['i64'], []), [], new Code());
    expect(readModule(L.emit()).types).toHaveLength(4);
  });

  it('is deterministic', () => {
    const a = linkSample().linker.emit();
    const b = linkSample().linker.emit();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const L = linkSample().linker;
    expect(Buffer.from(L.emit()).equals(Buffer.from(L.emit()))).toBe(true);
  });

  it('places generated data after the highest runtime segment, never at address 0', () => {
    const two = tinyRuntime({ data: [{ offset: 4096, bytes: utf8('x') }, { offset: 16, bytes: new Uint8Array(100) }] });
    expect(new ModuleLinker(two).addData(utf8('a'))).toBe(4104);
    const none = tinyRuntime({ data: [] });
    const L = new ModuleLinker(none);
    expect(L.staticEnd()).toBe(8);
    expect(L.addData(utf8('abc'), 1)).toBe(8);
    expect(L.addData(utf8('d'), 1)).toBe(11);
    expect(L.addData(utf8('e'), 16)).toBe(16);
    expect(L.staticEnd()).toBe(24);
  });

  it('sizes the memory import', () => {
    const minOf = (bytes: Uint8Array): Limits => {
      const mem = readModule(bytes).imports.find((i) => i.name === 'memory')!.desc;
      if (mem.kind !== 'memory') throw new Error('no memory');
      return mem.limits;
    };
    // small static data: keeps the runtime's minimum (2), drops the maximum
    const withMax = tinyRuntime({ memory: { min: 2, max: 3, shared: false, is64: false } });
    expect(minOf(new ModuleLinker(withMax).emit())).toEqual({ min: 2, shared: false, is64: false });
    // a runtime minimum above the host default is lowered to 5 when the data fits
    const greedy = tinyRuntime({ memory: { min: 17, shared: false, is64: false } });
    expect(minOf(new ModuleLinker(greedy).emit()).min).toBe(HOST_DEFAULT_PAGES);
    // generated data is copied in by the start function: it never raises the minimum
    const L = new ModuleLinker(tinyRuntime({ memory: { min: 1, shared: false, is64: false } }));
    L.addData(new Uint8Array(70_000));
    expect(minOf(L.emit()).min).toBe(1);
    const huge = new ModuleLinker(tinyRuntime());
    huge.addData(new Uint8Array(5 * 65536));
    expect(huge.staticEnd()).toBe(1032 + 5 * 65536);
    expect(minOf(huge.emit()).min).toBeLessThanOrEqual(HOST_DEFAULT_PAGES);
  });

  it('lays out static data larger than the host default memory at start-up', async () => {
    // 6 pages of data in a module whose memory import asks for no more than 5: the
    // start function grows memory and copies the passive segment into place.
    const L = new ModuleLinker(tinyRuntime());
    const bytes = new Uint8Array(6 * 65536).map((_, i) => (i * 7) & 0xff);
    const at = L.addData(bytes);
    const f = L.declareFunction(['i32'], ['i32']);
    L.defineFunction(f, [], new Code().localGet(0).i32Const(at).i32Add().i32Load8U());
    L.exportFunction('byte', f);
    const out = L.emit();
    expect(readModule(out).data.at(-1)?.mode).toBe('passive');
    const { instance, memory } = await instantiate(out);
    const byte = instance.exports.byte as (i: number) => number;
    for (const i of [0, 1, 65535, 65536 * 5 + 3, bytes.length - 1]) expect(byte(i)).toBe(bytes[i]);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(at + bytes.length);
  });

  it('instantiates with the default host memory', async () => {
    const L = new ModuleLinker(tinyRuntime({ memory: { min: 17, shared: false, is64: false } }));
    const f = L.declareFunction([], ['i32']);
    const s = L.addData(utf8('z'));
    L.defineFunction(f, [], new Code().i32Const(s).i32Load8U());
    L.exportFunction('f', f);
    const { instance } = await instantiate(L.emit());
    expect((instance.exports.f as () => number)()).toBe('z'.charCodeAt(0));
  });

  it('updates the datacount section', () => {
    const rt = tinyRuntime({ dataCount: true });
    expect(readModule(rt).dataCount).toBe(1);
    const L = new ModuleLinker(rt);
    expect(readModule(L.emit()).dataCount).toBe(1);
    L.addData(utf8('more'));
    const out = L.emit();
    expect(readModule(out).dataCount).toBe(2);
    expect(readModule(out).data).toHaveLength(2);
    expect(WebAssembly.validate(out)).toBe(true);
    // memory.init needs a data count section: one is added when generated data exists
    expect(readModule(linkSample().linker.emit()).dataCount).toBe(readModule(linkSample().linker.emit()).data.length);
  });

  it('round-trips the runtime through reader and writer', () => {
    const rt = tinyRuntime({ dataCount: true });
    expect(WebAssembly.validate(rt)).toBe(true);
    const again = writeModule(readModule(rt));
    expect(Buffer.from(again).equals(Buffer.from(rt))).toBe(true);
  });

  it('rejects malformed modules', () => {
    expect(() => readModule(bytesOf(0, 1, 2, 3))).toThrow(WasmDecodeError);
    const rt = tinyRuntime();
    expect(() => readModule(rt.subarray(0, rt.length - 3))).toThrow(WasmDecodeError);
  });
});
