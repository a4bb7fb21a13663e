// Arithmetic operators and the numbers builtins: plus, minus, mul, div, rem, abs,
// round, ceil, floor, numbers.range, numbers.range_step, to_number, format_int.
//
// Numbers are ints (i64), big integers (exact, past i64) or floats (f64). Integer
// arithmetic is exact: in i64 while it fits, else through ../bigint.ts, as OPA's
// big.Int. As OPA (whose results go through
// big.Float and are printed without a fraction when integral), a float result with
// an integral value in i64 range becomes an int: 2.5 * 2 = 5, 1 / 4 = 0.25.
import {
  T_INT, T_FLOAT, T_STRING, T_NULL, T_BOOL, T_BIG,
  tag, isNumber, intValue, numberAsF64, boolValue, strLen, strBytes, bigNeg,
  newInt, newFloat, newArray, arrayPush,
} from '../value';
import { isInteger, bigAdd, bigMul, bigQuo, bigRemainder, bigFromDecimal, appendInteger, integerFromF64 } from '../bigint';
import { compare } from '../compare';
import { bufNew, bufPutStr, bufPutByte, bufToString, bufLen, bufData } from '../buffer';
import { typeError, operandError, builtinError, bigIntOperand, intArg, isSet } from './args';
import { setDifference } from './setops';
import { TWO63, numberFromF64, addOverflows, mulOverflows } from './numeric';
import { parseGoFloat, parseStatus, PARSE_OK, PARSE_RANGE, appendUint, appendIntegralF64 } from './numfmt';
import { appendGoQuoted } from './quote';

@inline function bothInts(a: usize, b: usize): bool {
  return tag(a) == T_INT && tag(b) == T_INT;
}

/** Checks both operands are numbers, recording OPA's type error otherwise. */
function numberOperands(fn: string, a: usize, b: usize): bool {
  if (!isNumber(a)) { typeError(fn, 1, 'number', a); return false; }
  if (!isNumber(b)) { typeError(fn, 2, 'number', b); return false; }
  return true;
}

// ---- operators -------------------------------------------------------------------------

export function b_plus(a: usize, b: usize): usize {
  if (!numberOperands('plus', a, b)) return 0;
  if (bothInts(a, b)) {
    const x = intValue(a), y = intValue(b), r = x + y;
    if (!addOverflows(x, y, r)) return newInt(r);
  }
  if (isInteger(a) && isInteger(b)) return bigAdd(a, b, false);
  return numberFromF64(numberAsF64(a) + numberAsF64(b));
}

export function b_minus(a: usize, b: usize): usize {
  const na = isNumber(a), nb = isNumber(b);
  if (na && nb) {
    if (bothInts(a, b)) {
      const x = intValue(a), y = intValue(b), r = x - y;
      if (((x ^ y) & (x ^ r)) >= 0) return newInt(r);
    }
    if (isInteger(a) && isInteger(b)) return bigAdd(a, b, true);
    return numberFromF64(numberAsF64(a) - numberAsF64(b));
  }
  if (isSet(a) && isSet(b)) return setDifference(a, b);
  // OPA's messages: the first operand may be a number or a set; the second must
  // then match it.
  if (!na && !isSet(a)) return typeError('minus', 1, 'one of {number, set}', a);
  if (nb) return typeError('minus', 2, 'set', b);
  return typeError('minus', 2, 'number', b);
}

export function b_mul(a: usize, b: usize): usize {
  if (!numberOperands('mul', a, b)) return 0;
  if (bothInts(a, b)) {
    const x = intValue(a), y = intValue(b), r = x * y;
    if (!mulOverflows(x, y, r)) return newInt(r);
  }
  if (isInteger(a) && isInteger(b)) return bigMul(a, b);
  return numberFromF64(numberAsF64(a) * numberAsF64(b));
}

export function b_div(a: usize, b: usize): usize {
  if (!numberOperands('div', a, b)) return 0;
  if (bothInts(a, b)) {
    const x = intValue(a), y = intValue(b);
    if (y == 0) return builtinError('div', 'divide by zero');
    if (!(x == i64.MIN_VALUE && y == -1) && x % y == 0) return newInt(x / y);
  }
  if (isInteger(a) && isInteger(b) && !isZero(b)) {
    // an exact quotient stays an integer; anything else is a float, as below
    const q = bigQuo(a, b);
    if (isZero(bigRemainder)) return q;
  }
  const d = numberAsF64(b);
  if (d == 0) return builtinError('div', 'divide by zero');
  return numberFromF64(numberAsF64(a) / d);
}

@inline function isZero(v: usize): bool { return tag(v) == T_INT && intValue(v) == 0; }

@inline function isIntegral(v: usize): bool {
  if (isInteger(v)) return true;
  const f = numberAsF64(v);
  return f == Math.trunc(f);
}

