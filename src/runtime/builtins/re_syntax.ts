// The regex parser: RE2 syntax (as Go's regexp/syntax with the Perl flags that
// regexp.Compile uses) to a syntax tree in linear memory.
//
// Recursive descent, one function per level: alternation → concatenation → item
// (atom + repetition). Errors reproduce Go's codes and the offending text, e.g.
// "missing closing ]: `[a`", so messages match OPA's byte for byte in the common cases.
//
// Semantics that follow Go rather than Perl/PCRE:
// - `$` without (?m) matches only at the very end of the text (not before a final \n);
// - `\d \w \s \b` are ASCII-only; `[^a]`, `\D`, `\S`, `\W` can match `\n`;
// - a flag group `(?i)` lasts until the end of the enclosing group, across `|`;
// - `{` that does not start a valid `{n}`, `{n,}` or `{n,m}` is a literal;
// - counts above 1000 (also when nested, `(a{100}){20}`) are "invalid repeat count";
// - no backreferences, lookaround or possessive quantifiers.
import { alloc } from '../alloc';
import { bufNew, bufPutBytes, bufLen, bufData } from '../buffer';
import { decodeRune, runeSize, RUNE_ERROR } from './utf8';
import {
  rbNew, rbAdd, rbAddClass, rbAddNegated, rbFinish, rbAddFolded, rbAddFoldedClass,
  unicodeTable, simpleFold, MAX_RUNE,
} from './re_ranges';

// ---- syntax tree ------------------------------------------------------------------------

export const OP_EMPTY: i32 = 0;      // matches the empty string
export const OP_LITERAL: i32 = 1;    // rune `a` (flags: FL_FOLD)
export const OP_CLASS: i32 = 2;      // class block `sub`
export const OP_ANY: i32 = 3;        // any rune
export const OP_ANY_NOT_NL: i32 = 4; // any rune but \n
export const OP_BOL: i32 = 5;        // ^ with (?m)
export const OP_EOL: i32 = 6;        // $ with (?m)
export const OP_BOT: i32 = 7;        // ^ or \A
export const OP_EOT: i32 = 8;        // $ or \z
export const OP_WORD_B: i32 = 9;     // \b
export const OP_NO_WORD_B: i32 = 10; // \B
export const OP_CAPTURE: i32 = 11;   // group number `a`, child `sub`
export const OP_CONCAT: i32 = 12;    // `b` children in the u32 array `sub`
export const OP_ALTERNATE: i32 = 13; // `b` children in the u32 array `sub`
export const OP_STAR: i32 = 14;      // child `sub` (flags: FL_NON_GREEDY)
export const OP_PLUS: i32 = 15;
export const OP_QUEST: i32 = 16;
export const OP_REPEAT: i32 = 17;    // {a,b}, b = -1 for no maximum

export const FL_FOLD: i32 = 1;        // (?i)
export const FL_MULTILINE: i32 = 2;   // (?m)
export const FL_DOT_NL: i32 = 4;      // (?s)
export const FL_UNGREEDY: i32 = 8;    // (?U)
export const FL_NON_GREEDY: i32 = 16; // on a repetition node

/** A node: op, flags, a, b (meaning per op, above), sub. 20 bytes. */
@unmanaged export class Node {
  op: i32;
  flags: i32;
  a: i32;
  b: i32;
  sub: usize;
}

function newNode(op: i32, flags: i32, a: i32, b: i32, sub: usize): Node {
  const n = changetype<Node>(alloc(offsetof<Node>()));
  n.op = op; n.flags = flags; n.a = a; n.b = b; n.sub = sub;
  return n;
}

/** Child `i` of a concatenation or alternation. */
@inline export function child(n: Node, i: i32): Node {
  return changetype<Node>(<usize>load<u32>(n.sub + (<usize>i << 2)));
}

/** A concatenation (or alternation) of the `count` nodes in a u32 list buffer. */
function newList(op: i32, list: usize): Node {
  const count = <i32>(bufLen(list) >>> 2);
  if (count == 0) return newNode(OP_EMPTY, 0, 0, 0, 0);
  if (count == 1) return changetype<Node>(<usize>load<u32>(bufData(list)));
  const kids = alloc(<usize>count << 2);
  memory.copy(kids, bufData(list), <usize>count << 2);
  return newNode(op, 0, 0, count, kids);
}

