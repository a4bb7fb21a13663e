// json.*, base64.*, base64url.*, urlquery.* and hex.* builtins, producing what Go's
// encoding/json, encoding/base64, net/url and encoding/hex produce for OPA, error
// messages included ("illegal base64 data at input byte 4", "invalid character 'x'
// looking for beginning of value", "encoding/hex: odd length hex string").
import {
  T_NULL, T_BOOL, T_INT, T_FLOAT, T_STRING, T_ARRAY, T_OBJECT, T_SET, T_BIG, T_NUMTEXT,
  tag, boolValue, strBytes, strLen, len, arrayGet, setGet, objectKeyAt, objectValueAt,
  newString, newStringUninit, newBool, newArray, newObject, arrayPush,
} from '../value';
import { alloc, allocSize } from '../alloc';
import { objectGet, objectInsert } from '../collections';
import { compareBytes } from '../compare';
import { bufNew, bufPutByte, bufPutBytes, bufPutStr, bufLen, bufData, bufTruncate, bufToString } from '../buffer';
import { dumpNumber } from '../dump';
import { parseJSON } from '../json';
import { typeError, operandError, builtinError, typeName } from './args';
import { decodeRune, runeSize, encodeRune } from './utf8';

const HEX_LOWER: usize = memory.data<u8>([
  0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66,
]);
const HEX_UPPER: usize = memory.data<u8>([
  0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46,
]);

function unhex(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

// ---- json.marshal ---------------------------------------------------------------------------

/** json.marshal(x): compact JSON as Go's json.Marshal writes it (keys sorted, sets as arrays). */
export function b_json_marshal(x: usize): usize {
  const b = bufNew(64);
  marshal(b, x, 0, 0, 0, 0, 0);
  return bufToString(b);
}

/**
 * json.marshal_with_options(x, opts): opts may set "pretty" (bool), "prefix" and
 * "indent" (strings; either one implies pretty unless pretty is given).
 */
export function b_json_marshal_with_options(x: usize, opts: usize): usize {
  const fn = 'json.marshal_with_options';
  if (tag(opts) != T_OBJECT) return typeError(fn, 2, 'object', opts);
  let indent: usize = 0, indentLen: u32 = 1;
  let prefix: usize = 0, prefixLen: u32 = 0;
  let implicit = false, explicit = false, pretty = false;
  const n = len(opts);
  for (let i: u32 = 0; i < n; i++) {
    const k = objectKeyAt(opts, i), v = objectValueAt(opts, i);
    if (tag(k) != T_STRING) {
      return operandError(fn, 2, 'failed to stringify key ' + typeName(k) + ' at index ' + i.toString());
    }
    const key = String.UTF8.decodeUnsafe(strBytes(k), strLen(k), false);
    if (key == 'prefix' || key == 'indent') {
      if (tag(v) != T_STRING) {
        return operandError(fn, 2, 'key ' + key + ' failed cast to string: operand ' + i.toString() +
          ' must be string but got ' + typeName(v));
      }
      if (key == 'prefix') { prefix = strBytes(v); prefixLen = strLen(v); }
      else { indent = strBytes(v); indentLen = strLen(v); }
      implicit = true;
    } else if (key == 'pretty') {
      if (tag(v) != T_BOOL) {
        return operandError(fn, 2, 'key ' + key + ' failed cast to bool: operand ' + i.toString() +
          ' must be boolean but got ' + typeName(v));
      }
      explicit = true;
      pretty = boolValue(v);
    } else {
      return operandError(fn, 2, 'object contained unknown key "' + key + '"');
    }
  }
  if (!explicit) pretty = implicit;
  const b = bufNew(64);
  if (!pretty) {
    marshal(b, x, 0, 0, 0, 0, 0);
  } else {
    if (indent == 0) indent = TAB;
    // Go's MarshalIndent starts every line but the first with the prefix; OPA adds it
    // there too.
    bufPutBytes(b, prefix, prefixLen);
    marshal(b, x, 1, prefix, prefixLen, indent, indentLen);
  }
  return bufToString(b);
}
const TAB: usize = memory.data<u8>([0x09]);

// Appends x as JSON. depth > 0 means indented output (json.MarshalIndent) at that depth.
function marshal(b: usize, x: usize, depth: i32, prefix: usize, prefixLen: u32, indent: usize, indentLen: u32): void {
  switch (tag(x)) {
    case T_NULL: bufPutStr(b, 'null'); return;
    case T_BOOL: bufPutStr(b, boolValue(x) ? 'true' : 'false'); return;
    case T_INT: case T_FLOAT: case T_BIG: case T_NUMTEXT: dumpNumber(b, x); return;
    case T_STRING: goQuote(b, strBytes(x), strLen(x)); return;
    case T_ARRAY: case T_SET: {
      const n = len(x);
      bufPutByte(b, 0x5b);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) bufPutByte(b, 0x2c);
        newline(b, depth, prefix, prefixLen, indent, indentLen);
        const e = tag(x) == T_ARRAY ? arrayGet(x, i) : setGet(x, i);
        marshal(b, e, depth > 0 ? depth + 1 : 0, prefix, prefixLen, indent, indentLen);
      }
      if (n > 0) newline(b, depth - 1, prefix, prefixLen, indent, indentLen);
      bufPutByte(b, 0x5d);
      return;
    }
    case T_OBJECT: {
      const n = len(x);
      const keys = sortedKeys(x);
      bufPutByte(b, 0x7b);
      let wrote = false;
      for (let i: u32 = 0; i < n; i++) {
        // Keys equal once stringified (1 and "1"): the later one wins, as in a Go map.
        if (i + 1 < n && sameKey(keys, i, i + 1)) continue;
        const at = keys + (<usize>i << 3);
        const kb = <usize>load<u32>(at), ki = load<u32>(at, 4);
        if (wrote) bufPutByte(b, 0x2c);
        wrote = true;
        newline(b, depth, prefix, prefixLen, indent, indentLen);
        goQuote(b, bufData(kb), bufLen(kb));
        bufPutByte(b, 0x3a);
        if (depth > 0) bufPutByte(b, 0x20);
        marshal(b, objectValueAt(x, ki), depth > 0 ? depth + 1 : 0, prefix, prefixLen, indent, indentLen);
      }
      if (wrote) newline(b, depth - 1, prefix, prefixLen, indent, indentLen);
      bufPutByte(b, 0x7d);
      return;
    }
  }
}

