// String builtins with Go's semantics (OPA implements them with Go's strings
// package): positions and lengths count code points, invalid UTF-8 bytes count as
// one U+FFFD each.
//
// concat, contains, startswith, endswith, indexof, indexof_n, lower, upper,
// replace, strings.replace_n, split, strings.split_n, substring, trim, trim_left,
// trim_right, trim_prefix, trim_suffix, trim_space, strings.any_prefix_match,
// strings.any_suffix_match, strings.reverse, strings.count.
import { casemap } from 'util/casemap';
import {
  T_ARRAY, T_SET, T_OBJECT, T_STRING,
  tag, len, strLen, strBytes, newString, newStringUninit, newInt, newBool,
  newArray, arrayPush, objectKeyAt, objectValueAt,
} from '../value';
import { alloc, allocSize } from '../alloc';
import { tick } from '../deadline';
import { iterValue } from '../collections';
import { bufNew, bufPutBytes, bufToString, bufReserve, bufLen } from '../buffer';
import {
  typeError, elementTypeError, operandError, builtinError, intOperand, intArg, isString,
} from './args';
import {
  decodeRune, decodeLastRune, runeSize, encodeRune, isASCII, runeCount, isSpace,
} from './utf8';

// ---- helpers -------------------------------------------------------------------------------

/** OPA's StringOperand check for each of the operands. */
function stringOperands(fn: string, a: usize, b: usize): bool {
  if (!isString(a)) { typeError(fn, 1, 'string', a); return false; }
  if (!isString(b)) { typeError(fn, 2, 'string', b); return false; }
  return true;
}

/** Byte index of the first occurrence of `n` bytes at `q` in the `m` bytes at `p`, or -1. */
function indexBytes(p: usize, m: u32, q: usize, n: u32): i32 {
  if (n == 0) return 0;
  if (n > m) return -1;
  const first = load<u8>(q);
  const last = m - n;
  // Naive search: O(m·n) at worst, so each comparison ticks the deadline.
  for (let i: u32 = 0; i <= last; i++) {
    if (load<u8>(p + i) == first) {
      tick();
      if (memory.compare(p + i, q, n) == 0) return <i32>i;
    }
  }
  return -1;
}

@inline function hasPrefix(p: usize, m: u32, q: usize, n: u32): bool {
  return n <= m && memory.compare(p, q, n) == 0;
}

@inline function hasSuffix(p: usize, m: u32, q: usize, n: u32): bool {
  return n <= m && memory.compare(p + (m - n), q, n) == 0;
}

/** Go's strings.Count: non-overlapping occurrences; runes + 1 for an empty needle. */
function countBytes(p: usize, m: u32, q: usize, n: u32): u32 {
  if (n == 0) return runeCount(p, m) + 1;
  let count: u32 = 0;
  let i: u32 = 0;
  while (i + n <= m) {
    const j = indexBytes(p + i, m - i, q, n);
    if (j < 0) break;
    count++;
    i += <u32>j + n;
  }
  return count;
}

/** The runes of `n` bytes at `p` as an i32 array on the heap; its length in `runesLen`. */
let runesLen: u32 = 0;
function decodeRunes(p: usize, n: u32): usize {
  const out = alloc(allocSize(<u64>n << 2));
  let k: u32 = 0;
  let i: u32 = 0;
  while (i < n) {
    const r = decodeRune(p + i, n - i);
    store<i32>(out + (<usize>k << 2), r);
    k++;
    i += <u32>runeSize;
  }
  runesLen = k;
  return out;
}

@inline function runeAt(runes: usize, i: u32): i32 { return load<i32>(runes + (<usize>i << 2)); }

/** A string value of the runes [from, to) re-encoded (invalid bytes become U+FFFD). */
function encodeRunes(runes: usize, from: u32, to: u32): usize {
  let size: u32 = 0;
  const scratch = alloc(allocSize(<u64>(to - from) * 4));
  for (let i = from; i < to; i++) size += <u32>encodeRune(scratch + size, runeAt(runes, i));
  return newString(scratch, size);
}

