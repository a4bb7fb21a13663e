// Serialising values: JSON (opa_json_dump, json.marshal) and Rego text
// (opa_value_dump, sprintf's %v for composites).
//
// JSON mode:  {"a":1,"b":[1,2]}   sets become arrays; a non-string object key is
//             dumped as JSON and that text becomes the (quoted) key, as OPA does.
// Rego mode:  {"a": 1, "b": [1, 2]}   sets {1, 2}, empty set set(); strings quoted
//             as Go's strconv.Quote does for the usual escapes.
//
// Numbers: ints and big integers in decimal. Floats: the shortest digits that round-trip (Grisu2 from
// AssemblyScript's std lib), fixed notation for 1e-6 <= |f| < 1e21 and Go's exponent
// form outside it (1e+21, 1.5e-07); integral floats print without a fraction (3.0 → 3).
// NaN and infinities have no JSON form and print as null.
import { dtoa_buffered } from 'util/number';
import {
  T_NULL, T_BOOL, T_INT, T_FLOAT, T_STRING, T_ARRAY, T_OBJECT, T_SET, T_BIG, T_NUMTEXT,
  tag, boolValue, intValue, floatValue, strLen, strBytes, len,
  arrayGet, setGet, objectKeyAt, objectValueAt,
} from './value';
import { copyBytes, bufNew, bufReserve, bufPutByte, bufPutBytes, bufLen, bufData } from './buffer';
import { appendInteger } from './bigint';

// Scratch for dtoa's UTF-16 output (static data: survives heap resets).
const DTOA_SCRATCH: usize = memory.data(128, 8);

// "0123456789abcdef"
const HEX: usize = memory.data<u8>([
  0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
  0x61, 0x62, 0x63, 0x64, 0x65, 0x66,
]);

