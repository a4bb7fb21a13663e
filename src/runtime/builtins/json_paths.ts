// json.remove, json.filter and json.patch: documents edited at paths, as OPA's
// topdown/json.go. Results are fresh collections along the edited paths; everything
// else is shared with the operands (values are immutable).
//
// A path is a string "a/b/c" (leading slashes dropped, each part unescaped as a JSON
// pointer: ~1 is '/', ~0 is '~'; "" is the document itself) or an array of segments
// (any values: a set element is its own key). json.remove and json.filter address an
// array element by its index written in decimal, so a path given as segments reaches
// into arrays only through strings ("0"), as in OPA; json.patch takes an integer too.
import {
  T_NULL, T_INT, T_STRING, T_ARRAY, T_OBJECT, T_SET,
  tag, len, intValue, strBytes, strLen, arrayGet, setGet, objectKeyAt, objectValueAt,
  newNull, newArray, newObject, newSet, arrayPush, newString, newStringUninit,
} from '../value';
import { objectFind, objectGet, objectInsert, setFind, setAdd, setFromArray } from '../collections';
import { equal } from '../compare';
import { typeError, operandError, typeName } from './args';

// ---- paths ------------------------------------------------------------------------------

/**
 * One element of a paths operand as an array of segments, or 0 after recording OPA's
 * error (which names operand 2 whatever the builtin: json.patch parses its "path" and
 * "from" attributes with the same function).
 */
function parsePath(fn: string, p: usize): usize {
  const t = tag(p);
  if (t == T_ARRAY) return p;
  if (t != T_STRING) {
    return operandError(fn, 2, 'must be one of {set, array} containing string paths or array of path segments but got ' + typeName(p));
  }
  const n = strLen(p);
  const s = strBytes(p);
  const out = newArray(4);
  if (n == 0) return out;
  let i: u32 = 0;
  while (i < n && load<u8>(s + i) == 0x2f) i++;
  // Split what is left on '/': k parts for k-1 slashes, empty parts included.
  let start = i;
  for (; ; i++) {
    if (i == n || load<u8>(s + i) == 0x2f) {
      arrayPush(out, unescapePart(s + start, i - start));
      if (i == n) break;
      start = i + 1;
    }
  }
  return out;
}

// A JSON pointer part with ~1 as '/' and ~0 as '~'. One left-to-right pass gives what
// OPA's two replacements in that order give (a '/' made from ~1 never forms a ~0).
function unescapePart(p: usize, n: u32): usize {
  let escapes: u32 = 0;
  for (let i: u32 = 0; i + 1 < n; i++) {
    const c = load<u8>(p + i + 1);
    if (load<u8>(p + i) == 0x7e && (c == 0x30 || c == 0x31)) { escapes++; i++; }
  }
  if (escapes == 0) return newString(p, n);
  const v = newStringUninit(<u64>(n - escapes));
  let o = strBytes(v);
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + i);
    const d: u8 = i + 1 < n ? load<u8>(p + i + 1) : 0;
    if (c == 0x7e && (d == 0x30 || d == 0x31)) {
      store<u8>(o++, d == 0x31 ? 0x2f : 0x7e);
      i++;
    } else {
      store<u8>(o++, c);
    }
  }
  return v;
}

/**
 * The paths operand (a set or an array of paths) as a tree of objects keyed by segment
 * whose leaves are null: {"a/b", "a/c"} is {"a": {"b": null, "c": null}}. A path ending
 * where another continues wins over it ("a" removes or keeps all of "a/b"). 0 after an
 * error.
 */