/** Rune index of the first occurrence of `needle` at or after rune `from`, or -1. */
function indexRunes(hay: usize, nh: u32, needle: usize, nn: u32, from: u32): i32 {
  if (nn > nh) return -1;
  for (let i = from; i + nn <= nh; i++) {
    tick();
    let j: u32 = 0;
    while (j < nn && runeAt(hay, i + j) == runeAt(needle, j)) j++;
    if (j == nn) return <i32>i;
  }
  return -1;
}

@inline function sliceOf(s: usize, from: u32, to: u32): usize {
  return newString(strBytes(s) + from, to - from);
}

// ---- concat, contains, startswith, endswith, strings.count ---------------------------------

/** concat(delimiter, collection): joins the strings of an array or set. */
export function b_concat(delim: usize, coll: usize): usize {
  if (!isString(delim)) return typeError('concat', 1, 'string', delim);
  const t = tag(coll);
  if (t != T_ARRAY && t != T_SET) return typeError('concat', 2, 'one of {set, array}', coll);
  const n = len(coll);
  // 64-bit: a thousand references to one long string add up past 4 GiB.
  let total: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const x = iterValue(coll, i);
    if (!isString(x)) return elementTypeError('concat', 2, coll, x, 'string');
    total += strLen(x);
  }
  const dn = strLen(delim);
  if (n > 1) total += <u64>dn * (n - 1);
  const out = newStringUninit(total);
  let o = strBytes(out);
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) { memory.copy(o, strBytes(delim), dn); o += dn; }
    const x = iterValue(coll, i);
    memory.copy(o, strBytes(x), strLen(x));
    o += strLen(x);
  }
  return out;
}

export function b_contains(s: usize, sub: usize): usize {
  if (!stringOperands('contains', s, sub)) return 0;
  return newBool(indexBytes(strBytes(s), strLen(s), strBytes(sub), strLen(sub)) >= 0);
}

export function b_startswith(s: usize, prefix: usize): usize {
  if (!stringOperands('startswith', s, prefix)) return 0;
  return newBool(hasPrefix(strBytes(s), strLen(s), strBytes(prefix), strLen(prefix)));
}

export function b_endswith(s: usize, suffix: usize): usize {
  if (!stringOperands('endswith', s, suffix)) return 0;
  return newBool(hasSuffix(strBytes(s), strLen(s), strBytes(suffix), strLen(suffix)));
}

export function b_strings_count(s: usize, sub: usize): usize {
  if (!stringOperands('strings.count', s, sub)) return 0;
  return newInt(<i64>countBytes(strBytes(s), strLen(s), strBytes(sub), strLen(sub)));
}

// ---- indexof, indexof_n --------------------------------------------------------------------

export function b_indexof(s: usize, sub: usize): usize {
  if (!stringOperands('indexof', s, sub)) return 0;
  const p = strBytes(s), m = strLen(s), q = strBytes(sub), n = strLen(sub);
  if (n == 0) return builtinError('indexof', 'empty search character');
  if (isASCII(p, m) && isASCII(q, n)) return newInt(<i64>indexBytes(p, m, q, n));
  const hay = decodeRunes(p, m), nh = runesLen;
  const needle = decodeRunes(q, n), nn = runesLen;
  return newInt(<i64>indexRunes(hay, nh, needle, nn, 0));
}

/** indexof_n(s, sub): every rune index where sub starts, overlapping matches included. */
export function b_indexof_n(s: usize, sub: usize): usize {
  if (!stringOperands('indexof_n', s, sub)) return 0;
  if (strLen(sub) == 0) return builtinError('indexof_n', 'empty search character');
  const hay = decodeRunes(strBytes(s), strLen(s)), nh = runesLen;
  const needle = decodeRunes(strBytes(sub), strLen(sub)), nn = runesLen;
  const out = newArray(0);
  let at = indexRunes(hay, nh, needle, nn, 0);
  while (at >= 0) {
    arrayPush(out, newInt(<i64>at));
    at = indexRunes(hay, nh, needle, nn, <u32>at + 1);
  }
  return out;
}

