// IP addresses and CIDR blocks as Go's net package reads, tests and writes them
// (net.ParseIP, net.ParseCIDR, IPNet.Contains, IP.String, IPNet.String): OPA's
// net.cidr_* builtins are defined by what those functions do.
//
// An address is 128 bits held as two u64 (`hi`, `lo`, most significant first), IPv4
// as IPv4-mapped IPv6 (::ffff:a.b.c.d), which is Go's own 16-byte form; Go treats
// such an address as IPv4 wherever it matters (Contains, String), and so does this
// file (`isMapped`). A block is a record of ADDR_SIZE bytes: the address, its prefix
// length and the width of its mask (32 for an IPv4 block, 128 for IPv6), as an IPNet
// keeps a 4- or 16-byte mask. Prefixes are turned into 128-bit ones (`prefix128`)
// only to mask and compare.
import { alloc } from '../alloc';
import { strBytes, strLen, newStringUninit } from '../value';

export const ADDR_SIZE: usize = 24;

@inline export function addrHi(a: usize): u64 { return load<u64>(a); }
@inline export function addrLo(a: usize): u64 { return load<u64>(a, 8); }
@inline export function netPrefix(a: usize): u32 { return load<u32>(a, 16); }
@inline export function netBits(a: usize): u32 { return load<u32>(a, 20); }

/** A new block record (also used for a bare address, prefix and bits unused). */
export function newNet(hi: u64, lo: u64, prefix: u32, bits: u32): usize {
  const a = alloc(ADDR_SIZE);
  store<u64>(a, hi);
  store<u64>(a, lo, 8);
  store<u32>(a, prefix, 16);
  store<u32>(a, bits, 20);
  return a;
}

const V4_MAPPED: u64 = 0xffff_0000_0000;

/** Whether Go's IP.To4 would find an IPv4 address here (::ffff:0:0/96). */
@inline export function isMapped(hi: u64, lo: u64): bool {
  return hi == 0 && (lo >>> 32) == 0xffff;
}

/** The block's prefix in 128-bit terms (an IPv4 /24 masks the top 120 bits). */
@inline export function prefix128(net: usize): u32 {
  return netBits(net) == 32 ? 96 + netPrefix(net) : netPrefix(net);
}

/** The top `p` bits of the high half set (wasm shifts by 64 would wrap, hence the cases). */
export function maskHi(p: u32): u64 {
  if (p >= 64) return u64.MAX_VALUE;
  return p == 0 ? 0 : u64.MAX_VALUE << (64 - p);
}

/** The top `p - 64` bits of the low half set. */
export function maskLo(p: u32): u64 {
  if (p <= 64) return 0;
  return p >= 128 ? u64.MAX_VALUE : u64.MAX_VALUE << (128 - p);
}

/**
 * IPNet.Contains: an IPv4 address is never in an IPv6 block nor the reverse (Go
 * compares an IPv4-mapped address, and block, as 4 bytes), and the block's prefix
 * bits must match.
 */
export function netContains(net: usize, hi: u64, lo: u64): bool {
  const nhi = addrHi(net), nlo = addrLo(net);
  if (isMapped(nhi, nlo) != isMapped(hi, lo)) return false;
  const p = prefix128(net);
  return ((hi ^ nhi) & maskHi(p)) == 0 && ((lo ^ nlo) & maskLo(p)) == 0;
}

// ---- parsing (Go's netip.ParseAddr, which net.ParseIP and net.ParseCIDR use) --------------

/**
 * Dotted IPv4 as netip reads it: exactly four decimal fields of 0-255, no empty
 * field, no leading zero ("01"). Returns the address, or -1.
 */
function parseV4(p: usize, n: u32): i64 {
  let acc: u64 = 0, val: u32 = 0, digits: u32 = 0, fields: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits == 1 && val == 0) return -1;
      val = val * 10 + (c - 0x30);
      digits++;
      if (val > 255) return -1;
    } else if (c == 0x2e) {
      if (i == 0 || i == n - 1 || load<u8>(p + <usize>i - 1) == 0x2e) return -1;
      if (fields == 3) return -1;
      acc = (acc << 8) | val;
      fields++;
      val = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (fields < 3) return -1;
  return <i64>((acc << 8) | val);
}

function hexDigit(c: u8): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * IPv6 text as netip reads it into the 16 bytes at `ip` (zeroed by the caller):
 * groups of 1-4 hex digits, one `::` standing for at least one zero group, an
 * embedded dotted IPv4 only as the last 32 bits. Zones are refused by the caller.
 */
