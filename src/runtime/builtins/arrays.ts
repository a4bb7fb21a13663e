// array.* builtins, as OPA's topdown/array.go. Results are fresh arrays sharing the
// (immutable) elements of the operands.
import { T_ARRAY, T_FLOAT, tag, len, arrayGet, newArray, arrayPush, floatValue } from '../value';
import { typeError, intOperand, intArg, operandError } from './args';

/** array.concat(a, b) */
export function b_array_concat(a: usize, b: usize): usize {
  if (tag(a) != T_ARRAY) return typeError('array.concat', 1, 'array', a);
  if (tag(b) != T_ARRAY) return typeError('array.concat', 2, 'array', b);
  const na = len(a), nb = len(b);
  const out = newArray(na + nb);
  for (let i: u32 = 0; i < na; i++) arrayPush(out, arrayGet(a, i));
  for (let i: u32 = 0; i < nb; i++) arrayPush(out, arrayGet(b, i));
  return out;
}

/**
 * array.slice(arr, start, stop): arr[start:stop] with both ends clamped as OPA does:
 * stop to [0, len], then start to [0, stop] (so a reversed range is empty).
 */
export function b_array_slice(arr: usize, start: usize, stop: usize): usize {
  const fn = 'array.slice';
  if (tag(arr) != T_ARRAY) return typeError(fn, 1, 'array', arr);
  if (!indexOperand(fn, 2, start)) return 0;
  let from = INDEX;
  if (!indexOperand(fn, 3, stop)) return 0;
  let to = INDEX;
  const n = <i64>len(arr);
  if (to < 0) to = 0;
  else if (to > n) to = n;
  if (from < 0) from = 0;
  else if (from > to) from = to;
  const out = newArray(<u32>(to - from));
  for (let i = from; i < to; i++) arrayPush(out, arrayGet(arr, <u32>i));
  return out;
}

// The index read by the last successful indexOperand.
let INDEX: i64 = 0;

// OPA's IntOperand, also taking floats with an integral value (2.0): the runtime may
// hold a computed integer as a float where OPA would have an exact integer.
function indexOperand(fn: string, operand: i32, v: usize): bool {
  if (tag(v) == T_FLOAT) {
    const f = floatValue(v);
    if (f == Math.trunc(f) && Math.abs(f) < 9.2e18) {
      INDEX = <i64>f;
      return true;
    }
    operandError(fn, operand, 'must be integer number but got floating-point number');
    return false;
  }
  if (!intOperand(fn, operand, v)) return false;
  INDEX = intArg;
  return true;
}

/** array.reverse(arr) */
export function b_array_reverse(arr: usize): usize {
  if (tag(arr) != T_ARRAY) return typeError('array.reverse', 1, 'array', arr);
  const n = len(arr);
  const out = newArray(n);
  for (let i = <i32>n - 1; i >= 0; i--) arrayPush(out, arrayGet(arr, <u32>i));
  return out;
}

/** array.flatten(arr): one level of nested arrays spliced in; other elements kept. */
export function b_array_flatten(arr: usize): usize {
  if (tag(arr) != T_ARRAY) return typeError('array.flatten', 1, 'array', arr);
  const n = len(arr);
  const out = newArray(n);
  for (let i: u32 = 0; i < n; i++) {
    const e = arrayGet(arr, i);
    if (tag(e) == T_ARRAY) {
      const m = len(e);
      for (let j: u32 = 0; j < m; j++) arrayPush(out, arrayGet(e, j));
    } else {
      arrayPush(out, e);
    }
  }
  return out;
}
