// units.parse_bytes and units.parse, as OPA's topdown/parse_bytes.go and
// parse_units.go.
//
// OPA computes with big.Float / big.Rat; here the amount is kept exact as decimal
// digits times a power of ten, multiplied by the unit (an integer up to 2^60, or 1/1000
// for units.parse's "m"), so "1e-2KB" is exactly 10 and "0.0005K" exactly 0.5:
// - units.parse_bytes truncates toward zero to an integer;
// - units.parse gives an integer when the product is one, else the product rounded to
//   10 decimal places (big.Rat.FloatString(10)) as a float.
// Integers beyond i64 become floats (the runtime has no big integers; 10e and 10ei are
// exact in f64). Results beyond f64's range, and exponents written larger than 1000,
// are "exponent too large".
import { T_STRING, tag, strBytes, strLen, newInt, newFloat } from '../value';
import { alloc } from '../alloc';
import { typeError, builtinError } from './args';
import { decimalToF64 } from '../json';

const MAX_EXPONENT: i32 = 1000;

/** units.parse_bytes(x): a byte amount like "10KiB" or "1.5GB" as an integer. */
export function b_units_parse_bytes(x: usize): usize {
  return parseAmount('units.parse_bytes', x, true);
}

/** units.parse(x): an amount with a decimal or binary SI suffix ("100m", "2Gi"). */
export function b_units_parse(x: usize): usize {
  return parseAmount('units.parse', x, false);
}

// The shared steps of both builtins; `bytes` selects parse_bytes' rules.
function parseAmount(fn: string, x: usize, bytes: bool): usize {
  if (tag(x) != T_STRING) return typeError(fn, 1, 'string', x);
  // Quotes are dropped; parse_bytes also lowercases everything.
  const src = strBytes(x), srcLen = strLen(x);
  const s = alloc(<usize>srcLen + 1);
  let n: u32 = 0;
  for (let i: u32 = 0; i < srcLen; i++) {
    let c = load<u8>(src + <usize>i);
    if (c == 0x22) continue;
    if (c == 0x20) return builtinError(fn, 'spaces not allowed in resource strings');
    if (bytes && c >= 0x41 && c <= 0x5a) c |= 0x20;
    store<u8>(s + <usize>(n++), c);
  }
  const split = numberEnd(s, n);
  if (split == 0) return builtinError(fn, bytes ? 'no byte amount provided' : 'no amount provided');
  const unitAt = s + <usize>split, unitLen = n - split;
  // units.parse: the first letter keeps its case (m is milli, M mega), the rest is lowered.
  if (!bytes) {
    for (let i: u32 = 1; i < unitLen; i++) {
      const c = load<u8>(unitAt + <usize>i);
      if (c >= 0x41 && c <= 0x5a) store<u8>(unitAt + <usize>i, c | 0x20);
    }
  }
  const multiplier = unitMultiplier(unitAt, unitLen, bytes);
  if (multiplier == 0) {
    const unit = String.UTF8.decodeUnsafe(unitAt, unitLen, false);
    return builtinError(fn, (bytes ? 'byte unit ' : 'unit ') + unit + ' not recognized');
  }
  if (!parseDecimal(s, split)) {
    return builtinError(fn, bytes ? 'could not parse byte amount to a number' : 'could not parse amount to a number');
  }
  if (EXP_TOO_LARGE) return builtinError(fn, 'exponent too large');
  if (multiplier == MILLI) {
    EXP10 -= 3;
  } else {
    multiplyDigits(multiplier);
  }
  const v = bytes ? truncatedValue() : unitsValue();
  if (v == 0) return builtinError(fn, 'exponent too large');
  return v;
}

// Go's extractNumAndUnit: the amount is the leading run of digits, '.', '+', '-' and
// an 'e'/'E' that is followed by a digit or sign (so "5e3" is a number, "5E" five exa).
// Returns the length of the amount.
function numberEnd(s: usize, n: u32): u32 {
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(s + <usize>i);
    if ((c >= 0x30 && c <= 0x39) || c == 0x2e || c == 0x2b || c == 0x2d) continue;
    if (c == 0x65 || c == 0x45) {
      if (i + 1 >= n) return i;
      const d = load<u8>(s + <usize>i + 1);
      if (!((d >= 0x30 && d <= 0x39) || d == 0x2b || d == 0x2d)) return i;
      if (d == 0x2b || d == 0x2d) i++;
      continue;
    }
    return i;
  }
  return n;
}