// In indented output: a newline, the prefix and `depth` indents.
function newline(b: usize, depth: i32, prefix: usize, prefixLen: u32, indent: usize, indentLen: u32): void {
  if (indent == 0) return; // compact output
  bufPutByte(b, 0x0a);
  bufPutBytes(b, prefix, prefixLen);
  for (let i = 0; i < depth; i++) bufPutBytes(b, indent, indentLen);
}

// The object's keys as JSON text (non-string keys are marshalled, as OPA's ast.JSON
// does), sorted by that text as Go sorts map keys. Returns (buffer, index) u32 pairs;
// equal texts keep Rego order so the last one is the one marshalled.
function sortedKeys(o: usize): usize {
  const n = len(o);
  const out = alloc(allocSize(<u64>n << 3));
  let allStrings = true;
  for (let i: u32 = 0; i < n; i++) {
    const k = objectKeyAt(o, i);
    const kb = bufNew(strLenOr(k));
    if (tag(k) == T_STRING) bufPutBytes(kb, strBytes(k), strLen(k));
    else { allStrings = false; marshal(kb, k, 0, 0, 0, 0, 0); }
    store<u32>(out + (<usize>i << 3), <u32>kb);
    store<u32>(out + (<usize>i << 3), i, 4);
  }
  if (allStrings) return out; // Rego orders strings bytewise already
  // Insertion sort, stable: objects with non-string keys are rare and small.
  for (let i: u32 = 1; i < n; i++) {
    const cur = load<u64>(out + (<usize>i << 3));
    let j = <i32>i - 1;
    while (j >= 0 && keyCompare(load<u32>(out + (<usize>j << 3)), <u32>cur) > 0) {
      store<u64>(out + (<usize>(j + 1) << 3), load<u64>(out + (<usize>j << 3)));
      j--;
    }
    store<u64>(out + (<usize>(j + 1) << 3), cur);
  }
  return out;
}

@inline function strLenOr(k: usize): u32 { return tag(k) == T_STRING ? strLen(k) : 16; }

function keyCompare(a: u32, b: u32): i32 {
  return compareBytes(bufData(a), bufLen(a), bufData(b), bufLen(b));
}

// Whether entries i and j of a sortedKeys list have the same text.
function sameKey(keys: usize, i: u32, j: u32): bool {
  return keyCompare(load<u32>(keys + (<usize>i << 3)), load<u32>(keys + (<usize>j << 3))) == 0;
}

/**
 * Appends bytes as a JSON string as Go's encoding/json does: \" \\ \b \f \n \r \t,
 * other controls as \u00XX, HTML-sensitive < > & as \u003c \u003e \u0026, U+2028 and
 * U+2029 escaped, invalid UTF-8 as \ufffd.
 */
