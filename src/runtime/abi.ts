// The runtime's exported functions: the OPA ABI (opa_*) and the rt_* functions the
// generated code calls (src/compiler/backend/runtime-abi.ts is the contract).
import { alloc, heapInit, heapGet, heapSet } from './alloc';
import {
  T_STRING, T_ARRAY, T_OBJECT, T_SET, tag, len, arrayGet, setGet, strLen, strBytes,
  valuesInit, newNull, newBool, newInt, newFloat, newString, newArray, newObject, newSet,
  arrayPush,
} from './value';
import { compare, equal } from './compare';
import {
  objectFind, objectGet, objectGetAt, objectInsert, setAdd, setFromArray, get, collectionLen, iterKey, iterValue,
} from './collections';
import { errorMessage, clearError } from './error';
import { tick } from './deadline';
import { parseJSON, parseRego, jsonInit } from './json';
import { dumpValue, dumpInt } from './dump';
import {
  bufNew, bufPutStr, bufPutUtf16, bufPutByte, bufPutBytes, bufLen, bufData, bufTruncate, bufFinishCString,
} from './buffer';

// ---- imports (module `env`) ---------------------------------------------------------
// RUNTIME_IMPORTS lists them; scripts/build-runtime.mjs puts them in that order
// (binaryen's optimiser reorders functions, imports included).

// @ts-ignore: decorator
@external("env", "opa_abort")
declare function opa_abort(addr: usize): void;
// @ts-ignore: decorator
@external("env", "opa_println")
declare function opa_println(addr: usize): void;
// @ts-ignore: decorator
@external("env", "opa_builtin0")
declare function opa_builtin0(id: i32, ctx: usize): usize;
// @ts-ignore: decorator
@external("env", "opa_builtin1")
declare function opa_builtin1(id: i32, ctx: usize, a: usize): usize;
// @ts-ignore: decorator
@external("env", "opa_builtin2")
declare function opa_builtin2(id: i32, ctx: usize, a: usize, b: usize): usize;
// @ts-ignore: decorator
@external("env", "opa_builtin3")
declare function opa_builtin3(id: i32, ctx: usize, a: usize, b: usize, c: usize): usize;
// @ts-ignore: decorator
@external("env", "opa_builtin4")
declare function opa_builtin4(id: i32, ctx: usize, a: usize, b: usize, c: usize, d: usize): usize;

/** Host calls, exported so the imports stay in the module and generated code can use them. */
export function rt_abort(msg: usize): void { opa_abort(msg); unreachable(); }
export function rt_println(msg: usize): void { opa_println(msg); }
export function rt_builtin0(id: i32, ctx: usize): usize { return opa_builtin0(id, ctx); }
export function rt_builtin1(id: i32, ctx: usize, a: usize): usize { return opa_builtin1(id, ctx, a); }
export function rt_builtin2(id: i32, ctx: usize, a: usize, b: usize): usize { return opa_builtin2(id, ctx, a, b); }
export function rt_builtin3(id: i32, ctx: usize, a: usize, b: usize, c: usize): usize { return opa_builtin3(id, ctx, a, b, c); }
export function rt_builtin4(id: i32, ctx: usize, a: usize, b: usize, c: usize, d: usize): usize { return opa_builtin4(id, ctx, a, b, c, d); }

/**
 * AssemblyScript's `abort` (asc --use abort=...): formats "message at file:line:col"
 * as NUL-terminated UTF-8 and hands it to the host's opa_abort.
 */
export function runtimeAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  // Only addresses from here on: passing the managed strings on to a call makes asc
  // emit `__tostack` calls that it then fails to compile in this (late-compiled) function.
  const m = changetype<usize>(message);
  const f = changetype<usize>(fileName);
  const b = bufNew(128);
  if (m != 0) bufPutUtf16(b, m, <i32>(load<u32>(m - 4) >> 1));
  else bufPutStr(b, "abort");
  if (f != 0) {
    bufPutStr(b, " at ");
    bufPutUtf16(b, f, <i32>(load<u32>(f - 4) >> 1));
    bufPutStr(b, ":");
    dumpInt(b, <i64>line);
    bufPutStr(b, ":");
    dumpInt(b, <i64>column);
  }
  opa_abort(bufFinishCString(b));
  unreachable();
}

// ---- set-up ----------------------------------------------------------------------------

// AssemblyScript keeps managed references of error-message code (string
// concatenation) on a shadow stack of --stackSize bytes placed right after the
// runtime's static data; the build script reserves that region with a data segment
// so linked data and the heap start above it (rt_static_end). A host exception
// (opa_abort) skips the frames' epilogues, so the stack pointer is reset whenever
// no runtime frame can be live: when the host moves the heap and when an
// evaluation starts (rt_clear_error).
@inline function resetShadowStack(): void { __stack_pointer = __heap_base; }

