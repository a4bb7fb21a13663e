// Aggregates: count, sum, product, max, min, sort.
import {
  T_INT, T_STRING, T_ARRAY, T_OBJECT, T_SET,
  tag, len, isNumber, intValue, numberAsF64, strLen, strBytes, arrayGet, setGet,
  newInt, newArray, arrayPush,
} from '../value';
import { compare } from '../compare';
import { alloc } from '../alloc';
import { iterValue } from '../collections';
import { typeError, elementTypeError } from './args';
import { numberFromF64, addOverflows, mulOverflows } from './numeric';
import { isInteger, bigAdd, bigMul } from '../bigint';
import { runeCount } from './utf8';

export function b_count(a: usize): usize {
  const t = tag(a);
  if (t == T_ARRAY || t == T_OBJECT || t == T_SET) return newInt(<i64>len(a));
  if (t == T_STRING) return newInt(<i64>runeCount(strBytes(a), strLen(a)));
  return typeError('count', 1, 'one of {array, object, set, string}', a);
}

@inline function isArrayOrSet(a: usize): bool {
  const t = tag(a);
  return t == T_ARRAY || t == T_SET;
}

const FOLD_INT: i32 = 0;   // accumulating in i64
const FOLD_BIG: i32 = 1;   // an exact integer value (after an i64 overflow or a big element)
const FOLD_FLOAT: i32 = 2; // f64, after the first float

/**
 * Folds the numbers of an array or set with + (product: ×), exactly while the
 * elements are integers (in i64, then as a big integer) and in f64 after a float,
 * as the plus/mul builtins do.
 */
function fold(fn: string, a: usize, product: bool): usize {
  if (!isArrayOrSet(a)) return typeError(fn, 1, 'one of {set, array}', a);
  const n = len(a);
  let mode = FOLD_INT;
  let acc: i64 = product ? 1 : 0;
  let vacc: usize = 0;
  let facc: f64 = product ? 1 : 0;
  for (let i: u32 = 0; i < n; i++) {
    const x = iterValue(a, i);
    if (!isNumber(x)) return elementTypeError(fn, 1, a, x, 'number');
    if (mode == FOLD_INT && tag(x) == T_INT) {
      const y = intValue(x);
      const r = product ? acc * y : acc + y;
      if (!(product ? mulOverflows(acc, y, r) : addOverflows(acc, y, r))) { acc = r; continue; }
    }
    if (mode == FOLD_INT && isInteger(x)) { vacc = newInt(acc); mode = FOLD_BIG; }
    if (mode == FOLD_BIG && isInteger(x)) {
      vacc = product ? bigMul(vacc, x) : bigAdd(vacc, x, false);
      continue;
    }
    if (mode != FOLD_FLOAT) { facc = mode == FOLD_INT ? <f64>acc : numberAsF64(vacc); mode = FOLD_FLOAT; }
    facc = product ? facc * numberAsF64(x) : facc + numberAsF64(x);
  }
  return mode == FOLD_INT ? newInt(acc) : mode == FOLD_BIG ? vacc : numberFromF64(facc);
}

export function b_sum(a: usize): usize { return fold('sum', a, false); }
export function b_product(a: usize): usize { return fold('product', a, true); }

/** The greatest (sign 1) or least (sign -1) element by Rego's order; undefined if empty. */
function extreme(fn: string, a: usize, sign: i32): usize {
  if (!isArrayOrSet(a)) return typeError(fn, 1, 'one of {set, array}', a);
  const n = len(a);
  if (n == 0) return 0;
  if (tag(a) == T_SET) return setGet(a, sign > 0 ? n - 1 : 0);
  let best = arrayGet(a, 0);
  for (let i: u32 = 1; i < n; i++) {
    const x = arrayGet(a, i);
    if (compare(x, best) * sign > 0) best = x;
  }
  return best;
}

export function b_max(a: usize): usize { return extreme('max', a, 1); }
export function b_min(a: usize): usize { return extreme('min', a, -1); }

export function b_sort(a: usize): usize {
  const t = tag(a);
  if (t == T_SET) {
    // already in order
    const n = len(a);
    const out = newArray(n);
    for (let i: u32 = 0; i < n; i++) arrayPush(out, setGet(a, i));
    return out;
  }
  if (t != T_ARRAY) return typeError('sort', 1, 'one of {set, array}', a);
  return sortedCopy(a);
}

/** A sorted copy of an array (stable merge sort of the element addresses). */
function sortedCopy(a: usize): usize {
  const n = len(a);
  const elems = alloc(<usize>n << 2);
  for (let i: u32 = 0; i < n; i++) store<u32>(elems + (<usize>i << 2), <u32>arrayGet(a, i));
  mergeSort(elems, alloc(<usize>n << 2), 0, n);
  const out = newArray(n);
  for (let i: u32 = 0; i < n; i++) arrayPush(out, <usize>load<u32>(elems + (<usize>i << 2)));
  return out;
}

@inline function slot(v: usize, i: u32): usize { return v + (<usize>i << 2); }

/** Sorts the u32 value addresses v[lo..hi) by Rego's order, stably, using tmp as scratch. */
function mergeSort(v: usize, tmp: usize, lo: u32, hi: u32): void {
  if (hi - lo < 2) return;
  const mid = lo + ((hi - lo) >> 1);
  mergeSort(v, tmp, lo, mid);
  mergeSort(v, tmp, mid, hi);
  if (compare(load<u32>(slot(v, mid - 1)), load<u32>(slot(v, mid))) <= 0) return;
  let i = lo, j = mid;
  for (let k = lo; k < hi; k++) {
    // take from the right run only when strictly smaller (stability)
    const takeRight = i >= mid || (j < hi && compare(load<u32>(slot(v, j)), load<u32>(slot(v, i))) < 0);
    if (takeRight) { store<u32>(slot(tmp, k), load<u32>(slot(v, j))); j++; }
    else { store<u32>(slot(tmp, k), load<u32>(slot(v, i))); i++; }
  }
  memory.copy(slot(v, lo), slot(tmp, lo), <usize>(hi - lo) << 2);
}
