// Number text exactly as Go's strconv produces and parses it, for sprintf, to_number
// and format_int:
//  - appendFloat: strconv.AppendFloat(f, fmt, prec, 64) for 'e' 'E' 'f' 'g' 'G' 'b' 'x' 'X'.
//  - parseGoFloat: strconv.ParseFloat(s, 64), correctly rounded, with its syntax
//    (underscores, hex mantissas with p exponents) and range errors.
//  - appendUint / appendIntegralF64: integers in base 2, 8, 10 or 16, also integral
//    floats beyond i64 printed exactly (as a big.Int would be).
//
// The decimal conversions are a port of Go's strconv/decimal.go (multiprecision
// decimal with binary shifts, 800 digits), which is exact; the fast paths Go uses in
// front of it give the same results, so only the exact algorithm is ported.
import { bufPutByte, bufReserve, bufLen } from '../buffer';

// ---- the multiprecision decimal -----------------------------------------------------------
//
// Layout of a decimal in memory: +0 i32 nd (digits used), +4 i32 dp (decimal point),
// +8 u8 trunc (non-zero digits were dropped), +9 u8 neg, +16 ASCII digits [800].
// The value is 0.d[0..nd) × 10^dp.

const MAX_DIGITS: i32 = 800;
const DEC_SIZE: usize = 16 + 800;
const MAX_SHIFT: i32 = 60;

// Three decimals (a value and, for the shortest form, its upper and lower bounds)
// and a scratch area for left shifts. Static: no reentrancy in the runtime.
const DEC_D: usize = memory.data(<i32>DEC_SIZE, 8);
const DEC_UPPER: usize = memory.data(<i32>DEC_SIZE, 8);
const DEC_LOWER: usize = memory.data(<i32>DEC_SIZE, 8);
const SHIFT_SCRATCH: usize = memory.data(MAX_DIGITS + 32, 8);
const SHIFT_SCRATCH_END: usize = SHIFT_SCRATCH + <usize>(MAX_DIGITS + 32);

@inline function ndOf(d: usize): i32 { return load<i32>(d); }
@inline function setNd(d: usize, n: i32): void { store<i32>(d, n); }
@inline function dpOf(d: usize): i32 { return load<i32>(d, 4); }
@inline function setDp(d: usize, n: i32): void { store<i32>(d, n, 4); }
@inline function truncOf(d: usize): bool { return load<u8>(d, 8) != 0; }
@inline function setTrunc(d: usize, t: bool): void { store<u8>(d, t ? 1 : 0, 8); }
@inline function digitAt(d: usize, i: i32): u32 { return <u32>load<u8>(d + 16 + <usize>i); }
@inline function setDigit(d: usize, i: i32, c: u32): void { store<u8>(d + 16 + <usize>i, <u8>c); }

function decClear(d: usize): void {
  setNd(d, 0);
  setDp(d, 0);
  store<u8>(d, 0, 8);
  store<u8>(d, 0, 9);
}

/** Drops trailing zeros (the decimal point is tracked separately). */
function trim(d: usize): void {
  let nd = ndOf(d);
  while (nd > 0 && digitAt(d, nd - 1) == 0x30) nd--;
  setNd(d, nd);
  if (nd == 0) setDp(d, 0);
}

function decAssign(d: usize, v: u64): void {
  decClear(d);
  let n = 0;
  for (let t = v; t > 0; t /= 10) n++;
  for (let i = n - 1; i >= 0; i--) {
    setDigit(d, i, 0x30 + <u32>(v % 10));
    v /= 10;
  }
  setNd(d, n);
  setDp(d, n);
  trim(d);
}

