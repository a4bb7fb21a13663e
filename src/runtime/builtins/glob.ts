// glob.match and glob.quote_meta with the semantics of github.com/gobwas/glob, the
// library OPA uses.
//
// The pattern is lexed and parsed as gobwas does (same quirks: one range per bracket,
// `{`/`,`/`}` special only inside alternatives, `\` escapes anything, errors such as
// "unexpected end of input"), then translated to the regex engine's syntax tree and
// run by its Pike VM, anchored at both ends:
//   *  →  [^delims]*     ** → any run of runes     ? → [^delims]
//   [abc] [!abc] [a-z] [!a-z] → a class (negated ones may match a delimiter)
//   {a,b} → alternation    text → literal runes
// Delimiters: null means none; an empty array means the default ["."] (as OPA).
import { T_STRING, T_ARRAY, T_NULL, tag, strBytes, strLen, len, arrayGet, newBool } from '../value';
import { bufNew, bufPutByte, bufPutBytes, bufLen, bufData, bufTruncate, bufToString } from '../buffer';
import { typeError, elementTypeError, operandError, builtinError, typeName } from './args';
import { decodeRune, runeSize } from './utf8';
import { rbNew, rbAdd, rbAddNegated, rbFinish } from './re_ranges';
import {
  Node, nodeLiteral, nodeClass, nodeOp, nodeStar, nodeListNew, nodeListPush, nodeConcat,
  nodeAlternate, OP_ANY, OP_BOT, OP_EOT,
} from './re_syntax';
import { compileTree, progMatches } from './re_exec';

// ---- lexer (gobwas/glob/syntax/lexer) -------------------------------------------------------

const K_TEXT: i32 = 1;          // runes in TEXT_RUNES[a, a+b)
const K_ANY: i32 = 2;           // *
const K_SUPER: i32 = 3;         // **
const K_SINGLE: i32 = 4;        // ?
const K_NOT: i32 = 5;           // ! after [
const K_SEPARATOR: i32 = 6;     // , inside {}
const K_RANGE_OPEN: i32 = 7;    // [
const K_RANGE_CLOSE: i32 = 8;   // ]
const K_RANGE_LO: i32 = 9;      // a of a-z (a: rune)
const K_RANGE_BETWEEN: i32 = 10;
const K_RANGE_HI: i32 = 11;     // z of a-z (a: rune)
const K_TERMS_OPEN: i32 = 12;   // {
const K_TERMS_CLOSE: i32 = 13;  // }
const K_EOF: i32 = 14;
const K_ERROR: i32 = 15;        // a: error code

const ERR_UNEXPECTED_END: i32 = 1;
const ERR_EXPECTED_CLOSE: i32 = 2;

function lexErrorText(code: i32): string {
  return code == ERR_UNEXPECTED_END ? 'unexpected end of input' : 'expected close range character';
}

let SRC: usize = 0;
let SRC_END: usize = 0;
let POS: usize = 0;
let LAST_WIDTH: usize = 0;
let TERMS_LEVEL: i32 = 0;
let TOKENS: usize = 0;     // buffer of (kind, a, b) i32 triples
let TEXT_RUNES: usize = 0; // buffer of i32 runes of all text tokens
const TRIPLE: usize = memory.data(12, 4);

function push(kind: i32, a: i32, b: i32): void {
  store<i32>(TRIPLE, kind);
  store<i32>(TRIPLE, a, 4);
  store<i32>(TRIPLE, b, 8);
  bufPutBytes(TOKENS, TRIPLE, 12);
}

// The next rune, or -1 at the end (gobwas' eof).
function read(): i32 {
  if (POS >= SRC_END) { LAST_WIDTH = 0; return -1; }
  const c = <i32>load<u8>(POS);
  if (c < 0x80) { LAST_WIDTH = 1; POS++; return c; }
  const r = decodeRune(POS, <u32>(SRC_END - POS));
  LAST_WIDTH = <usize>runeSize;
  POS += LAST_WIDTH;
  return r;
}

@inline function unread(): void { POS -= LAST_WIDTH; }

