// Constant values. Strings and numbers are laid out in the module's data
// segment in the runtime's value layout, so loading one is an `i32.const`.
// null and booleans are the runtime's singletons and composite constants are
// built once by the start function; both live in globals.
import type { Term } from '../ast';
import type { Code } from '../backend/code';
import type { ModuleLinker } from '../backend/link';

/** One encoder for all: constructing one per string showed in profiles. */
const UTF8 = new TextEncoder();

const T_INT = 3;
const T_FLOAT = 4;
const T_STRING = 5;
const T_BIG = 9;
const T_NUMTEXT = 10;

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

export type Scalar = { kind: 'null' } | { kind: 'bool'; value: boolean } | { kind: 'number'; text: string } | { kind: 'string'; value: string };

export class ConstantPool {
  private readonly strings = new Map<string, number>();
  private readonly numbers = new Map<string, number>();
  private readonly cstrings = new Map<string, number>();
  private readonly composites = new Map<string, { global: number; build: (c: Code) => void }>();
  readonly nullGlobal: number;
  readonly trueGlobal: number;
  readonly falseGlobal: number;

  constructor(private readonly linker: ModuleLinker) {
    this.nullGlobal = linker.addGlobal('i32', true, 0);
    this.trueGlobal = linker.addGlobal('i32', true, 0);
    this.falseGlobal = linker.addGlobal('i32', true, 0);
  }

  /** Address of a string value. */
  string(s: string): number {
    let addr = this.strings.get(s);
    if (addr === undefined) {
      addr = this.linker.addData(stringLayout(T_STRING, s), 8);
      this.strings.set(s, addr);
    }
    return addr;
  }

  /** Address of a NUL-terminated UTF-8 string (for opa_abort messages). */
  cstring(s: string): number {
    let addr = this.cstrings.get(s);
    if (addr === undefined) {
      const bytes = UTF8.encode(s);
      const buf = new Uint8Array(bytes.length + 1);
      buf.set(bytes);
      addr = this.linker.addData(buf, 1);
      this.cstrings.set(s, addr);
    }
    return addr;
  }

  /** Address of a number value, from its Rego source text. */
  number(text: string): number {
    let addr = this.numbers.get(text);
    if (addr === undefined) {
      const big = parseBigInteger(text);
      if (big !== undefined) {
        addr = this.linker.addData(bigValue(big), 8);
        this.numbers.set(text, addr);
        return addr;
      }
      if (!Number.isFinite(Number(text))) {
        // past f64's range: the runtime keeps the number as written, as OPA does
        addr = this.linker.addData(stringLayout(T_NUMTEXT, text), 8);
        this.numbers.set(text, addr);
        return addr;
      }
      const buf = new Uint8Array(16);
      const view = new DataView(buf.buffer);
      const int = parseInteger(text);
      if (int !== undefined) {
        buf[0] = T_INT;
        view.setBigInt64(8, int, true);
      } else {
        buf[0] = T_FLOAT;
        view.setFloat64(8, Number(text), true);
      }
      addr = this.linker.addData(buf, 8);
      this.numbers.set(text, addr);
    }
    return addr;
  }

  /** Emits code leaving the address of a scalar constant on the stack. */
  load(c: Code, s: Scalar): void {
    switch (s.kind) {
      case 'null':
        c.globalGet(this.nullGlobal);
        return;
      case 'bool':
        c.globalGet(s.value ? this.trueGlobal : this.falseGlobal);
        return;
      case 'number':
        c.i32Const(this.number(s.text));
        return;
      case 'string':
        c.i32Const(this.string(s.value));
        return;
    }
  }

  /**
   * A global holding a composite constant, built once by the start function.
   * `build` emits code that leaves the value's address on the stack.
   */
  composite(key: string, build: (c: Code) => void): number {
    let entry = this.composites.get(key);
    if (!entry) {
      entry = { global: this.linker.addGlobal('i32', true, 0), build };
      this.composites.set(key, entry);
    }
    return entry.global;
  }

  /** Start-function code: the runtime singletons, then composites in creation order. */
  emitSingletons(c: Code, rt: (name: string) => number): void {
    c.call(rt('rt_null')).globalSet(this.nullGlobal);
    c.i32Const(1).call(rt('rt_bool')).globalSet(this.trueGlobal);
    c.i32Const(0).call(rt('rt_bool')).globalSet(this.falseGlobal);
  }

  emitComposites(c: Code): void {
    for (const { global, build } of this.composites.values()) {
      build(c);
      c.globalSet(global);
    }
  }
}

/** The integer a number literal denotes, when it is one that fits in i64. */
export function parseInteger(text: string): bigint | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n >= I64_MIN && n <= I64_MAX ? n : undefined;
}

/** The runtime's string layout (a string, or a number kept as written): tag, byte length, UTF-8. */
function stringLayout(tag: number, s: string): Uint8Array {
  const bytes = UTF8.encode(s);
  const buf = new Uint8Array(8 + bytes.length);
  new DataView(buf.buffer).setUint32(4, bytes.length, true);
  buf[0] = tag;
  buf.set(bytes, 8);
  return buf;
}

/** The integer a number literal denotes, when it is one outside i64 (the runtime's T_BIG). */
function parseBigInteger(text: string): bigint | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n < I64_MIN || n > I64_MAX ? n : undefined;
}

/** The runtime's T_BIG layout: tag, sign byte, limb count, u32 limbs least significant first. */
function bigValue(n: bigint): Uint8Array {
  let mag = n < 0n ? -n : n;
  const limbs: number[] = [];
  for (; mag > 0n; mag >>= 32n) limbs.push(Number(mag & 0xffffffffn));
  const buf = new Uint8Array(8 + 4 * limbs.length);
  const view = new DataView(buf.buffer);
  buf[0] = T_BIG;
  buf[1] = n < 0n ? 1 : 0;
  view.setUint32(4, limbs.length, true);
  limbs.forEach((l, i) => view.setUint32(8 + 4 * i, l, true));
  return buf;
}

export function scalarOf(t: Term): Scalar | undefined {
  switch (t.type) {
    case 'null':
      return { kind: 'null' };
    case 'boolean':
      return { kind: 'bool', value: t.value };
    case 'number':
      return { kind: 'number', text: t.value };
    case 'string':
      return { kind: 'string', value: t.value };
    default:
      return undefined;
  }
}
