// regex.* builtins on the runtime's own RE2-syntax engine (re_syntax.ts parses,
// re_exec.ts compiles to a Pike VM). Match iteration, Split and ReplaceAllString
// reproduce Go's regexp package step for step, including its treatment of empty
// matches, so results agree with OPA's.
//
// Patterns are compiled on every call: a cache would have to live on the heap, which
// the host resets between evaluations.
import { T_STRING, tag, strBytes, strLen, newString, newArray, arrayPush, newBool } from '../value';
import { bufNew, bufPutBytes, bufPutByte, bufLen, bufData, bufToString } from '../buffer';
import { typeError, builtinError, intOperand, intArg } from './args';
import { decodeRune, runeSize } from './utf8';
import { compileRegex, progCaptures, progNames, vmPrepare, vmSearch, capStart, capEnd } from './re_exec';
import { syntaxErrorMessage } from './re_syntax';
import { classHas, letterTable, digitTable } from './re_ranges';

/** Compiles the pattern string value, or records "<fn>: error parsing regexp: ..." and returns 0. */
function compileOrError(fn: string, pattern: usize): usize {
  const prog = compileRegex(strBytes(pattern), strLen(pattern));
  if (prog == 0) builtinError(fn, syntaxErrorMessage());
  return prog;
}

/** regex.match(pattern, value): whether the pattern matches anywhere in value. */
export function b_regex_match(pattern: usize, value: usize): usize {
  const fn = 'regex.match';
  if (tag(pattern) != T_STRING) return typeError(fn, 1, 'string', pattern);
  if (tag(value) != T_STRING) return typeError(fn, 2, 'string', value);
  const prog = compileOrError(fn, pattern);
  if (prog == 0) return 0;
  vmPrepare(prog, 0);
  return newBool(vmSearch(strBytes(value), strLen(value), 0));
}

/** regex.is_valid(pattern): false for anything but a string that compiles. */
export function b_regex_is_valid(pattern: usize): usize {
  if (tag(pattern) != T_STRING) return newBool(false);
  return newBool(compileRegex(strBytes(pattern), strLen(pattern)) != 0);
}

// ---- iterating matches (Go's Regexp.allMatches) ----------------------------------------

let ITER_POS: u32 = 0;
let ITER_PREV_END: i32 = -1;

function iterStart(): void {
  ITER_POS = 0;
  ITER_PREV_END = -1;
}

/**
 * The next match at or after ITER_POS: 1 = a match to report (slots via capStart/capEnd),
 * 0 = an empty match right after the previous one (skipped, as Go), -1 = no more.
 */
function iterNext(text: usize, n: u32): i32 {
  if (ITER_POS > n || !vmSearch(text, n, ITER_POS)) return -1;
  let accept = true;
  const end = <u32>capEnd(0);
  if (end == ITER_POS) {
    // An empty match: not right after a previous match, and move on by one rune.
    if (capStart(0) == ITER_PREV_END) accept = false;
    if (ITER_POS < n) {
      decodeRune(text + <usize>ITER_POS, n - ITER_POS);
      ITER_POS += <u32>runeSize;
    } else {
      ITER_POS = n + 1;
    }
  } else {
    ITER_POS = end;
  }
  ITER_PREV_END = <i32>end;
  return accept ? 1 : 0;
}

// Go's FindAll* limit: n < 0 means all (len + 1 is more than there can be).
@inline function matchLimit(n: i64, textLen: u32): i64 {
  return n < 0 ? <i64>textLen + 1 : n;
}

/** A string value of text[start, end), or "" for an unset group (-1). */
function slice(text: usize, start: i32, end: i32): usize {
  if (start < 0) return newString(text, 0);
  return newString(text + <usize>start, <u32>(end - start));
}

