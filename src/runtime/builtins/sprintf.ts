// sprintf(format, args) as OPA implements it: Go's fmt.Sprintf over arguments
// converted from Rego values. OPA passes
//   - a number that is an integer in int64 range as a Go int,
//   - a larger integer as a *big.Int (here: a big integer value, or an integral float
//     of magnitude >= 2^63; under %e %f %g such a value is formatted as a float64
//     instead, since the float may as well be a literal like 1e100),
//   - any other number as a float64,
//   - a string as a Go string,
//   - anything else (booleans, null, arrays, objects, sets) as the Go string of its
//     Rego text: `true`, `null`, `["a", 1]`, `{"a": 1}`, `{1, 2}`, `set()`.
// This file ports the parts of Go's fmt (doPrintf, the verb handlers and the
// padding rules) those four argument types can reach, including the error forms:
// %!d(string=x), %!v(MISSING), %!(EXTRA int=1), %!(NOVERB), %!d(BADINDEX), %!(BADWIDTH).
import {
  T_INT, T_FLOAT, T_STRING, T_ARRAY, T_BIG, T_NUMTEXT,
  tag, len, intValue, floatValue, numberAsF64, strLen, strBytes, arrayGet, newString,
} from '../value';
import { appendInteger } from '../bigint';
import { alloc } from '../alloc';
import { bufNew, bufPutByte, bufPutBytes, bufLen, bufData, bufTruncate, bufToString } from '../buffer';
import { dumpValue } from '../dump';
import { typeError } from './args';
import { TWO63 } from './numeric';
import { decodeRune, runeSize, runeCount, encodeRune, runeOffset } from './utf8';
import { appendFloat, appendUint, appendIntegralF64, hexDigit } from './numfmt';
import { appendGoQuoted, appendGoQuotedRune, canBackquote, isPrint } from './quote';

// ---- arguments ---------------------------------------------------------------------------

const K_INT: i32 = 0;    // Go int
const K_BIG: i32 = 1;    // *big.Int
const K_FLOAT: i32 = 2;  // float64
const K_STRING: i32 = 3; // string

/** The Go type an argument value stands for. */
function kindOf(v: usize): i32 {
  const t = tag(v);
  if (t == T_INT) return K_INT;
  if (t == T_BIG) return K_BIG;
  if (t == T_NUMTEXT) return K_STRING; // as OPA: a number no float64 holds goes as its text
  if (t == T_FLOAT) {
    const f = floatValue(v);
    return f == Math.trunc(f) && Math.abs(f) >= TWO63 ? K_BIG : K_FLOAT;
  }
  return K_STRING;
}

/** Numbers and strings as they are; other values replaced by string values of their Rego text. */
function convertArgs(arr: usize): usize {
  const n = len(arr);
  const args = alloc(<usize>max<u32>(n, 1) << 2);
  for (let i: u32 = 0; i < n; i++) {
    let v = arrayGet(arr, i);
    const t = tag(v);
    if (t != T_INT && t != T_FLOAT && t != T_BIG && t != T_NUMTEXT && t != T_STRING) {
      const b = bufNew(32);
      dumpValue(b, v, true);
      v = bufToString(b);
    }
    store<u32>(args + (<usize>i << 2), <u32>v);
  }
  return args;
}

// ---- formatter state (Go's fmt.fmt flags) -----------------------------------------------

let out: usize = 0; // the result buffer
let tmp: usize = 0; // scratch for one formatted item

let wid: i32 = 0;
let prec: i32 = 0;
let widPresent = false;
let precPresent = false;
let minus = false;
let plus = false;
let sharp = false;
let space = false;
let zero = false;
let plusV = false;
let sharpV = false;

function clearFlags(): void {
  wid = 0; prec = 0; widPresent = false; precPresent = false;
  minus = false; plus = false; sharp = false; space = false; zero = false;
  plusV = false; sharpV = false;
}

function putAscii(b: usize, s: string): void {
  for (let i = 0; i < s.length; i++) bufPutByte(b, <u8>s.charCodeAt(i));
}

function putRune(b: usize, r: i32): void {
  const scratch = alloc(4);
  bufPutBytes(b, scratch, <u32>encodeRune(scratch, r));
}

