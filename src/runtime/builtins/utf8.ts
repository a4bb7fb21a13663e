// UTF-8 decoding and encoding exactly as Go's unicode/utf8 does it, so that builtins
// counting code points agree with OPA: an invalid byte decodes to U+FFFD and
// consumes one byte; surrogates, overlong forms and values past U+10FFFF are invalid.

export const RUNE_ERROR: i32 = 0xfffd;

/** Byte size of the rune decoded by the last decodeRune/decodeLastRune call. */
export let runeSize: i32 = 0;

/** Decodes the rune at `p` (`n` > 0 bytes available); sets `runeSize`. */
export function decodeRune(p: usize, n: u32): i32 {
  const b0 = <i32>load<u8>(p);
  if (b0 < 0x80) { runeSize = 1; return b0; }
  runeSize = 1;
  if (b0 < 0xc2 || b0 > 0xf4) return RUNE_ERROR;
  if (b0 < 0xe0) {
    if (n < 2) return RUNE_ERROR;
    const b1 = <i32>load<u8>(p, 1);
    if ((b1 & 0xc0) != 0x80) return RUNE_ERROR;
    runeSize = 2;
    return ((b0 & 0x1f) << 6) | (b1 & 0x3f);
  }
  // Valid range of the second byte depends on the first (no overlongs, no surrogates).
  let lo = 0x80, hi = 0xbf;
  if (b0 == 0xe0) lo = 0xa0;
  else if (b0 == 0xed) hi = 0x9f;
  else if (b0 == 0xf0) lo = 0x90;
  else if (b0 == 0xf4) hi = 0x8f;
  if (n < 2) return RUNE_ERROR;
  const b1 = <i32>load<u8>(p, 1);
  if (b1 < lo || b1 > hi) return RUNE_ERROR;
  if (n < 3) return RUNE_ERROR;
  const b2 = <i32>load<u8>(p, 2);
  if ((b2 & 0xc0) != 0x80) return RUNE_ERROR;
  if (b0 < 0xf0) {
    runeSize = 3;
    return ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
  }
  if (n < 4) return RUNE_ERROR;
  const b3 = <i32>load<u8>(p, 3);
  if ((b3 & 0xc0) != 0x80) return RUNE_ERROR;
  runeSize = 4;
  return ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
}

/** Decodes the last rune of the `n` > 0 bytes at `p` as utf8.DecodeLastRune; sets `runeSize`. */
export function decodeLastRune(p: usize, n: u32): i32 {
  const end = <i32>n;
  const last = <i32>load<u8>(p + <usize>(end - 1));
  if (last < 0x80) { runeSize = 1; return last; }
  const lim = end - 4 < 0 ? 0 : end - 4;
  let start = end - 2;
  for (; start >= lim; start--) {
    if ((load<u8>(p + <usize>start) & 0xc0) != 0x80) break;
  }
  if (start < 0) start = 0;
  const r = decodeRune(p + <usize>start, <u32>(end - start));
  if (start + runeSize != end) { runeSize = 1; return RUNE_ERROR; }
  return r;
}

/** Bytes needed to encode `r` (invalid runes encode as U+FFFD: 3). */
export function runeLen(r: i32): i32 {
  if (r < 0) return 3;
  if (r < 0x80) return 1;
  if (r < 0x800) return 2;
  if (r >= 0xd800 && r < 0xe000) return 3;
  if (r < 0x10000) return 3;
  if (r <= 0x10ffff) return 4;
  return 3;
}

/** Writes the UTF-8 encoding of `r` at `dst` (U+FFFD for invalid runes); returns its size. */
export function encodeRune(dst: usize, r: i32): i32 {
  if (r >= 0 && r < 0x80) { store<u8>(dst, <u8>r); return 1; }
  if (r >= 0x80 && r < 0x800) {
    store<u8>(dst, <u8>(0xc0 | (r >> 6)));
    store<u8>(dst, <u8>(0x80 | (r & 0x3f)), 1);
    return 2;
  }
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r < 0xe000)) r = RUNE_ERROR;
  if (r < 0x10000) {
    store<u8>(dst, <u8>(0xe0 | (r >> 12)));
    store<u8>(dst, <u8>(0x80 | ((r >> 6) & 0x3f)), 1);
    store<u8>(dst, <u8>(0x80 | (r & 0x3f)), 2);
    return 3;
  }
  store<u8>(dst, <u8>(0xf0 | (r >> 18)));
  store<u8>(dst, <u8>(0x80 | ((r >> 12) & 0x3f)), 1);
  store<u8>(dst, <u8>(0x80 | ((r >> 6) & 0x3f)), 2);
  store<u8>(dst, <u8>(0x80 | (r & 0x3f)), 3);
  return 4;
}

/** True when all `n` bytes at `p` are ASCII. */
export function isASCII(p: usize, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) {
    if (load<u8>(p + <usize>i) >= 0x80) return false;
  }
  return true;
}

/** Number of runes in the `n` bytes at `p` (utf8.RuneCount). */
export function runeCount(p: usize, n: u32): u32 {
  let count: u32 = 0;
  let i: u32 = 0;
  while (i < n) {
    if (load<u8>(p + <usize>i) < 0x80) i++;
    else { decodeRune(p + <usize>i, n - i); i += <u32>runeSize; }
    count++;
  }
  return count;
}

/** Byte offset of the `k`-th rune (or `n` when there are fewer runes). */
export function runeOffset(p: usize, n: u32, k: u32): u32 {
  let i: u32 = 0;
  while (k > 0 && i < n) {
    if (load<u8>(p + <usize>i) < 0x80) i++;
    else { decodeRune(p + <usize>i, n - i); i += <u32>runeSize; }
    k--;
  }
  return i;
}

/** Unicode white space as Go's unicode.IsSpace. */
export function isSpace(r: i32): bool {
  if (r <= 0xff) return r == 0x20 || (r >= 0x09 && r <= 0x0d) || r == 0x85 || r == 0xa0;
  return r == 0x1680 || (r >= 0x2000 && r <= 0x200a) || r == 0x2028 || r == 0x2029 ||
    r == 0x202f || r == 0x205f || r == 0x3000;
}