/** Divides by 2^k, k <= MAX_SHIFT. */
function rightShift(a: usize, k: i32): void {
  const nd = ndOf(a);
  let r = 0, w = 0;
  let n: u64 = 0;
  for (; (n >> k) == 0; r++) {
    if (r >= nd) {
      if (n == 0) { setNd(a, 0); return; }
      while ((n >> k) == 0) { n = n * 10; r++; }
      break;
    }
    n = n * 10 + <u64>(digitAt(a, r) - 0x30);
  }
  setDp(a, dpOf(a) - (r - 1));
  const mask: u64 = ((<u64>1) << k) - 1;
  for (; r < nd; r++) {
    const c = digitAt(a, r);
    const dig = n >> k;
    n &= mask;
    setDigit(a, w++, <u32>dig + 0x30);
    n = n * 10 + <u64>(c - 0x30);
  }
  while (n > 0) {
    const dig = n >> k;
    n &= mask;
    if (w < MAX_DIGITS) setDigit(a, w++, <u32>dig + 0x30);
    else if (dig > 0) setTrunc(a, true);
    n = n * 10;
  }
  setNd(a, w);
  trim(a);
}

/** Multiplies by 2^k, k <= MAX_SHIFT. */
function leftShift(a: usize, k: i32): void {
  const nd = ndOf(a);
  // The product's digits, least significant first, written backwards into scratch.
  let w = SHIFT_SCRATCH_END;
  let n: u64 = 0;
  for (let r = nd - 1; r >= 0; r--) {
    n += <u64>(digitAt(a, r) - 0x30) << k;
    const quo = n / 10;
    store<u8>(--w, <u8>(n - quo * 10 + 0x30));
    n = quo;
  }
  while (n > 0) {
    const quo = n / 10;
    store<u8>(--w, <u8>(n - quo * 10 + 0x30));
    n = quo;
  }
  const total = <i32>(SHIFT_SCRATCH_END - w);
  let keep = total;
  if (keep > MAX_DIGITS) {
    for (let i = MAX_DIGITS; i < total; i++) {
      if (load<u8>(w + <usize>i) != 0x30) setTrunc(a, true);
    }
    keep = MAX_DIGITS;
  }
  memory.copy(a + 16, w, <usize>keep);
  setNd(a, keep);
  setDp(a, dpOf(a) + (total - nd));
  trim(a);
}

/** Multiplies by 2^k (k > 0) or divides by 2^-k (k < 0). */
function decShift(a: usize, k: i32): void {
  if (ndOf(a) == 0) return;
  if (k > 0) {
    while (k > MAX_SHIFT) { leftShift(a, MAX_SHIFT); k -= MAX_SHIFT; }
    leftShift(a, k);
  } else if (k < 0) {
    while (k < -MAX_SHIFT) { rightShift(a, MAX_SHIFT); k += MAX_SHIFT; }
    rightShift(a, -k);
  }
}

function shouldRoundUp(a: usize, nd: i32): bool {
  if (digitAt(a, nd) == 0x35 && nd + 1 == ndOf(a)) {
    // exactly halfway: round to even, or up if digits were dropped
    if (truncOf(a)) return true;
    return nd > 0 && (digitAt(a, nd - 1) - 0x30) % 2 == 1;
  }
  return digitAt(a, nd) >= 0x35;
}

function roundDown(a: usize, nd: i32): void {
  if (nd < 0 || nd >= ndOf(a)) return;
  setNd(a, nd);
  trim(a);
}

function roundUp(a: usize, nd: i32): void {
  if (nd < 0 || nd >= ndOf(a)) return;
  for (let i = nd - 1; i >= 0; i--) {
    const c = digitAt(a, i);
    if (c < 0x39) {
      setDigit(a, i, c + 1);
      setNd(a, i + 1);
      return;
    }
  }
  // all nines: 1 with the point moved
  setDigit(a, 0, 0x31);
  setNd(a, 1);
  setDp(a, dpOf(a) + 1);
}

/** Rounds to `nd` digits, half to even. */
function decRound(a: usize, nd: i32): void {
  if (nd < 0 || nd >= ndOf(a)) return;
  if (shouldRoundUp(a, nd)) roundUp(a, nd);
  else roundDown(a, nd);
}

/** The value rounded to an integer (saturating at 2^64 - 1). */
function roundedInteger(a: usize): u64 {
  const dp = dpOf(a), nd = ndOf(a);
  if (dp > 20) return u64.MAX_VALUE;
  let n: u64 = 0;
  let i = 0;
  for (; i < dp && i < nd; i++) n = n * 10 + <u64>(digitAt(a, i) - 0x30);
  for (; i < dp; i++) n *= 10;
  if (dp >= 0 && dp < nd && shouldRoundUp(a, dp)) n++;
  return n;
}