function listPush(list: usize, n: Node): void {
  store<u32>(SCRATCH, <u32>changetype<usize>(n));
  bufPutBytes(list, SCRATCH, 4);
}
const SCRATCH: usize = memory.data(8, 4);

/** Node constructors for other front ends (glob patterns compile to the same tree). */
export function nodeLiteral(r: i32): Node { return newNode(OP_LITERAL, 0, r, 0, 0); }
export function nodeClass(cls: usize): Node { return newNode(OP_CLASS, 0, 0, 0, cls); }
export function nodeOp(op: i32): Node { return newNode(op, 0, 0, 0, 0); }
export function nodeStar(sub: Node): Node { return newNode(OP_STAR, 0, 0, 0, changetype<usize>(sub)); }
export function nodeListNew(): usize { return bufNew(32); }
export function nodeListPush(list: usize, n: Node): void { listPush(list, n); }
export function nodeConcat(list: usize): Node { return newList(OP_CONCAT, list); }
export function nodeAlternate(list: usize): Node { return newList(OP_ALTERNATE, list); }

// ---- errors -------------------------------------------------------------------------------

export const E_NONE: i32 = 0;
export const E_MISSING_BRACKET: i32 = 1;
export const E_MISSING_PAREN: i32 = 2;
export const E_UNEXPECTED_PAREN: i32 = 3;
export const E_MISSING_REPEAT_ARG: i32 = 4;
export const E_INVALID_REPEAT_OP: i32 = 5;
export const E_INVALID_REPEAT_SIZE: i32 = 6;
export const E_INVALID_ESCAPE: i32 = 7;
export const E_INVALID_CHAR_RANGE: i32 = 8;
export const E_INVALID_PERL_OP: i32 = 9;
export const E_INVALID_NAMED_CAPTURE: i32 = 10;
export const E_TRAILING_BACKSLASH: i32 = 11;
export const E_INVALID_UTF8: i32 = 12;
export const E_NESTING_DEPTH: i32 = 13;
export const E_LARGE: i32 = 14;

// The error of the last parse: code and the offending text (bytes of the pattern).
let errCode: i32 = E_NONE;
let errAt: usize = 0;
let errLen: u32 = 0;

function fail(code: i32, from: usize, to: usize): Node {
  if (errCode == E_NONE) {
    errCode = code;
    errAt = from;
    errLen = <u32>(to - from);
  }
  return changetype<Node>(0);
}

/** Records an error found after parsing (the compiler's "expression too large"). */
export function setSyntaxError(code: i32, from: usize, to: usize): void { fail(code, from, to); }

@inline function failed(): bool { return errCode != E_NONE; }

/** Go's text of an error code. */
function codeText(code: i32): string {
  switch (code) {
    case E_MISSING_BRACKET: return 'missing closing ]';
    case E_MISSING_PAREN: return 'missing closing )';
    case E_UNEXPECTED_PAREN: return 'unexpected )';
    case E_MISSING_REPEAT_ARG: return 'missing argument to repetition operator';
    case E_INVALID_REPEAT_OP: return 'invalid nested repetition operator';
    case E_INVALID_REPEAT_SIZE: return 'invalid repeat count';
    case E_INVALID_ESCAPE: return 'invalid escape sequence';
    case E_INVALID_CHAR_RANGE: return 'invalid character class range';
    case E_INVALID_PERL_OP: return 'invalid or unsupported Perl syntax';
    case E_INVALID_NAMED_CAPTURE: return 'invalid named capture';
    case E_TRAILING_BACKSLASH: return 'trailing backslash at end of expression';
    case E_INVALID_UTF8: return 'invalid UTF-8';
    case E_NESTING_DEPTH: return 'expression nests too deeply';
    case E_LARGE: return 'expression too large';
  }
  return 'internal error';
}

/** "error parsing regexp: <code>: `<text>`", as Go's *syntax.Error prints. */
export function syntaxErrorMessage(): string {
  return 'error parsing regexp: ' + codeText(errCode) + ': `' +
    String.UTF8.decodeUnsafe(errAt, errLen, false) + '`';
}

// ---- parser state ---------------------------------------------------------------------------

let START: usize = 0;   // pattern bytes
let END: usize = 0;
let P: usize = 0;       // cursor
let FLAGS: i32 = 0;     // current flags (FL_FOLD...)
let NCAP: i32 = 0;      // capture groups so far
let NAMES: usize = 0;   // buffer of (ptr, len) u32 pairs per group, from group 1
let DEPTH: i32 = 0;

