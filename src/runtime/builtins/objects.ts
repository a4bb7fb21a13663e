// object.* builtins, as OPA's topdown/object.go. Results are fresh objects; operands
// are never modified (nested values are shared, which is safe as values are immutable).
import {
  T_ARRAY, T_OBJECT, T_SET, tag, len, arrayGet, setGet, objectKeyAt, objectValueAt,
  newObject, newSet, newBool,
} from '../value';
import { objectGet, objectInsert, setFind, setAdd, get } from '../collections';
import { compare, equal } from '../compare';
import { setError, ERR_TYPE } from '../error';
import { typeError, elementTypeError, operandError, typeName } from './args';

/**
 * object.get(object, key, default): object[key], or default when absent. An array key
 * is a path into nested objects, arrays and sets ([] is the object itself).
 */
export function b_object_get(obj: usize, key: usize, dflt: usize): usize {
  if (tag(obj) != T_OBJECT) return typeError('object.get', 1, 'object', obj);
  if (tag(key) != T_ARRAY) {
    const v = objectGet(obj, key);
    return v != 0 ? v : dflt;
  }
  let cur = obj;
  const n = len(key);
  for (let i: u32 = 0; i < n; i++) {
    cur = get(cur, arrayGet(key, i)); // 0 for a missing key or a scalar
    if (cur == 0) return dflt;
  }
  return cur;
}

/** object.keys(object): the set of its keys. */
export function b_object_keys(obj: usize): usize {
  if (tag(obj) != T_OBJECT) return typeError('object.keys', 1, 'object', obj);
  const n = len(obj);
  const out = newSet(n);
  for (let i: u32 = 0; i < n; i++) setAdd(out, objectKeyAt(obj, i)); // in order: O(1) appends
  return out;
}

/**
 * object.union(a, b): a merged with b; for keys in both, two objects merge
 * recursively and otherwise b's value wins.
 */
export function b_object_union(a: usize, b: usize): usize {
  if (tag(a) != T_OBJECT) return typeError('object.union', 1, 'object', a);
  if (tag(b) != T_OBJECT) return typeError('object.union', 2, 'object', b);
  return union(a, b);
}

function union(a: usize, b: usize): usize {
  const na = len(a), nb = len(b);
  const out = newObject(na + nb);
  // Both key lists are sorted: merge them.
  let i: u32 = 0, j: u32 = 0;
  while (i < na || j < nb) {
    const c = i >= na ? 1 : j >= nb ? -1 : compare(objectKeyAt(a, i), objectKeyAt(b, j));
    if (c < 0) {
      objectInsert(out, objectKeyAt(a, i), objectValueAt(a, i));
      i++;
    } else if (c > 0) {
      objectInsert(out, objectKeyAt(b, j), objectValueAt(b, j));
      j++;
    } else {
      const va = objectValueAt(a, i), vb = objectValueAt(b, j);
      const merged = tag(va) == T_OBJECT && tag(vb) == T_OBJECT ? union(va, vb) : vb;
      objectInsert(out, objectKeyAt(b, j), merged);
      i++;
      j++;
    }
  }
  return out;
}

/** object.union_n(objects): the union of an array of objects, left to right. */
export function b_object_union_n(arr: usize): usize {
  const fn = 'object.union_n';
  if (tag(arr) != T_ARRAY) return typeError(fn, 1, 'array', arr);
  const n = len(arr);
  // OPA checks the elements back to front: report the last non-object.
  for (let i = <i32>n - 1; i >= 0; i--) {
    const o = arrayGet(arr, <u32>i);
    if (tag(o) != T_OBJECT) return elementTypeError(fn, 1, arr, o, 'object');
  }
  let acc = newObject(0);
  for (let i: u32 = 0; i < n; i++) acc = union(acc, arrayGet(arr, i));
  return acc;
}

// The keys operand of object.remove / object.filter: an array, set or object (its keys).
// Returns a set of the keys, or 0 after recording the type error.
function keySet(fn: string, keys: usize): usize {
  const t = tag(keys);
  if (t == T_SET) return keys;
  if (t != T_ARRAY && t != T_OBJECT) {
    return operandError(fn, 2, 'must be one of {object, set, array} but got ' + typeName(keys));
  }
  const n = len(keys);
  const out = newSet(n);
  for (let i: u32 = 0; i < n; i++) setAdd(out, t == T_ARRAY ? arrayGet(keys, i) : objectKeyAt(keys, i));
  return out;
}