// ---- decimal → float64 ----------------------------------------------------------------------

// Powers of two to shift by to move the decimal point by at least 1..8 places.
const POWTAB: usize = memory.data<i32>([1, 3, 6, 9, 13, 16, 19, 23, 26]);

let floatOverflow = false;

/** Go's decimal.floatBits for float64: the correctly rounded value (sets floatOverflow). */
function floatBits(d: usize, neg: bool): u64 {
  const BIAS = -1023;
  let exp = 0;
  let mant: u64 = 0;
  floatOverflow = false;
  if (ndOf(d) == 0) {
    exp = BIAS;
  } else if (dpOf(d) > 310) {
    return overflowBits(neg);
  } else if (dpOf(d) < -330) {
    exp = BIAS;
  } else {
    while (dpOf(d) > 0) {
      const dp = dpOf(d);
      const n = dp >= 9 ? 27 : load<i32>(POWTAB + (<usize>dp << 2));
      decShift(d, -n);
      exp += n;
    }
    while (dpOf(d) < 0 || (dpOf(d) == 0 && digitAt(d, 0) < 0x35)) {
      const dp = -dpOf(d);
      const n = dp >= 9 ? 27 : load<i32>(POWTAB + (<usize>dp << 2));
      decShift(d, n);
      exp -= n;
    }
    // range [0.5, 1) → [1, 2)
    exp--;
    if (exp < BIAS + 1) {
      const n = BIAS + 1 - exp;
      decShift(d, -n);
      exp += n;
    }
    if (exp - BIAS >= 0x7ff) return overflowBits(neg);
    decShift(d, 53);
    mant = roundedInteger(d);
    if (mant == (<u64>2) << 52) {
      mant >>= 1;
      exp++;
      if (exp - BIAS >= 0x7ff) return overflowBits(neg);
    }
    if ((mant & ((<u64>1) << 52)) == 0) exp = BIAS; // denormal
  }
  let bits = mant & (((<u64>1) << 52) - 1);
  bits |= (<u64>((exp - BIAS) & 0x7ff)) << 52;
  if (neg) bits |= (<u64>1) << 63;
  return bits;
}

function overflowBits(neg: bool): u64 {
  floatOverflow = true;
  return (neg ? (<u64>1) << 63 : 0) | ((<u64>0x7ff) << 52);
}

export const PARSE_OK: i32 = 0;
export const PARSE_SYNTAX: i32 = 1;
export const PARSE_RANGE: i32 = 2;
/** Outcome of the last parseGoFloat call. */
export let parseStatus: i32 = PARSE_OK;

@inline function lower(c: u32): u32 { return c | 0x20; }
@inline function isDigit(c: u32): bool { return c - 0x30 < 10; }

/** Go's underscoreOK: underscores only between digits (or after a base prefix). */
function underscoreOK(p: usize, n: u32): bool {
  let saw: u32 = 0x5e; // '^' start, '0' digit, '_' underscore, '!' other
  let i: u32 = 0;
  if (n >= 1 && (load<u8>(p) == 0x2d || load<u8>(p) == 0x2b)) { p++; n--; }
  let hex = false;
  if (n >= 2 && load<u8>(p) == 0x30) {
    const c = lower(load<u8>(p + 1));
    if (c == 0x62 || c == 0x6f || c == 0x78) { i = 2; saw = 0x30; hex = c == 0x78; }
  }
  for (; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (isDigit(c) || (hex && lower(c) - 0x61 < 6)) { saw = 0x30; continue; }
    if (c == 0x5f) {
      if (saw != 0x30) return false;
      saw = 0x5f;
      continue;
    }
    if (saw == 0x5f) return false;
    saw = 0x21;
  }
  return saw != 0x5f;
}

/**
 * strconv.ParseFloat(s, 64). Sets parseStatus; on a range error returns ±Inf, on a
 * syntax error 0. (Callers reject "inf"/"nan" spellings before calling.)
 */