function parseV6(p: usize, n: u32, ip: usize): bool {
  let s: u32 = 0;
  let ellipsis: i32 = -1;
  if (n >= 2 && load<u8>(p) == 0x3a && load<u8>(p + 1) == 0x3a) {
    ellipsis = 0;
    s = 2;
    if (s == n) return true;
  }
  let i: i32 = 0;
  while (i < 16) {
    let off: u32 = 0, acc: u32 = 0;
    while (s + off < n) {
      const d = hexDigit(load<u8>(p + <usize>(s + off)));
      if (d < 0) break;
      acc = (acc << 4) + <u32>d;
      if (off > 3) return false; // a fifth digit
      off++;
    }
    if (off == 0) return false;
    if (s + off < n && load<u8>(p + <usize>(s + off)) == 0x2e) {
      // Only the last 32 bits may be written as IPv4.
      if (ellipsis < 0 && i != 12) return false;
      if (i + 4 > 16) return false;
      const v4 = parseV4(p + <usize>s, n - s);
      if (v4 < 0) return false;
      store<u8>(ip + <usize>i, <u8>(v4 >> 24));
      store<u8>(ip + <usize>i + 1, <u8>(v4 >> 16));
      store<u8>(ip + <usize>i + 2, <u8>(v4 >> 8));
      store<u8>(ip + <usize>i + 3, <u8>v4);
      s = n;
      i += 4;
      break;
    }
    store<u8>(ip + <usize>i, <u8>(acc >> 8));
    store<u8>(ip + <usize>i + 1, <u8>acc);
    i += 2;
    s += off;
    if (s == n) break;
    if (load<u8>(p + <usize>s) != 0x3a || s + 1 == n) return false;
    s++;
    if (load<u8>(p + <usize>s) == 0x3a) {
      if (ellipsis >= 0) return false;
      ellipsis = i;
      s++;
      if (s == n) break;
    }
  }
  if (s != n) return false;
  if (i < 16) {
    if (ellipsis < 0) return false;
    const shift = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) store<u8>(ip + <usize>(j + shift), load<u8>(ip + <usize>j));
    for (let j = ellipsis; j < ellipsis + shift; j++) store<u8>(ip + <usize>j, 0);
  } else if (ellipsis >= 0) {
    return false;
  }
  return true;
}

/** Loads 8 big-endian bytes. */
@inline function loadBE(p: usize): u64 { return bswap<u64>(load<u64>(p)); }

// The address the last successful parseAddr read.
let parsedHi: u64 = 0;
let parsedLo: u64 = 0;

/**
 * netip.ParseAddr without zones (ParseIP and ParseCIDR refuse them): the first of
 * `.` or `:` decides IPv4 or IPv6. Sets parsedHi/parsedLo and returns the address's
 * bit length, 32 (IPv4) or 128 (IPv6, also when written as ::ffff:1.2.3.4), or 0.
 */
function parseAddr(p: usize, n: u32): u32 {
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    if (c == 0x25) return 0; // '%': a zone, or an address missing
  }
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    if (c == 0x2e) {
      const v4 = parseV4(p, n);
      if (v4 < 0) return 0;
      parsedHi = 0;
      parsedLo = V4_MAPPED | <u64>v4;
      return 32;
    }
    if (c == 0x3a) {
      const ip = alloc(16);
      store<u64>(ip, 0);
      store<u64>(ip, 0, 8);
      if (!parseV6(p, n, ip)) return 0;
      parsedHi = loadBE(ip);
      parsedLo = loadBE(ip + 8);
      return 128;
    }
  }
  return 0;
}

/** net.ParseIP of a string value: the address as a record, or 0. */
export function parseIP(s: usize): usize {
  if (parseAddr(strBytes(s), strLen(s)) == 0) return 0;
  return newNet(parsedHi, parsedLo, 0, 0);
}

/**
 * net.ParseCIDR of a string value: the block with its address masked (as the IPNet
 * it returns), or 0. The prefix is decimal digits only (leading zeros allowed, as
 * Go's dtoi) and at most the address's bit length.
 */