/** The first byte after the runtime's static data and shadow stack. */
export function rt_static_end(): usize { return __heap_base; }

/** Called from the start function with the first free byte after static data. */
export function rt_init(base: usize): void {
  heapInit(base);
  valuesInit();
  jsonInit();
}

// ---- scalars and collections -------------------------------------------------------------

export function rt_null(): usize { return newNull(); }
export function rt_bool(b: i32): usize { return newBool(b != 0); }
export function rt_int(i: i64): usize { return newInt(i); }
export function rt_float(f: f64): usize { return newFloat(f); }
export function rt_string(bytes: usize, n: u32): usize { return newString(bytes, n); }
export function rt_array(cap: u32): usize { return newArray(cap); }
export function rt_array_push(a: usize, x: usize): void { arrayPush(a, x); }
export function rt_object(cap: u32): usize { return newObject(cap); }
export function rt_object_insert(o: usize, k: usize, v: usize): void { objectInsert(o, k, v); }
export function rt_set(cap: u32): usize { return newSet(cap); }
export function rt_set_add(s: usize, x: usize): void { setAdd(s, x); }
export function rt_set_from_array(a: usize): usize { return setFromArray(a); }

export function rt_get(coll: usize, key: usize): usize { return get(coll, key); }
/** `coll[key]` for a constant string key, `hint` the lookup site's slot (objectGetAt). */
export function rt_get_at(coll: usize, key: usize, hint: usize): usize {
  return coll != 0 && tag(coll) == T_OBJECT ? objectGetAt(coll, key, hint) : get(coll, key);
}
export function rt_len(coll: usize): u32 { return collectionLen(coll); }
// Iteration in generated code ticks the deadline (deadline.ts): nested loops over
// the input need not allocate to run for a long time.
export function rt_iter_key(coll: usize, i: u32): usize { tick(); return iterKey(coll, i); }
export function rt_iter_value(coll: usize, i: u32): usize { tick(); return iterValue(coll, i); }
export function rt_tag(v: usize): i32 { return <i32>tag(v); }
export function rt_equal(a: usize, b: usize): i32 { return equal(a, b) ? 1 : 0; }
export function rt_compare(a: usize, b: usize): i32 { return compare(a, b); }

/** A copy of `obj` (an object, or anything else standing for `{}`) with `path` set to `value`. */
export function rt_upsert_path(obj: usize, path: usize, value: usize): usize {
  if (path == 0 || tag(path) != T_ARRAY) return value;
  return upsert(obj, path, 0, value);
}

function upsert(o: usize, path: usize, i: u32, value: usize): usize {
  if (i >= len(path)) return value;
  const k = arrayGet(path, i);
  const isObj = o != 0 && tag(o) == T_OBJECT;
  const m = isObj ? len(o) : 0;
  const child = isObj ? objectGet(o, k) : 0;
  const nv = upsert(child, path, i + 1, value);
  const r = newObject(m + 1);
  if (m > 0) {
    memory.copy(<usize>load<u32>(r, 12), <usize>load<u32>(o, 12), <usize>m << 3);
    store<u32>(r, m, 4);
  }
  objectInsert(r, k, nv);
  return r;
}

/**
 * print(): `args` is an array holding, per argument, the set of its values. As OPA,
 * prints one line per combination of values (the cross product), arguments joined
 * by spaces, strings raw and other values as Rego text, `<undefined>` for an empty set.
 */
export function rt_print(args: usize): void {
  if (args == 0 || tag(args) != T_ARRAY) return;
  const b = bufNew(128);
  printCross(b, args, 0);
}

function printCross(b: usize, args: usize, i: u32): void {
  if (i >= len(args)) {
    const mark = bufLen(b);
    bufPutByte(b, 0);
    opa_println(bufData(b));
    bufTruncate(b, mark);
    return;
  }
  const start = bufLen(b);
  const xs = arrayGet(args, i);
  if (tag(xs) == T_SET && len(xs) == 0) {
    if (i > 0) bufPutByte(b, 0x20);
    bufPutStr(b, "<undefined>");
    printCross(b, args, i + 1);
  } else if (tag(xs) != T_SET) {
    printOne(b, xs, i > 0);
    printCross(b, args, i + 1);
  } else {
    const n = len(xs);
    for (let j: u32 = 0; j < n; j++) {
      bufTruncate(b, start);
      printOne(b, setGet(xs, j), i > 0);
      printCross(b, args, i + 1);
    }
  }
  bufTruncate(b, start);
}