function goQuote(b: usize, p: usize, n: u32): void {
  bufPutByte(b, 0x22);
  let i: u32 = 0;
  while (i < n) {
    const c = <i32>load<u8>(p + <usize>i);
    if (c < 0x80) {
      i++;
      if (c >= 0x20 && c != 0x22 && c != 0x5c && c != 0x3c && c != 0x3e && c != 0x26) {
        bufPutByte(b, <u8>c);
        continue;
      }
      bufPutByte(b, 0x5c);
      switch (c) {
        case 0x22: bufPutByte(b, 0x22); break;
        case 0x5c: bufPutByte(b, 0x5c); break;
        case 0x08: bufPutByte(b, 0x62); break;
        case 0x0c: bufPutByte(b, 0x66); break;
        case 0x0a: bufPutByte(b, 0x6e); break;
        case 0x0d: bufPutByte(b, 0x72); break;
        case 0x09: bufPutByte(b, 0x74); break;
        default: putU4(b, c);
      }
      continue;
    }
    const r = decodeRune(p + <usize>i, n - i);
    if (r == 0xfffd && runeSize == 1) {
      bufPutStr(b, '\\ufffd');
      i++;
      continue;
    }
    if (r == 0x2028 || r == 0x2029) {
      bufPutByte(b, 0x5c);
      putU4(b, r);
    } else {
      bufPutBytes(b, p + <usize>i, <u32>runeSize);
    }
    i += <u32>runeSize;
  }
  bufPutByte(b, 0x22);
}

// u followed by four lower-case hex digits (the backslash is already written).
function putU4(b: usize, c: i32): void {
  bufPutByte(b, 0x75);
  bufPutByte(b, load<u8>(HEX_LOWER + <usize>((c >> 12) & 15)));
  bufPutByte(b, load<u8>(HEX_LOWER + <usize>((c >> 8) & 15)));
  bufPutByte(b, load<u8>(HEX_LOWER + <usize>((c >> 4) & 15)));
  bufPutByte(b, load<u8>(HEX_LOWER + <usize>(c & 15)));
}

// ---- JSON validation with Go's messages ------------------------------------------------------

// A scanner following encoding/json's (scanner.go) closely enough to report the same
// first error: "invalid character 'x' <context>", "unexpected EOF" or "EOF".
let JP: usize = 0;        // cursor
let JEND: usize = 0;
let JERR: string = '';
let JSTART: usize = 0;
const MAX_NESTING: i32 = 10000;

@inline function isJsonSpace(c: i32): bool { return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d; }

function skipSpace(): void {
  while (JP < JEND && isJsonSpace(<i32>load<u8>(JP))) JP++;
}

function syntaxError(c: i32, context: string): bool {
  JERR = 'invalid character ' + quoteChar(c) + ' ' + context;
  return false;
}

function eofError(): bool {
  // Nothing but white space read: io.EOF; inside a value: io.ErrUnexpectedEOF.
  let p = JSTART;
  while (p < JEND && isJsonSpace(<i32>load<u8>(p))) p++;
  JERR = p >= JEND ? 'EOF' : 'unexpected EOF';
  return false;
}

/** Go's quoteChar: a byte in single quotes, escaped as strconv.Quote would. */
function quoteChar(c: i32): string {
  if (c == 0x27) return "'\\''";
  if (c == 0x22) return "'\"'";
  const b = bufNew(12);
  bufPutByte(b, 0x27);
  if (c == 0x5c) { bufPutByte(b, 0x5c); bufPutByte(b, 0x5c); }
  else if (c >= 0x20 && c < 0x7f) bufPutByte(b, <u8>c);
  else if (c == 7 || c == 8 || c == 12 || c == 10 || c == 13 || c == 9 || c == 11) {
    bufPutByte(b, 0x5c);
    bufPutByte(b, c == 7 ? 0x61 : c == 8 ? 0x62 : c == 12 ? 0x66 : c == 10 ? 0x6e : c == 13 ? 0x72 : c == 9 ? 0x74 : 0x76);
  } else if (c < 0x80) {
    bufPutByte(b, 0x5c); bufPutByte(b, 0x78);
    bufPutByte(b, load<u8>(HEX_LOWER + <usize>(c >> 4)));
    bufPutByte(b, load<u8>(HEX_LOWER + <usize>(c & 15)));
  } else if (c <= 0xa0 || c == 0xad) {
    // string(byte) is the rune U+0080..U+00FF; these are not printable
    bufPutByte(b, 0x5c); bufPutByte(b, 0x75); bufPutByte(b, 0x30); bufPutByte(b, 0x30);
    bufPutByte(b, load<u8>(HEX_LOWER + <usize>(c >> 4)));
    bufPutByte(b, load<u8>(HEX_LOWER + <usize>(c & 15)));
  } else {
    const tmp = alloc(4);
    bufPutBytes(b, tmp, <u32>encodeRune(tmp, c));
  }
  bufPutByte(b, 0x27);
  return String.UTF8.decodeUnsafe(bufData(b), bufLen(b), false);
}