/** object.remove(object, keys): the object without the given keys. */
export function b_object_remove(obj: usize, keys: usize): usize {
  const fn = 'object.remove';
  if (tag(obj) != T_OBJECT) return typeError(fn, 1, 'object', obj);
  const drop = keySet(fn, keys);
  if (drop == 0) return 0;
  const n = len(obj);
  const out = newObject(n);
  for (let i: u32 = 0; i < n; i++) {
    const k = objectKeyAt(obj, i);
    if (setFind(drop, k) < 0) objectInsert(out, k, objectValueAt(obj, i));
  }
  return out;
}

/** object.filter(object, keys): the object with only the given keys. */
export function b_object_filter(obj: usize, keys: usize): usize {
  const fn = 'object.filter';
  if (tag(obj) != T_OBJECT) return typeError(fn, 1, 'object', obj);
  const keep = keySet(fn, keys);
  if (keep == 0) return 0;
  const n = len(obj);
  const out = newObject(len(keep));
  for (let i: u32 = 0; i < n; i++) {
    const k = objectKeyAt(obj, i);
    if (setFind(keep, k) >= 0) objectInsert(out, k, objectValueAt(obj, i));
  }
  return out;
}

/**
 * object.subset(super, sub): objects: every key of sub is in super with an equal value
 * (objects compared recursively the same way); sets: set inclusion; arrays: sub is a
 * contiguous run of super; an array and a set: every element of the set is in the array.
 */
export function b_object_subset(sup: usize, sub: usize): usize {
  const fn = 'object.subset';
  const ts = tag(sup), tb = tag(sub);
  if (ts != T_OBJECT && ts != T_SET && ts != T_ARRAY) {
    return operandError(fn, 1, 'must be one of {object, set, array} but got ' + typeName(sup));
  }
  if (tb != T_OBJECT && tb != T_SET && tb != T_ARRAY) {
    return operandError(fn, 2, 'must be one of {object, set, array} but got ' + typeName(sub));
  }
  if (ts == T_OBJECT && tb == T_OBJECT) return newBool(objectIsSubset(sup, sub));
  if (ts == T_SET && tb == T_SET) return newBool(setIsSubset(sup, sub));
  if (ts == T_ARRAY && tb == T_SET) return newBool(arrayHasAll(sup, sub));
  if (ts == T_ARRAY && tb == T_ARRAY) return newBool(arrayIsSubarray(sup, sub));
  // Unrelated kinds (an eval_type_error, as OPA's ErrOperand).
  return setError(ERR_TYPE, fn + ': both arguments to object.subset must be of the same type or array and set');
}

function objectIsSubset(sup: usize, sub: usize): bool {
  const n = len(sub);
  for (let i: u32 = 0; i < n; i++) {
    const sv = objectGet(sup, objectKeyAt(sub, i));
    if (sv == 0) return false;
    const v = objectValueAt(sub, i);
    if (equal(sv, v)) continue;
    // Unequal values of the same kind of collection are compared the subset way
    // (arrays as a contiguous run, sets by inclusion), as OPA's objectSubset.
    const ts = tag(sv), tv = tag(v);
    if (ts != tv) return false;
    if (ts == T_OBJECT) { if (!objectIsSubset(sv, v)) return false; }
    else if (ts == T_SET) { if (!setIsSubset(sv, v)) return false; }
    else if (ts == T_ARRAY) { if (!arrayIsSubarray(sv, v)) return false; }
    else return false;
  }
  return true;
}

function setIsSubset(sup: usize, sub: usize): bool {
  const n = len(sub);
  for (let i: u32 = 0; i < n; i++) if (setFind(sup, setGet(sub, i)) < 0) return false;
  return true;
}

// OPA's arraySetIsSubset, quirks included: it counts the array's elements found in the
// set (duplicates count twice) and answers on the first element that brings the count
// of unmatched set elements to zero, so an empty array is never a superset.
function arrayHasAll(sup: usize, sub: usize): bool {
  let unmatched = <i32>len(sub);
  const m = len(sup);
  for (let j: u32 = 0; j < m; j++) {
    if (setFind(sub, arrayGet(sup, j)) >= 0) unmatched--;
    if (unmatched == 0) return true;
  }
  return false;
}

// Whether sub occurs as a contiguous run in sup (OPA's naive search).
function arrayIsSubarray(sup: usize, sub: usize): bool {
  const n = len(sub), m = len(sup);
  if (n > m) return false;
  for (let start: u32 = 0; start + n <= m; start++) {
    let k: u32 = 0;
    while (k < n && equal(arrayGet(sup, start + k), arrayGet(sub, k))) k++;
    if (k == n) return true;
  }
  return false;
}