function printOne(b: usize, x: usize, sep: bool): void {
  if (sep) bufPutByte(b, 0x20);
  if (tag(x) == T_STRING) bufPutBytes(b, strBytes(x), strLen(x));
  else dumpValue(b, x, true);
}

export function rt_error_message(): usize { return errorMessage(); }
export function rt_clear_error(): void { clearError(); resetShadowStack(); }

// ---- evaluation context: +0 input, +4 data, +8 entrypoint, +12 result ------------------

export function rt_ctx_input(ctx: usize): usize { return load<u32>(ctx); }
export function rt_ctx_data(ctx: usize): usize { return load<u32>(ctx, 4); }
export function rt_ctx_entrypoint(ctx: usize): i32 { return load<i32>(ctx, 8); }
export function rt_ctx_set_result(ctx: usize, v: usize): void { store<u32>(ctx, <u32>v, 12); }

// ---- OPA ABI ------------------------------------------------------------------------------

export function opa_malloc(size: usize): usize { return alloc(size); }
export function opa_free(addr: usize): void {}

export function opa_json_parse(p: usize, n: u32): usize { return parseJSON(p, n); }
export function opa_value_parse(p: usize, n: u32): usize { return parseRego(p, n); }

export function opa_json_dump(v: usize): usize {
  const b = bufNew(256);
  dumpValue(b, v, false);
  return bufFinishCString(b);
}

export function opa_value_dump(v: usize): usize {
  const b = bufNew(256);
  dumpValue(b, v, true);
  return bufFinishCString(b);
}

export function opa_heap_ptr_get(): usize { return heapGet(); }
export function opa_heap_ptr_set(addr: usize): void { heapSet(addr); resetShadowStack(); }

export function opa_eval_ctx_new(): usize {
  const ctx = alloc(16);
  store<u32>(ctx, 0);
  store<u32>(ctx, 0, 4);
  store<i32>(ctx, 0, 8);
  store<u32>(ctx, 0, 12);
  return ctx;
}
export function opa_eval_ctx_set_input(ctx: usize, v: usize): void { store<u32>(ctx, <u32>v); }
export function opa_eval_ctx_set_data(ctx: usize, v: usize): void { store<u32>(ctx, <u32>v, 4); }
export function opa_eval_ctx_set_entrypoint(ctx: usize, id: i32): void { store<i32>(ctx, id, 8); }
export function opa_eval_ctx_get_result(ctx: usize): usize { return load<u32>(ctx, 12); }

const ERR_OK: i32 = 0;
const ERR_INVALID_TYPE: i32 = 2;
const ERR_INVALID_PATH: i32 = 3;

/**
 * Sets `path` (an array of keys) in the object `base` to `value`, in place, creating
 * intermediate objects. Only for the data document the host owns.
 */
export function opa_value_add_path(base: usize, path: usize, value: usize): i32 {
  if (base == 0 || path == 0 || tag(path) != T_ARRAY) return ERR_INVALID_TYPE;
  const n = len(path);
  if (n == 0) return ERR_INVALID_PATH;
  if (tag(base) != T_OBJECT) return ERR_INVALID_TYPE;
  let curr = base;
  for (let i: u32 = 0; i + 1 < n; i++) {
    const k = arrayGet(path, i);
    let next = objectGet(curr, k);
    if (next == 0) {
      next = newObject(4);
      objectInsert(curr, k, next);
    } else if (tag(next) != T_OBJECT) {
      return ERR_INVALID_PATH;
    }
    curr = next;
  }
  objectInsert(curr, arrayGet(path, n - 1), value);
  return ERR_OK;
}

/** Removes `path` from the object `base`, in place. Absent paths are not an error. */
export function opa_value_remove_path(base: usize, path: usize): i32 {
  if (base == 0 || path == 0 || tag(path) != T_ARRAY) return ERR_INVALID_TYPE;
  const n = len(path);
  if (n == 0) return ERR_INVALID_PATH;
  if (tag(base) != T_OBJECT) return ERR_INVALID_TYPE;
  let curr = base;
  for (let i: u32 = 0; i + 1 < n; i++) {
    const next = objectGet(curr, arrayGet(path, i));
    if (next == 0) return ERR_OK;
    if (tag(next) != T_OBJECT) return ERR_INVALID_PATH;
    curr = next;
  }
  const at = objectFind(curr, arrayGet(path, n - 1));
  if (at < 0) return ERR_OK;
  const m = len(curr);
  const slots = <usize>load<u32>(curr, 12);
  const i = <u32>at;
  if (i + 1 < m) memory.copy(slots + (<usize>i << 3), slots + ((<usize>i + 1) << 3), <usize>(m - i - 1) << 3);
  store<u32>(curr, m - 1, 4);
  return ERR_OK;
}