/** regex.find_n(pattern, value, n): up to n matched substrings (all for n < 0). */
export function b_regex_find_n(pattern: usize, value: usize, number: usize): usize {
  const fn = 'regex.find_n';
  if (tag(pattern) != T_STRING) return typeError(fn, 1, 'string', pattern);
  if (tag(value) != T_STRING) return typeError(fn, 2, 'string', value);
  if (!intOperand(fn, 3, number)) return 0;
  const limit = intArg;
  const prog = compileOrError(fn, pattern);
  if (prog == 0) return 0;
  const text = strBytes(value), n = strLen(value);
  const out = newArray(4);
  const max = matchLimit(limit, n);
  vmPrepare(prog, 1);
  iterStart();
  let count: i64 = 0;
  while (count < max) {
    const r = iterNext(text, n);
    if (r < 0) break;
    if (r == 0) continue;
    arrayPush(out, slice(text, capStart(0), capEnd(0)));
    count++;
  }
  return out;
}

/**
 * regex.find_all_string_submatch_n(pattern, value, n): per match (up to n), the
 * array of the whole match and every group ("" for groups that did not take part).
 */
export function b_regex_find_all_string_submatch_n(pattern: usize, value: usize, number: usize): usize {
  const fn = 'regex.find_all_string_submatch_n';
  if (tag(pattern) != T_STRING) return typeError(fn, 1, 'string', pattern);
  if (tag(value) != T_STRING) return typeError(fn, 2, 'string', value);
  if (!intOperand(fn, 3, number)) return 0;
  const limit = intArg;
  const prog = compileOrError(fn, pattern);
  if (prog == 0) return 0;
  const text = strBytes(value), n = strLen(value);
  const groups = progCaptures(prog) + 1;
  const out = newArray(4);
  const max = matchLimit(limit, n);
  vmPrepare(prog, groups);
  iterStart();
  let count: i64 = 0;
  while (count < max) {
    const r = iterNext(text, n);
    if (r < 0) break;
    if (r == 0) continue;
    const m = newArray(<u32>groups);
    for (let k = 0; k < groups; k++) arrayPush(m, slice(text, capStart(k), capEnd(k)));
    arrayPush(out, m);
    count++;
  }
  return out;
}

/** regex.split(pattern, value): Go's Regexp.Split(value, -1). */
export function b_regex_split(pattern: usize, value: usize): usize {
  const fn = 'regex.split';
  if (tag(pattern) != T_STRING) return typeError(fn, 1, 'string', pattern);
  if (tag(value) != T_STRING) return typeError(fn, 2, 'string', value);
  const prog = compileOrError(fn, pattern);
  if (prog == 0) return 0;
  const text = strBytes(value), n = strLen(value);
  const out = newArray(4);
  // Go: a non-empty pattern splits "" into [""].
  if (strLen(pattern) > 0 && n == 0) {
    arrayPush(out, newString(text, 0));
    return out;
  }
  vmPrepare(prog, 1);
  iterStart();
  let beg: i32 = 0, end: i32 = 0;
  while (true) {
    const r = iterNext(text, n);
    if (r < 0) break;
    if (r == 0) continue;
    end = capStart(0);
    if (capEnd(0) != 0) arrayPush(out, slice(text, beg, end));
    beg = capEnd(0);
  }
  // As Go: the tail is added unless the last match started at the very end.
  if (<u32>end != n) arrayPush(out, slice(text, beg, <i32>n));
  return out;
}

/** regex.replace(s, pattern, value): Go's ReplaceAllString, `$1`/`${name}` expanded. */
export function b_regex_replace(s: usize, pattern: usize, value: usize): usize {
  const fn = 'regex.replace';
  if (tag(s) != T_STRING) return typeError(fn, 1, 'string', s);
  if (tag(pattern) != T_STRING) return typeError(fn, 2, 'string', pattern);
  if (tag(value) != T_STRING) return typeError(fn, 3, 'string', value);
  const prog = compileOrError(fn, pattern);
  if (prog == 0) return 0;
  const text = strBytes(s), n = strLen(s);
  const tpl = strBytes(value), tplLen = strLen(value);
  // Groups matter only when the template can refer to them.
  let hasDollar = false;
  for (let i: u32 = 0; i < tplLen; i++) if (load<u8>(tpl + <usize>i) == 0x24) { hasDollar = true; break; }
  vmPrepare(prog, hasDollar ? progCaptures(prog) + 1 : 1);

  LETTERS = 0; // decoded on demand, per call: the heap is reset between evaluations
  const out = bufNew(n + 16);
  let lastMatchEnd: u32 = 0;
  let searchPos: u32 = 0;
  let replaced = false;
  while (searchPos <= n) {
    if (!vmSearch(text, n, searchPos)) break;
    const a0 = <u32>capStart(0), a1 = <u32>capEnd(0);
    bufPutBytes(out, text + <usize>lastMatchEnd, a0 - lastMatchEnd);
    // No replacement for an empty match right after the previous match.
    if (a1 > lastMatchEnd || a0 == 0) {
      expand(out, prog, tpl, tplLen, text);
      replaced = true;
    }
    lastMatchEnd = a1;
    // Advance past this match; always advance at least one rune.
    let width: u32 = 0;
    if (searchPos < n) {
      decodeRune(text + <usize>searchPos, n - searchPos);
      width = <u32>runeSize;
    }
    if (searchPos + width > a1) searchPos += width;
    else if (searchPos + 1 > a1) searchPos++;
    else searchPos = a1;
  }
  if (!replaced) return s;
  bufPutBytes(out, text + <usize>lastMatchEnd, n - lastMatchEnd);
  return bufToString(out);
}