function peekRune(): i32 {
  if (POS >= SRC_END) return -1;
  const c = <i32>load<u8>(POS);
  if (c < 0x80) return c;
  return decodeRune(POS, <u32>(SRC_END - POS));
}

/** Lexes the whole pattern into TOKENS; stops after an error or EOF token. */
function lex(p: usize, n: u32): void {
  SRC = p; SRC_END = p + <usize>n; POS = p; TERMS_LEVEL = 0;
  TOKENS = bufNew(256);
  TEXT_RUNES = bufNew(256);
  while (true) {
    const r = read();
    if (r < 0) { push(K_EOF, 0, 0); return; }
    if (r == 0x7b) { // {
      TERMS_LEVEL++;
      push(K_TERMS_OPEN, 0, 0);
    } else if (r == 0x2c && TERMS_LEVEL > 0) { // ,
      push(K_SEPARATOR, 0, 0);
    } else if (r == 0x7d && TERMS_LEVEL > 0) { // }
      push(K_TERMS_CLOSE, 0, 0);
      TERMS_LEVEL--;
    } else if (r == 0x5b) { // [
      push(K_RANGE_OPEN, 0, 0);
      if (!lexRange()) return;
    } else if (r == 0x3f) { // ?
      push(K_SINGLE, 0, 0);
    } else if (r == 0x2a) { // *
      if (read() == 0x2a) push(K_SUPER, 0, 0);
      else { unread(); push(K_ANY, 0, 0); }
    } else {
      unread();
      lexText(TERMS_LEVEL > 0 ? BREAK_TERMS : BREAK_TEXT);
    }
  }
}

// Text breakers: outside {} the metacharacters ? * [ {; inside also } and ,.
const BREAK_TEXT: i32 = 1;
const BREAK_TERMS: i32 = 2;
const BREAK_RANGE: i32 = 3; // only ]

function isBreaker(r: i32, mode: i32): bool {
  if (mode == BREAK_RANGE) return r == 0x5d;
  if (r == 0x3f || r == 0x2a || r == 0x5b || r == 0x7b) return true;
  return mode == BREAK_TERMS && (r == 0x7d || r == 0x2c);
}

// A run of text up to a breaker; `\` makes the next rune literal.
function lexText(mode: i32): void {
  const start = <i32>(bufLen(TEXT_RUNES) >>> 2);
  let escaped = false;
  while (true) {
    const r = read();
    if (r < 0) break;
    if (!escaped) {
      if (r == 0x5c) { escaped = true; continue; }
      if (isBreaker(r, mode)) { unread(); break; }
    }
    escaped = false;
    store<i32>(TRIPLE, r);
    bufPutBytes(TEXT_RUNES, TRIPLE, 4);
  }
  const count = <i32>(bufLen(TEXT_RUNES) >>> 2) - start;
  if (count > 0) push(K_TEXT, start, count);
}

// After '[': an optional '!', then lo-hi or a list of runes, then ']'.
function lexRange(): bool {
  let wantHi = false, wantClose = false, seenNot = false;
  while (true) {
    const r = read();
    if (r < 0) { push(K_ERROR, ERR_UNEXPECTED_END, 0); return false; }
    if (wantClose) {
      if (r != 0x5d) { push(K_ERROR, ERR_EXPECTED_CLOSE, 0); return false; }
      push(K_RANGE_CLOSE, 0, 0);
      return true;
    }
    if (wantHi) {
      push(K_RANGE_HI, r, 0);
      wantClose = true;
      continue;
    }
    if (!seenNot && r == 0x21) { // !
      push(K_NOT, 0, 0);
      seenNot = true;
      continue;
    }
    if (peekRune() == 0x2d) { // -
      POS++;
      push(K_RANGE_LO, r, 0);
      push(K_RANGE_BETWEEN, 0, 0);
      wantHi = true;
      continue;
    }
    unread();
    lexText(BREAK_RANGE);
    wantClose = true;
  }
  return false;
}

// ---- parser (gobwas/glob/syntax/ast) to regex syntax nodes ---------------------------------