function pathTree(fn: string, paths: usize): usize {
  const t = tag(paths);
  if (t != T_SET && t != T_ARRAY) {
    return operandError(fn, 2, 'must be one of {set, array} but got ' + typeName(paths));
  }
  const n = len(paths);
  const root = newObject(n);
  for (let i: u32 = 0; i < n; i++) {
    const path = parsePath(fn, t == T_SET ? setGet(paths, i) : arrayGet(paths, i));
    if (path == 0) return 0;
    const m = len(path);
    if (m == 0) continue; // the empty path selects nothing in OPA's tree
    let node = root;
    let covered = false;
    for (let j: u32 = 0; j + 1 < m; j++) {
      const k = arrayGet(path, j);
      const child = objectGet(node, k);
      if (child == 0) {
        const fresh = newObject(2);
        objectInsert(node, k, fresh); // node is ours, still being built
        node = fresh;
      } else if (tag(child) == T_NULL) {
        covered = true; // a shorter path already ends here
        break;
      } else {
        node = child;
      }
    }
    if (!covered) objectInsert(node, arrayGet(path, m - 1), newNull());
  }
  return root;
}

// The tree node for array index i (keys are the indexes' decimal strings), or 0.
function indexChild(tree: usize, i: u32): usize {
  let digits: u32 = 1;
  for (let x = i; x >= 10; x /= 10) digits++;
  const key = newStringUninit(digits);
  let x = i;
  for (let d = <i32>digits - 1; d >= 0; d--) {
    store<u8>(strBytes(key) + <usize>d, <u8>(0x30 + x % 10));
    x /= 10;
  }
  return objectGet(tree, key);
}

// ---- json.remove --------------------------------------------------------------------------

/** json.remove(object, paths): the object without the values at the paths. */
export function b_json_remove(obj: usize, paths: usize): usize {
  const fn = 'json.remove';
  if (tag(obj) != T_OBJECT) return typeError(fn, 1, 'object', obj);
  const tree = pathTree(fn, paths);
  if (tree == 0) return 0;
  return without(obj, tree);
}

// x without what `tree` marks (a null leaf drops the value: returns 0); array elements
// after a dropped one move down, as in JSON patch.
function without(x: usize, tree: usize): usize {
  if (tree == 0) return x;
  const tt = tag(tree);
  if (tt == T_NULL) return 0;
  if (tt != T_OBJECT) return x;
  const t = tag(x);
  const n = t == T_ARRAY || t == T_OBJECT || t == T_SET ? len(x) : 0;
  if (t == T_OBJECT) {
    const out = newObject(n);
    for (let i: u32 = 0; i < n; i++) {
      const k = objectKeyAt(x, i);
      const v = without(objectValueAt(x, i), objectGet(tree, k));
      if (v != 0) objectInsert(out, k, v); // in key order: appends
    }
    return out;
  }
  if (t == T_ARRAY) {
    const out = newArray(n);
    for (let i: u32 = 0; i < n; i++) {
      const v = without(arrayGet(x, i), indexChild(tree, i));
      if (v != 0) arrayPush(out, v);
    }
    return out;
  }
  if (t == T_SET) {
    // Edited elements may sort elsewhere: collect, then sort once.
    const kept = newArray(n);
    for (let i: u32 = 0; i < n; i++) {
      const e = setGet(x, i);
      const v = without(e, objectGet(tree, e));
      if (v != 0) arrayPush(kept, v);
    }
    return setFromArray(kept);
  }
  return x;
}

// ---- json.filter --------------------------------------------------------------------------

/** json.filter(object, paths): only the values at the paths (and what leads to them). */
export function b_json_filter(obj: usize, paths: usize): usize {
  const fn = 'json.filter';
  if (tag(obj) != T_OBJECT) return typeError(fn, 1, 'object', obj);
  const tree = pathTree(fn, paths);
  if (tree == 0) return 0;
  return only(obj, tree);
}

