// uri.parse and uri.is_valid, as OPA's topdown/uri.go: Go's net/url.Parse, step for
// step, and its error messages.
//
// uri.parse returns an object of the non-empty parts among
//   scheme (lowercased), hostname (url.Hostname(), brackets removed), port (a string),
//   path (decoded), raw_path (the encoded path when the decoded one would not
//   re-encode to it, else the decoded path), raw_query, fragment (decoded)
// so "" gives {} and "mailto:user@example.com" (an opaque URI) only the scheme.
// uri.is_valid is false for "", for anything but a string, and where parse fails.
//
// The parse, as url.Parse: the fragment is cut at the first '#'; a control byte is
// refused; a scheme is letters then letters, digits, '+', '-', '.' before a ':'; the
// query is cut at the first '?'; after a scheme, a rest not starting with '/' is opaque;
// "//" starts an authority up to the next '/': userinfo up to the last '@' (a limited
// alphabet), then the host: "[...]" an IPv6 literal with an optional %25 zone and
// :port, else a reg-name whose ':port' after the last ':' must be ASCII digits. In the
// host a %-escape may only encode a non-ASCII byte (or be %25) and some ASCII bytes are
// refused outright. Go also checks that a bracketed host is an IPv6 address (netip):
// here the same addresses are accepted, but the message for one that is not is our own
// wording ("invalid host: ... is not an IPv6 address"), not netip's.
import { T_STRING, tag, strBytes, strLen, newString, newObject, newBool, newStringUninit } from '../value';
import { objectInsert } from '../collections';
import { tick } from '../deadline';
import { typeError, builtinError } from './args';
import { goQuotedText } from './quote';

// Modes of Go's shouldEscape / unescape that Parse uses.
const M_PATH: i32 = 1;
const M_HOST: i32 = 2;
const M_ZONE: i32 = 3;
const M_USER: i32 = 4;
const M_FRAGMENT: i32 = 5;

// The message of the last failure (without the `parse "..."` prefix).
let ERR: string = '';

@inline function at(p: usize, i: u32): u8 { return load<u8>(p + <usize>i); }

function isAlnum(c: u8): bool {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

function isHex(c: u8): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function unhex(c: u8): u8 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return c - 0x41 + 10;
}

// Go's shouldEscape(c, mode) for the modes above.
function shouldEscape(c: u8, mode: i32): bool {
  if (isAlnum(c)) return false;
  if (mode == M_HOST || mode == M_ZONE) {
    // ! $ & ' ( ) * + , ; = : [ ] < > "
    if (c == 0x21 || c == 0x24 || c == 0x26 || c == 0x27 || c == 0x28 || c == 0x29 || c == 0x2a ||
        c == 0x2b || c == 0x2c || c == 0x3b || c == 0x3d || c == 0x3a || c == 0x5b || c == 0x5d ||
        c == 0x3c || c == 0x3e || c == 0x22) return false;
  }
  if (c == 0x2d || c == 0x5f || c == 0x2e || c == 0x7e) return false; // - _ . ~
  // reserved: $ & + , / : ; = ? @
  if (c == 0x24 || c == 0x26 || c == 0x2b || c == 0x2c || c == 0x2f || c == 0x3a || c == 0x3b ||
      c == 0x3d || c == 0x3f || c == 0x40) {
    if (mode == M_PATH) return c == 0x3f;
    if (mode == M_USER) return c == 0x40 || c == 0x2f || c == 0x3f || c == 0x3a;
    if (mode == M_FRAGMENT) return false;
  }
  if (mode == M_FRAGMENT && (c == 0x21 || c == 0x28 || c == 0x29 || c == 0x2a)) return false;
  return true;
}

function escapeError(p: usize, n: u32): void {
  ERR = 'invalid URL escape ' + goQuotedText(p, n);
}

/**
 * Go's unescape(s, mode): a string value of the decoded bytes, or 0 with ERR set when
 * an escape is malformed or, in the host, not allowed.
 */