function writePadding(n: i32): void {
  const c: u8 = zero ? 0x30 : 0x20;
  for (let i = 0; i < n; i++) bufPutByte(out, c);
}

/** Go's fmt.pad: the `n` bytes at `p`, padded to the width (counted in runes). */
function pad(p: usize, n: u32): void {
  if (!widPresent || wid == 0) { bufPutBytes(out, p, n); return; }
  const width = wid - <i32>runeCount(p, n);
  if (!minus) {
    writePadding(width);
    bufPutBytes(out, p, n);
  } else {
    bufPutBytes(out, p, n);
    writePadding(width);
  }
}

/** pad() of the scratch buffer's contents from byte `from`, without zero padding. */
function padTmp(from: u32, allowZero: bool): void {
  const oldZero = zero;
  if (!allowZero) zero = false;
  pad(bufData(tmp) + from, bufLen(tmp) - from);
  zero = oldZero;
}

@inline function resetTmp(): void { bufTruncate(tmp, 0); }

// ---- integers --------------------------------------------------------------------------

/** Go's fmt.fmtInteger for a signed (Go int) or unsigned value. */
function fmtInteger(u: u64, base: u32, isSigned: bool, verb: i32, upper: bool): void {
  const negative = isSigned && <i64>u < 0;
  if (negative) u = -u;
  let precision = 0;
  if (precPresent) {
    precision = prec;
    if (precision == 0 && u == 0) {
      const oldZero = zero;
      zero = false;
      writePadding(wid);
      zero = oldZero;
      return;
    }
  } else if (zero && !minus && widPresent) {
    precision = wid;
    if (negative || plus || space) precision--; // room for the sign
  }
  // digits, then zeros up to the precision, then prefixes and sign in front
  const digits = bufNew(24);
  appendUint(digits, u, base, upper);
  const nd = <i32>bufLen(digits);
  resetTmp();
  if (negative) bufPutByte(tmp, 0x2d);
  else if (plus) bufPutByte(tmp, 0x2b);
  else if (space) bufPutByte(tmp, 0x20);
  if (verb == 0x4f) { bufPutByte(tmp, 0x30); bufPutByte(tmp, 0x6f); } // %O: 0o
  const zeros = precision > nd ? precision - nd : 0;
  if (sharp) {
    if (base == 2) { bufPutByte(tmp, 0x30); bufPutByte(tmp, 0x62); }
    else if (base == 16) { bufPutByte(tmp, 0x30); bufPutByte(tmp, upper ? 0x58 : 0x78); }
    else if (base == 8 && zeros == 0 && load<u8>(bufData(digits)) != 0x30) bufPutByte(tmp, 0x30);
  }
  for (let i = 0; i < zeros; i++) bufPutByte(tmp, 0x30);
  bufPutBytes(tmp, bufData(digits), <u32>nd);
  padTmp(0, false);
}

/** %c */
function fmtC(u: u64): void {
  resetTmp();
  putRune(tmp, u > 0x10ffff ? 0xfffd : <i32>u);
  padTmp(0, true);
}

/** %q of an integer: a quoted rune literal. */
function fmtQc(u: u64): void {
  resetTmp();
  appendGoQuotedRune(tmp, u > 0x10ffff ? 0xfffd : <i32>u, plus);
  padTmp(0, true);
}

/** %U: U+0041, or U+0041 'A' with #. */
function fmtUnicode(u: u64): void {
  let precision = 4;
  if (precPresent && prec > 4) precision = prec;
  const digits = bufNew(24);
  appendUint(digits, u, 16, true);
  resetTmp();
  bufPutByte(tmp, 0x55);
  bufPutByte(tmp, 0x2b);
  for (let i = <i32>bufLen(digits); i < precision; i++) bufPutByte(tmp, 0x30);
  bufPutBytes(tmp, bufData(digits), bufLen(digits));
  if (sharp && u <= 0x10ffff && isPrint(<i32>u)) {
    bufPutByte(tmp, 0x20);
    bufPutByte(tmp, 0x27);
    putRune(tmp, <i32>u);
    bufPutByte(tmp, 0x27);
  }
  padTmp(0, false);
}

