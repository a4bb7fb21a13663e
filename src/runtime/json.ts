// JSON parsing (opa_json_parse) and Rego value parsing (opa_value_parse).
//
// A single-pass recursive-descent parser over raw bytes. Pending array elements
// and object members are kept on a scratch stack of u32 slots (allocated once at
// init, below the heap base; it moves to a bigger heap block for the rest of a
// parse if it overflows), so each collection is allocated once with its exact
// size: header and slots in one block. Object members are sorted (already-sorted
// input is detected in one pass; small objects by binary insertion, large ones by
// merge sort) and duplicate keys dropped, the last one winning.
//
// Numbers: integers without fraction or exponent are ints when they fit an i64 and
// big integers (exact) otherwise; everything else is a float, or kept as written
// when past f64's range (1e400). Floats: up to 19 significant digits are accumulated
// exactly in a u64; when that mantissa is at most 2^53 and the decimal exponent is
// within ±22 (or up to 37 if the scaled mantissa stays exact) the result is one
// exact IEEE multiplication or division (Clinger's fast path: correctly rounded).
// Otherwise the mantissa (with a sticky bit for any dropped non-zero digits) is
// scaled by powers of 5 in 64-bit fixed point and rounded once to f64 (the method
// of the metallic libc, as in AssemblyScript's parseFloat): exact for nearly all
// inputs, at most one ulp off in rare halfway cases.
//
// Strings: every JSON escape, surrogate pairs combined, lone surrogates become
// U+FFFD (as Go's encoding/json); raw control characters are rejected. Bytes are not
// otherwise validated as UTF-8. Anything malformed (including trailing garbage)
// makes the parse return 0 and drops what it allocated.
//
// Rego mode additionally accepts set literals `{1, 2}` and `set()`, and any term as
// an object key.
import { alloc, allocSize, heapGet, heapSet } from './alloc';
import { T_STRING, T_ARRAY, T_OBJECT, newNull, newBool, newInt, newFloat, newSet, newNumText } from './value';
import { keyCompare, setAdd } from './collections';
import { copyBytes } from './buffer';
import { bigFromDecimal } from './bigint';

const MAX_DEPTH: i32 = 4096;
const STACK_SLOTS: u32 = 4096;

// ---- state of the parse in progress ---------------------------------------------

let P: usize = 0;     // cursor
let E: usize = 0;     // end of input
let REGO: bool = false;
let DEPTH: i32 = 0;

let STK: usize = 0;   // scratch stack of u32 slots
let STK_N: u32 = 0;
let STK_CAP: u32 = 0;
let STK_HOME: usize = 0;

/** Allocates the scratch stack; called by rt_init before the host records the heap base. */
export function jsonInit(): void {
  STK_HOME = alloc(<usize>STACK_SLOTS << 2);
}

function stackGrow(): void {
  const ncap = STK_CAP << 1;
  const fresh = alloc(<usize>ncap << 2);
  memory.copy(fresh, STK, <usize>STK_N << 2);
  STK = fresh;
  STK_CAP = ncap;
}

@inline function push(x: usize): void {
  if (STK_N == STK_CAP) stackGrow();
  store<u32>(STK + (<usize>STK_N << 2), <u32>x);
  STK_N++;
}