export function parseGoFloat(p: usize, n: u32): f64 {
  parseStatus = PARSE_SYNTAX;
  // Go's readFloat: sign, mantissa (decimal, or hex after 0x), exponent.
  let i: u32 = 0;
  if (n == 0) return 0;
  let neg = false;
  const c0 = load<u8>(p);
  if (c0 == 0x2b) i++;
  else if (c0 == 0x2d) { neg = true; i++; }
  let base: u64 = 10;
  let maxMantDigits = 19;
  let expChar: u32 = 0x65; // e
  let hex = false;
  if (i + 2 < n && load<u8>(p + i) == 0x30 && lower(load<u8>(p + i + 1)) == 0x78) {
    base = 16; maxMantDigits = 16; i += 2; expChar = 0x70; hex = true; // p
  }
  let underscores = false, sawdot = false, sawdigits = false, trunc = false;
  let nd = 0, ndMant = 0, dp = 0;
  let mant: u64 = 0;
  for (; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c == 0x5f) { underscores = true; continue; }
    if (c == 0x2e) {
      if (sawdot) break;
      sawdot = true;
      dp = nd;
      continue;
    }
    if (isDigit(c)) {
      sawdigits = true;
      if (c == 0x30 && nd == 0) { dp--; continue; }
      nd++;
      if (ndMant < maxMantDigits) { mant = mant * base + <u64>(c - 0x30); ndMant++; }
      else if (c != 0x30) trunc = true;
      continue;
    }
    if (hex && lower(c) - 0x61 < 6) {
      sawdigits = true;
      nd++;
      if (ndMant < maxMantDigits) { mant = mant * 16 + <u64>(lower(c) - 0x61 + 10); ndMant++; }
      else trunc = true;
      continue;
    }
    break;
  }
  if (!sawdigits) return 0;
  if (!sawdot) dp = nd;
  if (hex) { dp *= 4; ndMant *= 4; }
  if (i < n && lower(load<u8>(p + i)) == expChar) {
    i++;
    if (i >= n) return 0;
    let esign = 1;
    if (load<u8>(p + i) == 0x2b) i++;
    else if (load<u8>(p + i) == 0x2d) { i++; esign = -1; }
    if (i >= n || !isDigit(load<u8>(p + i))) return 0;
    let e = 0;
    for (; i < n && (isDigit(load<u8>(p + i)) || load<u8>(p + i) == 0x5f); i++) {
      const c = <u32>load<u8>(p + i);
      if (c == 0x5f) { underscores = true; continue; }
      if (e < 10000) e = e * 10 + <i32>(c - 0x30);
    }
    dp += e * esign;
  } else if (hex) {
    return 0; // a hex mantissa needs a p exponent
  }
  if (i != n) return 0; // trailing garbage
  if (underscores && !underscoreOK(p, i)) return 0;
  const exp = mant != 0 ? dp - ndMant : 0;
  parseStatus = PARSE_OK;
  if (hex) return hexFloat(mant, exp, neg, trunc);
  if (!trunc) {
    const f = exactFloat(mant, exp);
    if (!isNaN(f)) return neg ? -f : f;
  }
  const d = DEC_D;
  decSet(d, p, n);
  const f = reinterpret<f64>(floatBits(d, neg));
  if (floatOverflow) parseStatus = PARSE_RANGE;
  return f;
}

// Exact powers of ten as f64.
const F64_POW10: usize = memory.data<f64>([
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]);

@inline function pow10(i: i32): f64 { return load<f64>(F64_POW10 + (<usize>i << 3)); }

/** Go's atof64exact: mant × 10^exp when exactly computable in f64, else NaN. */
function exactFloat(mant: u64, exp: i32): f64 {
  if ((mant >> 52) != 0) return NaN;
  let f = <f64>mant;
  if (exp == 0) return f;
  if (exp > 0 && exp <= 15 + 22) {
    if (exp > 22) { f *= pow10(exp - 22); exp = 22; }
    if (f > 1e15) return NaN;
    return f * pow10(exp);
  }
  if (exp < 0 && exp >= -22) return f / pow10(-exp);
  return NaN;
}