// Go's Regexp.expand: appends the template with $1, ${1}, $name, ${name} replaced by
// the groups of the current match and $$ by $. A malformed reference is kept as text.
function expand(out: usize, prog: usize, tpl: usize, n: u32, text: usize): void {
  let i: u32 = 0;
  while (i < n) {
    const c = load<u8>(tpl + <usize>i);
    if (c != 0x24) { bufPutByte(out, c); i++; continue; }
    i++;
    if (i < n && load<u8>(tpl + <usize>i) == 0x24) { bufPutByte(out, 0x24); i++; continue; }
    if (!extractRef(tpl + <usize>i, n - i)) { bufPutByte(out, 0x24); continue; }
    i += REF_CONSUMED;
    const k = refGroup(prog);
    if (k >= 0 && capStart(k) >= 0) {
      bufPutBytes(out, text + <usize>capStart(k), <u32>(capEnd(k) - capStart(k)));
    }
  }
}

// The reference parsed by extractRef: name bytes, its number (-1 if not a number).
let REF_NAME: usize = 0;
let REF_NAME_LEN: u32 = 0;
let REF_NUM: i32 = -1;
let REF_CONSUMED: u32 = 0;
let LETTERS: usize = 0;
let DIGITS: usize = 0;

// Go's extract: a name of letters, digits and _ (optionally in braces) after '$'.
function extractRef(p: usize, n: u32): bool {
  if (n == 0) return false;
  let i: u32 = 0;
  const brace = load<u8>(p) == 0x7b;
  if (brace) i++;
  const start = i;
  while (i < n) {
    const c = <i32>load<u8>(p + <usize>i);
    if (c < 0x80) {
      if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f)) break;
      i++;
      continue;
    }
    const r = decodeRune(p + <usize>i, n - i);
    if (!isLetterOrDigit(r)) break;
    i += <u32>runeSize;
  }
  if (i == start) return false;
  REF_NAME = p + <usize>start;
  REF_NAME_LEN = i - start;
  if (brace) {
    if (i >= n || load<u8>(p + <usize>i) != 0x7d) return false;
    i++;
  }
  REF_CONSUMED = i;
  // A number: digits only, no leading zero, below 1e8.
  let num: i32 = 0;
  for (let j: u32 = 0; j < REF_NAME_LEN; j++) {
    const d = <i32>load<u8>(REF_NAME + <usize>j) - 0x30;
    if (d < 0 || d > 9 || num >= 100000000) { num = -1; break; }
    num = num * 10 + d;
  }
  if (REF_NAME_LEN > 1 && load<u8>(REF_NAME) == 0x30) num = -1;
  REF_NUM = num;
  return true;
}

function isLetterOrDigit(r: i32): bool {
  if (LETTERS == 0) { LETTERS = letterTable(); DIGITS = digitTable(); }
  return classHas(LETTERS, r) || classHas(DIGITS, r);
}

// The group the last extracted reference denotes, or -1.
function refGroup(prog: usize): i32 {
  const groups = progCaptures(prog);
  if (REF_NUM >= 0) return REF_NUM <= groups ? REF_NUM : -1;
  const names = progNames(prog);
  for (let k = 1; k <= groups; k++) {
    const e = names + (<usize>(k - 1) << 3);
    const len = load<u32>(e, 4);
    if (len == REF_NAME_LEN && len > 0 && memory.compare(<usize>load<u32>(e), REF_NAME, len) == 0) return k;
  }
  return -1;
}

