// Sets of code points for the regex engine: character classes, Unicode tables and
// simple case folding.
//
// A class is built in a "range builder" (a heap buffer of [lo, hi] u32 pairs in any
// order, possibly overlapping) and then frozen into a *class block*:
//   +0 u32 n, then n pairs (lo, hi) sorted and disjoint, non-adjacent.
// Membership is a binary search over the pairs.
import { alloc } from '../alloc';
import { bufNew, bufPutBytes, bufLen, bufData } from '../buffer';
import {
  UNI_DATA, UNI_NAMES, UNI_INDEX, UNI_COUNT,
  FOLD_RUNS, FOLD_COUNT, FOLD_ALT, FOLD_MIN, FOLD_MAX,
} from './re_tables';

export const MAX_RUNE: i32 = 0x10ffff;

// ---- building ------------------------------------------------------------------------

/** A new empty range builder. */
export function rbNew(): usize { return bufNew(64); }

/** Adds [lo, hi] to a builder. */
export function rbAdd(b: usize, lo: i32, hi: i32): void {
  store<i32>(PAIR, lo);
  store<i32>(PAIR, hi, 4);
  bufPutBytes(b, PAIR, 8);
}
const PAIR: usize = memory.data(8, 4);

/** Adds every range of a class block. */
export function rbAddClass(b: usize, cls: usize): void {
  const n = load<u32>(cls);
  for (let i: u32 = 0; i < n; i++) rbAdd(b, classLo(cls, i), classHi(cls, i));
}

/** Adds the complement of a class block. */
export function rbAddNegated(b: usize, cls: usize): void {
  const n = load<u32>(cls);
  let next: i32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const lo = classLo(cls, i);
    if (lo > next) rbAdd(b, next, lo - 1);
    next = classHi(cls, i) + 1;
  }
  if (next <= MAX_RUNE) rbAdd(b, next, MAX_RUNE);
}

/** Freezes a builder into a class block: sorted, merged. */
export function rbFinish(b: usize): usize {
  const n = bufLen(b) >>> 3;
  const pairs = bufData(b);
  sortPairs(pairs, n);
  // Merge in place, then copy out.
  let m: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const lo = load<i32>(pairs + (<usize>i << 3));
    const hi = load<i32>(pairs + (<usize>i << 3), 4);
    if (m > 0) {
      const lastHi = load<i32>(pairs + (<usize>(m - 1) << 3), 4);
      if (lo <= lastHi + 1) {
        if (hi > lastHi) store<i32>(pairs + (<usize>(m - 1) << 3), hi, 4);
        continue;
      }
    }
    store<i32>(pairs + (<usize>m << 3), lo);
    store<i32>(pairs + (<usize>m << 3), hi, 4);
    m++;
  }
  const cls = alloc(4 + (<usize>m << 3));
  store<u32>(cls, m);
  memory.copy(cls + 4, pairs, <usize>m << 3);
  return cls;
}

// Heapsort of (lo, hi) pairs by lo: no recursion, no extra memory, O(n log n) for the
// thousands of single points a case-folded Unicode class can add.
function sortPairs(p: usize, n: u32): void {
  if (n < 2) return;
  for (let i = <i32>(n >>> 1) - 1; i >= 0; i--) siftDown(p, <u32>i, n);
  for (let end = n - 1; end > 0; end--) {
    swapPairs(p, 0, end);
    siftDown(p, 0, end);
  }
}

function siftDown(p: usize, i: u32, n: u32): void {
  while (true) {
    let largest = i;
    const l = (i << 1) + 1, r = l + 1;
    if (l < n && pairLess(p, largest, l)) largest = l;
    if (r < n && pairLess(p, largest, r)) largest = r;
    if (largest == i) return;
    swapPairs(p, i, largest);
    i = largest;
  }
}

@inline function pairLess(p: usize, a: u32, b: u32): bool {
  const la = load<i32>(p + (<usize>a << 3)), lb = load<i32>(p + (<usize>b << 3));
  return la < lb || (la == lb && load<i32>(p + (<usize>a << 3), 4) < load<i32>(p + (<usize>b << 3), 4));
}

@inline function swapPairs(p: usize, a: u32, b: u32): void {
  const x = load<u64>(p + (<usize>a << 3));
  store<u64>(p + (<usize>a << 3), load<u64>(p + (<usize>b << 3)));
  store<u64>(p + (<usize>b << 3), x);
}

// ---- reading ---------------------------------------------------------------------------

@inline export function classCount(cls: usize): u32 { return load<u32>(cls); }
@inline export function classLo(cls: usize, i: u32): i32 { return load<i32>(cls + 4 + (<usize>i << 3)); }
@inline export function classHi(cls: usize, i: u32): i32 { return load<i32>(cls + 8 + (<usize>i << 3)); }