/** Go's atofHex: mant × 2^exp rounded to f64 (sets PARSE_RANGE on overflow). */
function hexFloat(mant: u64, exp: i32, neg: bool, trunc: bool): f64 {
  const MANTBITS = 52, BIAS = -1023;
  const maxExp = 2048 + BIAS - 2;
  const minExp = BIAS + 1;
  exp += MANTBITS;
  while (mant != 0 && (mant >> (MANTBITS + 2)) == 0) { mant <<= 1; exp--; }
  if (trunc) mant |= 1;
  while ((mant >> (1 + MANTBITS + 2)) != 0) { mant = (mant >> 1) | (mant & 1); exp++; }
  while (mant > 1 && exp < minExp - 2) { mant = (mant >> 1) | (mant & 1); exp++; }
  let round = mant & 3;
  mant >>= 2;
  round |= mant & 1;
  exp += 2;
  if (round == 3) {
    mant++;
    if (mant == (<u64>1) << (1 + MANTBITS)) { mant >>= 1; exp++; }
  }
  if ((mant >> MANTBITS) == 0) exp = BIAS;
  if (exp > maxExp) {
    mant = (<u64>1) << MANTBITS;
    exp = maxExp + 1;
    parseStatus = PARSE_RANGE;
  }
  let bits = mant & (((<u64>1) << MANTBITS) - 1);
  bits |= (<u64>((exp - BIAS) & 0x7ff)) << MANTBITS;
  if (neg) bits |= (<u64>1) << 63;
  return reinterpret<f64>(bits);
}

/** Go's decimal.set on text already validated by parseGoFloat (decimal mantissa). */
function decSet(d: usize, p: usize, n: u32): void {
  decClear(d);
  let i: u32 = 0;
  const c0 = load<u8>(p);
  if (c0 == 0x2b || c0 == 0x2d) i++;
  let nd = 0, dp = 0;
  let sawdot = false;
  for (; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c == 0x5f) continue;
    if (c == 0x2e) { sawdot = true; dp = nd; continue; }
    if (!isDigit(c)) break;
    if (c == 0x30 && nd == 0) { dp--; continue; }
    if (nd < MAX_DIGITS) setDigit(d, nd++, c);
    else if (c != 0x30) setTrunc(d, true);
  }
  if (!sawdot) dp = nd;
  if (i < n && lower(load<u8>(p + i)) == 0x65) {
    i++;
    let esign = 1;
    if (load<u8>(p + i) == 0x2b) i++;
    else if (load<u8>(p + i) == 0x2d) { i++; esign = -1; }
    let e = 0;
    for (; i < n; i++) {
      const c = <u32>load<u8>(p + i);
      if (c == 0x5f) continue;
      if (e < 10000) e = e * 10 + <i32>(c - 0x30);
    }
    dp += e * esign;
  }
  setNd(d, nd);
  setDp(d, dp);
}

// ---- float64 → text -----------------------------------------------------------------------

const LOWER_DIGITS: usize = memory.data<u8>([
  0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66,
]);
const UPPER_DIGITS: usize = memory.data<u8>([
  0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46,
]);

/** A hex digit, lower or upper case. */
export function hexDigit(x: u32, upper: bool): u8 {
  return load<u8>((upper ? UPPER_DIGITS : LOWER_DIGITS) + (x & 15));
}

function putAscii(b: usize, s: string): void {
  for (let i = 0; i < s.length; i++) bufPutByte(b, <u8>s.charCodeAt(i));
}

/**
 * Appends strconv.FormatFloat(f, fmt, prec, 64): fmt is one of 'e' 'E' 'f' 'g' 'G'
 * 'b' 'x' 'X'; prec < 0 means the shortest representation that round-trips.
 */
