// Primitive WebAssembly binary encoding and decoding: LEB128 integers, floats,
// names, vectors and section framing, plus the opcode and section-id constants
// the rest of the back end uses by name. No knowledge of module structure here:
// wasm-reader.ts parses modules, code.ts emits instructions, link.ts writes
// linked modules.

// ---------------------------------------------------------------------------
// Constants

export const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d] as const;
export const WASM_VERSION = [0x01, 0x00, 0x00, 0x00] as const;

/** Section ids, in the order they must appear (tag and datacount are out of numeric order). */
export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;

/** Position of each non-custom section in a valid module. */
export const SECTION_ORDER: readonly number[] = [
  SectionId.type, SectionId.import, SectionId.function, SectionId.table, SectionId.memory,
  SectionId.tag, SectionId.global, SectionId.export, SectionId.start, SectionId.element,
  SectionId.dataCount, SectionId.code, SectionId.data,
];

export const ValType = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  funcref: 0x70,
  externref: 0x6f,
} as const;

/** The value types generated code uses, by name. */
export type ValTypeName = 'i32' | 'i64' | 'f64';

export function valTypeByte(name: ValTypeName): number {
  switch (name) {
    case 'i32': return ValType.i32;
    case 'i64': return ValType.i64;
    case 'f64': return ValType.f64;
  }
}

/** A readable name for a value type byte, for error messages. */
export function valTypeName(byte: number): string {
  for (const [name, value] of Object.entries(ValType)) if (value === byte) return name;
  return `0x${byte.toString(16)}`;
}

/** Block type for blocks without parameters or results. */
export const BLOCK_TYPE_EMPTY = 0x40;
/** Function type constructor in the type section. */
export const FUNC_TYPE = 0x60;

export const ExternalKind = {
  func: 0x00,
  table: 0x01,
  memory: 0x02,
  global: 0x03,
  tag: 0x04,
} as const;
export type ExternalKindName = keyof typeof ExternalKind;

/** Single-byte opcodes (MVP, sign extension, reference types). */
export const Op = {
  unreachable: 0x00,
  nop: 0x01,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  brTable: 0x0e,
  return: 0x0f,
  call: 0x10,
  callIndirect: 0x11,
  drop: 0x1a,
  select: 0x1b,
  selectTyped: 0x1c,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  tableGet: 0x25,
  tableSet: 0x26,

  i32Load: 0x28,
  i64Load: 0x29,
  f32Load: 0x2a,
  f64Load: 0x2b,
  i32Load8S: 0x2c,
  i32Load8U: 0x2d,
  i32Load16S: 0x2e,
  i32Load16U: 0x2f,
  i64Load8S: 0x30,
  i64Load8U: 0x31,
  i64Load16S: 0x32,
  i64Load16U: 0x33,
  i64Load32S: 0x34,
  i64Load32U: 0x35,
  i32Store: 0x36,
  i64Store: 0x37,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Store8: 0x3a,
  i32Store16: 0x3b,
  i64Store8: 0x3c,
  i64Store16: 0x3d,
  i64Store32: 0x3e,
  memorySize: 0x3f,
  memoryGrow: 0x40,

  i32Const: 0x41,
  i64Const: 0x42,
  f32Const: 0x43,
  f64Const: 0x44,

  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32GtU: 0x4b,
  i32LeS: 0x4c,
  i32LeU: 0x4d,
  i32GeS: 0x4e,
  i32GeU: 0x4f,

  i64Eqz: 0x50,
  i64Eq: 0x51,
  i64Ne: 0x52,
  i64LtS: 0x53,
  i64LtU: 0x54,
  i64GtS: 0x55,
  i64GtU: 0x56,
  i64LeS: 0x57,
  i64LeU: 0x58,
  i64GeS: 0x59,
  i64GeU: 0x5a,

  f64Eq: 0x61,
  f64Ne: 0x62,
  f64Lt: 0x63,
  f64Gt: 0x64,
  f64Le: 0x65,
  f64Ge: 0x66,

  i32Clz: 0x67,
  i32Ctz: 0x68,
  i32Popcnt: 0x69,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32DivS: 0x6d,
  i32DivU: 0x6e,
  i32RemS: 0x6f,
  i32RemU: 0x70,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
  i32Rotl: 0x77,
  i32Rotr: 0x78,

  i64Clz: 0x79,
  i64Ctz: 0x7a,
  i64Popcnt: 0x7b,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64DivS: 0x7f,
  i64DivU: 0x80,
  i64RemS: 0x81,
  i64RemU: 0x82,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64ShrS: 0x87,
  i64ShrU: 0x88,
  i64Rotl: 0x89,
  i64Rotr: 0x8a,

  f64Abs: 0x99,
  f64Neg: 0x9a,
  f64Ceil: 0x9b,
  f64Floor: 0x9c,
  f64Trunc: 0x9d,
  f64Nearest: 0x9e,
  f64Sqrt: 0x9f,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f64Min: 0xa4,
  f64Max: 0xa5,
  f64Copysign: 0xa6,

  i32WrapI64: 0xa7,
  i32TruncF64S: 0xaa,
  i32TruncF64U: 0xab,
  i64ExtendI32S: 0xac,
  i64ExtendI32U: 0xad,
  i64TruncF64S: 0xb0,
  i64TruncF64U: 0xb1,
  f64ConvertI32S: 0xb7,
  f64ConvertI32U: 0xb8,
  f64ConvertI64S: 0xb9,
  f64ConvertI64U: 0xba,
  i64ReinterpretF64: 0xbd,
  f64ReinterpretI64: 0xbf,

  i32Extend8S: 0xc0,
  i32Extend16S: 0xc1,
  i64Extend8S: 0xc2,
  i64Extend16S: 0xc3,
  i64Extend32S: 0xc4,

  refNull: 0xd0,
  refIsNull: 0xd1,
  refFunc: 0xd2,

  /** Prefix of the saturating-truncation and bulk-memory instructions. */
  prefixFC: 0xfc,
  /** Prefix of the SIMD instructions. */
  prefixFD: 0xfd,
} as const;