// ---- lower, upper ----------------------------------------------------------------------------

/** Go's unicode.ToLower / ToUpper (simple case mapping, from musl's tables). */
function mapRune(r: i32, upper: bool): i32 {
  if (r < 0x80) {
    if (upper) return r >= 0x61 && r <= 0x7a ? r - 32 : r;
    return r >= 0x41 && r <= 0x5a ? r + 32 : r;
  }
  if (r == 0xdf) return r; // ß: musl maps it to ẞ, Unicode (and Go) have no simple uppercase
  // Circled letters are missing from the tables.
  if (!upper && r >= 0x24b6 && r <= 0x24cf) return r + 26;
  if (upper && r >= 0x24d0 && r <= 0x24e9) return r - 26;
  if (r >= 0x20000) return r;
  const unicode14 = mapUnicode14(r, upper);
  if (unicode14 != r) return unicode14;
  return casemap(<u32>r, upper ? 1 : 0) & 0x1fffff;
}

/** Case pairs added in Unicode 14 (musl's tables predate them; Go has them). */
function mapUnicode14(r: i32, upper: bool): i32 {
  // Vithkuqi: capitals U+10570..10595, small letters 39 code points above, with gaps.
  if (r >= 0x10570 && r <= 0x105bc) {
    const isUpper = r <= 0x10595 && r != 0x1057b && r != 0x1058b && r != 0x10593;
    const isLower = r >= 0x10597 && r != 0x105a2 && r != 0x105b2 && r != 0x105ba;
    if (isUpper && !upper) return r + 39;
    if (isLower && upper) return r - 39;
    return r;
  }
  if (r == 0x2c2f && !upper) return 0x2c5f; // Glagolitic capital/small letter caudate chrivi
  if (r == 0x2c5f && upper) return 0x2c2f;
  // Latin: A7C0/A7C1, A7D0/A7D1, A7D6/A7D7, A7D8/A7D9 (capital even, small odd)
  if (r == 0xa7c0 || r == 0xa7c1 || r == 0xa7d0 || r == 0xa7d1 || (r >= 0xa7d6 && r <= 0xa7d9)) {
    const isCapital = (r & 1) == 0;
    if (isCapital && !upper) return r + 1;
    if (!isCapital && upper) return r - 1;
  }
  return r;
}

function mapCase(fn: string, s: usize, upper: bool): usize {
  if (!isString(s)) return typeError(fn, 1, 'string', s);
  const p = strBytes(s), n = strLen(s);
  if (isASCII(p, n)) {
    const out = newStringUninit(n);
    const o = strBytes(out);
    for (let i: u32 = 0; i < n; i++) store<u8>(o + i, <u8>mapRune(load<u8>(p + i), upper));
    return out;
  }
  // A rune's case partner may need one byte more (ȿ U+023F → Ȿ U+2C7E: 2 → 3 bytes).
  const b = bufNew(n + (n >> 1) + 4);
  let i: u32 = 0;
  while (i < n) {
    const r = decodeRune(p + i, n - i);
    i += <u32>runeSize;
    const at = bufReserve(b, 4) + <usize>bufLen(b);
    const w = encodeRune(at, mapRune(r, upper));
    store<u32>(b, bufLen(b) + <u32>w, 4);
  }
  return bufToString(b);
}

export function b_lower(s: usize): usize { return mapCase('lower', s, false); }
export function b_upper(s: usize): usize { return mapCase('upper', s, true); }

// ---- replace, strings.replace_n ------------------------------------------------------------