// x reduced to what `tree` reaches; a null leaf keeps the whole value.
function only(x: usize, tree: usize): usize {
  if (tag(tree) != T_OBJECT) return x;
  const t = tag(x);
  if (t == T_OBJECT) {
    const n = len(x), m = len(tree);
    const out = newObject(n < m ? n : m);
    // Walk the smaller of the two sorted key lists, looking each key up in the other.
    if (n <= m) {
      for (let i: u32 = 0; i < n; i++) {
        const sub = objectGet(tree, objectKeyAt(x, i));
        if (sub != 0) objectInsert(out, objectKeyAt(x, i), only(objectValueAt(x, i), sub));
      }
    } else {
      for (let i: u32 = 0; i < m; i++) {
        const v = objectGet(x, objectKeyAt(tree, i));
        if (v != 0) objectInsert(out, objectKeyAt(tree, i), only(v, objectValueAt(tree, i)));
      }
    }
    return out;
  }
  if (t == T_ARRAY) {
    const n = len(x);
    const out = newArray(len(tree));
    for (let i: u32 = 0; i < n; i++) {
      const sub = indexChild(tree, i);
      if (sub != 0) arrayPush(out, only(arrayGet(x, i), sub));
    }
    return out;
  }
  if (t == T_SET) {
    const n = len(x);
    const kept = newArray(len(tree));
    for (let i: u32 = 0; i < n; i++) {
      const e = setGet(x, i);
      const sub = objectGet(tree, e);
      if (sub != 0) arrayPush(kept, only(e, sub));
    }
    return setFromArray(kept);
  }
  return x;
}

// ---- json.patch ---------------------------------------------------------------------------

/**
 * json.patch(doc, patches): doc with the RFC 6902 operations applied in order (add,
 * remove, replace, move, copy, test; on sets too: a set element is its own key, and
 * adding to a set needs the key to equal the value). An operation that cannot apply
 * (a missing location, an index out of range, a failed test) makes the result
 * undefined, without an error; a malformed patch is an error.
 */
export function b_json_patch(doc: usize, patches: usize): usize {
  const fn = 'json.patch';
  if (tag(patches) != T_ARRAY) return typeError(fn, 2, 'array', patches);
  let target = doc;
  const n = len(patches);
  for (let i: u32 = 0; i < n; i++) {
    const p = arrayGet(patches, i);
    if (tag(p) != T_OBJECT) return operandError(fn, 2, 'must be an array of JSON-Patch objects');
    const op = attribute(fn, p, 'op');
    if (op == 0) return 0;
    if (tag(op) != T_STRING) return operandError(fn, 2, "patch attribute 'op' must be a string");
    const pathAttr = attribute(fn, p, 'path');
    if (pathAttr == 0) return 0;
    const path = parsePath(fn, pathAttr);
    if (path == 0) return 0;
    const name = String.UTF8.decodeUnsafe(strBytes(op), strLen(op), false);
    if (name == 'add' || name == 'replace' || name == 'test') {
      const value = attribute(fn, p, 'value');
      if (value == 0) return 0;
      target = name == 'add' ? patchAdd(target, path, value)
        : name == 'replace' ? patchReplace(target, path, value)
        : patchTest(target, path, value);
    } else if (name == 'remove') {
      target = patchRemove(target, path);
    } else if (name == 'move' || name == 'copy') {
      const fromAttr = attribute(fn, p, 'from');
      if (fromAttr == 0) return 0;
      const from = parsePath(fn, fromAttr);
      if (from == 0) return 0;
      target = name == 'move' ? patchMove(target, path, from) : patchCopy(target, path, from);
    } else {
      return operandError(fn, 2, 'must be an array of JSON-Patch objects');
    }
    // The patch applies as a whole or not at all.
    if (target == 0) return 0;
  }
  return target;
}

// The patch object's attribute `name`, or 0 after recording OPA's error.
function attribute(fn: string, patch: usize, name: string): usize {
  // The names are ASCII: copied into a string value byte by byte.
  const key = newStringUninit(<u64>name.length);
  for (let i = 0; i < name.length; i++) store<u8>(strBytes(key) + <usize>i, <u8>name.charCodeAt(i));
  const v = objectGet(patch, key);
  if (v == 0) return operandError(fn, 2, "patch is missing '" + name + "' attribute");
  return v;
}

const NO_INDEX: i64 = i64.MIN_VALUE;