export function b_rem(a: usize, b: usize): usize {
  if (!numberOperands('rem', a, b)) return 0;
  if (!isIntegral(a) || !isIntegral(b)) return builtinError('rem', 'modulo on floating-point number');
  if (bothInts(a, b)) {
    const x = intValue(a), y = intValue(b);
    if (y == 0) return builtinError('rem', 'modulo by zero');
    if (y == -1) return newInt(0); // also avoids i64.MIN % -1
    return newInt(x % y);
  }
  if (isInteger(a) && isInteger(b)) {
    if (isZero(b)) return builtinError('rem', 'modulo by zero');
    bigQuo(a, b);
    return bigRemainder;
  }
  const d = numberAsF64(b);
  if (d == 0) return builtinError('rem', 'modulo by zero');
  // fmod is exact on integral values; the result takes the dividend's sign as big.Int.Rem.
  return numberFromF64(numberAsF64(a) % d);
}

// ---- rounding ------------------------------------------------------------------------------

export function b_abs(a: usize): usize {
  if (!isNumber(a)) return typeError('abs', 1, 'number', a);
  if (tag(a) == T_INT) {
    const x = intValue(a);
    if (x >= 0) return a;
    if (x == i64.MIN_VALUE) return bigAdd(newInt(0), a, true);
    return newInt(-x);
  }
  if (tag(a) == T_BIG) return bigNeg(a) ? bigAdd(newInt(0), a, true) : a;
  return numberFromF64(Math.abs(numberAsF64(a)));
}

/** Rounds half away from zero without the error of adding 0.5. */
function roundHalfAway(f: f64): f64 {
  const t = Math.trunc(f);
  const frac = f - t; // exact
  if (frac >= 0.5) return t + 1;
  if (frac <= -0.5) return t - 1;
  return t;
}

export function b_round(a: usize): usize {
  if (!isNumber(a)) return typeError('round', 1, 'number', a);
  if (isInteger(a)) return a;
  return numberFromF64(roundHalfAway(numberAsF64(a)));
}

export function b_ceil(a: usize): usize {
  if (!isNumber(a)) return typeError('ceil', 1, 'number', a);
  if (isInteger(a)) return a;
  return numberFromF64(Math.ceil(numberAsF64(a)));
}

export function b_floor(a: usize): usize {
  if (!isNumber(a)) return typeError('floor', 1, 'number', a);
  if (isInteger(a)) return a;
  return numberFromF64(Math.floor(numberAsF64(a)));
}

// ---- ranges -------------------------------------------------------------------------------

/** [from, from±step, …] up to and including `to`, ascending or descending. */
function range(from: i64, to: i64, step: i64): usize {
  const ascending = from <= to;
  const span = ascending ? <u64>(to - from) : <u64>(from - to);
  const n = span / <u64>step + 1;
  const out = newArray(<u32>min<u64>(n, 1 << 20));
  let x = from;
  for (let i: u64 = 0; i < n; i++) {
    arrayPush(out, newInt(x));
    x = ascending ? x + step : x - step;
  }
  return out;
}

/**
 * range() for bounds or a step past i64 (OPA's are big.Ints): the same walk in exact
 * integers. Allocation ticks the deadline and bounds memory, as for any long range.
 */
function bigRange(from: usize, to: usize, step: usize): usize {
  const ascending = compare(from, to) <= 0;
  const out = newArray(16);
  for (let x = from; ascending ? compare(x, to) <= 0 : compare(x, to) >= 0; x = bigAdd(x, step, !ascending)) {
    arrayPush(out, x);
  }
  return out;
}

/** An operand bigIntOperand accepted, as an integer value (an integral float past i64 made exact). */
function integerOf(v: usize): usize {
  return isInteger(v) ? v : integerFromF64(numberAsF64(v));
}

@inline function anyBig(a: usize, b: usize, c: usize): bool {
  return !fitsI64(a) || !fitsI64(b) || !fitsI64(c);
}

/** Whether a number bigIntOperand accepted lies within i64 (it did not saturate). */
function fitsI64(v: usize): bool {
  const t = tag(v);
  if (t == T_INT) return true;
  if (t == T_BIG) return false;
  const f = numberAsF64(v);
  return f >= -TWO63 && f < TWO63;
}

export function b_numbers_range(a: usize, b: usize): usize {
  if (!bigIntOperand('numbers.range', 1, a)) return 0;
  const from = intArg;
  if (!bigIntOperand('numbers.range', 2, b)) return 0;
  const one = newInt(1);
  if (anyBig(a, b, one)) return bigRange(integerOf(a), integerOf(b), one);
  return range(from, intArg, 1);
}

export function b_numbers_range_step(a: usize, b: usize, c: usize): usize {
  const fn = 'numbers.range_step';
  if (!bigIntOperand(fn, 1, a)) return 0;
  const from = intArg;
  if (!bigIntOperand(fn, 2, b)) return 0;
  const to = intArg;
  if (!bigIntOperand(fn, 3, c)) return 0;
  if (intArg <= 0) return builtinError(fn, 'step must be a positive integer');
  if (anyBig(a, b, c)) return bigRange(integerOf(a), integerOf(b), integerOf(c));
  return range(from, to, intArg);
}