const MAX_DEPTH: i32 = 1000;
const MAX_REPEAT: i32 = 1000;

/** Number of capture groups of the last successful parse. */
export function parsedCaptures(): i32 { return NCAP; }

/** The (ptr, len) pairs of group names of the last parse (len 0: unnamed), from group 1. */
export function parsedNames(): usize { return bufData(NAMES); }

/**
 * Parses the `n` bytes at `p`. Returns the tree, or 0 with the error available through
 * syntaxErrorMessage().
 */
export function parseRegex(p: usize, n: u32): Node {
  errCode = E_NONE;
  START = p; END = p + <usize>n; P = p;
  FLAGS = 0; NCAP = 0; DEPTH = 0;
  NAMES = bufNew(16);
  const bad = firstInvalidUTF8(p, n);
  if (bad < n) return fail(E_INVALID_UTF8, p + <usize>bad, END); // Go quotes from the bad byte
  const re = parseAlternation();
  if (failed()) return changetype<Node>(0);
  if (P < END) return fail(E_UNEXPECTED_PAREN, START, END); // stopped at a ')'
  return re;
}

// Offset of the first byte that is not valid UTF-8, or n.
function firstInvalidUTF8(p: usize, n: u32): u32 {
  let i: u32 = 0;
  while (i < n) {
    const c = load<u8>(p + <usize>i);
    if (c < 0x80) { i++; continue; }
    if (decodeRune(p + <usize>i, n - i) == RUNE_ERROR && runeSize == 1) return i;
    i += <u32>runeSize;
  }
  return n;
}

/** Decodes the rune at P (the caller checked P < END); sets runeSize. */
@inline function peekRune(at: usize): i32 {
  const c = <i32>load<u8>(at);
  if (c < 0x80) { RSIZE = 1; return c; }
  const r = decodeRune(at, <u32>(END - at));
  RSIZE = runeSize;
  return r;
}
let RSIZE: i32 = 1;

@inline function byteAt(at: usize): i32 { return at < END ? <i32>load<u8>(at) : -1; }

// alternation := concat ('|' concat)*
function parseAlternation(): Node {
  let first = parseConcat();
  if (failed()) return first;
  if (byteAt(P) != 0x7c) return first;
  const alts = bufNew(16);
  listPush(alts, first);
  while (byteAt(P) == 0x7c) {
    P++;
    const next = parseConcat();
    if (failed()) return next;
    listPush(alts, next);
  }
  return newList(OP_ALTERNATE, alts);
}

// concat := item*, where an item is an atom or a repetition applied to the last item.
function parseConcat(): Node {
  const items = bufNew(32);
  let lastRepeat: usize = 0; // start of the previous token when it was a repetition
  while (P < END) {
    const c = <i32>load<u8>(P);
    if (c == 0x7c || c == 0x29) break; // | )
    let repeatAt: usize = 0;
    switch (c) {
      case 0x2a: case 0x2b: case 0x3f: { // * + ?
        const opAt = P;
        P++;
        const op = c == 0x2a ? OP_STAR : c == 0x2b ? OP_PLUS : OP_QUEST;
        if (!applyRepeat(items, op, 0, 0, opAt, lastRepeat)) return changetype<Node>(0);
        repeatAt = opAt;
        break;
      }
      case 0x7b: { // {
        const opAt = P;
        if (!parseBraces()) { // not a repetition: a literal {
          P++;
          listPush(items, literal(0x7b));
          break;
        }
        if (BR_MIN < 0 || BR_MIN > MAX_REPEAT || BR_MAX > MAX_REPEAT || (BR_MAX >= 0 && BR_MIN > BR_MAX)) {
          return fail(E_INVALID_REPEAT_SIZE, opAt, P);
        }
        if (!applyRepeat(items, OP_REPEAT, BR_MIN, BR_MAX, opAt, lastRepeat)) return changetype<Node>(0);
        repeatAt = opAt;
        break;
      }
      case 0x28: { // (
        const g = parseGroup();
        if (failed()) return g;
        if (changetype<usize>(g) != FLAGS_ONLY) listPush(items, g);
        break;
      }
      case 0x5b: { // [
        const cls = parseClass();
        if (failed()) return cls;
        listPush(items, cls);
        break;
      }
      case 0x5c: { // backslash
        if (!parseBackslash(items)) return changetype<Node>(0);
        break;
      }
      case 0x2e: // .
        P++;
        listPush(items, newNode((FLAGS & FL_DOT_NL) != 0 ? OP_ANY : OP_ANY_NOT_NL, 0, 0, 0, 0));
        break;
      case 0x5e: // ^
        P++;
        listPush(items, newNode((FLAGS & FL_MULTILINE) != 0 ? OP_BOL : OP_BOT, 0, 0, 0, 0));
        break;
      case 0x24: // $
        P++;
        listPush(items, newNode((FLAGS & FL_MULTILINE) != 0 ? OP_EOL : OP_EOT, 0, 0, 0, 0));
        break;
      default: {
        const r = peekRune(P);
        P += <usize>RSIZE;
        listPush(items, literal(r));
      }
    }
    lastRepeat = repeatAt;
  }
  return newList(OP_CONCAT, items);
}

