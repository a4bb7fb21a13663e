// The pure net.* builtins, as OPA's topdown/cidr.go: net.cidr_contains,
// net.cidr_contains_matches, net.cidr_expand, net.cidr_intersects, net.cidr_is_valid
// and net.cidr_merge (net.cidr_overlap, the deprecated name of cidr_contains, is in
// ./deprecated.ts). Addresses are read and written as Go's net package does
// (./netaddr.ts), so IPv4 and IPv6 never contain each other.
import {
  T_ARRAY, T_SET, T_OBJECT, T_STRING,
  tag, len, arrayGet, setGet, objectKeyAt, objectValueAt, strBytes, strLen,
  newBool, newInt, newArray, arrayPush, boolValue,
} from '../value';
import { alloc } from '../alloc';
import { tick } from '../deadline';
import { setFromArray } from '../collections';
import { typeError, builtinError, isString } from './args';
import {
  addrHi, addrLo, netPrefix, netBits, prefix128, maskHi, maskLo, isMapped, newNet,
  netContains, parseIP, parseCIDR, addrString, netString,
} from './netaddr';

/** The text of a string value, for an error message. */
function text(s: usize): string {
  return String.UTF8.decodeUnsafe(strBytes(s), strLen(s), false);
}

/**
 * A CIDR operand, as OPA's getNetFromOperand: a string Go's ParseCIDR accepts.
 * OPA names any operand "operand 1" in the type error; so does this.
 */
function netOperand(fn: string, v: usize): usize {
  if (!isString(v)) return typeError(fn, 1, 'string', v);
  const net = parseCIDR(v);
  if (net == 0) return builtinError(fn, 'invalid CIDR address: ' + text(v));
  return net;
}

// The last address of a block: its host bits set.
@inline function lastHi(net: usize): u64 { return addrHi(net) | ~maskHi(prefix128(net)); }
@inline function lastLo(net: usize): u64 { return addrLo(net) | ~maskLo(prefix128(net)); }

/**
 * Whether block `a` contains `b`, an address or a block (all of it: its first and
 * last addresses). Errors are reported as `fn`'s (contains_matches calls it too).
 */
export function cidrContains(fn: string, a: usize, b: usize): usize {
  const na = netOperand(fn, a);
  if (na == 0) return 0;
  if (!isString(b)) return typeError(fn, 1, 'string', b);
  const ip = parseIP(b);
  if (ip != 0) return newBool(netContains(na, addrHi(ip), addrLo(ip)));
  const nb = parseCIDR(b);
  if (nb == 0) return builtinError(fn, 'not a valid textual representation of an IP address or CIDR: ' + text(b));
  return newBool(netContains(na, addrHi(nb), addrLo(nb)) && netContains(na, lastHi(nb), lastLo(nb)));
}

/** net.cidr_contains(cidr, cidr_or_ip): whether the block contains the address or block. */
export function b_net_cidr_contains(a: usize, b: usize): usize {
  return cidrContains('net.cidr_contains', a, b);
}

/** net.cidr_intersects(a, b): whether either block holds the other's first address. */
export function b_net_cidr_intersects(a: usize, b: usize): usize {
  const fn = 'net.cidr_intersects';
  const na = netOperand(fn, a);
  if (na == 0) return 0;
  const nb = netOperand(fn, b);
  if (nb == 0) return 0;
  return newBool(netContains(na, addrHi(nb), addrLo(nb)) || netContains(nb, addrHi(na), addrLo(na)));
}

/** net.cidr_is_valid(x): whether x is a string Go's ParseCIDR accepts; never an error. */
export function b_net_cidr_is_valid(x: usize): usize {
  return newBool(isString(x) && parseCIDR(x) != 0);
}

/**
 * net.cidr_expand(cidr): the set of every address in the block. Go steps the address
 * in its own width (IPv4 wraps within 32 bits) while the block contains it, so a /0
 * never ends: it runs into the deadline (ticked per address) or the memory maximum.
 */
export function b_net_cidr_expand(x: usize): usize {
  const fn = 'net.cidr_expand';
  const net = netOperand(fn, x);
  if (net == 0) return 0;
  const out = newArray(16);
  let hi = addrHi(net), lo = addrLo(net);
  const wide = netBits(net) == 128;
  while (netContains(net, hi, lo)) {
    tick();
    arrayPush(out, addrString(hi, lo));
    if (wide) {
      lo++;
      if (lo == 0) hi++;
    } else {
      lo = (lo & 0xffff_ffff_0000_0000) | ((lo + 1) & 0xffff_ffff);
    }
  }
  return setFromArray(out);
}

// ---- net.cidr_contains_matches ------------------------------------------------------------

/** How many candidates an operand holds: a string is one, other scalars none. */
function matchCount(v: usize): u32 {
  const t = tag(v);
  if (t == T_STRING) return 1;
  if (t == T_ARRAY || t == T_SET || t == T_OBJECT) return len(v);
  return 0;
}