/** A Go int under `verb` (print.go's fmtInteger). */
function printInt(x: i64, verb: i32): void {
  const u = <u64>x;
  switch (verb) {
    case 0x76: case 0x64: fmtInteger(u, 10, true, verb, false); return; // v d
    case 0x62: fmtInteger(u, 2, true, verb, false); return;             // b
    case 0x6f: case 0x4f: fmtInteger(u, 8, true, verb, false); return;  // o O
    case 0x78: fmtInteger(u, 16, true, verb, false); return;            // x
    case 0x58: fmtInteger(u, 16, true, verb, true); return;             // X
    case 0x63: fmtC(u); return;                                         // c
    case 0x71: fmtQc(u); return;                                        // q
    case 0x55: fmtUnicode(u); return;                                   // U
  }
  badVerb(verb, K_INT, 0, x, 0);
}

/** The digits of a *big.Int argument (a big, or an integral float), sign apart. */
function appendBigDigits(b: usize, v: usize, base: u32, upper: bool, withSign: bool): void {
  if (tag(v) == T_BIG) { appendInteger(b, v, base, upper, !withSign); return; }
  const f = floatValue(v);
  appendIntegralF64(b, withSign ? f : Math.abs(f), base, upper);
}

/** A *big.Int under `verb` (math/big's Int.Format). */
function printBig(v: usize, verb: i32): void {
  let base: u32 = 0;
  switch (verb) {
    case 0x62: base = 2; break;
    case 0x6f: case 0x4f: base = 8; break;
    case 0x64: case 0x73: case 0x76: base = 10; break;
    case 0x78: case 0x58: base = 16; break;
  }
  if (base == 0) {
    putAscii(out, '%!');
    putRune(out, verb);
    putAscii(out, '(big.Int=');
    appendBigDigits(out, v, 10, false, true);
    bufPutByte(out, 0x29);
    return;
  }
  const neg = numberAsF64(v) < 0;
  const digits = bufNew(40);
  appendBigDigits(digits, v, base, verb == 0x58, false);
  const nd = <i32>bufLen(digits);
  resetTmp();
  if (neg) bufPutByte(tmp, 0x2d);
  else if (plus || plusV) bufPutByte(tmp, 0x2b);
  else if (space) bufPutByte(tmp, 0x20);
  if (sharp || sharpV) {
    if (verb == 0x62) putAscii(tmp, '0b');
    else if (verb == 0x6f) putAscii(tmp, '0');
    else if (verb == 0x78) putAscii(tmp, '0x');
    else if (verb == 0x58) putAscii(tmp, '0X');
  }
  if (verb == 0x4f) putAscii(tmp, '0o');
  const prefixLen = <i32>bufLen(tmp);
  let zeros = precPresent && nd < prec ? prec - nd : 0;
  let left = 0, right = 0;
  const length = prefixLen + zeros + nd;
  if (widPresent && length < wid) {
    const d = wid - length;
    if (minus) right = d;
    else if (zero && !precPresent) zeros = d;
    else left = d;
  }
  for (let i = 0; i < left; i++) bufPutByte(out, 0x20);
  bufPutBytes(out, bufData(tmp), bufLen(tmp));
  for (let i = 0; i < zeros; i++) bufPutByte(out, 0x30);
  bufPutBytes(out, bufData(digits), <u32>nd);
  for (let i = 0; i < right; i++) bufPutByte(out, 0x20);
}

// ---- floats ------------------------------------------------------------------------------

/** Go's fmt.fmtFloat: `verb` is the strconv format, `precision` its default. */
function fmtFloat(v: f64, verb: i32, precision: i32): void {
  if (precPresent) precision = prec;
  // tmp[0] is the sign slot: '+' unless the number has its own '-'.
  resetTmp();
  bufPutByte(tmp, 0x2b);
  appendFloat(tmp, v, <u8>verb, precision);
  let start: u32 = 0;
  const data = bufData(tmp);
  if (load<u8>(data, 1) == 0x2d || load<u8>(data, 1) == 0x2b) start = 1;
  if (space && load<u8>(data + start) == 0x2b && !plus) store<u8>(data + start, 0x20);
  if (sharp && verb != 0x62) sharpFloat(start, verb, precision);
  const sign = load<u8>(bufData(tmp) + start);
  if (plus || sign != 0x2b) {
    const n = <i32>(bufLen(tmp) - start);
    if (zero && !minus && widPresent && wid > n) {
      bufPutByte(out, sign);
      writePadding(wid - n);
      bufPutBytes(out, bufData(tmp) + start + 1, <u32>(n - 1));
      return;
    }
    padTmp(start, true);
    return;
  }
  padTmp(start + 1, true);
}