// ---- conversions ----------------------------------------------------------------------------

/** "inf", "infinity" or "nan" in any case after any leading signs (OPA rejects these). */
function isInfOrNaNWord(p: usize, n: u32): bool {
  let i: u32 = 0;
  while (i < n && (load<u8>(p + i) == 0x2b || load<u8>(p + i) == 0x2d)) i++;
  const m = n - i;
  if (m != 3 && m != 8) return false;
  let word: u64 = 0;
  for (let j: u32 = 0; j < m; j++) word = (word << 8) | <u64>(load<u8>(p + i + j) | 0x20);
  return word == 0x696e66 || word == 0x6e616e || word == 0x696e66696e697479; // inf nan infinity
}

// The result of the last successful parseI64.
let parsedInt: i64 = 0;

/** An optionally signed decimal integer that fits i64 (into parsedInt). */
function parseI64(p: usize, n: u32): bool {
  if (n == 0) return false;
  let i: u32 = 0;
  let neg = false;
  const c0 = load<u8>(p);
  if (c0 == 0x2d || c0 == 0x2b) { neg = c0 == 0x2d; i = 1; if (n == 1) return false; }
  let acc: u64 = 0;
  for (; i < n; i++) {
    const d = <u32>load<u8>(p + i) - 0x30;
    if (d > 9) return false;
    if (acc > (<u64>0x8000000000000000 - d) / 10) return false;
    acc = acc * 10 + d;
  }
  if (!neg && acc > <u64>i64.MAX_VALUE) return false;
  parsedInt = neg ? -<i64>acc : <i64>acc;
  return true;
}

/** An optionally signed decimal integer past i64, exact (0 if the text is not one). */
function parseBigInteger(p: usize, n: u32): usize {
  let i: u32 = 0;
  const c0 = n > 0 ? load<u8>(p) : 0;
  if (c0 == 0x2d || c0 == 0x2b) i = 1;
  if (i == n) return 0;
  for (let j = i; j < n; j++) if (<u32>load<u8>(p + j) - 0x30 > 9) return 0;
  return bigFromDecimal(p + i, n - i, c0 == 0x2d);
}

export function b_to_number(a: usize): usize {
  switch (tag(a)) {
    case T_NULL: return newInt(0);
    case T_BOOL: return newInt(boolValue(a) ? 1 : 0);
    case T_INT:
    case T_FLOAT:
    case T_BIG: return a;
    case T_STRING: {
      const p = strBytes(a), n = strLen(a);
      if (parseI64(p, n)) return newInt(parsedInt);
      const big = parseBigInteger(p, n);
      if (big != 0) return big;
      if (isInfOrNaNWord(p, n)) return typeError('to_number', 1, 'valid number string', a);
      const f = parseGoFloat(p, n);
      if (parseStatus != PARSE_OK) {
        // Go's *strconv.NumError text.
        const b = bufNew(n + 48);
        bufPutStr(b, 'strconv.ParseFloat: parsing ');
        appendGoQuoted(b, p, n, false);
        bufPutStr(b, parseStatus == PARSE_RANGE ? ': value out of range' : ': invalid syntax');
        return builtinError('to_number', String.UTF8.decodeUnsafe(bufData(b), bufLen(b)));
      }
      return newFloat(f);
    }
  }
  return typeError('to_number', 1, 'one of {null, boolean, number, string}', a);
}

export function b_format_int(a: usize, base: usize): usize {
  if (!isNumber(a)) return typeError('format_int', 1, 'number', a);
  if (!isNumber(base)) return typeError('format_int', 2, 'number', base);
  const radix = tag(base) == T_INT ? intValue(base) : 0;
  if (radix != 2 && radix != 8 && radix != 10 && radix != 16) {
    return operandError('format_int', 2, 'must be one of {2, 8, 10, 16}');
  }
  // The number is truncated toward zero, then printed as Go prints a big.Int.
  const b = bufNew(24);
  if (tag(a) == T_INT) {
    appendInt(b, intValue(a), <u32>radix);
  } else if (tag(a) == T_BIG) {
    appendInteger(b, a, <u32>radix, false, false);
  } else {
    const t = Math.trunc(numberAsF64(a));
    if (t >= -TWO63 && t < TWO63) appendInt(b, <i64>t, <u32>radix);
    else appendIntegralF64(b, t, <u32>radix, false);
  }
  return bufToString(b);
}

function appendInt(b: usize, x: i64, radix: u32): void {
  if (x < 0) bufPutByte(b, 0x2d);
  appendUint(b, x < 0 ? <u64>(-x) : <u64>x, radix, false);
}
