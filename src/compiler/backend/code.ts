// An instruction emitter for function bodies. Every method appends one
// instruction and returns `this`, so sequences chain:
//
//   new Code().localGet(0).i32Eqz().if_().i32Const(0).return_().end()
//
// Structured control is tracked as it is emitted: an `end` or `else` without a
// matching block, a branch to a label that does not exist, or `bytes()` with
// blocks still open throws at compile time instead of producing a module that
// fails validation. The function body's own closing `end` is NOT part of a
// Code: the linker adds it (ModuleLinker.defineFunction).

import { BLOCK_TYPE_EMPTY, ByteWriter, Op, OpFC, ValTypeName, valTypeByte } from './wasm-encoding';

/** A block's type: no result, one value type, or a type index (multi-value / parameters). */
export type BlockType = ValTypeName | { typeIndex: number } | undefined;

type FrameKind = 'block' | 'loop' | 'if' | 'else';

export class CodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodeError';
  }
}

const I32_MIN = -0x8000_0000;
const U32_MAX = 0xffff_ffff;
const I64_MIN = -(1n << 63n);
const U64_MAX = (1n << 64n) - 1n;

export class Code {
  private readonly w = new ByteWriter(64);
  private readonly frames: FrameKind[] = [];

  /** Number of structured blocks currently open (0 at the function body level). */
  get depth(): number {
    return this.frames.length;
  }

  /** Bytes emitted so far. */
  get length(): number {
    return this.w.length;
  }

  /** The encoded instructions. Throws if a block is still open. */
  bytes(): Uint8Array<ArrayBuffer> {
    return this.view().slice();
  }

  /**
   * The encoded instructions, not copied (valid until this Code is written to
   * again): for appending them elsewhere, as every generated body is, twice.
   * Throws if a block is still open.
   */
  view(): Uint8Array<ArrayBuffer> {
    if (this.frames.length !== 0) {
      throw new CodeError(`unbalanced code: ${this.frames.length} block(s) still open (${this.frames.join(', ')})`);
    }
    return this.w.view();
  }

  /** Appends a balanced Code (its blocks must all be closed). */
  append(other: Code): this {
    this.w.raw(other.view());
    return this;
  }

  /** Appends pre-encoded instructions, unchecked (they must be balanced). */
  raw(bytes: ArrayLike<number>): this {
    this.w.raw(bytes);
    return this;
  }

  private op(opcode: number): this {
    this.w.byte(opcode);
    return this;
  }

  private u32(n: number): this {
    this.w.u32(n);
    return this;
  }

  // -- control -------------------------------------------------------------

  unreachable(): this { return this.op(Op.unreachable); }
  nop(): this { return this.op(Op.nop); }

  block(type?: BlockType): this { return this.open('block', Op.block, type); }
  loop(type?: BlockType): this { return this.open('loop', Op.loop, type); }
  if_(type?: BlockType): this { return this.open('if', Op.if, type); }

  else_(): this {
    const top = this.frames[this.frames.length - 1];
    if (top !== 'if') throw new CodeError(`else without a matching if (innermost block: ${top ?? 'function body'})`);
    this.frames[this.frames.length - 1] = 'else';
    return this.op(Op.else);
  }

  end(): this {
    if (this.frames.pop() === undefined) {
      throw new CodeError('unbalanced end: no open block (the function body end is added by the linker)');
    }
    return this.op(Op.end);
  }

  /** Branch to the label `depth` blocks out (0 = innermost; `this.depth` = the function body). */
  br(depth: number): this { return this.op(Op.br).label(depth); }
  brIf(depth: number): this { return this.op(Op.brIf).label(depth); }

  brTable(depths: readonly number[], defaultDepth: number): this {
    this.op(Op.brTable).u32(depths.length);
    for (const d of depths) this.label(d);
    return this.label(defaultDepth);
  }

  return_(): this { return this.op(Op.return); }

  call(funcIndex: number): this { return this.op(Op.call).u32(funcIndex); }

  callIndirect(typeIndex: number, tableIndex = 0): this {
    return this.op(Op.callIndirect).u32(typeIndex).u32(tableIndex);
  }

  private open(kind: FrameKind, opcode: number, type: BlockType): this {
    this.op(opcode);
    if (type === undefined) this.w.byte(BLOCK_TYPE_EMPTY);
    else if (typeof type === 'string') this.w.byte(valTypeByte(type));
    else this.w.s64(BigInt(checkIndex(type.typeIndex, 'block type index'))); // an s33, non-negative
    this.frames.push(kind);
    return this;
  }

  private label(depth: number): this {
    if (!Number.isInteger(depth) || depth < 0 || depth > this.frames.length) {
      throw new CodeError(`branch depth ${depth} out of range (${this.frames.length} block(s) open)`);
    }
    return this.u32(depth);
  }

  // -- parametric ----------------------------------------------------------

  drop(): this { return this.op(Op.drop); }

  /** select; with a type, the typed form (required for reference types, allowed for numbers). */
  select(type?: ValTypeName): this {
    if (type === undefined) return this.op(Op.select);
    this.op(Op.selectTyped).u32(1);
    return this.op(valTypeByte(type));
  }