// Escape table for JSON strings: 0 = copy as is, else the letter after '\'
// ('u' = \u00XX). Indexes 0..127.
const JSON_ESC: usize = memory.data<u8>([
  117, 117, 117, 117, 117, 117, 117, 117, 98, 116, 110, 117, 102, 114, 117, 117, // 0x00
  117, 117, 117, 117, 117, 117, 117, 117, 117, 117, 117, 117, 117, 117, 117, 117, // 0x10
  0, 0, 34, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                               // 0x20 '"'
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 92, 0, 0, 0,                               // 0x50 '\'
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

// As JSON_ESC but Go's strconv.Quote: \a \b \f \n \r \t \v, others \x.. ('x').
const QUOTE_ESC: usize = memory.data<u8>([
  120, 120, 120, 120, 120, 120, 120, 97, 98, 116, 110, 118, 102, 114, 120, 120,   // 0x00
  120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, // 0x10
  0, 0, 34, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 92, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 120,                              // 0x7f
]);

/** Appends the decimal text of an i64. */
export function dumpInt(b: usize, x: i64): void {
  const data = bufReserve(b, 20);
  let o = data + <usize>bufLen(b);
  let u: u64;
  if (x < 0) {
    store<u8>(o++, 0x2d);
    u = <u64>(-x); // wraps correctly for i64.MIN
  } else {
    u = <u64>x;
  }
  // digits in reverse into a 20-byte window, then copy forward
  let n = 0;
  let t = u;
  do { n++; t /= 10; } while (t != 0);
  let e = o + <usize>n;
  do {
    e--;
    store<u8>(e, <u8>(0x30 + <u32>(u % 10)));
    u /= 10;
  } while (u != 0);
  o += <usize>n;
  store<u32>(b, <u32>(o - data), 4);
}

/** Appends the text of a float (see the header comment). */
export function dumpFloat(b: usize, f: f64): void {
  if (!isFinite(f)) {
    bufPutByte(b, 0x6e); bufPutByte(b, 0x75); bufPutByte(b, 0x6c); bufPutByte(b, 0x6c);
    return;
  }
  if (f == 0) {
    if (1.0 / f < 0) bufPutByte(b, 0x2d);
    bufPutByte(b, 0x30);
    return;
  }
  const n = <i32>dtoa_buffered<f64>(DTOA_SCRATCH, f);
  const data = bufReserve(b, <u32>n + 2);
  let o = data + <usize>bufLen(b);
  // dtoa's forms: 123.45, 1234000.0, 0.001234, 1e+30, 1.5e-7 (UTF-16).
  let ePos: i32 = -1;
  for (let i = 0; i < n; i++) {
    if (load<u16>(DTOA_SCRATCH + (<usize>i << 1)) == 0x65) { ePos = i; break; }
  }
  let mantEnd = ePos >= 0 ? ePos : n;
  // drop a ".0" fraction
  if (mantEnd >= 2 &&
      load<u16>(DTOA_SCRATCH + (<usize>(mantEnd - 1) << 1)) == 0x30 &&
      load<u16>(DTOA_SCRATCH + (<usize>(mantEnd - 2) << 1)) == 0x2e) {
    mantEnd -= 2;
  }
  for (let i = 0; i < mantEnd; i++) {
    store<u8>(o++, <u8>load<u16>(DTOA_SCRATCH + (<usize>i << 1)));
  }
  if (ePos >= 0) {
    store<u8>(o++, 0x65);
    // sign, then at least two exponent digits
    store<u8>(o++, <u8>load<u16>(DTOA_SCRATCH + (<usize>(ePos + 1) << 1)));
    const digits = n - ePos - 2;
    if (digits < 2) store<u8>(o++, 0x30);
    for (let i = ePos + 2; i < n; i++) {
      store<u8>(o++, <u8>load<u16>(DTOA_SCRATCH + (<usize>i << 1)));
    }
  }
  store<u32>(b, <u32>(o - data), 4);
}

/** Appends a number value. */
export function dumpNumber(b: usize, v: usize): void {
  const t = tag(v);
  if (t == T_INT) dumpInt(b, intValue(v));
  else if (t == T_FLOAT) dumpFloat(b, floatValue(v));
  else if (t == T_BIG) appendInteger(b, v, 10, false, false);
  else bufPutBytes(b, strBytes(v), strLen(v)); // kept as written
}

/** Appends `n` UTF-8 bytes at `p` as a quoted JSON string. */
export function dumpJSONString(b: usize, p: usize, n: u32): void {
  dumpQuoted(b, p, n, JSON_ESC);
}

/** Appends `n` UTF-8 bytes at `p` quoted as Go's strconv.Quote (control chars). */
export function dumpRegoString(b: usize, p: usize, n: u32): void {
  dumpQuoted(b, p, n, QUOTE_ESC);
}

function dumpQuoted(b: usize, p: usize, n: u32, table: usize): void {
  // Worst case 6 bytes per input byte (\u00XX) plus quotes.
  const data = bufReserve(b, <u64>n * 6 + 2);
  let o = data + <usize>bufLen(b);
  store<u8>(o++, 0x22);
  const end = p + <usize>n;
  let s = p;
  while (s < end) {
    // copy a run of bytes that need no escaping: 8 at a time while no byte of the word
    // is a control byte, '"', '\\' or DEL (SWAR; exact as a whole-word test), then one by one
    let q = s;
    while (q + 8 <= end) {
      const x = load<u64>(q);
      const dq = x ^ 0x2222222222222222;
      const bs = x ^ 0x5c5c5c5c5c5c5c5c;
      const del = x ^ 0x7f7f7f7f7f7f7f7f;
      const t = (((x - 0x2020202020202020) & ~x) |
                 ((dq - 0x0101010101010101) & ~dq) |
                 ((bs - 0x0101010101010101) & ~bs) |
                 ((del - 0x0101010101010101) & ~del)) & 0x8080808080808080;
      if (t != 0) break;
      q += 8;
    }
    while (q < end) {
      const c = <u32>load<u8>(q);
      if (c < 128 && load<u8>(table + c) != 0) break;
      q++;
    }
    if (q > s) {
      copyBytes(o, s, q - s);
      o += q - s;
      s = q;
      if (s >= end) break;
    }
    const c = <u32>load<u8>(s++);
    const e = load<u8>(table + c);
    store<u8>(o++, 0x5c);
    if (e == 0x75) { // \u00XX
      store<u8>(o++, 0x75);
      store<u8>(o++, 0x30);
      store<u8>(o++, 0x30);
      store<u8>(o++, load<u8>(HEX + (c >> 4)));
      store<u8>(o++, load<u8>(HEX + (c & 15)));
    } else if (e == 0x78) { // \xXX
      store<u8>(o++, 0x78);
      store<u8>(o++, load<u8>(HEX + (c >> 4)));
      store<u8>(o++, load<u8>(HEX + (c & 15)));
    } else {
      store<u8>(o++, e);
    }
  }
  store<u8>(o++, 0x22);
  store<u32>(b, <u32>(o - data), 4);
}

@inline function put2(b: usize, x: u8, y: u8): void {
  const data = bufReserve(b, 2);
  const n = bufLen(b);
  store<u8>(data + <usize>n, x);
  store<u8>(data + <usize>n + 1, y);
  store<u32>(b, n + 2, 4);
}

@inline function put4(b: usize, word: u32): void {
  const data = bufReserve(b, 4);
  const n = bufLen(b);
  store<u32>(data + <usize>n, word);
  store<u32>(b, n + 4, 4);
}

/** Appends `v` as JSON (rego=false) or as Rego text (rego=true). */
export function dumpValue(b: usize, v: usize, rego: bool): void {
  switch (tag(v)) {
    case T_NULL: put4(b, 0x6c6c756e); return; // null
    case T_BOOL: {
      if (boolValue(v)) put4(b, 0x65757274); // true
      else { put4(b, 0x736c6166); bufPutByte(b, 0x65); } // false
      return;
    }
    case T_INT: dumpInt(b, intValue(v)); return;
    case T_FLOAT: dumpFloat(b, floatValue(v)); return;
    case T_BIG: appendInteger(b, v, 10, false, false); return;
    case T_NUMTEXT: bufPutBytes(b, strBytes(v), strLen(v)); return;
    case T_STRING: {
      if (rego) dumpRegoString(b, strBytes(v), strLen(v));
      else dumpJSONString(b, strBytes(v), strLen(v));
      return;
    }
    case T_ARRAY: {
      bufPutByte(b, 0x5b);
      const n = len(v);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) { if (rego) put2(b, 0x2c, 0x20); else bufPutByte(b, 0x2c); }
        dumpValue(b, arrayGet(v, i), rego);
      }
      bufPutByte(b, 0x5d);
      return;
    }
    case T_SET: {
      const n = len(v);
      if (rego) {
        if (n == 0) { put4(b, 0x28746573); bufPutByte(b, 0x29); return; } // set()
        bufPutByte(b, 0x7b);
      } else {
        bufPutByte(b, 0x5b);
      }
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) { if (rego) put2(b, 0x2c, 0x20); else bufPutByte(b, 0x2c); }
        dumpValue(b, setGet(v, i), rego);
      }
      bufPutByte(b, rego ? 0x7d : 0x5d);
      return;
    }
    case T_OBJECT: {
      bufPutByte(b, 0x7b);
      const n = len(v);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) { if (rego) put2(b, 0x2c, 0x20); else bufPutByte(b, 0x2c); }
        const k = objectKeyAt(v, i);
        if (rego) {
          dumpValue(b, k, true);
          put2(b, 0x3a, 0x20);
        } else {
          if (tag(k) == T_STRING) {
            dumpJSONString(b, strBytes(k), strLen(k));
          } else {
            const kb = bufNew(32);
            dumpValue(kb, k, false);
            dumpJSONString(b, bufData(kb), bufLen(kb));
          }
          bufPutByte(b, 0x3a);
        }
        dumpValue(b, objectValueAt(v, i), rego);
      }
      bufPutByte(b, 0x7d);
      return;
    }
  }
}

/** Appends the JSON text of `v` (convenience for callers outside this file). */
export function dumpJSON(b: usize, v: usize): void { dumpValue(b, v, false); }