/** The # flag on floats: always a decimal point; %g keeps its trailing zeros. */
function sharpFloat(start: u32, verb: i32, precision: i32): void {
  let digits = 0;
  if (verb == 0x76 || verb == 0x67 || verb == 0x47 || verb == 0x78) {
    digits = precision == -1 ? 6 : precision;
  }
  const data = bufData(tmp);
  let end = bufLen(tmp);
  let tailAt = end; // exponent part, moved after the added zeros
  let hasDecimalPoint = false, sawNonzeroDigit = false;
  for (let i = start + 1; i < end; i++) {
    const c = load<u8>(data + i);
    if (c == 0x2e) { hasDecimalPoint = true; continue; }
    if (c == 0x70 || c == 0x50 || ((c == 0x65 || c == 0x45) && verb != 0x78 && verb != 0x58)) {
      tailAt = i;
      break;
    }
    if (c != 0x30) sawNonzeroDigit = true;
    if (sawNonzeroDigit) digits--;
  }
  const tail = bufNew(8);
  bufPutBytes(tail, data + tailAt, end - tailAt);
  bufTruncate(tmp, tailAt);
  if (!hasDecimalPoint) {
    if (tailAt - start == 2 && load<u8>(bufData(tmp) + start + 1) == 0x30) digits--;
    bufPutByte(tmp, 0x2e);
  }
  for (; digits > 0; digits--) bufPutByte(tmp, 0x30);
  bufPutBytes(tmp, bufData(tail), bufLen(tail));
}

/** e E f F g G */
function isFloatVerb(verb: i32): bool {
  return verb == 0x65 || verb == 0x45 || verb == 0x66 || verb == 0x46 || verb == 0x67 || verb == 0x47;
}

/** A float64 under `verb` (print.go's fmtFloat). */
function printFloat(f: f64, verb: i32): void {
  switch (verb) {
    case 0x76: fmtFloat(f, 0x67, -1); return; // v → %g shortest
    case 0x62: case 0x67: case 0x47: case 0x78: case 0x58: // b g G x X
      fmtFloat(f, sharpV ? 0x67 : verb, -1); return;
    case 0x66: case 0x65: case 0x45: // f e E
      fmtFloat(f, sharpV ? 0x67 : verb, sharpV ? -1 : 6); return;
    case 0x46: fmtFloat(f, sharpV ? 0x67 : 0x66, sharpV ? -1 : 6); return; // F
  }
  badVerb(verb, K_FLOAT, 0, 0, f);
}

// ---- strings -----------------------------------------------------------------------------

/** The byte length of the string cut to the precision (in runes), as truncateString. */
function truncated(p: usize, n: u32): u32 {
  return precPresent ? runeOffset(p, n, <u32>(prec < 0 ? 0 : prec)) : n;
}

/** %x / %X of a string: hex of its bytes. */
function fmtSx(p: usize, n: u32, upper: bool): void {
  let length = <i32>n;
  if (precPresent && prec < length) length = prec;
  let width = 2 * length;
  if (width > 0) {
    if (space) {
      if (sharp) width *= 2;
      width += length - 1;
    } else if (sharp) {
      width += 2;
    }
  } else {
    if (widPresent) writePadding(wid);
    return;
  }
  if (widPresent && wid > width && !minus) writePadding(wid - width);
  const x: u8 = upper ? 0x58 : 0x78;
  if (sharp) { bufPutByte(out, 0x30); bufPutByte(out, x); }
  for (let i = 0; i < length; i++) {
    if (space && i > 0) {
      bufPutByte(out, 0x20);
      if (sharp) { bufPutByte(out, 0x30); bufPutByte(out, x); }
    }
    const c = <u32>load<u8>(p + <usize>i);
    bufPutByte(out, hexDigit(c >> 4, upper));
    bufPutByte(out, hexDigit(c & 15, upper));
  }
  if (widPresent && wid > width && minus) writePadding(wid - width);
}