// Scans one JSON value at JP (after optional white space). On success JP is just past it.
function scanValue(): bool {
  const stack = bufNew(16); // '[' or '{' per open container
  let depth: i32 = 0;
  skipSpace();
  while (true) {
    // a value
    if (JP >= JEND) return eofError();
    const c = <i32>load<u8>(JP);
    if (c == 0x7b || c == 0x5b) {
      if (++depth > MAX_NESTING) { JERR = 'exceeded max depth'; return false; }
      bufPutByte(stack, <u8>c);
      JP++;
      skipSpace();
      if (JP >= JEND) return eofError();
      const d = <i32>load<u8>(JP);
      if (c == 0x5b) {
        if (d != 0x5d) continue; // first element
      } else if (d != 0x7d) {
        if (!scanKey()) return false;
        continue;
      }
      JP++; // empty [] or {}
      depth--;
      bufTruncate1(stack);
    } else if (c == 0x22) {
      if (!scanString()) return false;
    } else if (c == 0x2d || (c >= 0x30 && c <= 0x39)) {
      if (!scanNumber()) return false;
    } else if (c == 0x74) {
      if (!scanLiteral('true')) return false;
    } else if (c == 0x66) {
      if (!scanLiteral('false')) return false;
    } else if (c == 0x6e) {
      if (!scanLiteral('null')) return false;
    } else {
      return syntaxError(c, 'looking for beginning of value');
    }
    // after a value: close containers or go on to the next element
    while (true) {
      if (bufLen(stack) == 0) return true;
      skipSpace();
      if (JP >= JEND) return eofError();
      const d = <i32>load<u8>(JP);
      const inArray = load<u8>(bufData(stack) + <usize>bufLen(stack) - 1) == 0x5b;
      if (d == 0x2c) {
        JP++;
        skipSpace();
        if (!inArray && !scanKey()) return false;
        break;
      }
      if ((inArray && d == 0x5d) || (!inArray && d == 0x7d)) {
        JP++;
        depth--;
        bufTruncate1(stack);
        continue;
      }
      return syntaxError(d, inArray ? 'after array element' : 'after object key:value pair');
    }
  }
  return false;
}

@inline function bufTruncate1(b: usize): void { bufTruncate(b, bufLen(b) - 1); }

// An object key and its colon, JP at the key (white space skipped).
function scanKey(): bool {
  if (JP >= JEND) return eofError();
  const c = <i32>load<u8>(JP);
  if (c != 0x22) return syntaxError(c, 'looking for beginning of object key string');
  if (!scanString()) return false;
  skipSpace();
  if (JP >= JEND) return eofError();
  const d = <i32>load<u8>(JP);
  if (d != 0x3a) return syntaxError(d, 'after object key');
  JP++;
  skipSpace();
  return true;
}

function scanString(): bool {
  JP++; // opening quote
  while (JP < JEND) {
    const c = <i32>load<u8>(JP++);
    if (c == 0x22) return true;
    if (c < 0x20) return syntaxError(c, 'in string literal');
    if (c != 0x5c) continue;
    if (JP >= JEND) break;
    const e = <i32>load<u8>(JP++);
    if (e == 0x75) {
      for (let i = 0; i < 4; i++) {
        if (JP >= JEND) return eofError();
        const h = <i32>load<u8>(JP++);
        if (unhex(h) < 0) return syntaxError(h, 'in \\u hexadecimal character escape');
      }
      continue;
    }
    if (e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 && e != 0x74 && e != 0x5c && e != 0x2f && e != 0x22) {
      return syntaxError(e, 'in string escape code');
    }
  }
  return eofError();
}

@inline function isDigit(c: i32): bool { return c >= 0x30 && c <= 0x39; }
@inline function peekByte(): i32 { return JP < JEND ? <i32>load<u8>(JP) : -1; }

function scanNumber(): bool {
  if (peekByte() == 0x2d) {
    JP++;
    const c = peekByte();
    if (c < 0) return eofError();
    if (!isDigit(c)) return syntaxError(c, 'in numeric literal');
  }
  if (peekByte() == 0x30) JP++;
  else while (isDigit(peekByte())) JP++;
  if (peekByte() == 0x2e) {
    JP++;
    const c = peekByte();
    if (c < 0) return eofError();
    if (!isDigit(c)) return syntaxError(c, 'after decimal point in numeric literal');
    while (isDigit(peekByte())) JP++;
  }
  const e = peekByte();
  if (e == 0x65 || e == 0x45) {
    JP++;
    let c = peekByte();
    if (c == 0x2b || c == 0x2d) { JP++; c = peekByte(); }
    if (c < 0) return eofError();
    if (!isDigit(c)) return syntaxError(c, 'in exponent of numeric literal');
    while (isDigit(peekByte())) JP++;
  }
  return true;
}