/** Go's strings.Replace(s, old, new, -1). */
export function b_replace(s: usize, old: usize, repl: usize): usize {
  if (!isString(s)) return typeError('replace', 1, 'string', s);
  if (!isString(old)) return typeError('replace', 2, 'string', old);
  if (!isString(repl)) return typeError('replace', 3, 'string', repl);
  const p = strBytes(s), m = strLen(s), q = strBytes(old), n = strLen(old);
  if (n != 0 && indexBytes(p, m, q, n) < 0) return s;
  const b = bufNew(m + strLen(repl) * 2);
  if (n == 0) {
    // the replacement goes before every rune and at the end
    let i: u32 = 0;
    while (i < m) {
      bufPutBytes(b, strBytes(repl), strLen(repl));
      decodeRune(p + i, m - i);
      bufPutBytes(b, p + i, <u32>runeSize);
      i += <u32>runeSize;
    }
    bufPutBytes(b, strBytes(repl), strLen(repl));
    return bufToString(b);
  }
  let start: u32 = 0;
  for (;;) {
    const j = indexBytes(p + start, m - start, q, n);
    if (j < 0) break;
    bufPutBytes(b, p + start, <u32>j);
    bufPutBytes(b, strBytes(repl), strLen(repl));
    start += <u32>j + n;
  }
  bufPutBytes(b, p + start, m - start);
  return bufToString(b);
}

/**
 * strings.replace_n(patterns, s): Go's strings.NewReplacer with the pattern pairs in
 * key order. At each position the first pattern (in that order) that matches is
 * replaced and skipped over; an empty pattern matches between every two bytes.
 */
export function b_strings_replace_n(patterns: usize, s: usize): usize {
  const fn = 'strings.replace_n';
  if (tag(patterns) != T_OBJECT) return typeError(fn, 1, 'object', patterns);
  if (!isString(s)) return typeError(fn, 2, 'string', s);
  const np = len(patterns);
  for (let k: u32 = 0; k < np; k++) {
    if (tag(objectKeyAt(patterns, k)) != T_STRING) return operandError(fn, 1, 'non-string key found in pattern object');
    if (tag(objectValueAt(patterns, k)) != T_STRING) return operandError(fn, 1, 'non-string value found in pattern object');
  }
  const p = strBytes(s), m = strLen(s);
  const b = bufNew(m + 16);
  let last: u32 = 0;
  let prevMatchEmpty = false;
  let i: u32 = 0;
  while (i <= m) {
    // the first pattern matching at i (skipping the empty one right after it matched)
    let match = -1;
    for (let k: u32 = 0; k < np; k++) {
      const key = objectKeyAt(patterns, k);
      const kn = strLen(key);
      if (kn == 0 && prevMatchEmpty) continue;
      if (hasPrefix(p + i, m - i, strBytes(key), kn)) { match = <i32>k; break; }
    }
    prevMatchEmpty = match >= 0 && strLen(objectKeyAt(patterns, <u32>match)) == 0;
    if (match >= 0) {
      const key = objectKeyAt(patterns, <u32>match);
      const val = objectValueAt(patterns, <u32>match);
      bufPutBytes(b, p + last, i - last);
      bufPutBytes(b, strBytes(val), strLen(val));
      i += strLen(key);
      last = i;
      continue;
    }
    i++;
  }
  if (last < m) bufPutBytes(b, p + last, m - last);
  return bufToString(b);
}

// ---- split, strings.split_n ------------------------------------------------------------------

/** Go's strings.Split as an array of string values (OPA: no separator → [s]). */
function splitAll(s: usize, sep: usize): usize {
  const p = strBytes(s), m = strLen(s), q = strBytes(sep), n = strLen(sep);
  const out = newArray(4);
  if (n == 0) {
    // one element per rune, bytes kept as they are
    let i: u32 = 0;
    while (i < m) {
      decodeRune(p + i, m - i);
      arrayPush(out, newString(p + i, <u32>runeSize));
      i += <u32>runeSize;
    }
    return out;
  }
  let start: u32 = 0;
  for (;;) {
    const j = indexBytes(p + start, m - start, q, n);
    if (j < 0) break;
    arrayPush(out, newString(p + start, <u32>j));
    start += <u32>j + n;
  }
  arrayPush(out, newString(p + start, m - start));
  return out;
}