/** %q of a string. */
function fmtQ(p: usize, n: u32): void {
  n = truncated(p, n);
  resetTmp();
  if (sharp && canBackquote(p, n)) {
    bufPutByte(tmp, 0x60);
    bufPutBytes(tmp, p, n);
    bufPutByte(tmp, 0x60);
  } else {
    appendGoQuoted(tmp, p, n, plus);
  }
  padTmp(0, false);
}

/** A Go string under `verb` (print.go's fmtString). The 0 flag does not apply to strings. */
function printString(p: usize, n: u32, verb: i32): void {
  const oldZero = zero;
  zero = false;
  switch (verb) {
    case 0x76: // v
      if (sharpV) fmtQ(p, n);
      else pad(p, truncated(p, n));
      break;
    case 0x73: pad(p, truncated(p, n)); break; // s
    case 0x78: fmtSx(p, n, false); break;      // x
    case 0x58: fmtSx(p, n, true); break;       // X
    case 0x71: fmtQ(p, n); break;              // q
    default:
      zero = oldZero;
      badVerb(verb, K_STRING, p, <i64>n, 0);
  }
  zero = oldZero;
}

// ---- dispatch ----------------------------------------------------------------------------

/** Go's printArg for argument value `v`. */
function printArg(v: usize, verb: i32): void {
  const kind = kindOf(v);
  if (verb == 0x54) { // %T: the Go type's name, formatted as a string
    const name = bufNew(8);
    putAscii(name, kind == K_INT ? 'int' : kind == K_BIG ? '*big.Int' : kind == K_FLOAT ? 'float64' : 'string');
    printString(bufData(name), bufLen(name), 0x73);
    return;
  }
  if (verb == 0x70 && kind != K_BIG) { // %p of a non-pointer
    badVerb(verb, kind, kind == K_STRING ? strBytes(v) : 0,
      kind == K_INT ? intValue(v) : kind == K_STRING ? <i64>strLen(v) : 0,
      kind == K_FLOAT ? floatValue(v) : 0);
    return;
  }
  switch (kind) {
    case K_INT: printInt(intValue(v), verb); return;
    case K_BIG:
      // A big integer under a float verb would print as an error (%!e(big.Int=…));
      // as such values may equally be float literals (1e100), format them as floats.
      if (isFloatVerb(verb)) printFloat(numberAsF64(v), verb);
      else printBig(v, verb);
      return;
    case K_FLOAT: printFloat(floatValue(v), verb); return;
  }
  printString(strBytes(v), strLen(v), verb);
}

/** %!<verb>(<type>=<value as %v>), keeping the current flags as Go does. */
function badVerb(verb: i32, kind: i32, p: usize, x: i64, f: f64): void {
  putAscii(out, '%!');
  putRune(out, verb);
  bufPutByte(out, 0x28);
  if (kind == K_INT) { putAscii(out, 'int='); printInt(x, 0x76); }
  else if (kind == K_FLOAT) { putAscii(out, 'float64='); printFloat(f, 0x76); }
  else { putAscii(out, 'string='); printString(p, <u32>x, 0x76); }
  bufPutByte(out, 0x29);
}

/** Go's tooLarge guard on widths and precisions. */
@inline function tooLarge(x: i64): bool { return x > 1000000 || x < -1000000; }

// parsenum's results
let numValue: i32 = 0;
let numOk = false;

/** Go's parsenum: digits of `fmt` from `i` (exclusive `end`); returns the new index. */
function parseNum(fmt: usize, i: u32, end: u32): u32 {
  numValue = 0;
  numOk = false;
  if (i >= end) return end;
  let num: i64 = 0;
  for (; i < end && <u32>load<u8>(fmt + i) - 0x30 < 10; i++) {
    if (tooLarge(num)) { numValue = 0; numOk = false; return end; }
    num = num * 10 + <i64>(load<u8>(fmt + i) - 0x30);
    numOk = true;
  }
  numValue = <i32>num;
  return i;
}

// argNumber's results
let argNum: i32 = 0;
let afterIndex = false;
let goodArgNum = true;
let reordered = false;