const MILLI: u64 = u64.MAX_VALUE;

// The unit's factor, MILLI for units.parse's "m", 0 when unknown.
// parse_bytes (lowercased): k kb ki kib … e eb ei eib; units.parse: k K ki Ki, m (milli),
// M, mi Mi, … e E ei Ei.
function unitMultiplier(u: usize, n: u32, bytes: bool): u64 {
  if (n == 0) return 1;
  const first = <i32>load<u8>(u);
  if (!bytes && first == 0x6d && n == 1) return MILLI; // m
  const p = prefixIndex(first | 0x20);
  if (p < 0) return 0;
  // suffix: "" | "i" | (bytes: "b" | "ib")
  let binary = false;
  let i: u32 = 1;
  if (i < n && load<u8>(u + <usize>i) == 0x69) { binary = true; i++; }
  if (bytes && i < n && load<u8>(u + <usize>i) == 0x62) i++;
  if (i != n) return 0;
  let m: u64 = 1;
  for (let k = 0; k <= p; k++) m *= binary ? 1024 : 1000;
  return m;
}

// k m g t p e → 0..5
function prefixIndex(c: i32): i32 {
  switch (c) {
    case 0x6b: return 0;
    case 0x6d: return 1;
    case 0x67: return 2;
    case 0x74: return 3;
    case 0x70: return 4;
    case 0x65: return 5;
  }
  return -1;
}

// ---- exact decimal arithmetic ------------------------------------------------------------

// The amount: sign × DIGITS[0, NDIGITS) × 10^EXP10, digits as values 0..9 without
// leading zeros (none at all for zero).
let NEG: bool = false;
let DIGITS: usize = 0;
let NDIGITS: u32 = 0;
let EXP10: i32 = 0;
let EXP_TOO_LARGE: bool = false;

// [+-] (digits [. digits] | . digits) [(e|E) [+-] digits], as big.Rat/big.Float accept.
function parseDecimal(s: usize, n: u32): bool {
  EXP_TOO_LARGE = false;
  let i: u32 = 0;
  NEG = false;
  let c = load<u8>(s);
  if (c == 0x2b || c == 0x2d) { NEG = c == 0x2d; i++; }
  DIGITS = alloc(<usize>n + 24); // room for the unit's digits
  NDIGITS = 0;
  let seen = 0, frac = 0;
  let dot = false;
  for (; i < n; i++) {
    c = load<u8>(s + <usize>i);
    if (c == 0x2e) {
      if (dot) return false;
      dot = true;
      continue;
    }
    if (c < 0x30 || c > 0x39) break;
    seen++;
    if (dot) frac++;
    if (NDIGITS == 0 && c == 0x30) continue; // leading zero
    store<u8>(DIGITS + <usize>(NDIGITS++), c - 0x30);
  }
  if (seen == 0) return false;
  // Fraction digits after the first significant one shift the exponent; leading
  // zeros of a fraction ("0.005") shift it too, as they were skipped.
  let exp: i64 = -<i64>frac;
  if (i < n) {
    c = load<u8>(s + <usize>i);
    if (c != 0x65 && c != 0x45) return false;
    i++;
    let eneg = false;
    if (i < n && (load<u8>(s + <usize>i) == 0x2b || load<u8>(s + <usize>i) == 0x2d)) {
      eneg = load<u8>(s + <usize>i) == 0x2d;
      i++;
    }
    let e: i64 = 0;
    let edigits = 0;
    for (; i < n; i++) {
      c = load<u8>(s + <usize>i);
      if (c < 0x30 || c > 0x39) return false;
      if (e < 1000000000) e = e * 10 + <i64>(c - 0x30);
      edigits++;
    }
    if (edigits == 0) return false;
    if (e > <i64>MAX_EXPONENT) EXP_TOO_LARGE = true;
    exp += eneg ? -e : e;
  }
  EXP10 = <i32>exp;
  return true;
}