export function b_split(s: usize, sep: usize): usize {
  if (!stringOperands('split', s, sep)) return 0;
  return splitAll(s, sep);
}

/** strings.split_n(s, sep, n): the first n parts of split(s, sep), the last -n for n < 0. */
export function b_strings_split_n(s: usize, sep: usize, count: usize): usize {
  const fn = 'strings.split_n';
  if (!stringOperands(fn, s, sep)) return 0;
  if (!intOperand(fn, 3, count)) return 0;
  const want = intArg;
  const parts = splitAll(s, sep);
  const total = <i64>len(parts);
  let from: i64 = 0, to: i64 = total;
  if (want >= 0) to = min(want, total);
  else from = max(total + want, 0);
  const out = newArray(<u32>(to - from));
  for (let i = from; i < to; i++) arrayPush(out, iterValue(parts, <u32>i));
  return out;
}

// ---- substring, strings.reverse --------------------------------------------------------------

/** substring(s, start, length): code points; length < 0 means up to the end. */
export function b_substring(s: usize, start: usize, length: usize): usize {
  const fn = 'substring';
  if (!isString(s)) return typeError(fn, 1, 'string', s);
  if (!intOperand(fn, 2, start)) return 0;
  const from = intArg;
  if (!intOperand(fn, 3, length)) return 0;
  const count = intArg;
  if (from < 0) return builtinError(fn, 'negative offset');
  const p = strBytes(s), n = strLen(s);
  if (isASCII(p, n)) {
    if (from >= <i64>n) return newString(p, 0);
    const end = count < 0 || from + count > <i64>n ? <i64>n : from + count;
    return newString(p + <usize>from, <u32>(end - from));
  }
  const runes = decodeRunes(p, n), nr = <i64>runesLen;
  if (from >= nr) return newString(p, 0);
  const end = count < 0 || from + count > nr ? nr : from + count;
  return encodeRunes(runes, <u32>from, <u32>end);
}

export function b_strings_reverse(s: usize): usize {
  if (!isString(s)) return typeError('strings.reverse', 1, 'string', s);
  const runes = decodeRunes(strBytes(s), strLen(s)), n = runesLen;
  for (let i: u32 = 0, j = n; i + 1 < j; i++, j--) {
    const t = runeAt(runes, i);
    store<i32>(runes + (<usize>i << 2), runeAt(runes, j - 1));
    store<i32>(runes + (<usize>(j - 1) << 2), t);
  }
  return encodeRunes(runes, 0, n);
}

// ---- trimming ---------------------------------------------------------------------------------

/** Whether rune `r` occurs in the cutset (compared as decoded runes, like Go's ContainsRune). */
function inCutset(cut: usize, nc: u32, r: i32): bool {
  let i: u32 = 0;
  while (i < nc) {
    const c = decodeRune(cut + i, nc - i);
    if (c == r) return true;
    i += <u32>runeSize;
  }
  return false;
}

/** Byte offset after the leading runes of s that are in the cutset. */
function trimLeftEnd(p: usize, n: u32, cut: usize, nc: u32): u32 {
  let i: u32 = 0;
  while (i < n) {
    const r = decodeRune(p + i, n - i);
    const size = <u32>runeSize; // inCutset decodes too
    if (!inCutset(cut, nc, r)) break;
    i += size;
  }
  return i;
}

/** Byte length of s once its trailing runes in the cutset are dropped. */
function trimRightEnd(p: usize, n: u32, cut: usize, nc: u32): u32 {
  while (n > 0) {
    const r = decodeLastRune(p, n);
    const size = <u32>runeSize; // inCutset decodes too
    if (!inCutset(cut, nc, r)) break;
    n -= size;
  }
  return n;
}

