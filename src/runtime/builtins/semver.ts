// semver.is_valid and semver.compare, as OPA's topdown/semver.go over its
// internal/semver package (a copy of coreos/go-semver).
//
// A version is MAJOR.MINOR.PATCH[-PRERELEASE][+METADATA], split as that package does:
// metadata after the first '+', then the pre-release after the first '-', then exactly
// three dot-separated decimal numbers, each within int64 (strconv.ParseInt: leading
// zeros are accepted). Pre-release and metadata, when not empty, are dot-separated
// identifiers of [0-9A-Za-z-]+.
//
// Precedence is SemVer 2.0.0's (§11): the three numbers numerically, then a version
// without pre-release above one with; pre-release identifiers left to right, numeric
// ones (strconv.Atoi succeeds) numerically and below alphanumeric ones, which compare
// bytewise; more identifiers rank higher when all before are equal. Metadata is ignored.
import { T_STRING, tag, strBytes, strLen, newInt, newBool } from '../value';
import { typeError, builtinError } from './args';
import { goQuotedText } from './quote';

// The parts of the last version parsed by parseVersion.
let MAJOR: i64 = 0;
let MINOR: i64 = 0;
let PATCH: i64 = 0;
let PRE: usize = 0;     // pre-release bytes (PRE_LEN of them; none when 0)
let PRE_LEN: u32 = 0;

function indexOfByte(p: usize, n: u32, c: u8): i32 {
  for (let i: u32 = 0; i < n; i++) if (load<u8>(p + <usize>i) == c) return <i32>i;
  return -1;
}

// Whether [p, p+n) is empty or dot-separated identifiers of [0-9A-Za-z-]+.
function validIdentifiers(p: usize, n: u32): bool {
  if (n == 0) return true;
  let partLen: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    if (c == 0x2e) {
      if (partLen == 0) return false;
      partLen = 0;
    } else if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2d) {
      partLen++;
    } else {
      return false;
    }
  }
  return partLen > 0;
}

// Decimal digits [p, p+n) as a magnitude of at most `limit` into MAG; false when
// empty, not all digits, or too large.
let MAG: u64 = 0;
function parseMagnitude(p: usize, n: u32, limit: u64): bool {
  if (n == 0) return false;
  let v: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    if (c < 0x30 || c > 0x39) return false;
    const d = <u64>(c - 0x30);
    if (v > (limit - d) / 10) return false;
    v = v * 10 + d;
  }
  MAG = v;
  return true;
}

// strconv.ParseInt(s, 10, 64) of a version number into PARSED. No sign can remain
// here: '+' and '-' were split off before.
let PARSED: i64 = 0;
function parseDecimal(p: usize, n: u32): bool {
  if (!parseMagnitude(p, n, <u64>i64.MAX_VALUE)) return false;
  PARSED = <i64>MAG;
  return true;
}

/** Parses the string value `v` into MAJOR, MINOR, PATCH and PRE; false when not a version. */
function parseVersion(v: usize): bool {
  const p = strBytes(v);
  let n = strLen(v);
  const plus = indexOfByte(p, n, 0x2b);
  if (plus >= 0) {
    if (!validIdentifiers(p + <usize>plus + 1, n - <u32>plus - 1)) return false;
    n = <u32>plus;
  }
  const dash = indexOfByte(p, n, 0x2d);
  PRE = 0; PRE_LEN = 0;
  if (dash >= 0) {
    PRE = p + <usize>dash + 1;
    PRE_LEN = n - <u32>dash - 1;
    if (!validIdentifiers(PRE, PRE_LEN)) return false;
    n = <u32>dash;
  }
  // Exactly three parts: the third takes any further dots (and then fails to parse).
  const d1 = indexOfByte(p, n, 0x2e);
  if (d1 < 0) return false;
  const rest = p + <usize>d1 + 1, restLen = n - <u32>d1 - 1;
  const d2 = indexOfByte(rest, restLen, 0x2e);
  if (d2 < 0) return false;
  if (!parseDecimal(p, <u32>d1)) return false;
  MAJOR = PARSED;
  if (!parseDecimal(rest, <u32>d2)) return false;
  MINOR = PARSED;
  if (!parseDecimal(rest + <usize>d2 + 1, restLen - <u32>d2 - 1)) return false;
  PATCH = PARSED;
  return true;
}