function scanLiteral(word: string): bool {
  JP++;
  for (let i = 1; i < word.length; i++) {
    const c = peekByte();
    if (c < 0) return eofError();
    const want = word.charCodeAt(i);
    if (c != want) {
      return syntaxError(c, 'in literal ' + word + " (expecting '" + String.fromCharCode(want) + "')");
    }
    JP++;
  }
  return true;
}

/** json.is_valid(x): whether x is a string holding exactly one JSON value. */
export function b_json_is_valid(x: usize): usize {
  if (tag(x) != T_STRING) return newBool(false);
  JSTART = JP = strBytes(x);
  JEND = JP + <usize>strLen(x);
  if (!scanValue()) return newBool(false);
  skipSpace();
  return newBool(JP >= JEND);
}

/** json.unmarshal(x): the value of a JSON document, with Go's decoder's errors. */
export function b_json_unmarshal(x: usize): usize {
  const fn = 'json.unmarshal';
  if (tag(x) != T_STRING) return typeError(fn, 1, 'string', x);
  JSTART = JP = strBytes(x);
  JEND = JP + <usize>strLen(x);
  if (!scanValue()) return builtinError(fn, JERR);
  const valueEnd = JP;
  // OPA checks for a second token after the value (decoder.Token()).
  skipSpace();
  if (JP < JEND) {
    const c = <i32>load<u8>(JP);
    if (c == 0x5b || c == 0x7b) {
      return builtinError(fn, "error: invalid character '" + String.fromCharCode(c) + "' after top-level value");
    }
    if (c == 0x5d || c == 0x7d || c == 0x3a || c == 0x2c) {
      return builtinError(fn, 'invalid character ' + quoteChar(c) + ' looking for beginning of value');
    }
    const at = JP;
    JSTART = at;
    if (!scanValue()) return builtinError(fn, JERR);
    const second = parseJSON(at, <u32>(JP - at));
    if (second != 0 && tag(second) != T_NULL) { // a null token passes unnoticed, as in OPA
      let text: string;
      if (tag(second) == T_STRING) text = String.UTF8.decodeUnsafe(strBytes(second), strLen(second), false);
      else if (tag(second) == T_BOOL) text = boolValue(second) ? '%!s(bool=true)' : '%!s(bool=false)';
      else text = String.UTF8.decodeUnsafe(at, <u32>(JP - at), false);
      return builtinError(fn, "error: invalid character '" + text + "' after top-level value");
    }
  }
  const v = parseJSON(strBytes(x), <u32>(valueEnd - strBytes(x)));
  if (v == 0) return builtinError(fn, 'exceeded max depth');
  return v;
}

// ---- base64 ------------------------------------------------------------------------------------

const B64_STD: usize = memory.data<u8>([
  0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50,
  0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66,
  0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76,
  0x77, 0x78, 0x79, 0x7a, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x2b, 0x2f,
]);

// The alphabet's character for a 6-bit value; the URL alphabet swaps +/ for -_.
@inline function b64Char(v: u32, url: bool): u8 {
  if (url && v >= 62) return v == 62 ? 0x2d : 0x5f;
  return load<u8>(B64_STD + <usize>v);
}

function b64Value(c: i32, url: bool): i32 {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (url) {
    if (c == 0x2d) return 62;
    if (c == 0x5f) return 63;
  } else {
    if (c == 0x2b) return 62;
    if (c == 0x2f) return 63;
  }
  return -1;
}

function b64Encode(x: usize, url: bool, pad: bool): usize {
  const p = strBytes(x), n = strLen(x);
  const full = n / 3, rest = n % 3;
  const outLen = <u64>full * 4 + (rest == 0 ? 0 : pad ? 4 : rest + 1);
  const out = newStringUninit(outLen);
  let o = strBytes(out);
  for (let i: u32 = 0; i < full * 3; i += 3) {
    const v = (<u32>load<u8>(p + <usize>i) << 16) | (<u32>load<u8>(p + <usize>i + 1) << 8) | <u32>load<u8>(p + <usize>i + 2);
    store<u8>(o++, b64Char(v >> 18, url));
    store<u8>(o++, b64Char((v >> 12) & 63, url));
    store<u8>(o++, b64Char((v >> 6) & 63, url));
    store<u8>(o++, b64Char(v & 63, url));
  }
  if (rest > 0) {
    let v = <u32>load<u8>(p + <usize>(full * 3)) << 16;
    if (rest == 2) v |= <u32>load<u8>(p + <usize>(full * 3 + 1)) << 8;
    store<u8>(o++, b64Char(v >> 18, url));
    store<u8>(o++, b64Char((v >> 12) & 63, url));
    if (rest == 2) store<u8>(o++, b64Char((v >> 6) & 63, url));
    if (pad) {
      if (rest == 1) store<u8>(o++, 0x3d);
      store<u8>(o++, 0x3d);
    }
  }
  return out;
}

