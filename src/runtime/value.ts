// Rego values in linear memory. See README.md for the layout; this file is the
// only place that knows the offsets.
import { alloc, allocSize } from './alloc';

export const T_NULL: u8 = 1;
export const T_BOOL: u8 = 2;
export const T_INT: u8 = 3;
export const T_FLOAT: u8 = 4;
export const T_STRING: u8 = 5;
export const T_ARRAY: u8 = 6;
export const T_OBJECT: u8 = 7;
export const T_SET: u8 = 8;
// An integer outside i64, exact: sign and magnitude (see README.md). Values that fit
// i64 are always T_INT, so a T_BIG never equals an int and its sign orders it.
export const T_BIG: u8 = 9;
// A number kept as written (string layout, e.g. `2e308`): a literal or JSON number
// past f64's range, which OPA keeps as its text; its f64 value is ±Inf.
export const T_NUMTEXT: u8 = 10;

// ---- reading ---------------------------------------------------------------

@inline export function tag(v: usize): u8 { return load<u8>(v); }
@inline export function isNumber(v: usize): bool { const t = load<u8>(v); return t == T_INT || t == T_FLOAT || t >= T_BIG; }
@inline export function boolValue(v: usize): bool { return load<u8>(v, 1) != 0; }
@inline export function intValue(v: usize): i64 { return load<i64>(v, 8); }
@inline export function floatValue(v: usize): f64 { return load<f64>(v, 8); }
/** A number as f64 (ints convert, possibly losing precision beyond 2^53). */
@inline export function numberAsF64(v: usize): f64 {
  const t = load<u8>(v);
  return t == T_INT ? <f64>load<i64>(v, 8) : t == T_FLOAT ? load<f64>(v, 8) : t == T_BIG ? bigToF64(v) : numTextToF64(v);
}
/** A number kept as written is past f64's range: ±Inf by its sign. */
export function numTextToF64(v: usize): f64 {
  return load<u32>(v, 4) > 0 && load<u8>(v, 8) == 0x2d ? -Infinity : Infinity;
}
@inline export function bigNeg(v: usize): bool { return load<u8>(v, 1) != 0; }
/** Number of u32 limbs of a big integer's magnitude (least significant first). */
@inline export function bigLen(v: usize): u32 { return load<u32>(v, 4); }
@inline export function bigLimbs(v: usize): usize { return v + 8; }

/**
 * A big integer's value rounded to the nearest f64 (ties to even): the top 64 bits
 * of the magnitude, a sticky bit for the rest, then one rounding to 53 bits.
 */
export function bigToF64(v: usize): f64 {
  const n = bigLen(v), limbs = bigLimbs(v);
  let top: u64 = 0, sticky = false, shift: i32 = 0;
  if (n <= 2) {
    for (let i = <i32>n - 1; i >= 0; i--) top = (top << 32) | <u64>load<u32>(limbs + (<usize>i << 2));
  } else {
    // the three most significant limbs hold at least 65 bits: keep the top 64
    const hi = <u64>load<u32>(limbs + (<usize>(n - 1) << 2));
    const mid = <u64>load<u32>(limbs + (<usize>(n - 2) << 2));
    const lo = <u64>load<u32>(limbs + (<usize>(n - 3) << 2));
    const z = <i32>clz<u64>(hi) - 32; // leading zeros within the top limb
    top = (hi << <u64>(32 + z)) | (mid << <u64>z) | (z == 0 ? 0 : lo >> <u64>(32 - z));
    sticky = (lo & ((<u64>1 << <u64>(32 - z)) - 1)) != 0;
    for (let i: u32 = 0; i + 3 < n && !sticky; i++) sticky = load<u32>(limbs + (<usize>i << 2)) != 0;
    shift = <i32>(n - 2) * 32 - z;
  }
  let f: f64;
  const lz = <i32>clz<u64>(top);
  if (64 - lz <= 53) {
    f = <f64>top;
  } else {
    const drop = 64 - lz - 53;
    let m = top >> <u64>drop;
    const rest = top & ((<u64>1 << <u64>drop) - 1);
    const half = <u64>1 << <u64>(drop - 1);
    if (rest > half || (rest == half && (sticky || (m & 1) != 0))) m++;
    f = <f64>m * Math.pow(2, <f64>drop);
  }
  f = f * Math.pow(2, <f64>shift);
  return bigNeg(v) ? -f : f;
}
@inline export function strLen(v: usize): u32 { return load<u32>(v, 4); }
@inline export function strBytes(v: usize): usize { return v + 8; }
/** Length of an array, object or set. */
@inline export function len(v: usize): u32 { return load<u32>(v, 4); }
@inline export function arrayGet(v: usize, i: u32): usize { return load<u32>(load<u32>(v, 12) + (i << 2)); }
@inline export function setGet(v: usize, i: u32): usize { return load<u32>(load<u32>(v, 12) + (i << 2)); }
@inline export function objectKeyAt(v: usize, i: u32): usize { return load<u32>(load<u32>(v, 12) + (i << 3)); }
@inline export function objectValueAt(v: usize, i: u32): usize { return load<u32>(load<u32>(v, 12) + (i << 3) + 4); }