  // -- variables -----------------------------------------------------------

  localGet(i: number): this { return this.op(Op.localGet).u32(i); }
  localSet(i: number): this { return this.op(Op.localSet).u32(i); }
  localTee(i: number): this { return this.op(Op.localTee).u32(i); }
  globalGet(i: number): this { return this.op(Op.globalGet).u32(i); }
  globalSet(i: number): this { return this.op(Op.globalSet).u32(i); }

  // -- memory --------------------------------------------------------------
  // `align` is in bytes (as in the text format), a power of two no larger than
  // the access width; it defaults to the access width.

  i32Load(offset = 0, align = 4): this { return this.mem(Op.i32Load, 4, offset, align); }
  i64Load(offset = 0, align = 8): this { return this.mem(Op.i64Load, 8, offset, align); }
  f64Load(offset = 0, align = 8): this { return this.mem(Op.f64Load, 8, offset, align); }
  i32Load8S(offset = 0): this { return this.mem(Op.i32Load8S, 1, offset, 1); }
  i32Load8U(offset = 0): this { return this.mem(Op.i32Load8U, 1, offset, 1); }
  i32Load16S(offset = 0, align = 2): this { return this.mem(Op.i32Load16S, 2, offset, align); }
  i32Load16U(offset = 0, align = 2): this { return this.mem(Op.i32Load16U, 2, offset, align); }
  i64Load32U(offset = 0, align = 4): this { return this.mem(Op.i64Load32U, 4, offset, align); }
  i32Store(offset = 0, align = 4): this { return this.mem(Op.i32Store, 4, offset, align); }
  i64Store(offset = 0, align = 8): this { return this.mem(Op.i64Store, 8, offset, align); }
  f64Store(offset = 0, align = 8): this { return this.mem(Op.f64Store, 8, offset, align); }
  i32Store8(offset = 0): this { return this.mem(Op.i32Store8, 1, offset, 1); }
  i32Store16(offset = 0, align = 2): this { return this.mem(Op.i32Store16, 2, offset, align); }

  memorySize(): this { return this.op(Op.memorySize).op(0x00); }
  memoryGrow(): this { return this.op(Op.memoryGrow).op(0x00); }
  /** memory.copy (dst, src, n) within memory 0. */
  memoryCopy(): this { return this.op(Op.prefixFC).u32(OpFC.memoryCopy).op(0x00).op(0x00); }
  /** memory.fill (dst, byte, n) in memory 0. */
  memoryFill(): this { return this.op(Op.prefixFC).u32(OpFC.memoryFill).op(0x00); }
  /** memory.init (dst, offset, n) from passive data segment `segment` into memory 0. */
  memoryInit(segment: number): this { return this.op(Op.prefixFC).u32(OpFC.memoryInit).u32(checkIndex(segment, 'data segment')).op(0x00); }
  /** data.drop: the passive segment's bytes are no longer needed. */
  dataDrop(segment: number): this { return this.op(Op.prefixFC).u32(OpFC.dataDrop).u32(checkIndex(segment, 'data segment')); }

  private mem(opcode: number, width: number, offset: number, align: number): this {
    if (!Number.isInteger(align) || align <= 0 || (align & (align - 1)) !== 0 || align > width) {
      throw new CodeError(`alignment ${align} invalid for a ${width}-byte access`);
    }
    return this.op(opcode).u32(Math.log2(align)).u32(checkIndex(offset, 'memory offset'));
  }

  // -- constants -----------------------------------------------------------

  /** i32.const; accepts signed or unsigned 32-bit values (stored as their bit pattern). */
  i32Const(n: number): this {
    if (!Number.isInteger(n) || n < I32_MIN || n > U32_MAX) throw new CodeError(`i32 constant out of range: ${n}`);
    this.op(Op.i32Const).w.s32(n | 0);
    return this;
  }

  /** i64.const; accepts signed or unsigned 64-bit values (stored as their bit pattern). */
  i64Const(n: bigint): this {
    if (n < I64_MIN || n > U64_MAX) throw new CodeError(`i64 constant out of range: ${n}`);
    this.op(Op.i64Const).w.s64(BigInt.asIntN(64, n));
    return this;
  }

  f64Const(x: number): this {
    this.op(Op.f64Const).w.f64(x);
    return this;
  }

  // -- i32 -----------------------------------------------------------------

