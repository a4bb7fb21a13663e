// Rego's total order and structural equality.
import {
  T_NULL, T_BOOL, T_INT, T_FLOAT, T_STRING, T_ARRAY, T_OBJECT, T_SET, T_BIG, T_NUMTEXT,
  tag, boolValue, intValue, floatValue, numTextToF64, strLen, strBytes, len,
  arrayGet, setGet, objectKeyAt, objectValueAt,
} from './value';
import { compareIntegers, compareBigFloat } from './bigint';

// Sort rank of each tag: ints, floats and bigs share the rank of numbers.
@inline function rank(t: u8): i32 {
  return t == T_FLOAT || t == T_BIG || t == T_NUMTEXT ? <i32>T_INT : <i32>t;
}

export function compareNumbers(a: usize, b: usize): i32 {
  const ta = tag(a), tb = tag(b);
  if (ta == T_INT && tb == T_INT) {
    const x = intValue(a), y = intValue(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ta == T_NUMTEXT) return compareNumText(a, b);
  if (tb == T_NUMTEXT) return -compareNumText(b, a);
  if (ta == T_BIG || tb == T_BIG) {
    if (ta == T_FLOAT) return -compareBigFloat(b, floatValue(a));
    if (tb == T_FLOAT) return compareBigFloat(a, floatValue(b));
    return compareIntegers(a, b);
  }
  if (ta == T_INT) return compareIntFloat(intValue(a), floatValue(b));
  if (tb == T_INT) return -compareIntFloat(intValue(b), floatValue(a));
  const x = floatValue(a), y = floatValue(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Rego's order of a number kept as written (past f64: ±Inf) and any number `b`. */
function compareNumText(a: usize, b: usize): i32 {
  const x = numTextToF64(a);
  if (tag(b) == T_NUMTEXT) {
    // both past f64's range: by sign, then by text (equal only when written alike)
    const y = numTextToF64(b);
    if (x != y) return x < y ? -1 : 1;
    const c = compareStrings(a, b);
    return x < 0 ? -c : c;
  }
  // beyond every finite number, within the infinities (and below NaN, as ints)
  if (tag(b) == T_FLOAT) {
    const f = floatValue(b);
    if (isNaN(f)) return -1;
    if (!isFinite(f)) return f > 0 ? -1 : 1;
  }
  return x > 0 ? 1 : -1;
}

// Exact comparison of an i64 with an f64 (no rounding of large ints).
function compareIntFloat(i: i64, f: f64): i32 {
  if (isNaN(f)) return -1;
  if (f >= 9223372036854775808.0) return -1;
  if (f < -9223372036854775808.0) return 1;
  const t = <i64>Math.trunc(f);
  if (i < t) return -1;
  if (i > t) return 1;
  const frac = f - Math.trunc(f);
  return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

export function compareBytes(pa: usize, na: u32, pb: usize, nb: u32): i32 {
  const n = na < nb ? na : nb;
  let i: u32 = 0;
  // 8 bytes at a time: byte-swapped, unsigned word order is byte order.
  while (i + 8 <= n) {
    const x = load<u64>(pa + i), y = load<u64>(pb + i);
    if (x != y) return bswap<u64>(x) < bswap<u64>(y) ? -1 : 1;
    i += 8;
  }
  for (; i < n; i++) {
    const x = load<u8>(pa + i), y = load<u8>(pb + i);
    if (x != y) return x < y ? -1 : 1;
  }
  return na < nb ? -1 : na > nb ? 1 : 0;
}

export function compareStrings(a: usize, b: usize): i32 {
  return compareBytes(strBytes(a), strLen(a), strBytes(b), strLen(b));
}

export function compare(a: usize, b: usize): i32 {
  if (a == b) return 0;
  const ta = tag(a), tb = tag(b);
  const ra = rank(ta), rb = rank(tb);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ta) {
    case T_NULL: return 0;
    case T_BOOL: {
      const x = <i32>boolValue(a), y = <i32>boolValue(b);
      return x - y;
    }
    case T_INT:
    case T_FLOAT:
    case T_BIG:
    case T_NUMTEXT: return compareNumbers(a, b);
    case T_STRING: return compareStrings(a, b);
    case T_ARRAY: {
      const na = len(a), nb = len(b);
      const n = na < nb ? na : nb;
      for (let i: u32 = 0; i < n; i++) {
        const c = compare(arrayGet(a, i), arrayGet(b, i));
        if (c != 0) return c;
      }
      return na < nb ? -1 : na > nb ? 1 : 0;
    }
    case T_OBJECT: {
      // As OPA: compare the sorted keys pairwise, each key's value right after its key.
      const na = len(a), nb = len(b);
      const n = na < nb ? na : nb;
      for (let i: u32 = 0; i < n; i++) {
        let c = compare(objectKeyAt(a, i), objectKeyAt(b, i));
        if (c != 0) return c;
        c = compare(objectValueAt(a, i), objectValueAt(b, i));
        if (c != 0) return c;
      }
      return na < nb ? -1 : na > nb ? 1 : 0;
    }
    case T_SET: {
      const na = len(a), nb = len(b);
      const n = na < nb ? na : nb;
      for (let i: u32 = 0; i < n; i++) {
        const c = compare(setGet(a, i), setGet(b, i));
        if (c != 0) return c;
      }
      return na < nb ? -1 : na > nb ? 1 : 0;
    }
  }
  return 0;
}

export function equal(a: usize, b: usize): bool {
  if (a == b) return true;
  const ta = tag(a), tb = tag(b);
  if (ta == T_STRING && tb == T_STRING) {
    const n = strLen(a);
    return n == strLen(b) && memory.compare(strBytes(a), strBytes(b), n) == 0;
  }
  return compare(a, b) == 0;
}