/** The i-th candidate: a string, or the first element of an array (0 for anything else). */
function matchCidr(v: usize, i: u32): usize {
  const t = tag(v);
  let e = v;
  if (t == T_ARRAY) e = arrayGet(v, i);
  else if (t == T_SET) e = setGet(v, i);
  else if (t == T_OBJECT) e = objectValueAt(v, i);
  const et = tag(e);
  if (et == T_STRING) return e;
  if (et == T_ARRAY && len(e) > 0) return arrayGet(e, 0);
  return 0;
}

/** What names the i-th candidate in the result: its index, the element itself, its key. */
function matchIndex(v: usize, i: u32): usize {
  const t = tag(v);
  if (t == T_ARRAY) return newInt(<i64>i);
  if (t == T_SET) return setGet(v, i);
  if (t == T_OBJECT) return objectKeyAt(v, i);
  return v;
}

/**
 * net.cidr_contains_matches(cidrs, cidrs_or_ips): the set of [i, j] pairs where
 * candidate i of the first operand contains candidate j of the second. Checked as
 * OPA walks them (each first candidate against every second one), so the error
 * reported is the first OPA meets.
 */
export function b_net_cidr_contains_matches(a: usize, b: usize): usize {
  const fn = 'net.cidr_contains_matches';
  const out = newArray(4);
  const na = matchCount(a), nb = matchCount(b);
  for (let i: u32 = 0; i < na; i++) {
    const c1 = matchCidr(a, i);
    if (c1 == 0) return builtinError(fn, 'operand 1: element must be string or non-empty array');
    for (let j: u32 = 0; j < nb; j++) {
      tick();
      const c2 = matchCidr(b, j);
      if (c2 == 0) return builtinError(fn, 'operand 2: element must be string or non-empty array');
      const r = cidrContains(fn, c1, c2);
      if (r == 0) return 0;
      if (!boolValue(r)) continue;
      const pair = newArray(2);
      arrayPush(pair, matchIndex(a, i));
      arrayPush(pair, matchIndex(b, j));
      arrayPush(out, pair);
    }
  }
  return setFromArray(out);
}

// ---- net.cidr_merge ---------------------------------------------------------------------

/**
 * An element of cidr_merge's operand as a block: a CIDR, or an IPv4 address with
 * its classful default mask (/8, /16 or /24 by the first octet), its address left
 * unmasked as Go leaves it. An IPv6 address has no default mask.
 */
function mergeElement(fn: string, e: usize): usize {
  if (!isString(e)) return builtinError(fn, 'element must be string');
  const ip = parseIP(e);
  if (ip == 0) {
    const net = parseCIDR(e);
    if (net == 0) return builtinError(fn, 'invalid CIDR address: ' + text(e));
    return net;
  }
  const hi = addrHi(ip), lo = addrLo(ip);
  if (!isMapped(hi, lo)) return builtinError(fn, 'IPv6 invalid: needs prefix length');
  const first = <u32>((lo >>> 24) & 0xff);
  return newNet(hi, lo, first < 0x80 ? 8 : first < 0xc0 ? 16 : 24, 32);
}

// A range being merged (RANGE_SIZE bytes): first and last address, and the block it
// came from, 0 once merged with another (then it is written as the fewest blocks).
const RANGE_SIZE: usize = 40;

function newRange(fhi: u64, flo: u64, lhi: u64, llo: u64, net: usize): usize {
  const r = alloc(RANGE_SIZE);
  store<u64>(r, fhi);
  store<u64>(r, flo, 8);
  store<u64>(r, lhi, 16);
  store<u64>(r, llo, 24);
  store<u32>(r, <u32>net, 32);
  return r;
}

@inline function firstHi(r: usize): u64 { return load<u64>(r); }
@inline function firstLo(r: usize): u64 { return load<u64>(r, 8); }
@inline function endHi(r: usize): u64 { return load<u64>(r, 16); }
@inline function endLo(r: usize): u64 { return load<u64>(r, 24); }
@inline function rangeNet(r: usize): usize { return <usize>load<u32>(r, 32); }

/** Unsigned 128-bit comparison: -1, 0 or 1. */
function cmp128(ahi: u64, alo: u64, bhi: u64, blo: u64): i32 {
  if (ahi != bhi) return ahi < bhi ? -1 : 1;
  if (alo != blo) return alo < blo ? -1 : 1;
  return 0;
}

/** Ranges ordered by last address, then first (OPA's sort order). */
function rangeCompare(a: usize, b: usize): i32 {
  const c = cmp128(endHi(a), endLo(a), endHi(b), endLo(b));
  return c != 0 ? c : cmp128(firstHi(a), firstLo(a), firstHi(b), firstLo(b));
}

