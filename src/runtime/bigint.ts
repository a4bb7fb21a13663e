// Exact integers beyond i64 (T_BIG, see README.md): what OPA's big.Int does for
// numbers past 2^63. Only the slow paths come here: integer arithmetic that
// overflows i64, literals and JSON integers that do not fit, and values already big.
//
// Working form: every operation takes ints or bigs, views an int as a two-limb
// block (asBig), computes a magnitude into a fresh block and hands it to finish(),
// which gives back an int whenever the result fits i64, so the T_INT/T_BIG split
// stays canonical (a big never equals an int). Magnitudes are u32 limbs, least
// significant first; the schoolbook methods are plenty for numbers of a few limbs.
import {
  T_INT, T_BIG, tag, intValue, newInt, newBigUninit, bigNeg, bigLen, bigLimbs,
} from './value';
import { alloc, allocSize } from './alloc';
import { bufReserve, bufLen, bufPutByte } from './buffer';

const TWO63: f64 = 9223372036854775808.0;

@inline function limb(p: usize, i: u32): u32 { return load<u32>(p + (<usize>i << 2)); }
@inline function setLimb(p: usize, i: u32, x: u32): void { store<u32>(p + (<usize>i << 2), x); }

/** Whether `v` is an integer value: an int or a big. */
@inline export function isInteger(v: usize): bool {
  const t = tag(v);
  return t == T_INT || t == T_BIG;
}

/** A zeroed block of `n` limbs. */
function zeroBlock(n: u32): usize {
  const v = newBigUninit(n);
  memory.fill(bigLimbs(v), 0, <usize>n << 2);
  return v;
}

/** An int or big as a big block (an int becomes a fresh two-limb block). */
function asBig(v: usize): usize {
  if (tag(v) == T_BIG) return v;
  const x = intValue(v);
  const u: u64 = x < 0 ? <u64>(-x) : <u64>x; // i64.MIN wraps to 2^63, as wanted
  const b = newBigUninit(2);
  store<u8>(b, x < 0 ? 1 : 0, 1);
  setLimb(bigLimbs(b), 0, <u32>u);
  setLimb(bigLimbs(b), 1, <u32>(u >> 32));
  return b;
}

/** Limbs of the magnitude at `p` without leading zero limbs. */
function effLen(p: usize, n: u32): u32 {
  while (n > 0 && limb(p, n - 1) == 0) n--;
  return n;
}

/** Block `r` (freshly made here) as a value of sign `neg`: an int when it fits i64. */
function finish(r: usize, neg: bool): usize {
  const p = bigLimbs(r);
  const n = effLen(p, bigLen(r));
  if (n <= 2) {
    let u: u64 = n == 0 ? 0 : <u64>limb(p, 0);
    if (n == 2) u |= <u64>limb(p, 1) << 32;
    if (!neg && u <= <u64>i64.MAX_VALUE) return newInt(<i64>u);
    if (neg && u <= <u64>0x8000000000000000) return newInt(-<i64>u);
  }
  store<u8>(r, neg ? 1 : 0, 1);
  store<u32>(r, n, 4);
  return r;
}

