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