let DELIMS: usize = 0;   // class block: everything but the delimiters
let ERROR_TEXT: string = '';

@inline function tokKind(i: u32): i32 { return load<i32>(bufData(TOKENS) + <usize>i * 12); }
@inline function tokA(i: u32): i32 { return load<i32>(bufData(TOKENS) + <usize>i * 12, 4); }
@inline function tokB(i: u32): i32 { return load<i32>(bufData(TOKENS) + <usize>i * 12, 8); }

/** The syntax tree of the lexed tokens, anchored; 0 with ERROR_TEXT set on error. */
function parse(): Node {
  // Open alternatives: per level, the alternatives so far and the enclosing pattern.
  const stack = bufNew(64);
  let current = nodeListNew();
  nodeListPush(current, nodeOp(OP_BOT));
  const count = bufLen(TOKENS) / 12;
  for (let i: u32 = 0; i < count; i++) {
    const kind = tokKind(i);
    switch (kind) {
      case K_EOF: i = count; break;
      case K_ERROR:
        ERROR_TEXT = lexErrorText(tokA(i));
        return changetype<Node>(0);
      case K_TEXT: {
        const base = bufData(TEXT_RUNES) + (<usize>tokA(i) << 2);
        for (let k = 0; k < tokB(i); k++) nodeListPush(current, nodeLiteral(load<i32>(base + (<usize>k << 2))));
        break;
      }
      case K_ANY: nodeListPush(current, nodeStar(nodeClass(DELIMS))); break;
      case K_SUPER: nodeListPush(current, nodeStar(nodeOp(OP_ANY))); break;
      case K_SINGLE: nodeListPush(current, nodeClass(DELIMS)); break;
      case K_RANGE_OPEN: {
        const cls = parseRange(i + 1);
        if (cls == 0) return changetype<Node>(0);
        nodeListPush(current, nodeClass(cls));
        i = RANGE_END;
        break;
      }
      case K_TERMS_OPEN: {
        pushPtr(stack, current);
        pushPtr(stack, nodeListNew()); // alternatives
        current = nodeListNew();
        break;
      }
      case K_SEPARATOR: // the alternative so far is complete; start the next one
        nodeListPush(topPtr(stack), nodeConcat(current));
        current = nodeListNew();
        break;
      case K_TERMS_CLOSE: {
        current = closeTerms(stack, current);
        break;
      }
    }
  }
  // Alternatives left open at the end are closed implicitly (gobwas keeps them).
  while (bufLen(stack) > 0) current = closeTerms(stack, current);
  nodeListPush(current, nodeOp(OP_EOT));
  return nodeConcat(current);
}

// Ends the innermost {…}: its alternatives become one node of the enclosing pattern.
function closeTerms(stack: usize, current: usize): usize {
  const alts = popPtr(stack);
  nodeListPush(alts, nodeConcat(current));
  const outer = popPtr(stack);
  nodeListPush(outer, nodeAlternate(alts));
  return outer;
}

function pushPtr(stack: usize, p: usize): void {
  store<u32>(TRIPLE, <u32>p);
  bufPutBytes(stack, TRIPLE, 4);
}
function topPtr(stack: usize): usize {
  return <usize>load<u32>(bufData(stack) + <usize>bufLen(stack) - 4);
}
function popPtr(stack: usize): usize {
  const p = topPtr(stack);
  bufTruncate(stack, bufLen(stack) - 4);
  return p;
}

let RANGE_END: u32 = 0;

