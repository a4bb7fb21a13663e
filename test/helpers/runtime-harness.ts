// Loads src/runtime/runtime.wasm on its own (no generated code linked in) for tests
// and benchmarks of the runtime core: stub imports, 5 pages of memory, and
// rt_init(<end of static data>) as the linker's start function would call it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const RUNTIME_WASM = fileURLToPath(new URL('../../src/runtime/runtime.wasm', import.meta.url));

/** The end of the highest active data segment (its offset must be an i32.const). */
export function staticDataEnd(bytes: Uint8Array): number {
  let pos = 8;
  const leb = (): number => {
    let result = 0, shift = 0, b: number;
    do {
      b = bytes[pos++]!;
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return result >>> 0;
  };
  const sleb = (): number => {
    let result = 0, shift = 0, b: number;
    do {
      b = bytes[pos++]!;
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    if (shift < 32 && (b & 0x40)) result |= -1 << shift;
    return result;
  };
  let end = 0;
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    const size = leb();
    const next = pos + size;
    if (id === 11) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        const flags = leb();
        if (flags === 1) { pos += leb(); continue; } // passive
        if (flags === 2) leb(); // memory index
        if (bytes[pos++] !== 0x41) throw new Error('data segment offset is not i32.const');
        const offset = sleb();
        if (bytes[pos++] !== 0x0b) throw new Error('unexpected data segment offset expression');
        const n = leb();
        pos += n;
        end = Math.max(end, offset + n);
      }
    }
    pos = next;
  }
  return end;
}

export interface RuntimeExports {
  [name: string]: any;
}

export interface Runtime {
  exports: RuntimeExports;
  memory: WebAssembly.Memory;
  printed: string[];
  /** Writes bytes (a string is UTF-8 encoded) on the heap; returns [addr, len]. */
  write(text: string | Uint8Array): [number, number];
  /** opa_json_parse of the text; 0 when malformed. */
  parse(text: string | Uint8Array): number;
  /** opa_value_parse of the text; 0 when malformed. */
  parseValue(text: string): number;
  /** opa_json_dump as a JS string. */
  dump(addr: number): string;
  /** opa_value_dump as a JS string. */
  dumpValue(addr: number): string;
  /** Reads a NUL-terminated UTF-8 string. */
  cstring(addr: number): string;
  /** A string value. */
  str(s: string): number;
}

export function loadRuntime(wasmPath = RUNTIME_WASM): Runtime {
  const bytes = readFileSync(wasmPath);
  const memory = new WebAssembly.Memory({ initial: 5 });
  const printed: string[] = [];
  const cstring = (addr: number): string => {
    const buf = new Uint8Array(memory.buffer);
    let end = addr;
    while (buf[end] !== 0) end++;
    return new TextDecoder().decode(buf.subarray(addr, end));
  };
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      opa_abort: (addr: number) => { throw new Error(`opa_abort: ${cstring(addr)}`); },
      opa_println: (addr: number) => { printed.push(cstring(addr)); },
      opa_builtin0: () => 0,
      opa_builtin1: () => 0,
      opa_builtin2: () => 0,
      opa_builtin3: () => 0,
      opa_builtin4: () => 0,
    },
  });
  const exports = instance.exports as RuntimeExports;
  exports.rt_init(staticDataEnd(bytes));
  const encoder = new TextEncoder();
  const write = (text: string | Uint8Array): [number, number] => {
    const data = typeof text === 'string' ? encoder.encode(text) : text;
    const addr = exports.opa_malloc(data.length);
    new Uint8Array(memory.buffer).set(data, addr);
    return [addr, data.length];
  };
  return {
    exports,
    memory,
    printed,
    write,
    parse: (text) => exports.opa_json_parse(...write(text)),
    parseValue: (text) => exports.opa_value_parse(...write(text)),
    dump: (addr) => cstring(exports.opa_json_dump(addr)),
    dumpValue: (addr) => cstring(exports.opa_value_dump(addr)),
    cstring,
    str: (s) => exports.rt_string(...write(s)),
  };
}

export type WasmType = 'i32' | 'i64' | 'f32' | 'f64';
export interface Signature { params: WasmType[]; results: WasmType[] }