// Character classes. 1 = whitespace; for strings, STR_STOP marks '"', '\' and controls.
const WS: usize = memory.data<u8>([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

const STR_STOP: usize = memory.data<u8>([
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

// 1e0 .. 1e22, all exact in f64.
const F64_POW10: usize = memory.data<f64>([
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]);

// 10^0 .. 10^15 as integers.
const U64_POW10: usize = memory.data<u64>([
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
  10000000000, 100000000000, 1000000000000, 10000000000000, 100000000000000,
  1000000000000000,
]);

/** Skips whitespace; returns the next byte (P at it), or -1 at the end. */
@inline function skipWs(): i32 {
  let p = P;
  const e = E;
  while (p < e) {
    const c = <u32>load<u8>(p);
    if (c > 0x20 || load<u8>(WS + c) == 0) { P = p; return <i32>c; }
    p++;
  }
  P = p;
  return -1;
}

// ---- entry points -----------------------------------------------------------------

/** Parses `n` bytes at `p`; 0 if malformed. */
export function parseJSON(p: usize, n: u32): usize { return parse(p, n, false); }

/** As parseJSON, accepting Rego set literals and non-string object keys. */
export function parseRego(p: usize, n: u32): usize { return parse(p, n, true); }

function parse(p: usize, n: u32, rego: bool): usize {
  const mark = heapGet();
  if (STK_HOME == 0) jsonInit();
  P = p; E = p + <usize>n; REGO = rego; DEPTH = 0;
  STK = STK_HOME; STK_CAP = STACK_SLOTS; STK_N = 0;
  const v = parseValue();
  if (v == 0 || skipWs() >= 0) {
    heapSet(mark);
    return 0;
  }
  return v;
}

function parseValue(): usize {
  const c = skipWs();
  const p = P;
  const e = E;
  switch (c) {
    case 0x22: P = p + 1; return parseString();
    case 0x7b: P = p + 1; return parseObject();
    case 0x5b: P = p + 1; return parseArray();
    case 0x74: // true
      if (p + 4 <= e && load<u32>(p) == 0x65757274) { P = p + 4; return newBool(true); }
      return 0;
    case 0x66: // false
      if (p + 5 <= e && load<u32>(p + 1) == 0x65736c61) { P = p + 5; return newBool(false); }
      return 0;
    case 0x6e: // null
      if (p + 4 <= e && load<u32>(p) == 0x6c6c756e) { P = p + 4; return newNull(); }
      return 0;
    case 0x73: // set()
      if (REGO && p + 5 <= e && load<u32>(p) == 0x28746573 && load<u8>(p + 4) == 0x29) {
        P = p + 5;
        return newSet(0);
      }
      return 0;
  }
  if (c == 0x2d || <u32>(c - 0x30) < 10) return parseNumber();
  return 0;
}

// ---- strings -------------------------------------------------------------------------

function parseString(): usize {
  let p = P;
  const e = E;
  const s = p;
  while (true) {
    // 8 bytes at a time: find the first '"', '\\' or control byte (SWAR; the lowest
    // flagged byte is exact, false positives only occur above it).
    while (p + 8 <= e) {
      const x = load<u64>(p);
      const q = x ^ 0x2222222222222222;
      const b = x ^ 0x5c5c5c5c5c5c5c5c;
      const t = (((x - 0x2020202020202020) & ~x) |
                 ((q - 0x0101010101010101) & ~q) |
                 ((b - 0x0101010101010101) & ~b)) & 0x8080808080808080;
      if (t != 0) { p += <usize>(ctz(t) >> 3); break; }
      p += 8;
    }
    if (p >= e) return 0; // unterminated
    const c = <u32>load<u8>(p);
    if (load<u8>(STR_STOP + c) != 0) {
      if (c == 0x22) {
        const n = <u32>(p - s);
        const v = alloc(8 + <usize>n);
        store<u8>(v, T_STRING);
        store<u32>(v, n, 4);
        copyBytes(v + 8, s, <usize>n);
        P = p + 1;
        return v;
      }
      if (c == 0x5c) return parseEscapedString(s);
      return 0; // raw control character
    }
    p++;
  }
  return 0;
}

@inline function hexVal(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  const l = c | 0x20;
  if (l - 0x61 < 6) return <i32>(l - 0x61 + 10);
  return -1;
}

/** Four hex digits at p, or -1. Needs p + 4 <= end. */
function hex4(p: usize): i32 {
  const a = hexVal(load<u8>(p)), b = hexVal(load<u8>(p + 1));
  const c = hexVal(load<u8>(p + 2)), d = hexVal(load<u8>(p + 3));
  if ((a | b | c | d) < 0) return -1;
  return (a << 12) | (b << 8) | (c << 4) | d;
}

// The slow path: the string starting at `s` contains escapes.
function parseEscapedString(s: usize): usize {
  const e = E;
  // Find the closing quote; the decoded text is never longer than the raw text.
  let q = s;
  while (q < e) {
    const c = load<u8>(q);
    if (c == 0x22) break;
    if (c == 0x5c) { q += 2; continue; }
    if (c < 0x20) return 0;
    q++;
  }
  if (q >= e) return 0;
  const v = alloc(8 + <usize>(q - s)); // the last allocation: shrunk below
  let o = v + 8;
  let p = s;
  while (p < q) {
    let c = <u32>load<u8>(p);
    if (c != 0x5c) { store<u8>(o++, <u8>c); p++; continue; }
    c = <u32>load<u8>(p + 1);
    p += 2;
    switch (c) {
      case 0x22: store<u8>(o++, 0x22); break;
      case 0x5c: store<u8>(o++, 0x5c); break;
      case 0x2f: store<u8>(o++, 0x2f); break;
      case 0x62: store<u8>(o++, 0x08); break;
      case 0x66: store<u8>(o++, 0x0c); break;
      case 0x6e: store<u8>(o++, 0x0a); break;
      case 0x72: store<u8>(o++, 0x0d); break;
      case 0x74: store<u8>(o++, 0x09); break;
      case 0x75: {
        if (p + 4 > q) return 0;
        let cp = hex4(p);
        if (cp < 0) return 0;
        p += 4;
        if (cp >= 0xd800 && cp < 0xe000) {
          if (cp < 0xdc00 && p + 6 <= q && load<u8>(p) == 0x5c && load<u8>(p + 1) == 0x75) {
            const lo = hex4(p + 2);
            if (lo >= 0xdc00 && lo < 0xe000) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
              p += 6;
            } else {
              cp = 0xfffd;
            }
          } else {
            cp = 0xfffd;
          }
        }
        const u = <u32>cp;
        if (u < 0x80) {
          store<u8>(o++, <u8>u);
        } else if (u < 0x800) {
          store<u8>(o++, <u8>(0xc0 | (u >> 6)));
          store<u8>(o++, <u8>(0x80 | (u & 0x3f)));
        } else if (u < 0x10000) {
          store<u8>(o++, <u8>(0xe0 | (u >> 12)));
          store<u8>(o++, <u8>(0x80 | ((u >> 6) & 0x3f)));
          store<u8>(o++, <u8>(0x80 | (u & 0x3f)));
        } else {
          store<u8>(o++, <u8>(0xf0 | (u >> 18)));
          store<u8>(o++, <u8>(0x80 | ((u >> 12) & 0x3f)));
          store<u8>(o++, <u8>(0x80 | ((u >> 6) & 0x3f)));
          store<u8>(o++, <u8>(0x80 | (u & 0x3f)));
        }
        break;
      }
      default: return 0;
    }
  }
  const n = <u32>(o - (v + 8));
  store<u8>(v, T_STRING);
  store<u32>(v, n, 4);
  heapSet((o + 7) & ~(<usize>7));
  P = q + 1;
  return v;
}

// ---- numbers -------------------------------------------------------------------------

function parseNumber(): usize {
  const P0 = P;
  let p = P;
  const e = E;
  let neg = false;
  if (load<u8>(p) == 0x2d) {
    neg = true;
    p++;
    if (p >= e) return 0;
  }
  const digits = p;
  let mant: u64 = 0;
  let nd: i32 = 0;       // digits in mant
  let exp10: i32 = 0;
  let sticky = false;    // a dropped non-zero digit
  let isInt = true;
  let d = <u32>load<u8>(p) - 0x30;
  if (d == 0) {
    p++;
  } else if (d < 10) {
    do {
      if (nd < 19) { mant = mant * 10 + d; nd++; }
      else { exp10++; if (d != 0) sticky = true; }
      p++;
    } while (p < e && (d = <u32>load<u8>(p) - 0x30) < 10);
  } else {
    return 0;
  }
  if (p < e && load<u8>(p) == 0x2e) {
    isInt = false;
    p++;
    const fs = p;
    while (p < e && (d = <u32>load<u8>(p) - 0x30) < 10) {
      if (nd < 19) {
        if (mant != 0 || d != 0) { mant = mant * 10 + d; nd++; }
        exp10--;
      } else if (d != 0) {
        sticky = true;
      }
      p++;
    }
    if (p == fs) return 0;
  }
  if (p < e && (load<u8>(p) | 0x20) == 0x65) {
    isInt = false;
    p++;
    if (p >= e) return 0;
    let eneg = false;
    const sc = load<u8>(p);
    if (sc == 0x2d) { eneg = true; p++; } else if (sc == 0x2b) { p++; }
    const es = p;
    let x: i32 = 0;
    while (p < e && (d = <u32>load<u8>(p) - 0x30) < 10) {
      if (x < 100000) x = x * 10 + <i32>d;
      p++;
    }
    if (p == es) return 0;
    exp10 += eneg ? -x : x;
  }
  P = p;
  if (isInt && exp10 == 0) {
    if (!neg) {
      if (mant <= <u64>i64.MAX_VALUE) return newInt(<i64>mant);
    } else {
      if (mant <= <u64>0x8000000000000000) return newInt(-<i64>mant);
    }
  }
  // an integer past i64 stays exact, as OPA's numbers do
  if (isInt) return bigFromDecimal(digits, <u32>(p - digits), neg);
  const f = decimalToF64(mant, exp10, sticky);
  // past f64's range: kept as written, as OPA keeps a number's text
  if (!isFinite(f)) return newNumText(P0, <u32>(p - P0));
  return newFloat(neg ? -f : f);
}

/** mant × 10^exp10 rounded to f64 (see the header comment). */
export function decimalToF64(mant: u64, exp10: i32, sticky: bool): f64 {
  if (mant == 0) return 0;
  if (!sticky && mant <= <u64>9007199254740992) {
    const m = <f64>mant;
    if (exp10 == 0) return m;
    if (exp10 > 0 && exp10 <= 22) return m * load<f64>(F64_POW10 + (<usize>exp10 << 3));
    if (exp10 < 0 && exp10 >= -22) return m / load<f64>(F64_POW10 + (<usize>(-exp10) << 3));
    if (exp10 > 22 && exp10 <= 22 + 15) {
      const scale = load<u64>(U64_POW10 + (<usize>(exp10 - 22) << 3));
      if (mant <= <u64>9007199254740992 / scale) {
        return <f64>(mant * scale) * 1e22;
      }
    }
  }
  if (sticky) mant |= 1;
  if (exp10 < -342 - 19) return 0;
  if (exp10 > 308) return Infinity;
  if (exp10 < 0) return scaleDown(mant, exp10);
  return scaleUp(mant, exp10);
}

// scaleDown and scaleUp are adapted from the metallic libc
// (https://github.com/jdh8/metallic, src/stdlib/parse/scientific.h), as in
// AssemblyScript's std/assembly/util/string.ts.
function scaleDown(significand: u64, exp: i32): f64 {
  const denom: u64 = 6103515625; // 1e14 * 0x1p-14
  const scale = reinterpret<f64>(0x3F06849B86A12B9B); // 1e-14 * 0x1p32
  let shift = <i64>clz(significand);
  significand <<= shift;
  shift = <i64>exp - shift;
  for (; exp <= -14; exp += 14) {
    const q = significand / denom;
    const r = significand % denom;
    const s = clz(q);
    significand = (q << s) + <u64>nearest(scale * <f64>(r << (s - 18)));
    shift -= <i64>s;
  }
  const b = <u64>ipow5(-exp);
  const q = significand / b;
  const r = significand % b;
  const s = clz(q);
  significand = (q << s) + <u64>(reinterpret<f64>(reinterpret<u64>(<f64>r) + (s << 52)) / <f64>b);
  shift -= <i64>s;
  return NativeMath.scalbn(<f64>significand, <i32>shift);
}

let fixmulShift: u64 = 0;

function scaleUp(significand: u64, exp: i32): f64 {
  const coeff: u32 = 1220703125; // 1e13 * 0x1p-13
  let shift = ctz(significand);
  significand >>= shift;
  shift += <u64>exp;
  fixmulShift = shift;
  for (; exp >= 13; exp -= 13) {
    significand = fixmul(significand, coeff);
  }
  significand = fixmul(significand, <u32>ipow5(exp));
  shift = fixmulShift;
  return NativeMath.scalbn(<f64>significand, <i32>shift);
}

@inline function fixmul(a: u64, b: u32): u64 {
  const low = (a & 0xFFFFFFFF) * b;
  const high = (a >> 32) * b + (low >> 32);
  const overflow = <u32>(high >> 32);
  const space = clz(overflow);
  const revspace: u64 = 32 - space;
  fixmulShift += revspace;
  return (high << space | (low & 0xFFFFFFFF) >> revspace) + (low << space >> 31 & 1);
}

/** 5^e for 0 <= e <= 13. */
function ipow5(e: i32): u32 {
  let r: u32 = 1;
  for (let i = 0; i < e; i++) r *= 5;
  return r;
}

// ---- collections ---------------------------------------------------------------------

/** A collection of `n` slots taken from the stack at `mark`, header and slots in one block. */
function makeCollection(t: u8, mark: u32, n: u32, slotSize: u32): usize {
  const cap = n < 2 ? 2 : n;
  const v = alloc(allocSize(16 + <u64>cap * slotSize));
  store<u8>(v, t);
  store<u32>(v, n, 4);
  store<u32>(v, cap, 8);
  store<u32>(v, <u32>(v + 16), 12);
  copyBytes(v + 16, STK + (<usize>mark << 2), <usize>n * slotSize);
  return v;
}

function parseArray(): usize {
  if (++DEPTH > MAX_DEPTH) return 0;
  const mark = STK_N;
  let c = skipWs();
  if (c == 0x5d) {
    P++;
  } else {
    while (true) {
      const v = parseValue();
      if (v == 0) return 0;
      push(v);
      c = skipWs();
      if (c == 0x2c) { P++; continue; }
      if (c == 0x5d) { P++; break; }
      return 0;
    }
  }
  DEPTH--;
  const a = makeCollection(T_ARRAY, mark, STK_N - mark, 4);
  STK_N = mark;
  return a;
}

function parseObject(): usize {
  if (++DEPTH > MAX_DEPTH) return 0;
  const mark = STK_N;
  let c = skipWs();
  if (c == 0x7d) {
    P++;
    DEPTH--;
    return makeCollection(T_OBJECT, mark, 0, 8);
  }
  let first = true;
  while (true) {
    let k: usize;
    if (REGO) {
      k = parseValue();
      if (k == 0) return 0;
      if (first) {
        c = skipWs();
        if (c == 0x2c || c == 0x7d) return parseSetRest(k);
      }
    } else {
      if (c != 0x22) return 0;
      P++;
      k = parseString();
      if (k == 0) return 0;
    }
    first = false;
    if (skipWs() != 0x3a) return 0;
    P++;
    const v = parseValue();
    if (v == 0) return 0;
    push(k);
    push(v);
    c = skipWs();
    if (c == 0x2c) { P++; c = skipWs(); continue; }
    if (c == 0x7d) { P++; break; }
    return 0;
  }
  DEPTH--;
  const n = sortMembers(mark, (STK_N - mark) >> 1);
  const o = makeCollection(T_OBJECT, mark, n, 8);
  STK_N = mark;
  return o;
}

// A Rego set literal whose first element `x` has been parsed.
function parseSetRest(x: usize): usize {
  const mark = STK_N;
  push(x);
  while (true) {
    const c = skipWs();
    if (c == 0x7d) { P++; break; }
    if (c != 0x2c) return 0;
    P++;
    const v = parseValue();
    if (v == 0) return 0;
    push(v);
  }
  DEPTH--;
  const n = STK_N - mark;
  const s = newSet(n);
  for (let i: u32 = 0; i < n; i++) setAdd(s, load<u32>(STK + (<usize>(mark + i) << 2)));
  STK_N = mark;
  return s;
}

// Moves `n` pairs at `from` one slot up (overlapping; from the top down).
@inline function shiftPairsUp(from: usize, n: u32): void {
  let i = <usize>n;
  while (i > 0) {
    i--;
    store<u64>(from + ((i + 1) << 3), load<u64>(from + (i << 3)));
  }
}

/**
 * Sorts the `n` (key, value) pairs on the stack at `mark` by key, stably, then drops
 * all but the last of equal keys. Returns the remaining count.
 */
function sortMembers(mark: u32, n: u32): u32 {
  if (n < 2) return n;
  const base = STK + (<usize>mark << 2);
  let sorted = true;
  let prev = <usize>load<u32>(base);
  for (let i: u32 = 1; i < n; i++) {
    const k = <usize>load<u32>(base + (<usize>i << 3));
    if (keyCompare(prev, k) >= 0) { sorted = false; break; }
    prev = k;
  }
  if (sorted) return n;
  if (n <= 32) {
    // binary insertion sort of u64 pairs (key in the low word)
    for (let i: u32 = 1; i < n; i++) {
      const pair = load<u64>(base + (<usize>i << 3));
      const k = <usize><u32>pair;
      let lo: u32 = 0, hi: u32 = i;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (keyCompare(<usize>load<u32>(base + (<usize>mid << 3)), k) <= 0) lo = mid + 1;
        else hi = mid;
      }
      if (lo < i) {
        shiftPairsUp(base + (<usize>lo << 3), i - lo);
        store<u64>(base + (<usize>lo << 3), pair);
      }
    }
  } else {
    mergeSortPairs(mark, n);
  }
  // dedupe, keeping the last of equal keys
  const b2 = STK + (<usize>mark << 2);
  let w: u32 = 0;
  for (let i: u32 = 1; i < n; i++) {
    const pair = load<u64>(b2 + (<usize>i << 3));
    if (keyCompare(<usize>load<u32>(b2 + (<usize>w << 3)), <usize><u32>pair) == 0) {
      store<u64>(b2 + (<usize>w << 3), pair);
    } else {
      w++;
      store<u64>(b2 + (<usize>w << 3), pair);
    }
  }
  return w + 1;
}

// Bottom-up stable merge sort of the n pairs at `mark`, using stack space above them.
function mergeSortPairs(mark: u32, n: u32): void {
  // reserve n pairs of temp space on the stack
  const need = STK_N + (n << 1);
  while (need > STK_CAP) stackGrow();
  let src = STK + (<usize>mark << 2);
  let dst = STK + (<usize>STK_N << 2);
  const orig = src;
  for (let width: u32 = 1; width < n; width <<= 1) {
    for (let lo: u32 = 0; lo < n; lo += width << 1) {
      let mid = lo + width; if (mid > n) mid = n;
      let hi = lo + (width << 1); if (hi > n) hi = n;
      let i = lo, j = mid, o = lo;
      while (i < mid && j < hi) {
        const a = load<u64>(src + (<usize>i << 3));
        const b = load<u64>(src + (<usize>j << 3));
        if (keyCompare(<usize><u32>b, <usize><u32>a) < 0) { store<u64>(dst + (<usize>o << 3), b); j++; }
        else { store<u64>(dst + (<usize>o << 3), a); i++; }
        o++;
      }
      if (i < mid) memory.copy(dst + (<usize>o << 3), src + (<usize>i << 3), <usize>(mid - i) << 3);
      else if (j < hi) memory.copy(dst + (<usize>o << 3), src + (<usize>j << 3), <usize>(hi - j) << 3);
    }
    const t = src; src = dst; dst = t;
  }
  if (src != orig) memory.copy(orig, src, <usize>n << 3);
}