// A literal rune under the current flags.
function literal(r: i32): Node {
  const fold = (FLAGS & FL_FOLD) != 0 && simpleFold(r) != r;
  return newNode(OP_LITERAL, fold ? FL_FOLD : 0, r, 0, 0);
}

/**
 * Applies a repetition operator (text from `opAt` to P) to the last item, consuming a
 * `?` that makes it non-greedy. As Go: a repetition right after another one is an
 * error (`a**`), and so is one with nothing before it.
 */
function applyRepeat(items: usize, op: i32, min: i32, max: i32, opAt: usize, lastRepeat: usize): bool {
  let flags = (FLAGS & FL_UNGREEDY) != 0 ? FL_NON_GREEDY : 0;
  if (byteAt(P) == 0x3f) {
    P++;
    flags ^= FL_NON_GREEDY;
  }
  if (lastRepeat != 0) {
    fail(E_INVALID_REPEAT_OP, lastRepeat, P);
    return false;
  }
  const n = bufLen(items) >>> 2;
  if (n == 0) {
    fail(E_MISSING_REPEAT_ARG, opAt, P);
    return false;
  }
  const slot = bufData(items) + (<usize>(n - 1) << 2);
  const sub = changetype<Node>(<usize>load<u32>(slot));
  const re = newNode(op, flags, min, max, changetype<usize>(sub));
  if (op == OP_REPEAT && (min >= 2 || max >= 2) && !repeatIsValid(re, MAX_REPEAT)) {
    fail(E_INVALID_REPEAT_SIZE, opAt, P);
    return false;
  }
  store<u32>(slot, <u32>changetype<usize>(re));
  return true;
}

// Go's repeatIsValid: nested counted repetitions may not multiply beyond 1000.
function repeatIsValid(re: Node, n: i32): bool {
  if (re.op == OP_REPEAT) {
    let m = re.b;
    if (m == 0) return true;
    if (m < 0) m = re.a;
    if (m > n) return false;
    if (m > 0) n /= m;
  }
  switch (re.op) {
    case OP_CAPTURE: case OP_STAR: case OP_PLUS: case OP_QUEST: case OP_REPEAT:
      return repeatIsValid(changetype<Node>(re.sub), n);
    case OP_CONCAT: case OP_ALTERNATE:
      for (let i = 0; i < re.b; i++) if (!repeatIsValid(child(re, i), n)) return false;
  }
  return true;
}

// {n}, {n,} or {n,m} at P: on success sets BR_MIN/BR_MAX (-1: none) and moves P past
// the '}'. Numbers too large to matter come back as -1 (min) so the caller rejects them.
let BR_MIN: i32 = 0;
let BR_MAX: i32 = 0;

function parseBraces(): bool {
  let p = P + 1;
  const min = parseInt(p);
  if (!INT_OK) return false;
  p = INT_END;
  if (p >= END) return false;
  let max = min;
  let minOut = min;
  if (load<u8>(p) == 0x2c) { // ,
    p++;
    if (p >= END) return false;
    if (load<u8>(p) == 0x7d) {
      max = -1;
    } else {
      max = parseInt(p);
      if (!INT_OK) return false;
      p = INT_END;
      if (max < 0) minOut = -1;
    }
  }
  if (p >= END || load<u8>(p) != 0x7d) return false;
  BR_MIN = minOut;
  BR_MAX = max;
  P = p + 1;
  return true;
}

let INT_OK: bool = false;
let INT_END: usize = 0;

