// Checksums for the module cache, where SHA-256 was more than the job needed and cost the
// most of a warm pre-commit run's hashing: loading node:crypto (and node:stream with it)
// takes ~5 ms, more than everything else such a run hashes.
// - checksum(): whether an entry is whole (not truncated, not damaged). That is all an
//   entry's digest is for: anyone who can write the cache could write any digest too.
// - entryName(): a name for an entry that holds what it was made from, and is checked
//   against it when read, so that two texts sharing a name only ever miss.
// Keys that stand for content (a file's text, a template's source) stay SHA-256.
//
// The loop runs in a WebAssembly function of a few dozen bytes, built here: the same loop in
// JavaScript runs in V8's interpreter on first use, several times slower over a large entry.
import { BLOCK_TYPE_EMPTY, ByteWriter, ExternalKind, FUNC_TYPE, Op, SectionId, ValType, WASM_MAGIC, WASM_VERSION, writeSection } from './compiler/backend/wasm-encoding';

interface Summer {
  memory: WebAssembly.Memory;
  /** sum(length, seed): the 64 bits of the first `length` bytes of memory (zero-padded to whole words). */
  sum(length: number, seed: number): bigint;
}

let summer: Summer | undefined;

/** 64 bits of `bytes`, as 16 hex digits. */
export function checksum(bytes: Uint8Array): string {
  return hex64(sum(bytes, 0));
}

/** 256 bits of `text` (four sums with different seeds), as 64 hex digits: an entry's name, never its only check. */
export function entryName(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return [1, 2, 3, 4].map((seed) => hex64(sum(bytes, seed))).join('');
}

function hex64(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}

function sum(bytes: Uint8Array, seed: number): bigint {
  const s = (summer ??= instantiate());
  const needed = bytes.length + 4; // room for the zeros that complete the last word
  const pages = Math.ceil(needed / 65536) - s.memory.buffer.byteLength / 65536;
  if (pages > 0) s.memory.grow(pages);
  const memory = new Uint8Array(s.memory.buffer);
  memory.set(bytes, 0);
  memory.fill(0, bytes.length, bytes.length + 4);
  return s.sum(bytes.length, seed);
}

/**
 * The module: one function over the words of memory, two lanes: `a` FNV-1a over 32-bit words,
 * `b` a multiply-and-shift mix; the length and the seed go into both, and every word changes
 * both lanes, so that a changed, missing or extra byte changes the sum.
 */
function instantiate(): Summer {
  // Locals after the two parameters (length, seed): i, a, b, w.
  const [LENGTH, SEED, I, A, B, W] = [0, 1, 2, 3, 4, 5];
  const code = new ByteWriter(128);
  code.u32(1).u32(4).byte(ValType.i32);
  const get = (l: number) => code.byte(Op.localGet).u32(l);
  const set = (l: number) => code.byte(Op.localSet).u32(l);
  const i32 = (n: number) => code.byte(Op.i32Const).s32(n | 0);
  const op = (...ops: number[]) => ops.forEach((o) => code.byte(o));
  // a = 0x811c9dc5 ^ seed; b = (0x9e3779b9 + length) ^ seed
  i32(0x811c9dc5), get(SEED), op(Op.i32Xor), set(A);
  i32(0x9e3779b9), get(LENGTH), op(Op.i32Add), get(SEED), op(Op.i32Xor), set(B);
  op(Op.block, BLOCK_TYPE_EMPTY, Op.loop, BLOCK_TYPE_EMPTY);
  // while (i < length): w = the word at i
  get(I), get(LENGTH), op(Op.i32GeU, Op.brIf, 1);
  get(I), op(Op.i32Load, 2, 0), set(W);
  // a = (a ^ w) * 16777619; b = ((b + w) * 0x5bd1e995) ^ (b >>> 15); i += 4
  get(A), get(W), op(Op.i32Xor), i32(0x01000193), op(Op.i32Mul), set(A);
  get(B), get(W), op(Op.i32Add), i32(0x5bd1e995), op(Op.i32Mul), get(B), i32(15), op(Op.i32ShrU, Op.i32Xor), set(B);
  get(I), i32(4), op(Op.i32Add), set(I);
  op(Op.br, 0, Op.end, Op.end);
  // ((a ^ length) * 16777619) in the high half, b in the low half
  get(A), get(LENGTH), op(Op.i32Xor), i32(0x01000193), op(Op.i32Mul, Op.i64ExtendI32U, Op.i64Const, 32, Op.i64Shl);
  get(B), op(Op.i64ExtendI32U, Op.i64Or, Op.end);

  const out = new ByteWriter(256).raw(WASM_MAGIC).raw(WASM_VERSION);
  writeSection(out, SectionId.type, new ByteWriter().u32(1).byte(FUNC_TYPE).u32(2).byte(ValType.i32).byte(ValType.i32).u32(1).byte(ValType.i64).finish());
  writeSection(out, SectionId.function, new ByteWriter().u32(1).u32(0).finish());
  writeSection(out, SectionId.memory, new ByteWriter().u32(1).byte(0).u32(1).finish());
  writeSection(out, SectionId.export, new ByteWriter().u32(2).name('memory').byte(ExternalKind.memory).u32(0).name('sum').byte(ExternalKind.func).u32(0).finish());
  writeSection(out, SectionId.code, new ByteWriter().u32(1).byteVec(code.finish()).finish());
  const exports = new WebAssembly.Instance(new WebAssembly.Module(out.finish())).exports as unknown as Summer;
  return { memory: exports.memory, sum: exports.sum };
}