function trimWith(fn: string, s: usize, cutset: usize, left: bool, right: bool): usize {
  if (!stringOperands(fn, s, cutset)) return 0;
  const p = strBytes(s), c = strBytes(cutset), nc = strLen(cutset);
  let from: u32 = 0, to = strLen(s);
  if (nc == 0) return s;
  if (right) to = trimRightEnd(p, to, c, nc);
  if (left) from = trimLeftEnd(p, to, c, nc);
  return sliceOf(s, from, to);
}

export function b_trim(s: usize, cutset: usize): usize { return trimWith('trim', s, cutset, true, true); }
export function b_trim_left(s: usize, cutset: usize): usize { return trimWith('trim_left', s, cutset, true, false); }
export function b_trim_right(s: usize, cutset: usize): usize { return trimWith('trim_right', s, cutset, false, true); }

export function b_trim_prefix(s: usize, prefix: usize): usize {
  if (!stringOperands('trim_prefix', s, prefix)) return 0;
  const n = strLen(s), k = strLen(prefix);
  if (!hasPrefix(strBytes(s), n, strBytes(prefix), k)) return s;
  return sliceOf(s, k, n);
}

export function b_trim_suffix(s: usize, suffix: usize): usize {
  if (!stringOperands('trim_suffix', s, suffix)) return 0;
  const n = strLen(s), k = strLen(suffix);
  if (!hasSuffix(strBytes(s), n, strBytes(suffix), k)) return s;
  return sliceOf(s, 0, n - k);
}

/** trim_space: drops leading and trailing Unicode white space (Go's strings.TrimSpace). */
export function b_trim_space(s: usize): usize {
  if (!isString(s)) return typeError('trim_space', 1, 'string', s);
  const p = strBytes(s);
  let to = strLen(s);
  while (to > 0) {
    const r = decodeLastRune(p, to);
    if (!isSpace(r)) break;
    to -= <u32>runeSize;
  }
  let from: u32 = 0;
  while (from < to) {
    const r = decodeRune(p + from, to - from);
    if (!isSpace(r)) break;
    from += <u32>runeSize;
  }
  return sliceOf(s, from, to);
}

// ---- strings.any_prefix_match, strings.any_suffix_match -------------------------------------

/** A string, or an array or set of strings (checks every element, as OPA does). */
function stringsOperand(fn: string, operand: i32, v: usize): bool {
  const t = tag(v);
  if (t == T_STRING) return true;
  if (t != T_ARRAY && t != T_SET) {
    typeError(fn, operand, 'one of {string, set, array}', v);
    return false;
  }
  const n = len(v);
  for (let i: u32 = 0; i < n; i++) {
    const x = iterValue(v, i);
    if (!isString(x)) { elementTypeError(fn, operand, v, x, 'string'); return false; }
  }
  return true;
}

@inline function stringCount(v: usize): u32 { return tag(v) == T_STRING ? 1 : len(v); }
@inline function stringAt(v: usize, i: u32): usize { return tag(v) == T_STRING ? v : iterValue(v, i); }

function anyAffixMatch(fn: string, search: usize, affixes: usize, suffix: bool): usize {
  if (!stringsOperand(fn, 1, search)) return 0;
  if (!stringsOperand(fn, 2, affixes)) return 0;
  const ns = stringCount(search), na = stringCount(affixes);
  for (let i: u32 = 0; i < ns; i++) {
    const s = stringAt(search, i);
    for (let j: u32 = 0; j < na; j++) {
      const a = stringAt(affixes, j);
      const hit = suffix
        ? hasSuffix(strBytes(s), strLen(s), strBytes(a), strLen(a))
        : hasPrefix(strBytes(s), strLen(s), strBytes(a), strLen(a));
      if (hit) return newBool(true);
    }
  }
  return newBool(false);
}

export function b_strings_any_prefix_match(search: usize, prefixes: usize): usize {
  return anyAffixMatch('strings.any_prefix_match', search, prefixes, false);
}

export function b_strings_any_suffix_match(search: usize, suffixes: usize): usize {
  return anyAffixMatch('strings.any_suffix_match', search, suffixes, true);
}