/** Go's argNumber: an explicit [n] argument index at `i`; returns the new index. */
function argNumber(fmt: usize, i: u32, end: u32, numArgs: i32): u32 {
  afterIndex = false;
  if (i >= end || load<u8>(fmt + i) != 0x5b) return i;
  reordered = true;
  // parseArgNumber: "[n]" with n >= 1
  let ok = false, index = 0, width: u32 = 1;
  if (end - i >= 3) {
    for (let j = i + 1; j < end; j++) {
      if (load<u8>(fmt + j) == 0x5d) {
        const k = parseNum(fmt, i + 1, j);
        if (!numOk || k != j) { width = j - i + 1; break; }
        index = numValue - 1;
        width = j - i + 1;
        ok = true;
        break;
      }
    }
  }
  if (ok && index >= 0 && index < numArgs) {
    argNum = index;
    afterIndex = true;
    return i + width;
  }
  goodArgNum = false;
  afterIndex = ok;
  return i + width;
}

// intFromArg's results
let argIntValue: i32 = 0;
let argIntOk = false;

/** Go's intFromArg: a * width or precision taken from a Go int argument. */
function intFromArg(args: usize, numArgs: i32): void {
  argIntValue = 0;
  argIntOk = false;
  if (argNum < numArgs) {
    const v = <usize>load<u32>(args + (<usize>argNum << 2));
    if (kindOf(v) == K_INT) {
      const x = intValue(v);
      if (!tooLarge(x)) { argIntValue = <i32>x; argIntOk = true; }
    }
    argNum++;
  }
}

/** Go's doPrintf. */
function doPrintf(fmt: usize, end: u32, args: usize, numArgs: i32): void {
  argNum = 0;
  afterIndex = false;
  reordered = false;
  let i: u32 = 0;
  while (i < end) {
    goodArgNum = true;
    const lasti = i;
    while (i < end && load<u8>(fmt + i) != 0x25) i++;
    if (i > lasti) bufPutBytes(out, fmt + lasti, i - lasti);
    if (i >= end) break;
    i++; // the %
    clearFlags();
    // flags
    for (; i < end; i++) {
      const c = load<u8>(fmt + i);
      if (c == 0x23) sharp = true;
      else if (c == 0x30) zero = !minus;
      else if (c == 0x2b) plus = true;
      else if (c == 0x2d) { minus = true; zero = false; }
      else if (c == 0x20) space = true;
      else break;
    }
    i = argNumber(fmt, i, end, numArgs);
    // width
    if (i < end && load<u8>(fmt + i) == 0x2a) {
      i++;
      intFromArg(args, numArgs);
      wid = argIntValue;
      widPresent = argIntOk;
      if (!widPresent) putAscii(out, '%!(BADWIDTH)');
      if (wid < 0) { wid = -wid; minus = true; zero = false; }
      afterIndex = false;
    } else {
      i = parseNum(fmt, i, end);
      wid = numValue;
      widPresent = numOk;
      if (afterIndex && widPresent) goodArgNum = false; // %[3]2d
    }
    // precision
    if (i + 1 < end && load<u8>(fmt + i) == 0x2e) {
      i++;
      if (afterIndex) goodArgNum = false; // %[3].2d
      i = argNumber(fmt, i, end, numArgs);
      if (i < end && load<u8>(fmt + i) == 0x2a) {
        i++;
        intFromArg(args, numArgs);
        prec = argIntValue;
        precPresent = argIntOk;
        if (prec < 0) { prec = 0; precPresent = false; }
        if (!precPresent) putAscii(out, '%!(BADPREC)');
        afterIndex = false;
      } else {
        i = parseNum(fmt, i, end);
        prec = numValue;
        precPresent = true; // "%.d" means precision 0
        if (!numOk) prec = 0;
      }
    }
    if (!afterIndex) i = argNumber(fmt, i, end, numArgs);
    if (i >= end) { putAscii(out, '%!(NOVERB)'); break; }
    let verb = <i32>load<u8>(fmt + i);
    let size: u32 = 1;
    if (verb >= 0x80) { verb = decodeRune(fmt + i, end - i); size = <u32>runeSize; }
    i += size;

    if (verb == 0x25) { bufPutByte(out, 0x25); continue; } // %% ignores width and flags
    if (!goodArgNum) { putAscii(out, '%!'); putRune(out, verb); putAscii(out, '(BADINDEX)'); continue; }
    if (argNum >= numArgs) { putAscii(out, '%!'); putRune(out, verb); putAscii(out, '(MISSING)'); continue; }
    if (verb == 0x76) {
      sharpV = sharp; sharp = false;
      plusV = plus; plus = false;
    }
    printArg(<usize>load<u32>(args + (<usize>argNum << 2)), verb);
    argNum++;
  }
  if (!reordered && argNum < numArgs) {
    clearFlags();
    putAscii(out, '%!(EXTRA ');
    for (let k = argNum; k < numArgs; k++) {
      if (k > argNum) putAscii(out, ', ');
      const v = <usize>load<u32>(args + (<usize>k << 2));
      const kind = kindOf(v);
      putAscii(out, kind == K_INT ? 'int=' : kind == K_BIG ? '*big.Int=' : kind == K_FLOAT ? 'float64=' : 'string=');
      printArg(v, 0x76);
    }
    bufPutByte(out, 0x29);
  }
}