// The tokens of one [...] from index i; returns its class block (0 on error) and sets
// RANGE_END to the index of the closing token.
function parseRange(i: u32): usize {
  let not = false, lo: i32 = 0, hi: i32 = 0;
  let chars: i32 = -1, nchars: i32 = 0;
  const count = bufLen(TOKENS) / 12;
  // gobwas lexes a whole [...] at once and reports a lexing error before any of its
  // tokens: "[z-a" is "unexpected end of input", not a bad range.
  for (let k = i; k < count; k++) {
    const kind = tokKind(k);
    if (kind == K_RANGE_CLOSE || kind == K_EOF) break;
    if (kind == K_ERROR) { ERROR_TEXT = lexErrorText(tokA(k)); return 0; }
  }
  for (; i < count; i++) {
    const kind = tokKind(i);
    if (kind == K_EOF) { ERROR_TEXT = 'unexpected end'; return 0; }
    if (kind == K_NOT) not = true;
    else if (kind == K_RANGE_LO) lo = tokA(i);
    else if (kind == K_RANGE_HI) {
      hi = tokA(i);
      if (hi < lo) {
        ERROR_TEXT = "hi character '" + String.fromCodePoint(hi) + "' should be greater than lo '" + String.fromCodePoint(lo) + "'";
        return 0;
      }
    } else if (kind == K_TEXT) { chars = tokA(i); nchars = tokB(i); }
    else if (kind == K_RANGE_CLOSE) {
      const isRange = lo != 0 && hi != 0;
      const isChars = nchars > 0;
      if (isChars == isRange) { ERROR_TEXT = 'could not parse range'; return 0; }
      const b = rbNew();
      if (isRange) {
        rbAdd(b, lo, hi);
      } else {
        const base = bufData(TEXT_RUNES) + (<usize>chars << 2);
        for (let k = 0; k < nchars; k++) {
          const r = load<i32>(base + (<usize>k << 2));
          rbAdd(b, r, r);
        }
      }
      let cls = rbFinish(b);
      if (not) {
        const nb = rbNew();
        rbAddNegated(nb, cls);
        cls = rbFinish(nb);
      }
      RANGE_END = i;
      return cls;
    }
  }
  ERROR_TEXT = 'unexpected end';
  return 0;
}

// ---- builtins ----------------------------------------------------------------------------------

/** glob.match(pattern, delimiters, match) */
export function b_glob_match(pattern: usize, delimiters: usize, match: usize): usize {
  const fn = 'glob.match';
  if (tag(pattern) != T_STRING) return typeError(fn, 1, 'string', pattern);
  const b = rbNew();
  const dt = tag(delimiters);
  if (dt == T_ARRAY) {
    const n = len(delimiters);
    if (n == 0) rbAdd(b, 0x2e, 0x2e); // the default delimiter "."
    for (let i: u32 = 0; i < n; i++) {
      const d = arrayGet(delimiters, i);
      if (tag(d) != T_STRING) return elementTypeError(fn, 2, delimiters, d, 'string');
      const p = strBytes(d), dn = strLen(d);
      const r = dn > 0 ? decodeRune(p, dn) : -1;
      if (dn == 0 || <u32>runeSize != dn) return elementTypeError(fn, 2, delimiters, d, 'rune');
      rbAdd(b, r, r);
    }
  } else if (dt != T_NULL) {
    return operandError(fn, 2, 'must be one of {array, null} but got ' + typeName(delimiters));
  }
  if (tag(match) != T_STRING) return typeError(fn, 3, 'string', match);
  const nb = rbNew();
  rbAddNegated(nb, rbFinish(b));
  DELIMS = rbFinish(nb);

  lex(strBytes(pattern), strLen(pattern));
  const root = parse();
  if (changetype<usize>(root) == 0) return builtinError(fn, ERROR_TEXT);
  const prog = compileTree(root, 0, 0);
  if (prog == 0) return builtinError(fn, 'pattern too large');
  return newBool(progMatches(prog, strBytes(match), strLen(match)));
}

/** glob.quote_meta(pattern): a backslash before each of * ? \ [ ] { } */
export function b_glob_quote_meta(pattern: usize): usize {
  if (tag(pattern) != T_STRING) return typeError('glob.quote_meta', 1, 'string', pattern);
  const p = strBytes(pattern), n = strLen(pattern);
  const out = bufNew(n * 2);
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    if (c == 0x2a || c == 0x3f || c == 0x5c || c == 0x5b || c == 0x5d || c == 0x7b || c == 0x7d) {
      bufPutByte(out, 0x5c);
    }
    bufPutByte(out, c);
  }
  return bufToString(out);
}