let B64_ERROR: i32 = -1;

/**
 * Go's Encoding.DecodeString with padding (StdEncoding / URLEncoding): CR and LF are
 * skipped; on failure returns 0 and B64_ERROR is the offset Go reports.
 */
function b64Decode(p: usize, n: u32, url: bool): usize {
  const out = bufNew(n);
  let si: u32 = 0;
  while (si < n) {
    // one quantum of up to four characters
    let vals: u32 = 0;
    let j: u32 = 0;
    let dlen: u32 = 4;
    let done = false;
    while (j < 4) {
      if (si == n) {
        if (j == 0) { done = true; dlen = 0; break; }
        B64_ERROR = <i32>(si - j);
        return 0;
      }
      const c = <i32>load<u8>(p + <usize>si);
      si++;
      const v = b64Value(c, url);
      if (v >= 0) {
        vals = (vals << 6) | <u32>v;
        j++;
        continue;
      }
      if (c == 0x0a || c == 0x0d) continue;
      if (c != 0x3d) { B64_ERROR = <i32>(si - 1); return 0; }
      // padding
      if (j < 2) { B64_ERROR = <i32>(si - 1); return 0; }
      if (j == 2) {
        while (si < n && (load<u8>(p + <usize>si) == 0x0a || load<u8>(p + <usize>si) == 0x0d)) si++;
        if (si == n) { B64_ERROR = <i32>n; return 0; }
        if (load<u8>(p + <usize>si) != 0x3d) { B64_ERROR = <i32>(si - 1); return 0; }
        si++;
      }
      while (si < n && (load<u8>(p + <usize>si) == 0x0a || load<u8>(p + <usize>si) == 0x0d)) si++;
      if (si < n) { B64_ERROR = <i32>si; return 0; } // trailing garbage
      dlen = j;
      done = true;
      break;
    }
    if (dlen == 0) break;
    vals <<= 6 * (4 - dlen);
    bufPutByte(out, <u8>(vals >> 16));
    if (dlen >= 3) bufPutByte(out, <u8>(vals >> 8));
    if (dlen == 4) bufPutByte(out, <u8>vals);
    if (done) break;
  }
  return bufToString(out);
}

/** base64.encode(x) */
export function b_base64_encode(x: usize): usize {
  if (tag(x) != T_STRING) return typeError('base64.encode', 1, 'string', x);
  return b64Encode(x, false, true);
}

/** base64.decode(x) */
export function b_base64_decode(x: usize): usize {
  if (tag(x) != T_STRING) return typeError('base64.decode', 1, 'string', x);
  const v = b64Decode(strBytes(x), strLen(x), false);
  if (v == 0) return builtinError('base64.decode', 'illegal base64 data at input byte ' + B64_ERROR.toString());
  return v;
}

/** base64.is_valid(x) */
export function b_base64_is_valid(x: usize): usize {
  if (tag(x) != T_STRING) return typeError('base64.is_valid', 1, 'string', x);
  return newBool(b64Decode(strBytes(x), strLen(x), false) != 0);
}

/** base64url.encode(x) (with padding) */
export function b_base64url_encode(x: usize): usize {
  if (tag(x) != T_STRING) return typeError('base64url.encode', 1, 'string', x);
  return b64Encode(x, true, true);
}

/** base64url.encode_no_pad(x) */
export function b_base64url_encode_no_pad(x: usize): usize {
  if (tag(x) != T_STRING) return typeError('base64url.encode_no_pad', 1, 'string', x);
  return b64Encode(x, true, false);
}

/** base64url.decode(x): missing padding is added first (RFC 7515 appendix C), as OPA. */
export function b_base64url_decode(x: usize): usize {
  const fn = 'base64url.decode';
  if (tag(x) != T_STRING) return typeError(fn, 1, 'string', x);
  const p = strBytes(x), n = strLen(x);
  let src = p, srcLen = n;
  if (n == 0 || load<u8>(p + <usize>n - 1) != 0x3d) {
    const r = n % 4;
    if (r == 1) {
      return builtinError(fn, 'illegal base64url string: ' + String.UTF8.decodeUnsafe(p, n, false));
    }
    if (r != 0) {
      srcLen = n + 4 - r;
      src = alloc(<usize>srcLen);
      memory.copy(src, p, n);
      memory.fill(src + <usize>n, 0x3d, <usize>(srcLen - n));
    }
  }
  const v = b64Decode(src, srcLen, true);
  if (v == 0) return builtinError(fn, 'illegal base64 data at input byte ' + B64_ERROR.toString());
  return v;
}

// ---- hex -------------------------------------------------------------------------------------------