/**
 * The array index a segment names, as OPA's toIndex: an integer, or a string holding a
 * decimal integer without leading zeros ("-" is the end of the array); NO_INDEX for
 * anything else. Negative indexes come back as such, for the caller's range check.
 */
function toIndex(arr: usize, key: usize): i64 {
  const t = tag(key);
  if (t == T_INT) return intValue(key);
  if (t != T_STRING) return NO_INDEX;
  const n = strLen(key), p = strBytes(key);
  if (n == 1 && load<u8>(p) == 0x2d) return <i64>len(arr);
  let i: u32 = 0;
  let negative = false;
  if (n > 0 && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) { negative = load<u8>(p) == 0x2d; i = 1; }
  if (i == n) return NO_INDEX;
  if (load<u8>(p) == 0x30 && n > 1) return NO_INDEX; // leading zeros
  let v: i64 = 0;
  for (; i < n; i++) {
    const c = load<u8>(p + i);
    if (c < 0x30 || c > 0x39) return NO_INDEX;
    if (v > (i64.MAX_VALUE - 9) / 10) return NO_INDEX; // beyond int64: not an index
    v = v * 10 + <i64>(c - 0x30);
  }
  return negative ? -v : v;
}

// Where the last segment's work happens: what `edit` applies to the parent of the path's
// end. REMOVE leaves the removed value in `removed`.
const ADD: i32 = 0;
const REMOVE: i32 = 1;
let addValue: usize = 0;
let removed: usize = 0;

/**
 * target with path[from..] edited: the collections along the path copied, the last
 * segment handed to `edit`. 0 when the path does not lead anywhere or the edit fails.
 */
function traverse(target: usize, path: usize, from: u32, work: i32): usize {
  const n = len(path);
  if (from >= n) return 0;
  const key = arrayGet(path, from);
  if (from + 1 == n) return work == ADD ? addAt(target, key) : removeAt(target, key);
  const t = tag(target);
  if (t == T_OBJECT) {
    const i = objectFind(target, key);
    if (i < 0) return 0;
    const sub = traverse(objectValueAt(target, <u32>i), path, from + 1, work);
    return sub == 0 ? 0 : objectReplacing(target, <u32>i, sub);
  }
  if (t == T_ARRAY) {
    const idx = toIndex(target, key);
    if (idx < 0 || idx >= <i64>len(target)) return 0;
    const sub = traverse(arrayGet(target, <u32>idx), path, from + 1, work);
    return sub == 0 ? 0 : arraySplice(target, <u32>idx, 1, sub);
  }
  if (t == T_SET) {
    const i = setFind(target, key);
    if (i < 0) return 0;
    const sub = traverse(setGet(target, <u32>i), path, from + 1, work);
    if (sub == 0) return 0;
    const out = setWithout(target, <u32>i);
    setAdd(out, sub);
    return out;
  }
  return 0;
}

// `parent` with `addValue` added under `key`: an object's member set, an array's
// element inserted before index key (or appended for "-" or its length), a set's
// element added when the key is that element.
function addAt(parent: usize, key: usize): usize {
  const t = tag(parent);
  if (t == T_OBJECT) {
    const n = len(parent);
    const out = newObject(n + 1);
    for (let i: u32 = 0; i < n; i++) objectInsert(out, objectKeyAt(parent, i), objectValueAt(parent, i));
    objectInsert(out, key, addValue);
    return out;
  }
  if (t == T_ARRAY) {
    const idx = toIndex(parent, key);
    if (idx < 0 || idx > <i64>len(parent)) return 0;
    return arraySplice(parent, <u32>idx, 0, addValue);
  }
  if (t == T_SET) {
    if (!equal(key, addValue)) return 0;
    const n = len(parent);
    const out = newSet(n + 1);
    for (let i: u32 = 0; i < n; i++) setAdd(out, setGet(parent, i));
    setAdd(out, key);
    return out;
  }
  return 0;
}