/**
 * regex.template_match(template, value, delimiter_start, delimiter_end): matches value
 * against a template whose delimited parts are regexes and the rest literal text
 * (OPA's gorilla/mux-style templates), anchored at both ends.
 */
export function b_regex_template_match(template: usize, value: usize, dstart: usize, dend: usize): usize {
  const fn = 'regex.template_match';
  if (tag(template) != T_STRING) return typeError(fn, 1, 'string', template);
  if (tag(value) != T_STRING) return typeError(fn, 2, 'string', value);
  if (tag(dstart) != T_STRING) return typeError(fn, 3, 'string', dstart);
  if (tag(dend) != T_STRING) return typeError(fn, 4, 'string', dend);
  if (strLen(dstart) != 1) {
    return builtinError(fn, 'start delimiter has to be exactly one character long but is ' + strLen(dstart).toString() + ' long');
  }
  if (strLen(dend) != 1) {
    return builtinError(fn, 'end delimiter has to be exactly one character long but is ' + strLen(dend).toString() + ' long');
  }
  const open = load<u8>(strBytes(dstart)), close = load<u8>(strBytes(dend));
  const t = strBytes(template), n = strLen(template);
  // ^ literal (?P<v0>re) literal ... $
  const re = bufNew(n * 2 + 16);
  bufPutByte(re, 0x5e);
  let level = 0;
  let idx: u32 = 0;
  let end: u32 = 0;
  let group = 0;
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(t + <usize>i);
    if (c == open) {
      if (++level == 1) idx = i;
    } else if (c == close) {
      level--;
      if (level == 0) {
        quoteMeta(re, t + <usize>end, idx - end);
        bufPutByte(re, 0x28); bufPutByte(re, 0x3f); bufPutByte(re, 0x50); bufPutByte(re, 0x3c); // (?P<
        bufPutByte(re, 0x76); // v
        putDecimal(re, group++);
        bufPutByte(re, 0x3e);
        bufPutBytes(re, t + <usize>idx + 1, i - idx - 1);
        bufPutByte(re, 0x29);
        end = i + 1;
      } else if (level < 0) {
        return unbalanced(fn, template);
      }
    }
  }
  if (level != 0) return unbalanced(fn, template);
  quoteMeta(re, t + <usize>end, n - end);
  bufPutByte(re, 0x24);
  const prog = compileRegex(bufData(re), bufLen(re));
  if (prog == 0) return builtinError(fn, syntaxErrorMessage());
  vmPrepare(prog, 0);
  return newBool(vmSearch(strBytes(value), strLen(value), 0));
}

function unbalanced(fn: string, template: usize): usize {
  const q = bufNew(strLen(template) + 8);
  dumpGoQuoted(q, strBytes(template), strLen(template));
  return builtinError(fn, 'unbalanced braces in ' + String.UTF8.decodeUnsafe(bufData(q), bufLen(q), false));
}

// Go's %q of a string with printable text: quotes, and \" \\ escaped (enough for
// templates; control characters are rare there).
function dumpGoQuoted(b: usize, p: usize, n: u32): void {
  bufPutByte(b, 0x22);
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    if (c == 0x22 || c == 0x5c) bufPutByte(b, 0x5c);
    bufPutByte(b, c);
  }
  bufPutByte(b, 0x22);
}

function putDecimal(b: usize, x: i32): void {
  if (x >= 10) putDecimal(b, x / 10);
  bufPutByte(b, <u8>(0x30 + x % 10));
}

// Go's regexp.QuoteMeta: a backslash before each of \.+*?()|[]{}^$
function quoteMeta(b: usize, p: usize, n: u32): void {
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    switch (c) {
      case 0x5c: case 0x2e: case 0x2b: case 0x2a: case 0x3f: case 0x28: case 0x29: case 0x7c:
      case 0x5b: case 0x5d: case 0x7b: case 0x7d: case 0x5e: case 0x24:
        bufPutByte(b, 0x5c);
    }
    bufPutByte(b, c);
  }
}