/** semver.is_valid(x): whether x is a string holding a valid version (false for non-strings). */
export function b_semver_is_valid(x: usize): usize {
  return newBool(tag(x) == T_STRING && parseVersion(x));
}

@inline function cmpI64(a: i64, b: i64): i32 { return a < b ? -1 : a > b ? 1 : 0; }

// strconv.Atoi of one pre-release identifier into PARSED: an optional '-' (the only
// sign an identifier can hold) and decimal digits within int64.
function atoi(p: usize, n: u32): bool {
  if (n > 0 && load<u8>(p) == 0x2d) {
    if (!parseMagnitude(p + 1, n - 1, <u64>1 << 63)) return false;
    PARSED = <i64>(<u64>0 - MAG); // -2^63 included
    return true;
  }
  return parseDecimal(p, n);
}

// Bytewise comparison of [a, a+an) and [b, b+bn).
function cmpBytes(a: usize, an: u32, b: usize, bn: u32): i32 {
  const m = an < bn ? an : bn;
  const c = memory.compare(a, b, m);
  if (c != 0) return c < 0 ? -1 : 1;
  return an < bn ? -1 : an > bn ? 1 : 0;
}

// Compares two pre-releases (both non-empty) identifier by identifier.
function cmpPreRelease(a: usize, an: u32, b: usize, bn: u32): i32 {
  let i: u32 = 0, j: u32 = 0;
  // Both are split on '.' (an empty pre-release here is impossible, see the caller).
  while (true) {
    const aEnd = i > an ? an : nextDot(a, an, i);
    const bEnd = j > bn ? bn : nextDot(b, bn, j);
    const aDone = i > an, bDone = j > bn;
    if (aDone || bDone) return aDone && bDone ? 0 : aDone ? -1 : 1;
    const ap = a + <usize>i, al = aEnd - i, bp = b + <usize>j, bl = bEnd - j;
    const aIsInt = atoi(ap, al);
    const ai = PARSED;
    const bIsInt = atoi(bp, bl);
    const bi = PARSED;
    if (aIsInt && !bIsInt) return -1;
    if (!aIsInt && bIsInt) return 1;
    if (aIsInt && bIsInt) {
      const c = cmpI64(ai, bi);
      if (c != 0) return c;
    }
    const c = cmpBytes(ap, al, bp, bl);
    if (c != 0) return c;
    i = aEnd + 1;
    j = bEnd + 1;
  }
}

function nextDot(p: usize, n: u32, from: u32): u32 {
  let k = from;
  while (k < n && load<u8>(p + <usize>k) != 0x2e) k++;
  return k;
}

/** semver.compare(a, b): -1, 0 or 1 as version a ranks below, equal to or above b. */
export function b_semver_compare(a: usize, b: usize): usize {
  const fn = 'semver.compare';
  if (tag(a) != T_STRING) return typeError(fn, 1, 'string', a);
  if (tag(b) != T_STRING) return typeError(fn, 2, 'string', b);
  if (!parseVersion(a)) return invalid(fn, 1, a);
  const aMajor = MAJOR, aMinor = MINOR, aPatch = PATCH, aPre = PRE, aPreLen = PRE_LEN;
  if (!parseVersion(b)) return invalid(fn, 2, b);
  let c = cmpI64(aMajor, MAJOR);
  if (c == 0) c = cmpI64(aMinor, MINOR);
  if (c == 0) c = cmpI64(aPatch, PATCH);
  if (c == 0) {
    if (aPreLen == 0 && PRE_LEN > 0) c = 1;
    else if (PRE_LEN == 0 && aPreLen > 0) c = -1;
    else if (aPreLen > 0) c = cmpPreRelease(aPre, aPreLen, PRE, PRE_LEN);
  }
  return newInt(c);
}

// OPA's message: `operand 1: string "1" is not a valid SemVer` (a builtin error).
function invalid(fn: string, pos: i32, v: usize): usize {
  return builtinError(fn, 'operand ' + pos.toString() + ': string ' + goQuotedText(strBytes(v), strLen(v)) + ' is not a valid SemVer');
}