export function parseCIDR(s: usize): usize {
  const p = strBytes(s), n = strLen(s);
  let slash: u32 = 0;
  while (slash < n && load<u8>(p + <usize>slash) != 0x2f) slash++;
  if (slash == n) return 0;
  const bits = parseAddr(p, slash);
  if (bits == 0) return 0;
  let prefix: u32 = 0, i: u32 = slash + 1;
  for (; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    if (c < 0x30 || c > 0x39) break;
    prefix = prefix * 10 + (c - 0x30);
    if (prefix >= 0xFFFFFF) return 0;
  }
  if (i == slash + 1 || i != n || prefix > bits) return 0;
  const net = newNet(0, 0, prefix, bits);
  const p128 = prefix128(net);
  store<u64>(net, parsedHi & maskHi(p128));
  store<u64>(net, parsedLo & maskLo(p128), 8);
  return net;
}

// ---- text (Go's IP.String and IPNet.String) ---------------------------------------------
// Written straight into a string value sized for the longest form (39 bytes of IPv6,
// 15 of IPv4, 4 of "/128"), its length set once written: one allocation per address,
// which matters to cidr_expand.

/** Writes x in decimal at p; returns the bytes written. */
function putDecimal(p: usize, x: u32): usize {
  let n: usize = 0;
  if (x >= 100) store<u8>(p + n++, <u8>(0x30 + x / 100));
  if (x >= 10) store<u8>(p + n++, <u8>(0x30 + (x / 10) % 10));
  store<u8>(p + n++, <u8>(0x30 + x % 10));
  return n;
}

/** Writes a group in lowercase hex without leading zeros; returns the bytes written. */
function putHex(p: usize, x: u32): usize {
  let n: usize = 0;
  for (let shift: i32 = 12; shift >= 0; shift -= 4) {
    const d = (x >> shift) & 0xf;
    if (n == 0 && d == 0 && shift > 0) continue;
    store<u8>(p + n++, <u8>(d < 10 ? 0x30 + d : 0x61 + d - 10));
  }
  return n;
}

@inline function group(hi: u64, lo: u64, k: i32): u32 {
  return <u32>((k < 4 ? hi >>> (<u64>(48 - 16 * k)) : lo >>> (<u64>(48 - 16 * (k - 4)))) & 0xffff);
}

/**
 * Writes the address at p as Go does: IPv4 (and IPv4-mapped) dotted; IPv6 as RFC
 * 5952 says, lowercase, the first longest run of two or more zero groups as `::`.
 * Returns the bytes written (at most 39).
 */
function putAddr(p: usize, hi: u64, lo: u64): usize {
  let n: usize = 0;
  if (isMapped(hi, lo)) {
    for (let k: i32 = 3; k >= 0; k--) {
      n += putDecimal(p + n, <u32>((lo >>> (<u64>(8 * k))) & 0xff));
      if (k > 0) store<u8>(p + n++, 0x2e);
    }
    return n;
  }
  let zeroStart: i32 = -1, zeroLen: i32 = 0;
  for (let k: i32 = 0; k < 8; k++) {
    let j = k;
    while (j < 8 && group(hi, lo, j) == 0) j++;
    if (j - k >= 2 && j - k > zeroLen) { zeroStart = k; zeroLen = j - k; }
  }
  for (let k: i32 = 0; k < 8; k++) {
    if (k == zeroStart) {
      store<u8>(p + n++, 0x3a);
      store<u8>(p + n++, 0x3a);
      k += zeroLen - 1;
      continue;
    }
    if (k > 0 && k != zeroStart + zeroLen) store<u8>(p + n++, 0x3a);
    n += putHex(p + n, group(hi, lo, k));
  }
  return n;
}

/** IP.String as a string value. */
export function addrString(hi: u64, lo: u64): usize {
  const s = newStringUninit(isMapped(hi, lo) ? 15 : 39);
  store<u32>(s, <u32>putAddr(strBytes(s), hi, lo), 4);
  return s;
}

/**
 * IPNet.String as a string value: the address as stored (Go does not mask it here),
 * then the prefix, counted over the last 32 bits when the address is IPv4-mapped.
 */
export function netString(hi: u64, lo: u64, prefix: u32, bits: u32): usize {
  const s = newStringUninit(isMapped(hi, lo) ? 19 : 43);
  const p = strBytes(s);
  let n = putAddr(p, hi, lo);
  store<u8>(p + n++, 0x2f);
  let shown = prefix;
  if (isMapped(hi, lo) && bits == 128) shown = prefix >= 96 ? prefix - 96 : 0;
  n += putDecimal(p + n, shown);
  store<u32>(s, <u32>n, 4);
  return s;
}