/** hex.encode(x): lower-case hex of the bytes. */
export function b_hex_encode(x: usize): usize {
  if (tag(x) != T_STRING) return typeError('hex.encode', 1, 'string', x);
  const p = strBytes(x), n = strLen(x);
  const out = newStringUninit(<u64>n * 2);
  const o = strBytes(out);
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    store<u8>(o + (<usize>i << 1), load<u8>(HEX_LOWER + <usize>(c >> 4)));
    store<u8>(o + (<usize>i << 1) + 1, load<u8>(HEX_LOWER + <usize>(c & 15)));
  }
  return out;
}

/** hex.decode(x): the bytes of a hex string, with encoding/hex's errors. */
export function b_hex_decode(x: usize): usize {
  const fn = 'hex.decode';
  if (tag(x) != T_STRING) return typeError(fn, 1, 'string', x);
  const p = strBytes(x), n = strLen(x);
  const out = newStringUninit(n / 2);
  const o = strBytes(out);
  let j: u32 = 1;
  for (; j < n; j += 2) {
    const a = unhex(<i32>load<u8>(p + <usize>j - 1));
    const b = unhex(<i32>load<u8>(p + <usize>j));
    if (a < 0) return invalidHexByte(fn, <i32>load<u8>(p + <usize>j - 1));
    if (b < 0) return invalidHexByte(fn, <i32>load<u8>(p + <usize>j));
    store<u8>(o + <usize>(j >> 1), <u8>((a << 4) | b));
  }
  if (n % 2 == 1) {
    if (unhex(<i32>load<u8>(p + <usize>j - 1)) < 0) return invalidHexByte(fn, <i32>load<u8>(p + <usize>j - 1));
    return builtinError(fn, 'encoding/hex: odd length hex string');
  }
  return out;
}

// "encoding/hex: invalid byte: U+0067 'g'" (Go's %#U of the byte as a rune).
function invalidHexByte(fn: string, c: i32): usize {
  const b = bufNew(32);
  bufPutStr(b, 'encoding/hex: invalid byte: U+00');
  bufPutByte(b, load<u8>(HEX_UPPER + <usize>(c >> 4)));
  bufPutByte(b, load<u8>(HEX_UPPER + <usize>(c & 15)));
  // printable runes are shown too (U+0080..U+00A0 and U+00AD are not printable)
  if ((c >= 0x20 && c < 0x7f) || (c > 0xa0 && c != 0xad)) {
    bufPutStr(b, " '");
    const tmp = alloc(4);
    bufPutBytes(b, tmp, <u32>encodeRune(tmp, c));
    bufPutByte(b, 0x27);
  }
  return builtinError(fn, String.UTF8.decodeUnsafe(bufData(b), bufLen(b), false));
}

// ---- urlquery ---------------------------------------------------------------------------------------

// url.QueryEscape: letters, digits and -_.~ stay, space becomes +, the rest %XX.
function queryEscape(b: usize, p: usize, n: u32): void {
  for (let i: u32 = 0; i < n; i++) {
    const c = <i32>load<u8>(p + <usize>i);
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ||
        c == 0x2d || c == 0x5f || c == 0x2e || c == 0x7e) {
      bufPutByte(b, <u8>c);
    } else if (c == 0x20) {
      bufPutByte(b, 0x2b);
    } else {
      bufPutByte(b, 0x25);
      bufPutByte(b, load<u8>(HEX_UPPER + <usize>(c >> 4)));
      bufPutByte(b, load<u8>(HEX_UPPER + <usize>(c & 15)));
    }
  }
}

let UNESCAPE_ERROR: string = '';

// url.QueryUnescape into a string value, or 0 with UNESCAPE_ERROR set: every % must
// be followed by two hex digits, + is a space.
function queryUnescape(p: usize, n: u32): usize {
  const b = bufNew(n);
  let i: u32 = 0;
  while (i < n) {
    const c = load<u8>(p + <usize>i);
    if (c == 0x25) {
      if (i + 2 >= n || unhex(<i32>load<u8>(p + <usize>i + 1)) < 0 || unhex(<i32>load<u8>(p + <usize>i + 2)) < 0) {
        const q = bufNew(16);
        goQuoteEscape(q, p + <usize>i, n - i < 3 ? n - i : 3); // the error quotes up to 3 bytes
        UNESCAPE_ERROR = 'invalid URL escape ' + String.UTF8.decodeUnsafe(bufData(q), bufLen(q), false);
        return 0;
      }
      bufPutByte(b, <u8>((unhex(<i32>load<u8>(p + <usize>i + 1)) << 4) | unhex(<i32>load<u8>(p + <usize>i + 2))));
      i += 3;
      continue;
    }
    bufPutByte(b, c == 0x2b ? 0x20 : c);
    i++;
  }
  return bufToString(b);
}