/** The module's function imports (module, name, signature) and exported functions' signatures. */
export function moduleSignatures(bytes: Uint8Array): {
  imports: { module: string; name: string; kind: number; sig?: Signature }[];
  exports: Map<string, Signature>;
} {
  let pos = 8;
  const leb = (): number => {
    let result = 0, shift = 0, b: number;
    do {
      b = bytes[pos++]!;
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return result >>> 0;
  };
  const name = (): string => {
    const n = leb();
    const s = new TextDecoder().decode(bytes.subarray(pos, pos + n));
    pos += n;
    return s;
  };
  const valType = (b: number): WasmType => {
    switch (b) {
      case 0x7f: return 'i32';
      case 0x7e: return 'i64';
      case 0x7d: return 'f32';
      case 0x7c: return 'f64';
    }
    throw new Error(`unexpected value type 0x${b.toString(16)}`);
  };
  const types: Signature[] = [];
  const funcTypes: number[] = []; // by function index (imports first)
  const imports: { module: string; name: string; kind: number; sig?: Signature }[] = [];
  const exportIdx = new Map<string, number>();
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    const size = leb();
    const next = pos + size;
    if (id === 1) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        if (bytes[pos++] !== 0x60) throw new Error('unexpected type form');
        const np = leb();
        const params: WasmType[] = [];
        for (let j = 0; j < np; j++) params.push(valType(bytes[pos++]!));
        const nr = leb();
        const results: WasmType[] = [];
        for (let j = 0; j < nr; j++) results.push(valType(bytes[pos++]!));
        types.push({ params, results });
      }
    } else if (id === 2) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        const module = name();
        const field = name();
        const kind = bytes[pos++]!;
        if (kind === 0) {
          const t = leb();
          funcTypes.push(t);
          imports.push({ module, name: field, kind, sig: types[t] });
        } else if (kind === 2) {
          const flags = leb();
          leb();
          if (flags & 1) leb();
          imports.push({ module, name: field, kind });
        } else {
          throw new Error(`unexpected import kind ${kind}`);
        }
      }
    } else if (id === 3) {
      const count = leb();
      for (let i = 0; i < count; i++) funcTypes.push(leb());
    } else if (id === 7) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        const field = name();
        const kind = bytes[pos++]!;
        const idx = leb();
        if (kind === 0) exportIdx.set(field, idx);
      }
    }
    pos = next;
  }
  const exports = new Map<string, Signature>();
  for (const [field, idx] of exportIdx) exports.set(field, types[funcTypes[idx]!]!);
  return { imports, exports };
}

/** A runtime value read back into JS (for assertions): sets as { set: [...] }, objects as [k, v] pairs. */
export type JsValue =
  | null | boolean | { int: bigint } | { float: number } | string | JsValue[]
  | { object: [JsValue, JsValue][] } | { set: JsValue[] } | { big: bigint } | { numtext: string };

export function readValue(rt: Runtime, v: number): JsValue {
  const view = new DataView(rt.memory.buffer);
  const tag = view.getUint8(v);
  const slots = (i: number, size: number) => view.getUint32(v + 12, true) + i * size;
  switch (tag) {
    case 1: return null;
    case 2: return view.getUint8(v + 1) !== 0;
    case 3: return { int: view.getBigInt64(v + 8, true) };
    case 4: return { float: view.getFloat64(v + 8, true) };
    case 5: {
      const n = view.getUint32(v + 4, true);
      return new TextDecoder().decode(new Uint8Array(rt.memory.buffer, v + 8, n));
    }
    case 6: {
      const n = view.getUint32(v + 4, true);
      const out: JsValue[] = [];
      for (let i = 0; i < n; i++) out.push(readValue(rt, view.getUint32(slots(i, 4), true)));
      return out;
    }
    case 7: {
      const n = view.getUint32(v + 4, true);
      const out: [JsValue, JsValue][] = [];
      for (let i = 0; i < n; i++) {
        out.push([
          readValue(rt, view.getUint32(slots(i, 8), true)),
          readValue(rt, view.getUint32(slots(i, 8) + 4, true)),
        ]);
      }
      return { object: out };
    }
    case 8: {
      const n = view.getUint32(v + 4, true);
      const out: JsValue[] = [];
      for (let i = 0; i < n; i++) out.push(readValue(rt, view.getUint32(slots(i, 4), true)));
      return { set: out };
    }
    case 9: {
      let mag = 0n;
      for (let i = view.getUint32(v + 4, true) - 1; i >= 0; i--) mag = (mag << 32n) | BigInt(view.getUint32(v + 8 + 4 * i, true));
      return { big: view.getUint8(v + 1) ? -mag : mag };
    }
    case 10: {
      const n = view.getUint32(v + 4, true);
      return { numtext: new TextDecoder().decode(new Uint8Array(rt.memory.buffer, v + 8, n)) };
    }
  }
  throw new Error(`bad tag ${tag} at ${v}`);
}