// Decimal digits without leading zeros; -1 for values of 1e8 and more.
function parseInt(p: usize): i32 {
  INT_OK = false;
  const c = byteAt(p);
  if (c < 0x30 || c > 0x39) return 0;
  const c1 = byteAt(p + 1);
  if (c == 0x30 && c1 >= 0x30 && c1 <= 0x39) return 0;
  let n: i32 = 0;
  while (p < END) {
    const d = <i32>load<u8>(p) - 0x30;
    if (d < 0 || d > 9) break;
    if (n >= 0) n = n >= 100000000 ? -1 : n * 10 + d;
    p++;
  }
  INT_OK = true;
  INT_END = p;
  return n;
}

// ---- groups ---------------------------------------------------------------------------------

// Returned by parseGroup for a flags-only group like (?i): it adds no item.
const FLAGS_ONLY: usize = 1;

function parseGroup(): Node {
  const open = P;
  if (byteAt(P + 1) == 0x3f) return parsePerlGroup(open);
  P++;
  const cap = ++NCAP;
  putName(0, 0);
  return groupBody(open, cap);
}

// The body of a group up to its ')', with the flags restored afterwards.
// cap > 0: a capture; 0: non-capturing.
function groupBody(open: usize, cap: i32): Node {
  if (++DEPTH > MAX_DEPTH) return fail(E_NESTING_DEPTH, START, END);
  const saved = FLAGS;
  const body = parseAlternation();
  if (failed()) return body;
  if (byteAt(P) != 0x29) return fail(E_MISSING_PAREN, START, END);
  P++;
  DEPTH--;
  FLAGS = saved;
  if (cap == 0) return body;
  return newNode(OP_CAPTURE, 0, cap, 0, changetype<usize>(body));
}

// (?P<name>...), (?<name>...), (?flags), (?flags:...)
function parsePerlGroup(open: usize): Node {
  const t = open + 2;
  const c2 = byteAt(t);
  const named = (c2 == 0x50 && byteAt(t + 1) == 0x3c && t + 2 < END) || (c2 == 0x3c && t + 1 < END);
  if (named) {
    const begin = c2 == 0x50 ? t + 2 : t + 1;
    let end = begin;
    while (end < END && load<u8>(end) != 0x3e) end++;
    if (end >= END) return fail(E_INVALID_NAMED_CAPTURE, open, END);
    if (!validCaptureName(begin, end)) return fail(E_INVALID_NAMED_CAPTURE, open, end + 1);
    P = end + 1;
    const cap = ++NCAP;
    putName(begin, <u32>(end - begin));
    return groupBody(open, cap);
  }

  let flags = FLAGS;
  let negated = false;
  let sawFlag = false;
  let p = t;
  while (p < END) {
    const c = peekRune(p);
    p += <usize>RSIZE;
    let bit = 0;
    if (c == 0x69) bit = FL_FOLD;            // i
    else if (c == 0x6d) bit = FL_MULTILINE;  // m
    else if (c == 0x73) bit = FL_DOT_NL;     // s
    else if (c == 0x55) bit = FL_UNGREEDY;   // U
    if (bit != 0) {
      flags = negated ? flags & ~bit : flags | bit;
      sawFlag = true;
      continue;
    }
    if (c == 0x2d) { // -
      if (negated) break;
      negated = true;
      sawFlag = false;
      continue;
    }
    if (c == 0x3a || c == 0x29) { // : )
      if (negated && !sawFlag) break;
      P = p;
      if (c == 0x29) {
        FLAGS = flags;
        return changetype<Node>(FLAGS_ONLY);
      }
      // A non-capturing group: the new flags hold inside it only.
      const outer = FLAGS;
      FLAGS = flags;
      const body = groupBody(open, 0);
      FLAGS = outer;
      return body;
    }
    break;
  }
  return fail(E_INVALID_PERL_OP, open, p);
}

function validCaptureName(p: usize, end: usize): bool {
  if (p == end) return false;
  for (; p < end; p++) {
    if (!isWordByte(<i32>load<u8>(p))) return false;
  }
  return true;
}

function putName(p: usize, n: u32): void {
  store<u32>(SCRATCH, <u32>p);
  store<u32>(SCRATCH, n, 4);
  bufPutBytes(NAMES, SCRATCH, 8);
}

// ---- escapes --------------------------------------------------------------------------------