  i32Eqz(): this { return this.op(Op.i32Eqz); }
  i32Eq(): this { return this.op(Op.i32Eq); }
  i32Ne(): this { return this.op(Op.i32Ne); }
  i32LtS(): this { return this.op(Op.i32LtS); }
  i32LtU(): this { return this.op(Op.i32LtU); }
  i32GtS(): this { return this.op(Op.i32GtS); }
  i32GtU(): this { return this.op(Op.i32GtU); }
  i32LeS(): this { return this.op(Op.i32LeS); }
  i32LeU(): this { return this.op(Op.i32LeU); }
  i32GeS(): this { return this.op(Op.i32GeS); }
  i32GeU(): this { return this.op(Op.i32GeU); }
  i32Clz(): this { return this.op(Op.i32Clz); }
  i32Ctz(): this { return this.op(Op.i32Ctz); }
  i32Popcnt(): this { return this.op(Op.i32Popcnt); }
  i32Add(): this { return this.op(Op.i32Add); }
  i32Sub(): this { return this.op(Op.i32Sub); }
  i32Mul(): this { return this.op(Op.i32Mul); }
  i32DivS(): this { return this.op(Op.i32DivS); }
  i32DivU(): this { return this.op(Op.i32DivU); }
  i32RemS(): this { return this.op(Op.i32RemS); }
  i32RemU(): this { return this.op(Op.i32RemU); }
  i32And(): this { return this.op(Op.i32And); }
  i32Or(): this { return this.op(Op.i32Or); }
  i32Xor(): this { return this.op(Op.i32Xor); }
  i32Shl(): this { return this.op(Op.i32Shl); }
  i32ShrS(): this { return this.op(Op.i32ShrS); }
  i32ShrU(): this { return this.op(Op.i32ShrU); }
  i32Rotl(): this { return this.op(Op.i32Rotl); }
  i32Rotr(): this { return this.op(Op.i32Rotr); }

  // -- i64 -----------------------------------------------------------------

  i64Eqz(): this { return this.op(Op.i64Eqz); }
  i64Eq(): this { return this.op(Op.i64Eq); }
  i64Ne(): this { return this.op(Op.i64Ne); }
  i64LtS(): this { return this.op(Op.i64LtS); }
  i64LtU(): this { return this.op(Op.i64LtU); }
  i64GtS(): this { return this.op(Op.i64GtS); }
  i64GtU(): this { return this.op(Op.i64GtU); }
  i64LeS(): this { return this.op(Op.i64LeS); }
  i64LeU(): this { return this.op(Op.i64LeU); }
  i64GeS(): this { return this.op(Op.i64GeS); }
  i64GeU(): this { return this.op(Op.i64GeU); }
  i64Add(): this { return this.op(Op.i64Add); }
  i64Sub(): this { return this.op(Op.i64Sub); }
  i64Mul(): this { return this.op(Op.i64Mul); }
  i64DivS(): this { return this.op(Op.i64DivS); }
  i64RemS(): this { return this.op(Op.i64RemS); }
  i64And(): this { return this.op(Op.i64And); }
  i64Or(): this { return this.op(Op.i64Or); }
  i64Xor(): this { return this.op(Op.i64Xor); }
  i64Shl(): this { return this.op(Op.i64Shl); }
  i64ShrS(): this { return this.op(Op.i64ShrS); }
  i64ShrU(): this { return this.op(Op.i64ShrU); }

  // -- f64 -----------------------------------------------------------------

  f64Eq(): this { return this.op(Op.f64Eq); }
  f64Ne(): this { return this.op(Op.f64Ne); }
  f64Lt(): this { return this.op(Op.f64Lt); }
  f64Gt(): this { return this.op(Op.f64Gt); }
  f64Le(): this { return this.op(Op.f64Le); }
  f64Ge(): this { return this.op(Op.f64Ge); }
  f64Abs(): this { return this.op(Op.f64Abs); }
  f64Neg(): this { return this.op(Op.f64Neg); }
  f64Floor(): this { return this.op(Op.f64Floor); }
  f64Ceil(): this { return this.op(Op.f64Ceil); }
  f64Trunc(): this { return this.op(Op.f64Trunc); }
  f64Sqrt(): this { return this.op(Op.f64Sqrt); }
  f64Add(): this { return this.op(Op.f64Add); }
  f64Sub(): this { return this.op(Op.f64Sub); }
  f64Mul(): this { return this.op(Op.f64Mul); }
  f64Div(): this { return this.op(Op.f64Div); }

  // -- conversions ---------------------------------------------------------

  i32WrapI64(): this { return this.op(Op.i32WrapI64); }
  i64ExtendI32S(): this { return this.op(Op.i64ExtendI32S); }
  i64ExtendI32U(): this { return this.op(Op.i64ExtendI32U); }
  f64ConvertI32S(): this { return this.op(Op.f64ConvertI32S); }
  f64ConvertI64S(): this { return this.op(Op.f64ConvertI64S); }
  /** i64.trunc_f64_s: traps on NaN and out-of-range values. */
  i64TruncF64S(): this { return this.op(Op.i64TruncF64S); }
  /** i64.trunc_sat_f64_s: saturates instead of trapping. */
  i64TruncSatF64S(): this { return this.op(Op.prefixFC).u32(OpFC.i64TruncSatF64S); }
  i64ReinterpretF64(): this { return this.op(Op.i64ReinterpretF64); }
  f64ReinterpretI64(): this { return this.op(Op.f64ReinterpretI64); }
}

function checkIndex(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > U32_MAX) throw new CodeError(`${what} out of range: ${n}`);
  return n;
}