export function b_sprintf(format: usize, values: usize): usize {
  if (tag(format) != T_STRING) return typeError('sprintf', 1, 'string', format);
  if (tag(values) != T_ARRAY) return typeError('sprintf', 2, 'array', values);
  const simple = simplePrintf(strBytes(format), strLen(format), values);
  if (simple != 0) return simple;
  const numArgs = <i32>len(values);
  const args = convertArgs(values);
  out = bufNew(strLen(format) + 16 * <u32>numArgs + 16);
  tmp = bufNew(64);
  doPrintf(strBytes(format), strLen(format), args, numArgs);
  return newString(bufData(out), bufLen(out));
}

/**
 * The common case without Go's machinery: every verb a bare `%s` or `%v` of a string or
 * of a value that is no number (its Rego text), `%d` or `%v` of an int, or `%%`, and as
 * many arguments as verbs: what policies use to build messages and paths
 * (`sprintf("spec.%s[%d]", [field, i])`). The text is what doPrintf writes for them; 0
 * when the format or an argument is anything else, for doPrintf to handle.
 */
function simplePrintf(fmt: usize, end: u32, values: usize): usize {
  const n = len(values);
  let arg: u32 = 0;
  for (let i: u32 = 0; i < end; i++) {
    if (load<u8>(fmt + i) != 0x25) continue;
    if (i + 1 >= end) return 0;
    const verb = load<u8>(fmt + i + 1);
    i++;
    if (verb == 0x25) continue;
    if (arg >= n) return 0;
    const t = tag(arrayGet(values, arg));
    const number = t == T_INT || t == T_FLOAT || t == T_BIG || t == T_NUMTEXT;
    if (verb == 0x64) { if (t != T_INT) return 0; }
    else if (verb == 0x76) { if (number && t != T_INT) return 0; }
    else if (verb == 0x73) { if (number) return 0; }
    else return 0;
    arg++;
  }
  if (arg != n) return 0;
  const b = bufNew(end + 16 * n + 16);
  arg = 0;
  let lit: u32 = 0;
  for (let i: u32 = 0; i < end; i++) {
    if (load<u8>(fmt + i) != 0x25) continue;
    if (i > lit) bufPutBytes(b, fmt + lit, i - lit);
    const verb = load<u8>(fmt + i + 1);
    i++;
    lit = i + 1;
    if (verb == 0x25) { bufPutByte(b, 0x25); continue; }
    const v = arrayGet(values, arg++);
    const t = tag(v);
    if (t == T_INT) {
      const x = intValue(v);
      if (x < 0) bufPutByte(b, 0x2d);
      appendUint(b, x < 0 ? <u64>(0 - x) : <u64>x, 10, false);
    } else if (t == T_STRING) {
      bufPutBytes(b, strBytes(v), strLen(v));
    } else {
      dumpValue(b, v, true);
    }
  }
  if (end > lit) bufPutBytes(b, fmt + lit, end - lit);
  return newString(bufData(b), bufLen(b));
}