// DIGITS × m, in place (DIGITS has room for 20 more digits).
function multiplyDigits(m: u64): void {
  if (NDIGITS == 0 || m == 1) return;
  // Work from the least significant digit into a fresh block, then copy back.
  const out = alloc(<usize>NDIGITS + 24);
  let o = <i32>NDIGITS + 23;
  let carry: u64 = 0;
  for (let i = <i32>NDIGITS - 1; i >= 0; i--) {
    const t = <u64>load<u8>(DIGITS + <usize>i) * m + carry;
    store<u8>(out + <usize>(o--), <u8>(t % 10));
    carry = t / 10;
  }
  while (carry > 0) {
    store<u8>(out + <usize>(o--), <u8>(carry % 10));
    carry /= 10;
  }
  const count = <u32>(<i32>NDIGITS + 23 - o);
  memory.copy(DIGITS, out + <usize>(o + 1), count);
  NDIGITS = count;
}

// units.parse_bytes: the amount truncated toward zero.
function truncatedValue(): usize {
  const intDigits = <i32>NDIGITS + EXP10; // digits before the decimal point
  if (intDigits <= 0) return newInt(0);
  const kept = intDigits < <i32>NDIGITS ? <u32>intDigits : NDIGITS;
  return integerValue(kept, intDigits - <i32>kept);
}

// units.parse: an integer when exact, else rounded to 10 decimals, as a float.
function unitsValue(): usize {
  const intDigits = <i32>NDIGITS + EXP10;
  let fractional = false;
  for (let i = intDigits < 0 ? 0 : intDigits; i < <i32>NDIGITS; i++) {
    if (load<u8>(DIGITS + <usize>i) != 0) { fractional = true; break; }
  }
  if (!fractional) {
    if (intDigits <= 0) return newInt(0);
    const kept = intDigits < <i32>NDIGITS ? <u32>intDigits : NDIGITS;
    return integerValue(kept, intDigits - <i32>kept);
  }
  // Keep the digits down to 10^-10, rounding half away from zero on the next one
  // (big.Rat.FloatString(10)).
  const keep = intDigits + 10;
  if (keep < 0) return newFloat(0);
  if (keep < <i32>NDIGITS) {
    const roundUp = load<u8>(DIGITS + <usize>keep) >= 5;
    NDIGITS = <u32>keep;
    EXP10 = -10;
    if (roundUp) incrementDigits();
  }
  return floatValueOf(NDIGITS, EXP10);
}

// DIGITS + 1 in the last place (9.99 → 10.00 gains a leading digit).
function incrementDigits(): void {
  let i = <i32>NDIGITS - 1;
  while (i >= 0 && load<u8>(DIGITS + <usize>i) == 9) {
    store<u8>(DIGITS + <usize>i, 0);
    i--;
  }
  if (i >= 0) {
    store<u8>(DIGITS + <usize>i, load<u8>(DIGITS + <usize>i) + 1);
    return;
  }
  memory.copy(DIGITS + 1, DIGITS, NDIGITS);
  store<u8>(DIGITS, 1);
  NDIGITS++;
}

// The first `count` digits followed by `zeros` zeros: an int when it fits i64, else a float.
function integerValue(count: u32, zeros: i32): usize {
  const total = count + <u32>zeros;
  if (total <= 19) {
    let v: u64 = 0;
    for (let i: u32 = 0; i < count; i++) v = v * 10 + <u64>load<u8>(DIGITS + <usize>i);
    for (let i = 0; i < zeros; i++) v *= 10;
    if (!NEG && v <= <u64>i64.MAX_VALUE) return newInt(<i64>v);
    if (NEG && v <= <u64>i64.MAX_VALUE + 1) return newInt(-<i64>v);
  }
  return floatValueOf(count, zeros);
}

// DIGITS[0, count) × 10^exp as the nearest float (0 when beyond f64's range).
function floatValueOf(count: u32, exp: i32): usize {
  let mant: u64 = 0;
  let used: u32 = 0;
  let sticky = false;
  for (let i: u32 = 0; i < count; i++) {
    const d = load<u8>(DIGITS + <usize>i);
    if (used < 19) { mant = mant * 10 + <u64>d; used++; }
    else if (d != 0) sticky = true;
  }
  const f = decimalToF64(mant, exp + <i32>(count - used), sticky);
  if (!isFinite(f)) return 0;
  return newFloat(NEG ? -f : f);
}