// ---- scalars -----------------------------------------------------------------

// Singletons are allocated once by `valuesInit` (called from the start function) so
// they sit below the heap base the host records and survive heap resets.
let NULL_V: usize = 0;
let TRUE_V: usize = 0;
let FALSE_V: usize = 0;
// Ints 0 .. SMALL_INTS-1, shared (values are immutable): array indices from
// iteration and small numbers in documents cost no allocation.
const SMALL_INTS: u32 = 256;
let SMALL_INT_V: usize = 0;

export function valuesInit(): void {
  NULL_V = alloc(8); store<u8>(NULL_V, T_NULL);
  TRUE_V = alloc(8); store<u8>(TRUE_V, T_BOOL); store<u8>(TRUE_V, 1, 1);
  FALSE_V = alloc(8); store<u8>(FALSE_V, T_BOOL); store<u8>(FALSE_V, 0, 1);
  SMALL_INT_V = alloc(<usize>SMALL_INTS << 4);
  for (let i: u32 = 0; i < SMALL_INTS; i++) {
    const v = SMALL_INT_V + (<usize>i << 4);
    store<u64>(v, 0);
    store<u8>(v, T_INT);
    store<i64>(v, <i64>i, 8);
  }
}

@inline export function newNull(): usize { return NULL_V; }
@inline export function newBool(b: bool): usize { return b ? TRUE_V : FALSE_V; }

export function newInt(i: i64): usize {
  if (<u64>i < <u64>SMALL_INTS && SMALL_INT_V != 0) return SMALL_INT_V + (<usize>i << 4);
  const v = alloc(16);
  store<u8>(v, T_INT);
  store<i64>(v, i, 8);
  return v;
}

export function newFloat(f: f64): usize {
  const v = alloc(16);
  store<u8>(v, T_FLOAT);
  store<f64>(v, f, 8);
  return v;
}

/** A big integer of `n` limbs (sign positive) to be filled by the caller at bigLimbs(v). */
export function newBigUninit(n: u32): usize {
  const v = alloc(allocSize(8 + (<u64>n << 2)));
  store<u64>(v, 0);
  store<u8>(v, T_BIG);
  store<u32>(v, n, 4);
  return v;
}

/** A number kept as written: the `n` bytes of its text at `bytes`. */
export function newNumText(bytes: usize, n: u32): usize {
  const v = newString(bytes, n);
  store<u8>(v, T_NUMTEXT);
  return v;
}

/** A string value holding a copy of `n` bytes at `bytes`. */
export function newString(bytes: usize, n: u32): usize {
  const v = alloc(allocSize(8 + <u64>n));
  store<u8>(v, T_STRING);
  store<u32>(v, n, 4);
  memory.copy(v + 8, bytes, n);
  return v;
}

/**
 * A string value of `n` bytes to be filled by the caller at strBytes(v). `n` is
 * 64-bit so that callers adding up lengths cannot wrap: too long is out of memory.
 */
export function newStringUninit(n: u64): usize {
  const v = alloc(allocSize(8 + n));
  store<u8>(v, T_STRING);
  store<u32>(v, <u32>n, 4);
  return v;
}

// ---- collections ---------------------------------------------------------------

function newCollection(t: u8, cap: u32, slotSize: u32): usize {
  const v = alloc(16);
  if (cap < 2) cap = 2;
  store<u8>(v, t);
  store<u32>(v, 0, 4);
  store<u32>(v, cap, 8);
  store<u32>(v, alloc(allocSize(<u64>cap * slotSize)), 12);
  return v;
}

export function newArray(cap: u32): usize { return newCollection(T_ARRAY, cap, 4); }
export function newObject(cap: u32): usize { return newCollection(T_OBJECT, cap, 8); }
export function newSet(cap: u32): usize { return newCollection(T_SET, cap, 4); }

/** Makes room for one more slot of `slotSize` bytes; returns the slots' address. */
export function reserve(v: usize, slotSize: u32): usize {
  const n = load<u32>(v, 4);
  const cap = load<u32>(v, 8);
  let slots = <usize>load<u32>(v, 12);
  if (n == cap) {
    const ncap = <u32>min<u64>(<u64>cap * 2, 0xffff_ffff);
    const fresh = alloc(allocSize(<u64>ncap * slotSize));
    memory.copy(fresh, slots, <usize>n * slotSize);
    slots = fresh;
    store<u32>(v, ncap, 8);
    store<u32>(v, <u32>slots, 12);
  }
  return slots;
}

export function arrayPush(a: usize, x: usize): void {
  const slots = reserve(a, 4);
  const n = load<u32>(a, 4);
  store<u32>(slots + (<usize>n << 2), <u32>x);
  store<u32>(a, n + 1, 4);
}