/** True when rune `r` is in the class block. */
export function classHas(cls: usize, r: i32): bool {
  let lo: i32 = 0, hi = <i32>load<u32>(cls) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (r < classLo(cls, <u32>mid)) hi = mid - 1;
    else if (r > classHi(cls, <u32>mid)) lo = mid + 1;
    else return true;
  }
  return false;
}

/** A class block of the single range [lo, hi]. */
export function classOf(lo: i32, hi: i32): usize {
  const cls = alloc(12);
  store<u32>(cls, 1);
  store<i32>(cls, lo, 4);
  store<i32>(cls, hi, 8);
  return cls;
}

// ---- Unicode tables --------------------------------------------------------------------

/**
 * The class block of a Unicode table by name (`L`, `Lu`, `Greek`, `Any`; the `n` bytes
 * at `p`), or 0 when unknown. Names are case-sensitive, as Go's.
 */
export function unicodeTable(p: usize, n: u32): usize {
  if (n == 3 && load<u8>(p) == 0x41 && load<u8>(p, 1) == 0x6e && load<u8>(p, 2) == 0x79) {
    return classOf(0, MAX_RUNE); // "Any"
  }
  for (let i: u32 = 0; i < UNI_COUNT; i++) {
    const e = UNI_INDEX + (<usize>i << 4);
    const nameLen = load<u32>(e, 4);
    if (nameLen == n && memory.compare(UNI_NAMES + <usize>load<u32>(e), p, n) == 0) {
      return decodeTable(UNI_DATA + <usize>load<u32>(e, 8), load<u32>(e, 12));
    }
  }
  return 0;
}

// Unpacks `count` varint (gap, span) pairs into a class block.
function decodeTable(p: usize, count: u32): usize {
  const cls = alloc(4 + (<usize>count << 3));
  store<u32>(cls, count);
  let prev: i32 = -1;
  for (let i: u32 = 0; i < count; i++) {
    const gap = readVarint(p);
    p = VARINT_END;
    const span = readVarint(p);
    p = VARINT_END;
    const lo = prev + 1 + gap;
    const hi = lo + span;
    store<i32>(cls + 4 + (<usize>i << 3), lo);
    store<i32>(cls + 8 + (<usize>i << 3), hi);
    prev = hi;
  }
  return cls;
}

let VARINT_END: usize = 0;

function readVarint(p: usize): i32 {
  let x: i32 = 0, shift: i32 = 0;
  while (true) {
    const b = <i32>load<u8>(p++);
    x |= (b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
    shift += 7;
  }
  VARINT_END = p;
  return x;
}

// Letter test for `$name` in replacement templates and capture names
// (unicode.IsLetter); the L table is decoded once per call site, so callers that test
// many runes should keep the block.
export function letterTable(): usize {
  return unicodeTable(L_NAME, 1);
}
const L_NAME: usize = memory.data<u8>([0x4c]);
const ND_NAME: usize = memory.data<u8>([0x4e, 0x64]);
export function digitTable(): usize {
  return unicodeTable(ND_NAME, 2);
}

// ---- case folding ----------------------------------------------------------------------

/**
 * Go's unicode.SimpleFold: the next rune of `r`'s case folding orbit (k → K → k → K),
 * or `r` itself when it has no case variants.
 */
export function simpleFold(r: i32): i32 {
  if (r < FOLD_MIN || r > FOLD_MAX) return r;
  let lo: i32 = 0, hi = <i32>FOLD_COUNT - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const e = FOLD_RUNS + <usize>mid * 12;
    if (r < load<i32>(e)) hi = mid - 1;
    else if (r > load<i32>(e, 4)) lo = mid + 1;
    else {
      const delta = load<i32>(e, 8);
      if (delta != FOLD_ALT) return r + delta;
      return ((r - load<i32>(e)) & 1) == 0 ? r + 1 : r - 1;
    }
  }
  return r;
}

/** Adds [lo, hi] and every rune case-equivalent to one in it (Go's appendFoldedRange). */
export function rbAddFolded(b: usize, lo: i32, hi: i32): void {
  rbAdd(b, lo, hi);
  // Only the fold runs that overlap [lo, hi] can add anything.
  for (let i: u32 = 0; i < FOLD_COUNT; i++) {
    const e = FOLD_RUNS + <usize>i * 12;
    const rlo = load<i32>(e), rhi = load<i32>(e, 4);
    if (rhi < lo) continue;
    if (rlo > hi) break;
    const from = rlo > lo ? rlo : lo;
    const to = rhi < hi ? rhi : hi;
    for (let c = from; c <= to; c++) {
      for (let f = simpleFold(c); f != c; f = simpleFold(f)) {
        if (f < lo || f > hi) rbAdd(b, f, f);
      }
    }
  }
}

/** Adds a class block closed under case folding. */
export function rbAddFoldedClass(b: usize, cls: usize): void {
  const n = load<u32>(cls);
  for (let i: u32 = 0; i < n; i++) rbAddFolded(b, classLo(cls, i), classHi(cls, i));
}