function magCmp(a: usize, na: u32, b: usize, nb: u32): i32 {
  na = effLen(a, na); nb = effLen(b, nb);
  if (na != nb) return na < nb ? -1 : 1;
  for (let i = <i32>na - 1; i >= 0; i--) {
    const x = limb(a, <u32>i), y = limb(b, <u32>i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** out[0..max(na,nb)] = a + b (out has max(na, nb) + 1 limbs). */
function magAdd(a: usize, na: u32, b: usize, nb: u32, out: usize): void {
  const n = max<u32>(na, nb);
  let carry: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const s = (i < na ? <u64>limb(a, i) : 0) + (i < nb ? <u64>limb(b, i) : 0) + carry;
    setLimb(out, i, <u32>s);
    carry = s >> 32;
  }
  setLimb(out, n, <u32>carry);
}

/** out[0..na) = a - b, where a >= b. */
function magSub(a: usize, na: u32, b: usize, nb: u32, out: usize): void {
  let borrow: i64 = 0;
  for (let i: u32 = 0; i < na; i++) {
    let d = <i64>limb(a, i) - (i < nb ? <i64>limb(b, i) : 0) - borrow;
    borrow = d < 0 ? 1 : 0;
    if (d < 0) d += 0x1_0000_0000;
    setLimb(out, i, <u32>d);
  }
}

/** a + b (flipB: a - b) for ints or bigs. */
export function bigAdd(a: usize, b: usize, flipB: bool): usize {
  a = asBig(a); b = asBig(b);
  const an = bigNeg(a), bn = bigNeg(b) != flipB;
  const pa = bigLimbs(a), pb = bigLimbs(b);
  const na = effLen(pa, bigLen(a)), nb = effLen(pb, bigLen(b));
  if (an == bn) {
    const r = zeroBlock(max<u32>(na, nb) + 1);
    magAdd(pa, na, pb, nb, bigLimbs(r));
    return finish(r, an);
  }
  const c = magCmp(pa, na, pb, nb);
  if (c == 0) return newInt(0);
  if (c > 0) {
    const r = zeroBlock(na);
    magSub(pa, na, pb, nb, bigLimbs(r));
    return finish(r, an);
  }
  const r = zeroBlock(nb);
  magSub(pb, nb, pa, na, bigLimbs(r));
  return finish(r, bn);
}

/** a × b for ints or bigs. */
export function bigMul(a: usize, b: usize): usize {
  a = asBig(a); b = asBig(b);
  const pa = bigLimbs(a), pb = bigLimbs(b);
  const na = effLen(pa, bigLen(a)), nb = effLen(pb, bigLen(b));
  const r = zeroBlock(na + nb + 1);
  const pr = bigLimbs(r);
  for (let i: u32 = 0; i < na; i++) {
    const x = <u64>limb(pa, i);
    let carry: u64 = 0;
    for (let j: u32 = 0; j < nb; j++) {
      const t = x * <u64>limb(pb, j) + <u64>limb(pr, i + j) + carry;
      setLimb(pr, i + j, <u32>t);
      carry = t >> 32;
    }
    setLimb(pr, i + nb, <u32>carry);
  }
  return finish(r, na != 0 && nb != 0 && bigNeg(a) != bigNeg(b));
}

/** The remainder of the last bigQuo (sign of the dividend, as big.Int.Rem). */
export let bigRemainder: usize = 0;

/**
 * a / b truncated toward zero (big.Int.Quo) for ints or bigs, b non-zero; the
 * remainder goes to bigRemainder. Binary long division: one shift and compare per
 * bit of the dividend.
 */
export function bigQuo(a: usize, b: usize): usize {
  a = asBig(a); b = asBig(b);
  const pa = bigLimbs(a), pb = bigLimbs(b);
  const na = effLen(pa, bigLen(a)), nb = effLen(pb, bigLen(b));
  const q = zeroBlock(na + 1);
  const r = zeroBlock(nb + 1);
  const pq = bigLimbs(q), pr = bigLimbs(r);
  for (let i = <i32>(na << 5) - 1; i >= 0; i--) {
    // r = r << 1 | bit i of a
    let carry: u32 = (limb(pa, <u32>i >> 5) >> (<u32>i & 31)) & 1;
    for (let j: u32 = 0; j <= nb; j++) {
      const x = limb(pr, j);
      setLimb(pr, j, (x << 1) | carry);
      carry = x >> 31;
    }
    if (magCmp(pr, nb + 1, pb, nb) >= 0) {
      magSub(pr, nb + 1, pb, nb, pr);
      setLimb(pq, <u32>i >> 5, limb(pq, <u32>i >> 5) | (<u32>1 << (<u32>i & 31)));
    }
  }
  bigRemainder = finish(r, bigNeg(a));
  return finish(q, bigNeg(a) != bigNeg(b));
}

/** Rego's order of two integers (ints or bigs), one of them at least a big. */
export function compareIntegers(a: usize, b: usize): i32 {
  if (tag(a) == T_INT) return bigNeg(b) ? 1 : -1; // |b| exceeds any i64
  if (tag(b) == T_INT) return bigNeg(a) ? -1 : 1;
  return compareBlocks(a, b);
}

function compareBlocks(a: usize, b: usize): i32 {
  const an = bigNeg(a), bn = bigNeg(b);
  if (an != bn) return an ? -1 : 1;
  const c = magCmp(bigLimbs(a), bigLen(a), bigLimbs(b), bigLen(b));
  return an ? -c : c;
}

/** Exact order of a big and a float (NaN sorts above, as for ints). */
export function compareBigFloat(a: usize, f: f64): i32 {
  if (isNaN(f)) return -1;
  // Within [-2^63, 2^63) the big's magnitude is larger: its sign decides.
  if (f >= -TWO63 && f < TWO63) return bigNeg(a) ? -1 : 1;
  if (!isFinite(f)) return f > 0 ? -1 : 1;
  return compareBlocks(a, blockFromF64(f));
}

/** The exact integer of an integral finite float of magnitude >= 2^53, as a block. */
function blockFromF64(f: f64): usize {
  const bits = reinterpret<u64>(f);
  const mant = (bits & ((<u64>1 << 52) - 1)) | (<u64>1 << 52);
  const e = <u32>(<i32>((bits >> 52) & 0x7ff) - 1075); // f = mant × 2^e, e >= 0 here
  const word = e >> 5, sh = e & 31;
  const r = zeroBlock(word + 3);
  const p = bigLimbs(r);
  setLimb(p, word, <u32>(mant << <u64>sh));
  const t = mant >> <u64>(32 - sh);
  setLimb(p, word + 1, <u32>t);
  setLimb(p, word + 2, <u32>(t >> 32));
  store<u32>(r, effLen(p, word + 3), 4);
  store<u8>(r, f < 0 ? 1 : 0, 1);
  return r;
}

/** The integer value of an integral float (an int, or a big past i64). */
export function integerFromF64(f: f64): usize {
  if (f >= -TWO63 && f < TWO63) return newInt(<i64>f);
  return finish(blockFromF64(f), f < 0);
}

/** `neg`? the integer written by the `n` decimal digits at `p`. */
export function bigFromDecimal(p: usize, n: u32, neg: bool): usize {
  const r = zeroBlock(n / 9 + 2);
  const pr = bigLimbs(r);
  let used: u32 = 0;
  let i: u32 = 0;
  while (i < n) {
    // up to 9 digits at a time: r = r × 10^k + chunk
    let chunk: u32 = 0, scale: u32 = 1;
    const end = min<u32>(i + 9, n);
    for (; i < end; i++) {
      chunk = chunk * 10 + (<u32>load<u8>(p + i) - 0x30);
      scale *= 10;
    }
    let carry = <u64>chunk;
    for (let j: u32 = 0; j < used; j++) {
      const t = <u64>limb(pr, j) * scale + carry;
      setLimb(pr, j, <u32>t);
      carry = t >> 32;
    }
    if (carry != 0) setLimb(pr, used++, <u32>carry);
  }
  return finish(r, neg);
}

/**
 * Appends an integer value's digits in `base` (2, 8, 10 or 16), with a leading '-'
 * when negative unless `magnitudeOnly`.
 */
export function appendInteger(b: usize, v: usize, base: u32, upper: bool, magnitudeOnly: bool): void {
  const a = asBig(v);
  if (bigNeg(a) && !magnitudeOnly) bufPutByte(b, 0x2d);
  const n = effLen(bigLimbs(a), bigLen(a));
  if (n == 0) { bufPutByte(b, 0x30); return; }
  if (base == 10) appendDecimal(b, bigLimbs(a), n);
  else appendPow2(b, bigLimbs(a), n, base == 2 ? 1 : base == 8 ? 3 : 4, upper);
}

/** Decimal digits: repeated division of a copy by 10^9, chunks printed top first. */
function appendDecimal(b: usize, src: usize, n: u32): void {
  const w = alloc(allocSize(<u64>n << 2));
  memory.copy(w, src, <usize>n << 2);
  const chunks = alloc(allocSize((<u64>n * 10 / 9 + 2) << 2));
  let nc: u32 = 0;
  let m = n;
  while (m > 0) {
    let rem: u64 = 0;
    for (let i = <i32>m - 1; i >= 0; i--) {
      const t = (rem << 32) | <u64>limb(w, <u32>i);
      setLimb(w, <u32>i, <u32>(t / 1000000000));
      rem = t % 1000000000;
    }
    setLimb(chunks, nc++, <u32>rem);
    m = effLen(w, m);
  }
  const data = bufReserve(b, <u64>nc * 9);
  let o = data + <usize>bufLen(b);
  for (let i = <i32>nc - 1; i >= 0; i--) {
    let c = limb(chunks, <u32>i);
    // the top chunk without leading zeros, the others as 9 digits
    let digits: i32 = 9;
    if (i == <i32>nc - 1) { digits = 0; let t = c; do { digits++; t /= 10; } while (t != 0); }
    for (let k = digits - 1; k >= 0; k--) { store<u8>(o + <usize>k, <u8>(0x30 + c % 10)); c /= 10; }
    o += <usize>digits;
  }
  store<u32>(b, <u32>(o - data), 4);
}

/** Digits of `k` bits each (base 2, 8, 16), most significant first. */
function appendPow2(b: usize, p: usize, n: u32, k: u32, upper: bool): void {
  const bits = (n << 5) - <u32>clz<u32>(limb(p, n - 1));
  const nd = (bits + k - 1) / k;
  for (let i = <i32>nd - 1; i >= 0; i--) {
    let d: u32 = 0;
    for (let j = <i32>k - 1; j >= 0; j--) {
      const pos = <u32>i * k + <u32>j;
      const bit = pos < (n << 5) ? (limb(p, pos >> 5) >> (pos & 31)) & 1 : 0;
      d = (d << 1) | bit;
    }
    bufPutByte(b, <u8>(d < 10 ? 0x30 + d : (upper ? 0x41 : 0x61) + d - 10));
  }
}
