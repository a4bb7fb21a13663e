// Lookups in and insertion into sorted objects and sets, and generic access to
// collections by key and by position. Objects and sets are always sorted and
// free of duplicates (see README.md).
import {
  T_INT, T_FLOAT, T_STRING, T_ARRAY, T_OBJECT, T_SET,
  tag, len, intValue, floatValue, arrayGet, setGet, objectKeyAt, objectValueAt,
  reserve, newInt, newSet,
} from './value';
import { alloc } from './alloc';
import { compare, compareBytes } from './compare';

// Rego's order on keys, with an inline fast path for two strings (nearly all
// object keys): bytewise, most pairs decided by their first byte.
// @ts-ignore: decorator
@inline export function keyCompare(a: usize, b: usize): i32 {
  if (load<u8>(a) == T_STRING && load<u8>(b) == T_STRING) {
    const na = load<u32>(a, 4), nb = load<u32>(b, 4);
    if (na != 0 && nb != 0) {
      const x = load<u8>(a, 8), y = load<u8>(b, 8);
      if (x != y) return x < y ? -1 : 1;
    }
    return compareBytes(a + 8, na, b + 8, nb);
  }
  return compare(a, b);
}

/** Index of `key` among the object's keys, or -(insertion point) - 1. */
export function objectFind(o: usize, key: usize): i32 {
  const slots = <usize>load<u32>(o, 12);
  let lo: i32 = 0, hi: i32 = <i32>len(o) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = keyCompare(<usize>load<u32>(slots + (<usize>mid << 3)), key);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

export function setFind(s: usize, x: usize): i32 {
  const slots = <usize>load<u32>(s, 12);
  let lo: i32 = 0, hi: i32 = <i32>len(s) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = keyCompare(<usize>load<u32>(slots + (<usize>mid << 2)), x);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

// As objectFind/setFind, but first tries the end: collections built in order
// append in O(1).
function objectFindForInsert(o: usize, key: usize): i32 {
  const n = len(o);
  if (n > 0) {
    const c = keyCompare(objectKeyAt(o, n - 1), key);
    if (c < 0) return -(<i32>n) - 1;
    if (c == 0) return <i32>n - 1;
  }
  return objectFind(o, key);
}

function setFindForInsert(s: usize, x: usize): i32 {
  const n = len(s);
  if (n > 0) {
    const c = keyCompare(setGet(s, n - 1), x);
    if (c < 0) return -(<i32>n) - 1;
    if (c == 0) return <i32>n - 1;
  }
  return setFind(s, x);
}

/** The value under `key`, or 0. */
export function objectGet(o: usize, key: usize): usize {
  const i = objectFind(o, key);
  return i >= 0 ? objectValueAt(o, <u32>i) : 0;
}

/**
 * `o[key]` for a string `key` known when the policy was compiled (`c.securityContext`),
 * at one site of the generated code. `hint` is that site's slot in static data: the index
 * where the key was found last time. Objects of one shape (containers, reviews) hold a key
 * at the same index, so most lookups are one comparison of equal strings instead of a
 * binary search. Only a hint: a key that differs there falls back to the search.
 */
export function objectGetAt(o: usize, key: usize, hint: usize): usize {
  const h = load<u32>(hint);
  if (h < len(o)) {
    const k = objectKeyAt(o, h);
    if (k == key || sameString(k, key)) return objectValueAt(o, h);
  }
  const i = objectFind(o, key);
  if (i < 0) return 0;
  store<u32>(hint, <u32>i);
  return objectValueAt(o, <u32>i);
}

/** Whether `a` is a string with the bytes of string `b` (inline: most keys differ in length or first word). */
// @ts-ignore: decorator
@inline function sameString(a: usize, b: usize): bool {
  if (load<u8>(a) != T_STRING) return false;
  const n = load<u32>(a, 4);
  if (n != load<u32>(b, 4)) return false;
  let i: usize = 0;
  for (; i + 8 <= <usize>n; i += 8) {
    if (load<u64>(a + 8 + i) != load<u64>(b + 8 + i)) return false;
  }
  for (; i < <usize>n; i++) {
    if (load<u8>(a + 8 + i) != load<u8>(b + 8 + i)) return false;
  }
  return true;
}

/** Inserts or replaces `key`. Only for objects the caller is still building. */
export function objectInsert(o: usize, key: usize, value: usize): void {
  const i = objectFindForInsert(o, key);
  if (i >= 0) {
    store<u32>(<usize>load<u32>(o, 12) + (<usize>i << 3) + 4, <u32>value);
    return;
  }
  const at = <u32>(-i - 1);
  const slots = reserve(o, 8);
  const n = len(o);
  if (at < n) memory.copy(slots + ((<usize>at + 1) << 3), slots + (<usize>at << 3), <usize>(n - at) << 3);
  store<u32>(slots + (<usize>at << 3), <u32>key);
  store<u32>(slots + (<usize>at << 3) + 4, <u32>value);
  store<u32>(o, n + 1, 4);
}

/** Adds `x` unless present. Only for sets the caller is still building. */
export function setAdd(s: usize, x: usize): void {
  const i = setFindForInsert(s, x);
  if (i >= 0) return;
  const at = <u32>(-i - 1);
  const slots = reserve(s, 4);
  const n = len(s);
  if (at < n) memory.copy(slots + ((<usize>at + 1) << 2), slots + (<usize>at << 2), <usize>(n - at) << 2);
  store<u32>(slots + (<usize>at << 2), <u32>x);
  store<u32>(s, n + 1, 4);
}

/**
 * A set of an array's elements, as many setAdd calls in array order would make it
 * (the first of equal elements kept), in O(n log n): setAdd out of order moves every
 * element after the insertion point, quadratic for a large set built out of order.
 */
export function setFromArray(a: usize): usize {
  const n = len(a);
  const elems = alloc(<usize>n << 2);
  for (let i: u32 = 0; i < n; i++) store<u32>(elems + (<usize>i << 2), <u32>arrayGet(a, i));
  sortAddresses(elems, alloc(<usize>n << 2), 0, n);
  const s = newSet(n);
  const slots = <usize>load<u32>(s, 12);
  let m: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const x = <usize>load<u32>(elems + (<usize>i << 2));
    // Sorted, so a duplicate follows its first, already kept.
    if (m > 0 && keyCompare(<usize>load<u32>(slots + ((<usize>m - 1) << 2)), x) == 0) continue;
    store<u32>(slots + (<usize>m << 2), <u32>x);
    m++;
  }
  store<u32>(s, m, 4);
  return s;
}

/** Sorts the value addresses v[lo..hi) by Rego's order, stably, using tmp as scratch. */
function sortAddresses(v: usize, tmp: usize, lo: u32, hi: u32): void {
  if (hi - lo < 2) return;
  const mid = lo + ((hi - lo) >> 1);
  sortAddresses(v, tmp, lo, mid);
  sortAddresses(v, tmp, mid, hi);
  if (keyCompare(<usize>load<u32>(v + ((<usize>mid - 1) << 2)), <usize>load<u32>(v + (<usize>mid << 2))) <= 0) return;
  let i = lo, j = mid;
  for (let k = lo; k < hi; k++) {
    // from the right run only when strictly smaller: equal elements keep their order
    const takeRight = i >= mid || (j < hi && keyCompare(<usize>load<u32>(v + (<usize>j << 2)), <usize>load<u32>(v + (<usize>i << 2))) < 0);
    if (takeRight) { store<u32>(tmp + (<usize>k << 2), load<u32>(v + (<usize>j << 2))); j++; }
    else { store<u32>(tmp + (<usize>k << 2), load<u32>(v + (<usize>i << 2))); i++; }
  }
  memory.copy(v + (<usize>lo << 2), tmp + (<usize>lo << 2), <usize>(hi - lo) << 2);
}

/** The array index a key denotes: an int, or a float with an integral value; else -1. */
export function arrayIndex(key: usize): i64 {
  const t = tag(key);
  if (t == T_INT) return intValue(key);
  if (t == T_FLOAT) {
    const f = floatValue(key);
    if (f == Math.trunc(f) && f >= 0 && f < 4294967296.0) return <i64>f;
  }
  return -1;
}

/** `coll[key]` as Rego's reference semantics: 0 (undefined) when absent or not a collection. */
export function get(coll: usize, key: usize): usize {
  const t = tag(coll);
  if (t == T_OBJECT) return objectGet(coll, key);
  if (t == T_ARRAY) {
    const i = arrayIndex(key);
    if (i < 0 || i >= <i64>len(coll)) return 0;
    return arrayGet(coll, <u32>i);
  }
  if (t == T_SET) {
    const i = setFind(coll, key);
    return i >= 0 ? setGet(coll, <u32>i) : 0;
  }
  return 0;
}

/** Number of elements of a collection; 0 for scalars. */
export function collectionLen(coll: usize): u32 {
  const t = tag(coll);
  return t == T_ARRAY || t == T_OBJECT || t == T_SET ? len(coll) : 0;
}

/** The i-th key in iteration order: array index, object key, set element. */
export function iterKey(coll: usize, i: u32): usize {
  const t = tag(coll);
  if (t == T_OBJECT) return objectKeyAt(coll, i);
  if (t == T_SET) return setGet(coll, i);
  return newInt(<i64>i);
}

/** The i-th value in iteration order: array element, object value, set element. */
export function iterValue(coll: usize, i: u32): usize {
  const t = tag(coll);
  if (t == T_OBJECT) return objectValueAt(coll, i);
  if (t == T_SET) return setGet(coll, i);
  return arrayGet(coll, i);
}