/** Sub-opcodes after the 0xFC prefix (encoded as u32 LEB128). */
export const OpFC = {
  i32TruncSatF32S: 0,
  i32TruncSatF32U: 1,
  i32TruncSatF64S: 2,
  i32TruncSatF64U: 3,
  i64TruncSatF32S: 4,
  i64TruncSatF32U: 5,
  i64TruncSatF64S: 6,
  i64TruncSatF64U: 7,
  memoryInit: 8,
  dataDrop: 9,
  memoryCopy: 10,
  memoryFill: 11,
  tableInit: 12,
  elemDrop: 13,
  tableCopy: 14,
  tableGrow: 15,
  tableSize: 16,
  tableFill: 17,
} as const;

export const PAGE_SIZE = 65536;

// ---------------------------------------------------------------------------
// Range checks

const U32_MAX = 0xffff_ffff;
const I32_MIN = -0x8000_0000;
const I32_MAX = 0x7fff_ffff;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

function checkInt(n: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`${what} out of range: ${n}`);
  }
}

// ---------------------------------------------------------------------------
// Writing

/** An append-only byte buffer with the wasm primitive encodings. */
export class ByteWriter {
  private buf: Uint8Array<ArrayBuffer>;
  private len = 0;

  constructor(initialCapacity = 64) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.len;
  }

  private reserve(extra: number): void {
    const needed = this.len + extra;
    if (needed <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): this {
    this.reserve(1);
    this.buf[this.len++] = b & 0xff;
    return this;
  }

  raw(bytes: ArrayLike<number>): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  /** Unsigned LEB128 of a u32. */
  u32(n: number): this {
    checkInt(n, 0, U32_MAX, 'u32');
    do {
      let b = n & 0x7f;
      n = Math.floor(n / 128); // n may exceed 2^31, so no `>>>` on the value itself
      if (n !== 0) b |= 0x80;
      this.byte(b);
    } while (n !== 0);
    return this;
  }

  /** Signed LEB128 of an i32. */
  s32(n: number): this {
    checkInt(n, I32_MIN, I32_MAX, 'i32');
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      const done = (n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  /** Unsigned LEB128 of a u64. */
  u64(n: bigint): this {
    if (n < 0n || n > U64_MAX) throw new RangeError(`u64 out of range: ${n}`);
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n !== 0n) b |= 0x80;
      this.byte(b);
    } while (n !== 0n);
    return this;
  }

  /** Signed LEB128 of an i64. */
  s64(n: bigint): this {
    if (n < I64_MIN || n > I64_MAX) throw new RangeError(`i64 out of range: ${n}`);
    for (;;) {
      const b = Number(n & 0x7fn);
      n >>= 7n; // arithmetic shift for bigint
      const done = (n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  /** IEEE 754 double, little endian. */
  f64(x: number): this {
    const tmp = new DataView(new ArrayBuffer(8));
    tmp.setFloat64(0, x, true);
    return this.raw(new Uint8Array(tmp.buffer));
  }

  /** A name: u32 byte length then UTF-8. */
  name(s: string): this {
    const utf8 = new TextEncoder().encode(s);
    return this.u32(utf8.length).raw(utf8);
  }

  /** A byte vector: u32 length then the bytes. */
  byteVec(bytes: ArrayLike<number>): this {
    return this.u32(bytes.length).raw(bytes);
  }

  /** A vector: u32 count, then each item written by `each`. */
  vec<T>(items: readonly T[], each: (w: this, item: T) => void): this {
    this.u32(items.length);
    for (const item of items) each(this, item);
    return this;
  }

  /**
   * The bytes written so far, not copied: valid until the next write, for a
   * consumer that copies them at once (finish() is the copy to keep).
   */
  view(): Uint8Array<ArrayBuffer> {
    return this.buf.subarray(0, this.len);
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.len);
  }
}

/** One-shot encoders, mostly for tests and constant folding. */
export const encodeU32 = (n: number): Uint8Array<ArrayBuffer> => new ByteWriter(8).u32(n).finish();
export const encodeS32 = (n: number): Uint8Array<ArrayBuffer> => new ByteWriter(8).s32(n).finish();
export const encodeU64 = (n: bigint): Uint8Array<ArrayBuffer> => new ByteWriter(16).u64(n).finish();
export const encodeS64 = (n: bigint): Uint8Array<ArrayBuffer> => new ByteWriter(16).s64(n).finish();

/** A section: id byte, u32 size, contents. */
export function writeSection(out: ByteWriter, id: number, contents: Uint8Array): void {
  out.byte(id).byteVec(contents);
}

// ---------------------------------------------------------------------------
// Reading

export class WasmDecodeError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} (at byte ${offset})`);
    this.name = 'WasmDecodeError';
  }
}

/** A cursor over bytes with the wasm primitive decodings. Strict: rejects overlong or out-of-range LEB128. */
export class ByteReader {
  pos: number;

  constructor(readonly bytes: Uint8Array, start = 0, readonly end = bytes.length) {
    this.pos = start;
  }

  get eof(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string, at = this.pos): never {
    throw new WasmDecodeError(message, at);
  }

  byte(): number {
    if (this.pos >= this.end) this.fail('unexpected end of input');
    return this.bytes[this.pos++]!;
  }

  peek(): number {
    if (this.pos >= this.end) this.fail('unexpected end of input');
    return this.bytes[this.pos]!;
  }

  /** The next `n` bytes, as a view into the input. */
  take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.end) this.fail(`need ${n} bytes, ${this.end - this.pos} left`);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Unsigned LEB128, at most `bits` bits wide (≤ 53 so it fits a number exactly). */
  private unsigned(bits: number, what: string): number {
    const start = this.pos;
    const maxBytes = Math.ceil(bits / 7);
    let result = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      const b = this.byte();
      if (i === maxBytes - 1) {
        // The last permitted byte: no continuation, and no bits beyond `bits`.
        const spare = 7 - (bits - 7 * i);
        if (b & 0x80 || (spare > 0 && b >> (7 - spare) !== 0)) this.fail(`malformed ${what}`, start);
      }
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return result;
    }
  }

  u32(): number {
    return this.unsigned(32, 'u32');
  }

  s32(): number {
    return Number(this.signedBig(32, 's32'));
  }

  /** The signed 33-bit integer of a block type's type index. */
  s33(): number {
    return Number(this.signedBig(33, 's33'));
  }

  u64(): bigint {
    const start = this.pos;
    let result = 0n;
    for (let i = 0; ; i++) {
      const b = this.byte();
      if (i === 9 && (b & 0xfe) !== 0) this.fail('malformed u64', start);
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return result;
    }
  }

  s64(): bigint {
    return this.signedBig(64, 's64');
  }

  private signedBig(bits: number, what: string): bigint {
    const start = this.pos;
    const maxBytes = Math.ceil(bits / 7);
    let result = 0n;
    for (let i = 0; ; i++) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (i === maxBytes - 1) {
        if (b & 0x80) this.fail(`malformed ${what}`, start);
        // The unused high bits of the last byte must all equal the sign bit.
        const used = bits - 7 * i; // value bits in this byte, sign included
        const high = (b & 0x7f) >> (used - 1);
        const allSet = (0x7f >> (used - 1));
        if (high !== 0 && high !== allSet) this.fail(`malformed ${what}`, start);
      }
      if ((b & 0x80) === 0) {
        const width = BigInt(7 * (i + 1));
        if (b & 0x40) result -= 1n << width;
        return result;
      }
    }
  }

  f32(): number {
    return new DataView(this.take(4).slice().buffer).getFloat32(0, true);
  }

  f64(): number {
    return new DataView(this.take(8).slice().buffer).getFloat64(0, true);
  }

  name(): string {
    const bytes = this.take(this.u32());
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return this.fail('malformed UTF-8 in name');
    }
  }

  vec<T>(each: (r: this, index: number) => T): T[] {
    const n = this.u32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(each(this, i));
    return out;
  }
}

export const decodeU32 = (b: Uint8Array): number => new ByteReader(b).u32();
export const decodeS32 = (b: Uint8Array): number => new ByteReader(b).s32();
export const decodeU64 = (b: Uint8Array): bigint => new ByteReader(b).u64();
export const decodeS64 = (b: Uint8Array): bigint => new ByteReader(b).s64();

/** Round up to a multiple of `align` (a power of two). */
export function alignUp(n: number, align: number): number {
  if (align <= 0 || (align & (align - 1)) !== 0) throw new RangeError(`alignment must be a power of two: ${align}`);
  return Math.ceil(n / align) * align;
}