/** Sorts the range addresses v[lo..hi) (merge sort, tmp as scratch). */
function sortRanges(v: usize, tmp: usize, lo: u32, hi: u32): void {
  if (hi - lo < 2) return;
  const mid = lo + ((hi - lo) >> 1);
  sortRanges(v, tmp, lo, mid);
  sortRanges(v, tmp, mid, hi);
  let i = lo, j = mid;
  for (let k = lo; k < hi; k++) {
    tick();
    const takeRight = i >= mid || (j < hi && rangeCompare(<usize>load<u32>(v + (<usize>j << 2)), <usize>load<u32>(v + (<usize>i << 2))) < 0);
    if (takeRight) { store<u32>(tmp + (<usize>k << 2), load<u32>(v + (<usize>j << 2))); j++; }
    else { store<u32>(tmp + (<usize>k << 2), load<u32>(v + (<usize>i << 2))); i++; }
  }
  memory.copy(v + (<usize>lo << 2), tmp + (<usize>lo << 2), <usize>(hi - lo) << 2);
}

/**
 * The address before a range's first, as OPA's merge asks it: an IPv4 address steps
 * within its 32 bits, and the lowest address (0.0.0.0, ::) is its own predecessor.
 * Sets prevHi/prevLo.
 */
let prevHi: u64 = 0;
let prevLo: u64 = 0;
function previous(hi: u64, lo: u64): void {
  prevHi = hi;
  prevLo = lo;
  if (isMapped(hi, lo)) {
    if ((lo & 0xffff_ffff) != 0) prevLo = lo - 1;
  } else if (hi != 0 || lo != 0) {
    if (lo == 0) prevHi = hi - 1;
    prevLo = lo - 1;
  }
}

/**
 * Appends to `out` the fewest blocks covering first..last exactly: from the first
 * address, each time the largest block aligned there that does not pass the last.
 */
function rangeToBlocks(out: usize, fhi: u64, flo: u64, lhi: u64, llo: u64): void {
  let hi = fhi, lo = flo;
  while (true) {
    tick();
    // k host bits: as many as the address is aligned to
    let k: u32 = lo != 0 ? <u32>ctz(lo) : hi != 0 ? 64 + <u32>ctz(hi) : 128;
    while (k > 0 && cmp128(hi | ~maskHi(128 - k), lo | ~maskLo(128 - k), lhi, llo) > 0) k--;
    arrayPush(out, netString(hi, lo, 128 - k, 128));
    const ehi = hi | ~maskHi(128 - k), elo = lo | ~maskLo(128 - k);
    if (cmp128(ehi, elo, lhi, llo) >= 0) return;
    lo = elo + 1;
    hi = lo == 0 ? ehi + 1 : ehi;
  }
}

/**
 * net.cidr_merge(addrs): the set of fewest blocks covering the same addresses,
 * merged as OPA merges: ranges sorted by last address, each merged from the end
 * into the one before when they overlap or touch. A range merged with none is
 * written as its own block (an address's classful block keeps the address).
 * One divergence: OPA's merge helpers mangle an IPv6 block whose first address is
 * IPv4-mapped (::ffff:10.0.0.0/104: a 28-byte "address"); here it is the 128-bit
 * range it denotes.
 */
export function b_net_cidr_merge(x: usize): usize {
  const fn = 'net.cidr_merge';
  const t = tag(x);
  if (t != T_ARRAY && t != T_SET) return builtinError(fn, 'operand must be an array');
  const n = len(x);
  const ranges = alloc(<usize>n << 2);
  for (let i: u32 = 0; i < n; i++) {
    const net = mergeElement(fn, t == T_ARRAY ? arrayGet(x, i) : setGet(x, i));
    if (net == 0) return 0;
    const p = prefix128(net);
    const fhi = addrHi(net) & maskHi(p), flo = addrLo(net) & maskLo(p);
    const r = newRange(fhi, flo, fhi | ~maskHi(p), flo | ~maskLo(p), net);
    store<u32>(ranges + (<usize>i << 2), <u32>r);
  }
  sortRanges(ranges, alloc(<usize>n << 2), 0, n);
  const out = newArray(n);
  if (n == 0) return setFromArray(out);
  let cur = <usize>load<u32>(ranges + ((<usize>n - 1) << 2));
  for (let i = n - 1; i > 0; i--) {
    const before = <usize>load<u32>(ranges + ((<usize>i - 1) << 2));
    previous(firstHi(cur), firstLo(cur));
    if (cmp128(prevHi, prevLo, endHi(before), endLo(before)) <= 0) {
      const lower = cmp128(firstHi(before), firstLo(before), firstHi(cur), firstLo(cur)) < 0 ? before : cur;
      cur = newRange(firstHi(lower), firstLo(lower), endHi(cur), endLo(cur), 0);
    } else {
      emitRange(out, cur);
      cur = before;
    }
  }
  emitRange(out, cur);
  return setFromArray(out);
}

function emitRange(out: usize, r: usize): void {
  const net = rangeNet(r);
  if (net != 0) arrayPush(out, netString(addrHi(net), addrLo(net), netPrefix(net), netBits(net)));
  else rangeToBlocks(out, firstHi(r), firstLo(r), endHi(r), endLo(r));
}