export function appendFloat(b: usize, f: f64, fmt: u8, prec: i32): void {
  const bits = reinterpret<u64>(f);
  const neg = (bits >> 63) != 0;
  let exp = <i32>((bits >> 52) & 0x7ff);
  let mant = bits & (((<u64>1) << 52) - 1);
  if (exp == 0x7ff) {
    putAscii(b, mant != 0 ? 'NaN' : neg ? '-Inf' : '+Inf');
    return;
  }
  if (exp == 0) exp++;
  else mant |= (<u64>1) << 52;
  exp += -1023;
  if (fmt == 0x62) { fmtB(b, neg, mant, exp); return; }
  if (fmt == 0x78 || fmt == 0x58) { fmtX(b, prec, fmt, neg, mant, exp); return; }

  const d = DEC_D;
  decAssign(d, mant);
  decShift(d, exp - 52);
  const shortest = prec < 0;
  if (shortest) {
    roundShortest(d, mant, exp);
    switch (fmt) {
      case 0x65: case 0x45: prec = ndOf(d) - 1; break; // e E
      case 0x66: prec = max(ndOf(d) - dpOf(d), 0); break; // f
      case 0x67: case 0x47: prec = ndOf(d); break; // g G
    }
  } else {
    switch (fmt) {
      case 0x65: case 0x45: decRound(d, prec + 1); break;
      case 0x66: decRound(d, dpOf(d) + prec); break;
      case 0x67: case 0x47: if (prec == 0) prec = 1; decRound(d, prec); break;
    }
  }
  formatDigits(b, shortest, neg, d, prec, fmt);
}

function formatDigits(b: usize, shortest: bool, neg: bool, d: usize, prec: i32, fmt: u8): void {
  if (fmt == 0x65 || fmt == 0x45) { fmtE(b, neg, d, prec, fmt); return; }
  if (fmt == 0x66) { fmtF(b, neg, d, prec); return; }
  // %g: %e for large exponents, %f otherwise
  const nd = ndOf(d), dp = dpOf(d);
  let eprec = prec;
  if (eprec > nd && nd >= dp) eprec = nd;
  if (shortest) eprec = 6;
  const exp = dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > nd) prec = nd;
    fmtE(b, neg, d, prec - 1, fmt + 0x65 - 0x67);
    return;
  }
  if (prec > dp) prec = nd;
  fmtF(b, neg, d, max(prec - dp, 0));
}

/** -d.ddddde±dd */
function fmtE(b: usize, neg: bool, d: usize, prec: i32, fmt: u8): void {
  const nd = ndOf(d);
  if (neg) bufPutByte(b, 0x2d);
  bufPutByte(b, nd != 0 ? <u8>digitAt(d, 0) : 0x30);
  if (prec > 0) {
    bufPutByte(b, 0x2e);
    let i = 1;
    const m = min(nd, prec + 1);
    for (; i < m; i++) bufPutByte(b, <u8>digitAt(d, i));
    for (; i <= prec; i++) bufPutByte(b, 0x30);
  }
  bufPutByte(b, fmt);
  let exp = nd == 0 ? 0 : dpOf(d) - 1;
  if (exp < 0) { bufPutByte(b, 0x2d); exp = -exp; } else bufPutByte(b, 0x2b);
  if (exp < 10) {
    bufPutByte(b, 0x30);
    bufPutByte(b, <u8>(0x30 + exp));
  } else if (exp < 100) {
    bufPutByte(b, <u8>(0x30 + exp / 10));
    bufPutByte(b, <u8>(0x30 + exp % 10));
  } else {
    bufPutByte(b, <u8>(0x30 + exp / 100));
    bufPutByte(b, <u8>(0x30 + (exp / 10) % 10));
    bufPutByte(b, <u8>(0x30 + exp % 10));
  }
}

/** -ddddd.ddd */
function fmtF(b: usize, neg: bool, d: usize, prec: i32): void {
  const nd = ndOf(d), dp = dpOf(d);
  if (neg) bufPutByte(b, 0x2d);
  if (dp > 0) {
    let m = min(nd, dp);
    for (let i = 0; i < m; i++) bufPutByte(b, <u8>digitAt(d, i));
    for (; m < dp; m++) bufPutByte(b, 0x30);
  } else {
    bufPutByte(b, 0x30);
  }
  if (prec > 0) {
    bufPutByte(b, 0x2e);
    for (let i = 1; i <= prec; i++) {
      const j = dp + i - 1;
      bufPutByte(b, j >= 0 && j < nd ? <u8>digitAt(d, j) : 0x30);
    }
  }
}