// strconv.Quote of a short ASCII-ish byte run, for URL escape errors.
function goQuoteEscape(b: usize, p: usize, n: u32): void {
  bufPutByte(b, 0x22);
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    if (c == 0x22 || c == 0x5c) { bufPutByte(b, 0x5c); bufPutByte(b, c); }
    else if (c >= 0x20 && c < 0x7f) bufPutByte(b, c);
    else {
      bufPutByte(b, 0x5c); bufPutByte(b, 0x78);
      bufPutByte(b, load<u8>(HEX_LOWER + <usize>(c >> 4)));
      bufPutByte(b, load<u8>(HEX_LOWER + <usize>(c & 15)));
    }
  }
  bufPutByte(b, 0x22);
}

/** urlquery.encode(x): url.QueryEscape. */
export function b_urlquery_encode(x: usize): usize {
  if (tag(x) != T_STRING) return typeError('urlquery.encode', 1, 'string', x);
  const b = bufNew(strLen(x) + 8);
  queryEscape(b, strBytes(x), strLen(x));
  return bufToString(b);
}

/** urlquery.decode(x): url.QueryUnescape. */
export function b_urlquery_decode(x: usize): usize {
  if (tag(x) != T_STRING) return typeError('urlquery.decode', 1, 'string', x);
  const v = queryUnescape(strBytes(x), strLen(x));
  if (v == 0) return builtinError('urlquery.decode', UNESCAPE_ERROR);
  return v;
}

/**
 * urlquery.encode_object(obj): url.Values.Encode() of an object whose values are
 * strings, or arrays or sets of strings: keys sorted, "k=v" pairs joined by &.
 */
export function b_urlquery_encode_object(obj: usize): usize {
  const fn = 'urlquery.encode_object';
  if (tag(obj) != T_OBJECT) return typeError(fn, 1, 'object', obj);
  const b = bufNew(64);
  const n = len(obj);
  let first = true;
  for (let i: u32 = 0; i < n; i++) {
    const k = objectKeyAt(obj, i), v = objectValueAt(obj, i);
    if (tag(k) != T_STRING) return typeError(fn, 1, 'object', obj);
    const t = tag(v);
    if (t == T_STRING) {
      putPair(b, k, v, first);
      first = false;
    } else if (t == T_ARRAY || t == T_SET) {
      for (let j: u32 = 0; j < len(v); j++) {
        const e = t == T_ARRAY ? arrayGet(v, j) : setGet(v, j);
        if (tag(e) != T_STRING) return operandError(fn, 1, ENCODE_OBJECT_VALUES);
        putPair(b, k, e, first);
        first = false;
      }
    } else {
      return operandError(fn, 1, ENCODE_OBJECT_VALUES);
    }
  }
  return bufToString(b);
}

const ENCODE_OBJECT_VALUES = 'encode_object: values must be string, array[string], or set[string]';

function putPair(b: usize, k: usize, v: usize, first: bool): void {
  if (!first) bufPutByte(b, 0x26);
  queryEscape(b, strBytes(k), strLen(k));
  bufPutByte(b, 0x3d);
  queryEscape(b, strBytes(v), strLen(v));
}

/** urlquery.decode_object(x): url.ParseQuery, an object of key → array of values. */
export function b_urlquery_decode_object(x: usize): usize {
  const fn = 'urlquery.decode_object';
  if (tag(x) != T_STRING) return typeError(fn, 1, 'string', x);
  const p = strBytes(x), n = strLen(x);
  const out = newObject(4);
  let err: string | null = null;
  let i: u32 = 0;
  while (i <= n) {
    let e = i;
    while (e < n && load<u8>(p + <usize>e) != 0x26) e++;
    const partLen = e - i;
    if (partLen > 0) {
      let semicolon = false;
      for (let k = i; k < e; k++) if (load<u8>(p + <usize>k) == 0x3b) { semicolon = true; break; }
      if (semicolon) {
        err = 'invalid semicolon separator in query'; // Go overwrites here
      } else {
        let eq = i;
        while (eq < e && load<u8>(p + <usize>eq) != 0x3d) eq++;
        const key = queryUnescape(p + <usize>i, eq - i);
        const valueAt = eq < e ? eq + 1 : e; // after the '=', if any
        const value: usize = key == 0 ? 0 : queryUnescape(p + <usize>valueAt, e - valueAt);
        if (key == 0 || value == 0) {
          if (err === null) err = UNESCAPE_ERROR;
        } else {
          let values = objectGet(out, key);
          if (values == 0) {
            values = newArray(2);
            objectInsert(out, key, values);
          }
          arrayPush(values, value); // the array is ours and still being built
        }
      }
    }
    i = e + 1;
  }
  if (err !== null) return builtinError(fn, <string>err);
  return out;
}