function unescape(p: usize, n: u32, mode: i32): usize {
  let count: u32 = 0;
  let i: u32 = 0;
  while (i < n) {
    tick();
    const c = at(p, i);
    if (c == 0x25) {
      count++;
      if (i + 2 >= n || !isHex(at(p, i + 1)) || !isHex(at(p, i + 2))) {
        escapeError(p + <usize>i, n - i > 3 ? 3 : n - i);
        return 0;
      }
      const is25 = at(p, i + 1) == 0x32 && at(p, i + 2) == 0x35;
      // In the host, an escape may only encode a non-ASCII byte (RFC 3986 §3.2.2), or
      // be %25 (RFC 6874's zone introducer).
      if (mode == M_HOST && unhex(at(p, i + 1)) < 8 && !is25) {
        escapeError(p + <usize>i, 3);
        return 0;
      }
      if (mode == M_ZONE) {
        const v = (unhex(at(p, i + 1)) << 4) | unhex(at(p, i + 2));
        if (!is25 && v != 0x20 && shouldEscape(v, M_HOST)) {
          escapeError(p + <usize>i, 3);
          return 0;
        }
      }
      i += 3;
    } else {
      if ((mode == M_HOST || mode == M_ZONE) && c < 0x80 && shouldEscape(c, mode)) {
        ERR = 'invalid character ' + goQuotedText(p + <usize>i, 1) + ' in host name';
        return 0;
      }
      i++;
    }
  }
  const out = newStringUninit(<u64>(n - 2 * count));
  let o = strBytes(out);
  i = 0;
  while (i < n) {
    const c = at(p, i);
    if (c == 0x25) {
      store<u8>(o++, (unhex(at(p, i + 1)) << 4) | unhex(at(p, i + 2)));
      i += 3;
    } else {
      store<u8>(o++, c);
      i++;
    }
  }
  return out;
}

// Whether escape(decoded, encodePath) gives exactly the n bytes at p (Go's setPath:
// then RawPath is left empty). Escapes use upper-case hex.
function pathRoundTrips(decoded: usize, p: usize, n: u32): bool {
  const d = strBytes(decoded), dn = strLen(decoded);
  let j: u32 = 0;
  for (let i: u32 = 0; i < dn; i++) {
    const c = load<u8>(d + <usize>i);
    if (shouldEscape(c, M_PATH)) {
      if (j + 3 > n || at(p, j) != 0x25 || at(p, j + 1) != upperHex(c >> 4) || at(p, j + 2) != upperHex(c & 15)) return false;
      j += 3;
    } else {
      if (j >= n || at(p, j) != c) return false;
      j++;
    }
  }
  return j == n;
}

function upperHex(d: u8): u8 { return d < 10 ? 0x30 + d : 0x41 + d - 10; }