/** %b: -ddddp±ddd (mantissa and binary exponent in decimal). */
function fmtB(b: usize, neg: bool, mant: u64, exp: i32): void {
  if (neg) bufPutByte(b, 0x2d);
  appendUint(b, mant, 10, false);
  bufPutByte(b, 0x70);
  exp -= 52;
  if (exp >= 0) bufPutByte(b, 0x2b);
  else { bufPutByte(b, 0x2d); exp = -exp; }
  appendUint(b, <u64>exp, 10, false);
}

/** %x: -0x1.yyyyyyp±dd */
function fmtX(b: usize, prec: i32, fmt: u8, neg: bool, mant: u64, exp: i32): void {
  if (mant == 0) exp = 0;
  mant <<= 60 - 52;
  while (mant != 0 && (mant & ((<u64>1) << 60)) == 0) { mant <<= 1; exp--; }
  if (prec >= 0 && prec < 15) {
    const shift = <u64>(prec * 4);
    const extra = (mant << shift) & (((<u64>1) << 60) - 1);
    mant >>= 60 - shift;
    if ((extra | (mant & 1)) > ((<u64>1) << 59)) mant++;
    mant <<= 60 - shift;
    if ((mant & ((<u64>1) << 61)) != 0) { mant >>= 1; exp++; }
  }
  const upper = fmt == 0x58;
  if (neg) bufPutByte(b, 0x2d);
  bufPutByte(b, 0x30);
  bufPutByte(b, fmt);
  bufPutByte(b, <u8>(0x30 + ((mant >> 60) & 1)));
  mant <<= 4;
  if (prec < 0 && mant != 0) {
    bufPutByte(b, 0x2e);
    while (mant != 0) { bufPutByte(b, hexDigit(<u32>(mant >> 60), upper)); mant <<= 4; }
  } else if (prec > 0) {
    bufPutByte(b, 0x2e);
    for (let i = 0; i < prec; i++) { bufPutByte(b, hexDigit(<u32>(mant >> 60), upper)); mant <<= 4; }
  }
  bufPutByte(b, upper ? 0x50 : 0x70);
  if (exp < 0) { bufPutByte(b, 0x2d); exp = -exp; } else bufPutByte(b, 0x2b);
  if (exp < 100) {
    bufPutByte(b, <u8>(0x30 + exp / 10));
    bufPutByte(b, <u8>(0x30 + exp % 10));
  } else if (exp < 1000) {
    bufPutByte(b, <u8>(0x30 + exp / 100));
    bufPutByte(b, <u8>(0x30 + (exp / 10) % 10));
    bufPutByte(b, <u8>(0x30 + exp % 10));
  } else {
    bufPutByte(b, <u8>(0x30 + exp / 1000));
    bufPutByte(b, <u8>(0x30 + (exp / 100) % 10));
    bufPutByte(b, <u8>(0x30 + (exp / 10) % 10));
    bufPutByte(b, <u8>(0x30 + exp % 10));
  }
}

/**
 * Go's roundShortest: rounds d (the exact value of mant × 2^(exp-52)) to the fewest
 * digits that still read back as the same float64.
 */