@inline function isDigitByte(c: i32): bool { return c >= 0x30 && c <= 0x39; }
@inline function isAlnumByte(c: i32): bool {
  return isDigitByte(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
@inline export function isWordByte(c: i32): bool { return isAlnumByte(c) || c == 0x5f; }

function unhex(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

// A backslash outside a class: assertions, \Q...\E, classes, or an escaped rune.
function parseBackslash(items: usize): bool {
  const at = P;
  const c = byteAt(at + 1);
  switch (c) {
    case 0x41: P += 2; listPush(items, nodeOp(OP_BOT)); return true;        // \A
    case 0x7a: P += 2; listPush(items, nodeOp(OP_EOT)); return true;        // \z
    case 0x62: P += 2; listPush(items, nodeOp(OP_WORD_B)); return true;     // \b
    case 0x42: P += 2; listPush(items, nodeOp(OP_NO_WORD_B)); return true;  // \B
    case 0x43: fail(E_INVALID_ESCAPE, at, at + 2); return false;            // \C
    case 0x51: { // \Q ... \E: literal text
      let p = at + 2;
      let end = p;
      while (end < END && !(load<u8>(end) == 0x5c && byteAt(end + 1) == 0x45)) end++;
      while (p < end) {
        const r = peekRune(p);
        p += <usize>RSIZE;
        listPush(items, literal(r));
      }
      P = end < END ? end + 2 : END;
      return true;
    }
    case 0x70: case 0x50: { // \p \P
      const b = rbNew();
      if (!parseUnicodeClass(b)) return false;
      listPush(items, nodeClass(rbFinish(b)));
      return true;
    }
  }
  if (isPerlClass(c)) {
    const b = rbNew();
    addPerlClass(b, c);
    P += 2;
    listPush(items, nodeClass(rbFinish(b)));
    return true;
  }
  const r = parseEscape();
  if (failed()) return false;
  listPush(items, literal(r));
  return true;
}

/** An escaped rune at P (`\n`, `\x41`, `\x{263a}`, `\101`, `\.`); moves P past it. */
function parseEscape(): i32 {
  const start = P;
  let p = P + 1;
  if (p >= END) { fail(E_TRAILING_BACKSLASH, START, START); return 0; }
  const c = peekRune(p);
  p += <usize>RSIZE;
  if (c < 0x80 && !isAlnumByte(c)) { P = p; return c; } // escaped punctuation is itself
  switch (c) {
    case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37: {
      // \1..\7 alone would be a backreference (unsupported); with more octal digits it is octal
      const d = byteAt(p);
      if (d < 0x30 || d > 0x37) break;
    } // fallthrough
    case 0x30: {
      let r = c - 0x30;
      for (let i = 1; i < 3; i++) {
        const d = byteAt(p);
        if (d < 0x30 || d > 0x37) break;
        r = r * 8 + d - 0x30;
        p++;
      }
      P = p;
      return r;
    }
    case 0x78: { // x
      if (p >= END) break;
      const c1 = peekRune(p);
      p += <usize>RSIZE;
      if (c1 == 0x7b) { // \x{...}
        let nhex = 0;
        let r = 0;
        let ok = false;
        while (p < END) {
          const h = peekRune(p);
          p += <usize>RSIZE;
          if (h == 0x7d) { ok = nhex > 0; break; }
          const v = unhex(h);
          if (v < 0) break;
          r = r * 16 + v;
          if (r > MAX_RUNE) break;
          nhex++;
        }
        if (!ok) break;
        P = p;
        return r;
      }
      const x = unhex(c1);
      let y = -1;
      if (p < END) {
        y = unhex(peekRune(p));
        p += <usize>RSIZE;
      }
      if (x < 0 || y < 0) break;
      P = p;
      return x * 16 + y;
    }
    case 0x61: P = p; return 7;   // \a
    case 0x66: P = p; return 12;  // \f
    case 0x6e: P = p; return 10;  // \n
    case 0x72: P = p; return 13;  // \r
    case 0x74: P = p; return 9;   // \t
    case 0x76: P = p; return 11;  // \v
  }
  fail(E_INVALID_ESCAPE, start, p);
  return 0;
}

// ---- classes ----------------------------------------------------------------------------------

@inline function isPerlClass(c: i32): bool {
  return c == 0x64 || c == 0x44 || c == 0x73 || c == 0x53 || c == 0x77 || c == 0x57;
}

// Perl classes (ASCII, as Go): \d [0-9], \s [\t\n\f\r ], \w [0-9A-Za-z_].
// Class blocks: count, then lo/hi pairs.
const PERL_D: usize = memory.data<i32>([1, 0x30, 0x39]);
const PERL_S: usize = memory.data<i32>([3, 0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20]);
const PERL_W: usize = memory.data<i32>([4, 0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]);

// \d \D \s \S \w \W (letter c) into a builder; the upper-case letter negates.
function addPerlClass(b: usize, c: i32): void {
  const lower = c | 0x20;
  const cls = lower == 0x64 ? PERL_D : lower == 0x73 ? PERL_S : PERL_W;
  addGroup(b, cls, c != lower);
}

// A named group (a class block) added as is or negated; with (?i) it is first closed
// under case folding (so (?i)\W excludes K and k alike, as Go).
function addGroup(b: usize, cls: usize, negate: bool): void {
  if ((FLAGS & FL_FOLD) != 0) {
    const f = rbNew();
    rbAddFoldedClass(f, cls);
    cls = rbFinish(f);
  }
  if (negate) rbAddNegated(b, cls);
  else rbAddClass(b, cls);
}

// POSIX classes [:name:] for use inside brackets.
const POSIX_NAMES: usize = memory.data<u8>([
  // length-prefixed names, in the order of POSIX_RANGES
  5, 0x61, 0x6c, 0x6e, 0x75, 0x6d,        // alnum
  5, 0x61, 0x6c, 0x70, 0x68, 0x61,        // alpha
  5, 0x61, 0x73, 0x63, 0x69, 0x69,        // ascii
  5, 0x62, 0x6c, 0x61, 0x6e, 0x6b,        // blank
  5, 0x63, 0x6e, 0x74, 0x72, 0x6c,        // cntrl
  5, 0x64, 0x69, 0x67, 0x69, 0x74,        // digit
  5, 0x67, 0x72, 0x61, 0x70, 0x68,        // graph
  5, 0x6c, 0x6f, 0x77, 0x65, 0x72,        // lower
  5, 0x70, 0x72, 0x69, 0x6e, 0x74,        // print
  5, 0x70, 0x75, 0x6e, 0x63, 0x74,        // punct
  5, 0x73, 0x70, 0x61, 0x63, 0x65,        // space
  5, 0x75, 0x70, 0x70, 0x65, 0x72,        // upper
  4, 0x77, 0x6f, 0x72, 0x64,              // word
  6, 0x78, 0x64, 0x69, 0x67, 0x69, 0x74,  // xdigit
  0,
]);

// Class blocks (count, then lo/hi pairs), 9 slots each.
const POSIX_RANGES: usize = memory.data<i32>([
  3, 0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a, 0, 0,           // alnum
  2, 0x41, 0x5a, 0x61, 0x7a, 0, 0, 0, 0,                 // alpha
  1, 0x00, 0x7f, 0, 0, 0, 0, 0, 0,                       // ascii
  2, 0x09, 0x09, 0x20, 0x20, 0, 0, 0, 0,                 // blank
  2, 0x00, 0x1f, 0x7f, 0x7f, 0, 0, 0, 0,                 // cntrl
  1, 0x30, 0x39, 0, 0, 0, 0, 0, 0,                       // digit
  1, 0x21, 0x7e, 0, 0, 0, 0, 0, 0,                       // graph
  1, 0x61, 0x7a, 0, 0, 0, 0, 0, 0,                       // lower
  1, 0x20, 0x7e, 0, 0, 0, 0, 0, 0,                       // print
  4, 0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e,     // punct
  2, 0x09, 0x0d, 0x20, 0x20, 0, 0, 0, 0,                 // space
  1, 0x41, 0x5a, 0, 0, 0, 0, 0, 0,                       // upper
  4, 0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a,     // word
  3, 0x30, 0x39, 0x41, 0x46, 0x61, 0x66, 0, 0,           // xdigit
]);

// The class block of a POSIX class name (n bytes at p), or 0.
function posixClass(p: usize, n: u32): usize {
  let q = POSIX_NAMES;
  for (let i = 0; ; i++) {
    const len = <u32>load<u8>(q);
    if (len == 0) return 0;
    if (len == n && memory.compare(q + 1, p, n) == 0) return POSIX_RANGES + <usize>i * 36;
    q += 1 + <usize>len;
  }
  return 0;
}

// [...] at P. Items are ranges `a-z`, single runes, escapes, [:posix:], \pL, \d.
function parseClass(): Node {
  const open = P;
  let t = P + 1;
  const b = rbNew();
  let negate = false;
  if (byteAt(t) == 0x5e) { negate = true; t++; }
  let first = true; // ']' (and '-') are literal as the first item
  while (t >= END || load<u8>(t) != 0x5d || first) {
    first = false;
    // [:alpha:] / [:^alpha:]
    if (t + 2 < END && load<u8>(t) == 0x5b && load<u8>(t + 1) == 0x3a) {
      let e = t + 2;
      while (e + 1 < END && !(load<u8>(e) == 0x3a && load<u8>(e + 1) == 0x5d)) e++;
      if (e + 1 < END) {
        let nameAt = t + 2;
        let neg = false;
        if (load<u8>(nameAt) == 0x5e) { neg = true; nameAt++; }
        const cls = posixClass(nameAt, <u32>(e - nameAt));
        if (cls == 0) return fail(E_INVALID_CHAR_RANGE, t, e + 2);
        addGroup(b, cls, neg);
        t = e + 2;
        continue;
      }
    }
    if (t + 1 < END && load<u8>(t) == 0x5c) {
      const c = <i32>load<u8>(t + 1);
      if (c == 0x70 || c == 0x50) { // \p \P
        P = t;
        if (!parseUnicodeClass(b)) return changetype<Node>(0);
        t = P;
        continue;
      }
      if (isPerlClass(c)) {
        addPerlClass(b, c);
        t += 2;
        continue;
      }
    }
    // a rune or a range lo-hi
    const rangeAt = t;
    const lo = classChar(t, open);
    if (failed()) return changetype<Node>(0);
    t = CC_END;
    let hi = lo;
    if (t + 1 < END && load<u8>(t) == 0x2d && load<u8>(t + 1) != 0x5d) { // a-b, but [a-] is a or -
      hi = classChar(t + 1, open);
      if (failed()) return changetype<Node>(0);
      t = CC_END;
      if (hi < lo) return fail(E_INVALID_CHAR_RANGE, rangeAt, t);
    }
    if ((FLAGS & FL_FOLD) != 0) rbAddFolded(b, lo, hi);
    else rbAdd(b, lo, hi);
  }
  P = t + 1; // past ']'
  let cls = rbFinish(b);
  if (negate) {
    const nb = rbNew();
    rbAddNegated(nb, cls);
    cls = rbFinish(nb);
  }
  return nodeClass(cls);
}

let CC_END: usize = 0;

// One rune of a class at t (possibly escaped); sets CC_END. `open` is the '[' for the
// "missing closing ]" message, which quotes the class up to the end of the pattern.
function classChar(t: usize, open: usize): i32 {
  if (t >= END) { fail(E_MISSING_BRACKET, open, END); return 0; }
  if (load<u8>(t) == 0x5c) {
    P = t;
    const r = parseEscape();
    CC_END = P;
    return r;
  }
  const r = peekRune(t);
  CC_END = t + <usize>RSIZE;
  return r;
}

// \pL, \p{Greek}, \PL, \p{^Greek} at P into a builder (negated as the letter and a
// leading ^ say; closed under folding with (?i)). Moves P past it.
function parseUnicodeClass(b: usize): bool {
  const at = P;
  let negate = load<u8>(at + 1) == 0x50;
  let t = at + 2;
  let nameAt: usize, nameEnd: usize;
  if (t >= END) {
    fail(E_INVALID_CHAR_RANGE, at, t);
    return false;
  }
  const c = peekRune(t);
  t += <usize>RSIZE;
  let seqEnd: usize;
  if (c != 0x7b) {
    nameAt = at + 2;
    nameEnd = t;
    seqEnd = t;
  } else {
    let e = at;
    while (e < END && load<u8>(e) != 0x7d) e++;
    if (e >= END) { fail(E_INVALID_CHAR_RANGE, at, END); return false; }
    nameAt = at + 3;
    nameEnd = e;
    seqEnd = e + 1;
    t = e + 1;
  }
  if (nameAt < nameEnd && load<u8>(nameAt) == 0x5e) {
    negate = !negate;
    nameAt++;
  }
  const table = unicodeTable(nameAt, <u32>(nameEnd - nameAt));
  if (table == 0) {
    fail(E_INVALID_CHAR_RANGE, at, seqEnd);
    return false;
  }
  addGroup(b, table, negate);
  P = t;
  return true;
}
