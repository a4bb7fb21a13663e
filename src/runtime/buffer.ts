// A growable byte buffer on the heap, for building output text (JSON dumps,
// sprintf). The handle is a 16-byte header: +0 u32 data, +4 u32 len, +8 u32 cap.
// Growth copies into a fresh block (nothing is freed), except when the data block
// is the last thing on the heap: then it simply extends in place.
import { alloc, allocSize, heapGet } from './alloc';
import { newString } from './value';

/**
 * memory.copy for the short copies that dominate parsing and dumping: V8 runs
 * memory.copy as a call out of generated code, which costs more than copying a
 * short string word by word. Regions must not overlap.
 */
// @ts-ignore: decorator
@inline export function copyBytes(dst: usize, src: usize, n: usize): void {
  if (n <= 32) {
    let i: usize = 0;
    while (i + 8 <= n) { store<u64>(dst + i, load<u64>(src + i)); i += 8; }
    if (i + 4 <= n) { store<u32>(dst + i, load<u32>(src + i)); i += 4; }
    while (i < n) { store<u8>(dst + i, load<u8>(src + i)); i++; }
  } else {
    memory.copy(dst, src, n);
  }
}

@inline function dataOf(b: usize): usize { return <usize>load<u32>(b); }
@inline function lenOf(b: usize): u32 { return load<u32>(b, 4); }
@inline function capOf(b: usize): u32 { return load<u32>(b, 8); }

/** A new empty buffer with room for `cap` bytes. Returns its handle. */
export function bufNew(cap: u32): usize {
  if (cap < 16) cap = 16;
  cap = (cap + 7) & ~7;
  const b = alloc(16);
  store<u32>(b, <u32>alloc(<usize>cap));
  store<u32>(b, 0, 4);
  store<u32>(b, cap, 8);
  return b;
}

/**
 * Ensures room for `extra` more bytes; returns the data address. `extra` is 64-bit
 * so that worst-case estimates (n * 6 for escaping) cannot wrap; a buffer that
 * would pass MAX_ALLOC is out of memory.
 */
export function bufReserve(b: usize, extra: u64): usize {
  const n = lenOf(b);
  const cap = capOf(b);
  let data = dataOf(b);
  if (<u64>n + extra <= <u64>cap) return data;
  let wanted = <u64>cap << 1;
  const need = <u64>n + extra;
  if (wanted < need) wanted = need;
  const ncap = <u32>allocSize((wanted + 7) & ~(<u64>7));
  if (data + <usize>cap == heapGet()) {
    // The block ends at the heap top: extend it in place.
    alloc(<usize>(ncap - cap));
  } else {
    const fresh = alloc(<usize>ncap);
    memory.copy(fresh, data, <usize>n);
    data = fresh;
    store<u32>(b, <u32>data);
  }
  store<u32>(b, ncap, 8);
  return data;
}

export function bufPutByte(b: usize, x: u8): void {
  const n = lenOf(b);
  let data = dataOf(b);
  if (n >= capOf(b)) data = bufReserve(b, 1);
  store<u8>(data + <usize>n, x);
  store<u32>(b, n + 1, 4);
}

export function bufPutBytes(b: usize, p: usize, n: u32): void {
  if (n == 0) return;
  const data = bufReserve(b, n);
  const len = lenOf(b);
  copyBytes(data + <usize>len, p, <usize>n);
  store<u32>(b, len + n, 4);
}

/**
 * Appends an AssemblyScript (UTF-16) string as UTF-8. (Taking a managed string, it
 * gets asc's shadow-stack bookkeeping; hot paths should use bufPutUtf16/bufPutBytes.)
 */
export function bufPutStr(b: usize, s: string): void {
  bufPutUtf16(b, changetype<usize>(s), s.length);
}

/** Appends `units` UTF-16 code units at `src` as UTF-8 (lone surrogates become U+FFFD). */
export function bufPutUtf16(b: usize, src: usize, units: i32): void {
  // Worst case 3 bytes per UTF-16 unit.
  const data = bufReserve(b, <u64>units * 3);
  let o = data + <usize>lenOf(b);
  for (let i = 0; i < units; i++) {
    let c = <u32>load<u16>(src + (<usize>i << 1));
    if (c < 0x80) {
      store<u8>(o++, <u8>c);
    } else if (c < 0x800) {
      store<u8>(o++, <u8>(0xc0 | (c >> 6)));
      store<u8>(o++, <u8>(0x80 | (c & 0x3f)));
    } else {
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < units) {
        const d = <u32>load<u16>(src + (<usize>(i + 1) << 1));
        if (d >= 0xdc00 && d < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          store<u8>(o++, <u8>(0xf0 | (c >> 18)));
          store<u8>(o++, <u8>(0x80 | ((c >> 12) & 0x3f)));
          store<u8>(o++, <u8>(0x80 | ((c >> 6) & 0x3f)));
          store<u8>(o++, <u8>(0x80 | (c & 0x3f)));
          i++;
          continue;
        }
      }
      if (c >= 0xd800 && c < 0xe000) c = 0xfffd; // lone surrogate
      store<u8>(o++, <u8>(0xe0 | (c >> 12)));
      store<u8>(o++, <u8>(0x80 | ((c >> 6) & 0x3f)));
      store<u8>(o++, <u8>(0x80 | (c & 0x3f)));
    }
  }
  store<u32>(b, <u32>(o - data), 4);
}

/** Appends the bytes of a Rego string value. */
export function bufPutStrValue(b: usize, v: usize): void {
  bufPutBytes(b, v + 8, load<u32>(v, 4));
}

export function bufLen(b: usize): u32 { return lenOf(b); }
export function bufData(b: usize): usize { return dataOf(b); }

/** Drops everything after the first `n` bytes. */
export function bufTruncate(b: usize, n: u32): void {
  if (n < lenOf(b)) store<u32>(b, n, 4);
}

/** A Rego string value holding a copy of the contents. */
export function bufToString(b: usize): usize {
  return newString(dataOf(b), lenOf(b));
}

/** A NUL-terminated copy of the contents. */
export function bufToCString(b: usize): usize {
  const n = lenOf(b);
  const p = alloc(allocSize(<u64>n + 1));
  memory.copy(p, dataOf(b), <usize>n);
  store<u8>(p + <usize>n, 0);
  return p;
}

/** NUL-terminates the buffer in place and returns its data (no copy). */
export function bufFinishCString(b: usize): usize {
  bufPutByte(b, 0);
  return dataOf(b);
}