function roundShortest(d: usize, mant: u64, exp: i32): void {
  if (mant == 0) { setNd(d, 0); return; }
  const MANTBITS = 52;
  const minexp = -1023 + 1;
  if (exp > minexp && 332 * (dpOf(d) - ndOf(d)) >= 100 * (exp - MANTBITS)) return;

  // Halfway to the next float up.
  const upper = DEC_UPPER;
  decAssign(upper, mant * 2 + 1);
  decShift(upper, exp - MANTBITS - 1);

  // Halfway to the next float down.
  let mantlo: u64;
  let explo: i32;
  if (mant > ((<u64>1) << MANTBITS) || exp == minexp) {
    mantlo = mant - 1;
    explo = exp;
  } else {
    mantlo = mant * 2 - 1;
    explo = exp - 1;
  }
  const lower = DEC_LOWER;
  decAssign(lower, mantlo * 2 + 1);
  decShift(lower, explo - MANTBITS - 1);

  // The bounds are possible outputs only if the mantissa is even (round half to even).
  const inclusive = mant % 2 == 0;
  let upperdelta = 0;
  const und = ndOf(upper), udp = dpOf(upper);
  const lnd = ndOf(lower), ldp = dpOf(lower);
  const dnd = ndOf(d), ddp = dpOf(d);
  for (let ui = 0; ; ui++) {
    const mi = ui - udp + ddp;
    if (mi >= dnd) break;
    const li = ui - udp + ldp;
    const l = li >= 0 && li < lnd ? digitAt(lower, li) : 0x30;
    const m = mi >= 0 ? digitAt(d, mi) : 0x30;
    const u = ui < und ? digitAt(upper, ui) : 0x30;

    // Truncating is fine if lower differs here, or lower is inclusive and ends here.
    const okdown = l != m || (inclusive && li + 1 == lnd);

    if (upperdelta == 0 && m + 1 < u) upperdelta = 2;
    else if (upperdelta == 0 && m != u) upperdelta = 1;
    else if (upperdelta == 1 && (m != 0x39 || u != 0x30)) upperdelta = 2;
    // Rounding up is fine if upper differs and is inclusive or larger than the result.
    const okup = upperdelta > 0 && (inclusive || upperdelta > 1 || ui + 1 < und);

    if (okdown && okup) { decRound(d, mi + 1); return; }
    if (okdown) { roundDown(d, mi + 1); return; }
    if (okup) { roundUp(d, mi + 1); return; }
  }
}

// ---- integers ----------------------------------------------------------------------------

/** Appends `u` in base 2, 8, 10 or 16. */
export function appendUint(b: usize, u: u64, base: u32, upper: bool): void {
  let n = 0;
  let t = u;
  do { n++; t /= <u64>base; } while (t != 0);
  const data = bufReserve(b, <u32>n);
  const at = data + <usize>bufLen(b);
  for (let i = n - 1; i >= 0; i--) {
    store<u8>(at + <usize>i, hexDigit(<u32>(u % <u64>base), upper));
    u /= <u64>base;
  }
  store<u32>(b, bufLen(b) + <u32>n, 4);
}

/**
 * Appends an integral float exactly (as Go prints the big.Int of that value) in base
 * 2, 8, 10 or 16, with a leading '-' when negative.
 */
export function appendIntegralF64(b: usize, f: f64, base: u32, upper: bool): void {
  if (f < 0) { bufPutByte(b, 0x2d); f = -f; }
  if (f < 18446744073709551616.0) { appendUint(b, <u64>f, base, upper); return; }
  const bits = reinterpret<u64>(f);
  const mant = (bits & (((<u64>1) << 52) - 1)) | ((<u64>1) << 52);
  const exp = <i32>((bits >> 52) & 0x7ff) - 1023 - 52; // f = mant × 2^exp, exp > 0 here
  if (base == 10) {
    const d = DEC_D;
    decAssign(d, mant);
    decShift(d, exp);
    const nd = ndOf(d), dp = dpOf(d);
    for (let i = 0; i < dp; i++) bufPutByte(b, i < nd ? <u8>digitAt(d, i) : 0x30);
    return;
  }
  // Power-of-two bases: group the bits of mant followed by exp zero bits.
  const k = base == 2 ? 1 : base == 8 ? 3 : 4;
  const totalBits = 64 - <i32>clz(mant) + exp;
  const ndigits = (totalBits + k - 1) / k;
  for (let i = ndigits - 1; i >= 0; i--) {
    let digit: u32 = 0;
    for (let j = k - 1; j >= 0; j--) {
      const pos = i * k + j - exp;
      const bit = pos >= 0 && pos < 64 ? <u32>((mant >> <u64>pos) & 1) : 0;
      digit = (digit << 1) | bit;
    }
    bufPutByte(b, hexDigit(digit, upper));
  }
}