// Go's validOptionalPort: empty, or ':' then ASCII digits only.
function validOptionalPort(p: usize, n: u32): bool {
  if (n == 0) return true;
  if (at(p, 0) != 0x3a) return false;
  for (let i: u32 = 1; i < n; i++) {
    const c = at(p, i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

// Go's validUserinfo: RFC 3986's userinfo alphabet (plus '@', which the last-'@' split allows).
function validUserinfo(p: usize, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) {
    const c = at(p, i);
    if (isAlnum(c)) continue;
    // - . _ : ~ ! $ & ' ( ) * + , ; = % @
    if (c == 0x2d || c == 0x2e || c == 0x5f || c == 0x3a || c == 0x7e || c == 0x21 || c == 0x24 ||
        c == 0x26 || c == 0x27 || c == 0x28 || c == 0x29 || c == 0x2a || c == 0x2b || c == 0x2c ||
        c == 0x3b || c == 0x3d || c == 0x25 || c == 0x40) continue;
    return false;
  }
  return true;
}

function indexOf(p: usize, n: u32, c: u8): i32 {
  for (let i: u32 = 0; i < n; i++) if (at(p, i) == c) return <i32>i;
  return -1;
}

function lastIndexOf(p: usize, n: u32, c: u8): i32 {
  for (let i = <i32>n - 1; i >= 0; i--) if (at(p, <u32>i) == c) return i;
  return -1;
}

// Whether [p, p+n) is "%25" at offset i.
function isPct25(p: usize, n: u32, i: u32): bool {
  return i + 3 <= n && at(p, i) == 0x25 && at(p, i + 1) == 0x32 && at(p, i + 2) == 0x35;
}

// ---- IP addresses (what netip.ParseAddr accepts) ----------------------------------------

// A dotted IPv4 address: four decimal fields 0-255 without leading zeros.
function isIPv4(p: usize, n: u32): bool {
  let fields = 0, digits = 0, value = 0;
  for (let i: u32 = 0; i <= n; i++) {
    if (i == n || at(p, i) == 0x2e) {
      if (digits == 0) return false;
      fields++;
      digits = 0; value = 0;
      continue;
    }
    const c = at(p, i);
    if (c < 0x30 || c > 0x39) return false;
    if (digits > 0 && value == 0) return false; // a leading zero
    value = value * 10 + <i32>(c - 0x30);
    digits++;
    if (value > 255) return false;
  }
  return fields == 4;
}

// An IPv6 address: eight groups of 1-4 hex digits, "::" standing for one or more zero
// groups at most once, the last two groups possibly written as an IPv4 address.
function isIPv6(p: usize, n: u32): bool {
  let groups = 0, ellipsis = false;
  let i: u32 = 0;
  if (n >= 2 && at(p, 0) == 0x3a && at(p, 1) == 0x3a) { ellipsis = true; i = 2; }
  else if (n >= 1 && at(p, 0) == 0x3a) return false;
  while (i < n) {
    // One group, or the IPv4 tail.
    let j = i;
    while (j < n && isHex(at(p, j))) j++;
    if (j < n && at(p, j) == 0x2e) {
      if (groups > 6 || !isIPv4(p + <usize>i, n - i)) return false;
      groups += 2;
      i = n;
      break;
    }
    if (j == i || j - i > 4) return false;
    groups++;
    i = j;
    if (i == n) break;
    if (at(p, i) != 0x3a) return false;
    i++;
    if (i < n && at(p, i) == 0x3a) {
      if (ellipsis) return false;
      ellipsis = true;
      i++;
    } else if (i == n) {
      return false; // a trailing single ':'
    }
    if (groups > 8) return false;
  }
  return ellipsis ? groups < 8 : groups == 8;
}

// ---- the parse -----------------------------------------------------------------------------

// The parts found (string values, 0 when absent).
let SCHEME: usize = 0;
let HOST: usize = 0;       // decoded, with brackets and port
let PATH: usize = 0;
let RAW_PATH: usize = 0;
let RAW_QUERY: usize = 0;
let FRAGMENT: usize = 0;

// Go's parseHost of [p, p+n): HOST, or false with ERR set.
function parseHost(p: usize, n: u32): bool {
  if (n > 0 && at(p, 0) == 0x5b) {
    const close = lastIndexOf(p, n, 0x5d);
    if (close < 0) { ERR = "missing ']' in host"; return false; }
    const c = <u32>close;
    if (!validOptionalPort(p + <usize>c + 1, n - c - 1)) {
      ERR = 'invalid port ' + goQuotedText(p + <usize>c + 1, n - c - 1) + ' after host';
      return false;
    }
    // RFC 6874: %25 starts a zone, which may use escapes more freely than the address.
    const zone = findPct25(p, c);
    const addrEnd: u32 = zone >= 0 ? <u32>zone : c;
    const addr = unescape(p + 1, addrEnd - 1, M_HOST);
    if (addr == 0) return false;
    let zoneText: usize = 0;
    if (zone >= 0) {
      zoneText = unescape(p + <usize>zone, c - <u32>zone, M_ZONE);
      if (zoneText == 0) return false;
    }
    if (!isIPv6(strBytes(addr), strLen(addr))) {
      ERR = isIPv4(strBytes(addr), strLen(addr))
        ? 'invalid IP-literal'
        : 'invalid host: ' + goQuotedText(strBytes(addr), strLen(addr)) + ' is not an IPv6 address';
      return false;
    }
    // "[" address zone "]" port, each part decoded in its own mode.
    const zn: u32 = zoneText != 0 ? strLen(zoneText) : 0;
    const an = strLen(addr), pn = n - c - 1;
    HOST = newStringUninit(<u64>an + zn + pn + 2);
    const h = strBytes(HOST);
    store<u8>(h, 0x5b);
    memory.copy(h + 1, strBytes(addr), an);
    if (zn > 0) memory.copy(h + 1 + <usize>an, strBytes(zoneText), zn);
    store<u8>(h + 1 + <usize>an + <usize>zn, 0x5d);
    memory.copy(h + 2 + <usize>an + <usize>zn, p + <usize>c + 1, pn);
    return true;
  } else {
    const colon = lastIndexOf(p, n, 0x3a);
    if (colon >= 0 && !validOptionalPort(p + <usize>colon, n - <u32>colon)) {
      ERR = 'invalid port ' + goQuotedText(p + <usize>colon, n - <u32>colon) + ' after host';
      return false;
    }
  }
  HOST = unescape(p, n, M_HOST);
  return HOST != 0;
}

function findPct25(p: usize, n: u32): i32 {
  for (let i: u32 = 0; i + 3 <= n; i++) if (isPct25(p, n, i)) return <i32>i;
  return -1;
}

// Go's parseAuthority: userinfo (checked and its escapes validated) and the host.
function parseAuthority(p: usize, n: u32): bool {
  const at_ = lastIndexOf(p, n, 0x40);
  const hostAt: u32 = at_ < 0 ? 0 : <u32>at_ + 1;
  if (!parseHost(p + <usize>hostAt, n - hostAt)) return false;
  if (at_ < 0) return true;
  const u = <u32>at_;
  if (!validUserinfo(p, u)) { ERR = 'net/url: invalid userinfo'; return false; }
  // The user name and password are decoded by Go (so bad escapes fail) but not reported.
  const colon = indexOf(p, u, 0x3a);
  if (colon < 0) return unescape(p, u, M_USER) != 0;
  return unescape(p, <u32>colon, M_USER) != 0 && unescape(p + <usize>colon + 1, u - <u32>colon - 1, M_USER) != 0;
}

// Go's setPath: PATH decoded, RAW_PATH the original when it is not the default encoding.
function setPath(p: usize, n: u32): bool {
  PATH = unescape(p, n, M_PATH);
  if (PATH == 0) return false;
  RAW_PATH = pathRoundTrips(PATH, p, n) ? 0 : newString(p, n);
  return true;
}

// Go's parse(rawURL, viaRequest=false) of the part before '#'.
function parseMain(p: usize, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) {
    const c = at(p, i);
    if (c < 0x20 || c == 0x7f) { ERR = 'net/url: invalid control character in URL'; return false; }
  }
  if (n == 1 && at(p, 0) == 0x2a) { PATH = newString(p, 1); return true; }
  // getScheme
  let rest = p, restLen = n;
  for (let i: u32 = 0; i < n; i++) {
    const c = at(p, i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) continue;
    if ((c >= 0x30 && c <= 0x39) || c == 0x2b || c == 0x2d || c == 0x2e) {
      if (i == 0) break;
      continue;
    }
    if (c == 0x3a) {
      if (i == 0) { ERR = 'missing protocol scheme'; return false; }
      SCHEME = newString(p, i);
      const s = strBytes(SCHEME);
      for (let k: u32 = 0; k < i; k++) {
        const b = load<u8>(s + <usize>k);
        if (b >= 0x41 && b <= 0x5a) store<u8>(s + <usize>k, b | 0x20);
      }
      rest = p + <usize>i + 1;
      restLen = n - i - 1;
    }
    break;
  }
  // The query: a lone trailing '?' only forces an empty one.
  const q = indexOf(rest, restLen, 0x3f);
  if (q >= 0) {
    const qn = restLen - <u32>q - 1;
    if (qn > 0) RAW_QUERY = newString(rest + <usize>q + 1, qn);
    restLen = <u32>q;
  }
  const slash = restLen > 0 && at(rest, 0) == 0x2f;
  if (!slash) {
    if (SCHEME != 0) return true; // opaque: not reported
    const seg = indexOf(rest, restLen, 0x2f);
    const segLen: u32 = seg < 0 ? restLen : <u32>seg;
    if (indexOf(rest, segLen, 0x3a) >= 0) { ERR = 'first path segment in URL cannot contain colon'; return false; }
  }
  const twoSlashes = restLen >= 2 && slash && at(rest, 1) == 0x2f;
  const threeSlashes = restLen >= 3 && twoSlashes && at(rest, 2) == 0x2f;
  if ((SCHEME != 0 || !threeSlashes) && twoSlashes) {
    const auth = rest + 2;
    const authMax = restLen - 2;
    const end = indexOf(auth, authMax, 0x2f);
    const authLen: u32 = end < 0 ? authMax : <u32>end;
    if (!parseAuthority(auth, authLen)) return false;
    rest = auth + <usize>authLen;
    restLen = authMax - authLen;
  }
  return setPath(rest, restLen);
}

// url.Parse of the string value `v`; on failure ERR holds the whole message.
function parseURL(v: usize): bool {
  SCHEME = 0; HOST = 0; PATH = 0; RAW_PATH = 0; RAW_QUERY = 0; FRAGMENT = 0;
  const p = strBytes(v), n = strLen(v);
  const hash = indexOf(p, n, 0x23);
  const mainLen: u32 = hash < 0 ? n : <u32>hash;
  if (!parseMain(p, mainLen)) {
    ERR = 'parse ' + goQuotedText(p, mainLen) + ': ' + ERR;
    return false;
  }
  if (hash >= 0 && mainLen + 1 < n) {
    FRAGMENT = unescape(p + <usize>mainLen + 1, n - mainLen - 1, M_FRAGMENT);
    if (FRAGMENT == 0) {
      ERR = 'parse ' + goQuotedText(p, n) + ': ' + ERR;
      return false;
    }
  }
  return true;
}

// ---- the builtins ------------------------------------------------------------------------

function keyOf(s: string): usize {
  const v = newStringUninit(<u64>s.length);
  for (let i = 0; i < s.length; i++) store<u8>(strBytes(v) + <usize>i, <u8>s.charCodeAt(i));
  return v;
}

function putPart(o: usize, key: string, v: usize): void {
  if (v != 0 && strLen(v) > 0) objectInsert(o, keyOf(key), v);
}

/** uri.parse(uri): the parts of a URI as url.Parse finds them (see the header). */
export function b_uri_parse(x: usize): usize {
  const fn = 'uri.parse';
  if (tag(x) != T_STRING) return typeError(fn, 1, 'string', x);
  if (!parseURL(x)) return builtinError(fn, ERR);
  const out = newObject(8);
  putPart(out, 'scheme', SCHEME);
  if (HOST != 0) {
    // url.Hostname() and url.Port(): the port after the last ':' when valid, then
    // the brackets of an IPv6 literal dropped.
    const h = strBytes(HOST), hn = strLen(HOST);
    let nameLen = hn;
    const colon = lastIndexOf(h, hn, 0x3a);
    if (colon >= 0 && validOptionalPort(h + <usize>colon, hn - <u32>colon)) {
      nameLen = <u32>colon;
      putPart(out, 'port', newString(h + <usize>colon + 1, hn - <u32>colon - 1));
    }
    let name = h;
    if (nameLen >= 2 && at(h, 0) == 0x5b && at(h, nameLen - 1) == 0x5d) { name = h + 1; nameLen -= 2; }
    putPart(out, 'hostname', newString(name, nameLen));
  }
  putPart(out, 'path', PATH);
  putPart(out, 'raw_path', RAW_PATH != 0 ? RAW_PATH : PATH);
  putPart(out, 'raw_query', RAW_QUERY);
  putPart(out, 'fragment', FRAGMENT);
  return out;
}

/** uri.is_valid(uri): whether uri is a non-empty string url.Parse accepts. */
export function b_uri_is_valid(x: usize): usize {
  return newBool(tag(x) == T_STRING && strLen(x) > 0 && parseURL(x));
}