// `parent` without what `key` names (left in `removed`); 0 when it is not there.
function removeAt(parent: usize, key: usize): usize {
  const t = tag(parent);
  if (t == T_OBJECT) {
    const i = objectFind(parent, key);
    if (i < 0) return 0;
    removed = objectValueAt(parent, <u32>i);
    const n = len(parent);
    const out = newObject(n);
    for (let j: u32 = 0; j < n; j++) {
      if (j != <u32>i) objectInsert(out, objectKeyAt(parent, j), objectValueAt(parent, j));
    }
    return out;
  }
  if (t == T_ARRAY) {
    const idx = toIndex(parent, key);
    if (idx < 0 || idx >= <i64>len(parent)) return 0;
    removed = arrayGet(parent, <u32>idx);
    return arraySplice(parent, <u32>idx, 1, 0);
  }
  if (t == T_SET) {
    const i = setFind(parent, key);
    if (i < 0) return 0;
    removed = setGet(parent, <u32>i);
    return setWithout(parent, <u32>i);
  }
  return 0;
}

/** The value at path in target (no copies), or 0. */
function valueAt(target: usize, path: usize): usize {
  const n = len(path);
  let cur = target;
  for (let i: u32 = 0; i < n; i++) {
    const key = arrayGet(path, i);
    const t = tag(cur);
    if (t == T_OBJECT) {
      cur = objectGet(cur, key);
    } else if (t == T_ARRAY) {
      const idx = toIndex(cur, key);
      cur = idx >= 0 && idx < <i64>len(cur) ? arrayGet(cur, <u32>idx) : 0;
    } else if (t == T_SET) {
      const j = setFind(cur, key);
      cur = j >= 0 ? setGet(cur, <u32>j) : 0;
    } else {
      cur = 0;
    }
    if (cur == 0) return 0;
  }
  return cur;
}

function patchAdd(target: usize, path: usize, value: usize): usize {
  if (len(path) == 0) return value; // the whole document replaced
  addValue = value;
  return traverse(target, path, 0, ADD);
}

// Sets `removed`; 0 when nothing is at path (the document itself cannot be removed).
function patchRemove(target: usize, path: usize): usize {
  if (len(path) == 0) return 0;
  return traverse(target, path, 0, REMOVE);
}

function patchReplace(target: usize, path: usize, value: usize): usize {
  if (len(path) == 0) return value;
  const rest = patchRemove(target, path);
  return rest == 0 ? 0 : patchAdd(rest, path, value);
}

function patchMove(target: usize, path: usize, from: usize): usize {
  const rest = patchRemove(target, from);
  return rest == 0 ? 0 : patchAdd(rest, path, removed);
}

function patchCopy(target: usize, path: usize, from: usize): usize {
  const value = valueAt(target, from);
  return value == 0 ? 0 : patchAdd(target, path, value);
}

function patchTest(target: usize, path: usize, value: usize): usize {
  const actual = valueAt(target, path);
  return actual != 0 && equal(actual, value) ? target : 0;
}

// ---- copies with one change ------------------------------------------------------------------

// The object with the value of its i-th member replaced.
function objectReplacing(o: usize, at: u32, value: usize): usize {
  const n = len(o);
  const out = newObject(n);
  for (let i: u32 = 0; i < n; i++) objectInsert(out, objectKeyAt(o, i), i == at ? value : objectValueAt(o, i));
  return out;
}

// The array with `drop` elements from index `at` replaced by `insert` (0: none).
function arraySplice(a: usize, at: u32, drop: u32, insert: usize): usize {
  const n = len(a);
  const out = newArray(n + 1);
  for (let i: u32 = 0; i < at; i++) arrayPush(out, arrayGet(a, i));
  if (insert != 0) arrayPush(out, insert);
  for (let i = at + drop; i < n; i++) arrayPush(out, arrayGet(a, i));
  return out;
}

// The set without its i-th element.
function setWithout(s: usize, at: u32): usize {
  const n = len(s);
  const out = newSet(n);
  for (let i: u32 = 0; i < n; i++) if (i != at) setAdd(out, setGet(s, i));
  return out;
}
