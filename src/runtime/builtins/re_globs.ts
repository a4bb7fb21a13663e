// regex.globs_match(glob1, glob2): whether some non-empty string matches both
// regex-style globs, as OPA documents it (its topdown/regex.go calls
// github.com/yashtewari/glob-intersection's NonEmpty).
//
// The syntax and the error messages are that library's: `.` any rune, `[...]` a set of
// runes and `a-z` ranges, `\` escapes the next rune anywhere, `+` and `*` repeat the
// token before (one or more, zero or more); everything else is literal, and a glob
// matches whole strings. Positions in errors count runes:
//   input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid
//
// The answer itself is computed exactly, not by the library's token-against-token
// walk: each glob is a chain of single-rune steps (x+ is x then x*), and a breadth of
// pairs of positions (one per glob, plus whether a rune was consumed yet) is explored
// until both chains are complete after at least one rune. Two steps can consume the
// same rune when their sets of runes meet.
import { T_STRING, tag, strBytes, strLen, newBool } from '../value';
import { alloc, allocSize, allocZeroed } from '../alloc';
import { tick } from '../deadline';
import { typeError, builtinError } from './args';
import { decodeRune, runeSize } from './utf8';

const FN = 'regex.globs_match';

// A step: kind, repetition, and what it matches (16 bytes).
const K_DOT: i32 = 1;   // any rune
const K_CHAR: i32 = 2;  // the rune in `a`
const K_SET: i32 = 3;   // `b` ranges (lo, hi: two i32 each) at address `a`
const F_NONE: i32 = 0;
const F_PLUS: i32 = 1;
const F_STAR: i32 = 2;

@inline function stepKind(s: usize): i32 { return load<i32>(s); }
@inline function stepFlag(s: usize): i32 { return load<i32>(s, 4); }
@inline function stepA(s: usize): i32 { return load<i32>(s, 8); }
@inline function stepB(s: usize): i32 { return load<i32>(s, 12); }

// ---- the tokenizer (glob-intersection's tokenize.go) ----------------------------------------

let RUNES: usize = 0;    // the glob's runes, i32 each
let N: i32 = 0;          // how many
let SRC: usize = 0;      // the glob's UTF-8 text, for messages
let SRC_LEN: u32 = 0;
let ERROR: string | null = null;

// nextRune's results: the rune, whether a backslash escaped it, and the index after it.
let R: i32 = 0;
let ESCAPED: bool = false;
let NEXT: i32 = 0;
const R_OK: i32 = 0;
const R_END: i32 = 1;
const R_ERR: i32 = 2;

function fail(pos: i32, msg: string): void {
  const input = String.UTF8.decodeUnsafe(SRC, SRC_LEN, false);
  ERROR = 'input:' + input + ', pos:' + pos.toString() + ', ' + msg + ': the input provided is invalid';
}

function runeText(r: i32): string { return String.fromCodePoint(r); }

function nextRune(i: i32): i32 {
  if (i >= N) { NEXT = i; return R_END; }
  const r = load<i32>(RUNES + (<usize>i << 2));
  if (r == 0x5c) {
    if (i == N - 1) { fail(i, 'input ends with a \\ (escape) character'); return R_ERR; }
    R = load<i32>(RUNES + (<usize>(i + 1) << 2)); ESCAPED = true; NEXT = i + 2;
    return R_OK;
  }
  R = r; ESCAPED = false; NEXT = i + 1;
  return R_OK;
}

/**
 * Tokenizes the string value `v` into steps at the returned address (their count in
 * STEPS_N), or returns 0 with ERROR set.
 */
let STEPS_N: i32 = 0;
function tokenize(v: usize): usize {
  SRC = strBytes(v); SRC_LEN = strLen(v);
  // Decode to runes (invalid bytes become U+FFFD, as Go's []rune).
  RUNES = alloc(allocSize(<u64>SRC_LEN * 4 + 4));
  N = 0;
  let p: u32 = 0;
  while (p < SRC_LEN) {
    store<i32>(RUNES + (<usize>N << 2), decodeRune(SRC + <usize>p, SRC_LEN - p));
    p += <u32>runeSize;
    N++;
  }
  // Every step takes at least one rune; a set has at most one range per rune.
  const steps = alloc(allocSize(<u64>N * 16 + 16));
  STEPS_N = 0;
  let i: i32 = 0;
  while (true) {
    const st = nextRune(i);
    if (st == R_END) break;
    if (st == R_ERR) return 0;
    const s = steps + (<usize>STEPS_N << 4);
    i = NEXT;
    if (!ESCAPED && R == 0x2e) {
      store<i32>(s, K_DOT);
    } else if (!ESCAPED && R == 0x5d) {
      fail(i, "set-close ']' with no preceding '['");
      return 0;
    } else if (!ESCAPED && R == 0x5b) {
      if (!tokenizeSet(i, s)) return 0;
      i = NEXT;
    } else if (!ESCAPED && (R == 0x2b || R == 0x2a)) {
      fail(i, "flag '" + runeText(R) + "' must be preceded by a non-flag");
      return 0;
    } else {
      store<i32>(s, K_CHAR);
      store<i32>(s, R, 8);
    }
    // An unescaped + or * right after the token is its flag.
    let flag = F_NONE;
    const ft = nextRune(i);
    if (ft == R_ERR) return 0;
    if (ft == R_OK && !ESCAPED && (R == 0x2b || R == 0x2a)) {
      flag = R == 0x2b ? F_PLUS : F_STAR;
      i = NEXT;
    }
    store<i32>(s, flag, 4);
    STEPS_N++;
  }
  return steps;
}

// The set whose '[' ends before index `i`, into step `s`; NEXT is the index after its ']'.
function tokenizeSet(i: i32, s: usize): bool {
  const ranges = alloc(allocSize(<u64>N * 8 + 8));
  let count: i32 = 0;
  let prev: i32 = 0, prevExists = false, complete = false;
  let st = nextRune(i);
  while (st != R_END) {
    if (st == R_ERR) return false;
    let lo = R, hi = R;
    if (!ESCAPED && R == 0x2d) {
      if (!prevExists) { fail(NEXT, "range character '-' must be preceded by a Unicode character"); return false; }
      if (NEXT >= N - 1) { fail(NEXT, "range character '-' must be followed by a Unicode character"); return false; }
      nextRune(NEXT); // at least two runes remain: cannot fail
      if (!ESCAPED && (R == 0x5d || R == 0x2d)) { fail(NEXT, "range character '-' cannot be followed by a special symbol"); return false; }
      if (R < prev) {
        fail(NEXT, "range is out of order: '" + runeText(R) + "' comes before '" + runeText(prev) + "' in Unicode");
        return false;
      }
      lo = prev; hi = R;
      prevExists = false;
    } else if (!ESCAPED && R == 0x5d) {
      complete = true;
      break;
    } else {
      prev = R; prevExists = true;
    }
    store<i32>(ranges + (<usize>count << 3), lo);
    store<i32>(ranges + (<usize>count << 3), hi, 4);
    count++;
    st = nextRune(NEXT);
  }
  if (!complete) { fail(NEXT, 'found [ without matching ]'); return false; }
  store<i32>(s, K_SET);
  store<i32>(s, <i32>ranges, 8);
  store<i32>(s, count, 12);
  return true;
}

// ---- the intersection ------------------------------------------------------------------------

// Whether some rune matches both steps.
function stepsMeet(x: usize, y: usize): bool {
  const kx = stepKind(x), ky = stepKind(y);
  if (kx == K_DOT) return ky != K_SET || stepB(y) > 0;
  if (ky == K_DOT) return kx != K_SET || stepB(x) > 0;
  if (kx == K_CHAR && ky == K_CHAR) return stepA(x) == stepA(y);
  if (kx == K_CHAR) return setHas(y, stepA(x));
  if (ky == K_CHAR) return setHas(x, stepA(y));
  const xr = <usize>stepA(x), yr = <usize>stepA(y);
  for (let i: i32 = 0; i < stepB(x); i++) {
    const lo = load<i32>(xr + (<usize>i << 3)), hi = load<i32>(xr + (<usize>i << 3), 4);
    for (let j: i32 = 0; j < stepB(y); j++) {
      tick();
      if (lo <= load<i32>(yr + (<usize>j << 3), 4) && load<i32>(yr + (<usize>j << 3)) <= hi) return true;
    }
  }
  return false;
}

function setHas(set: usize, r: i32): bool {
  const ranges = <usize>stepA(set);
  for (let i: i32 = 0; i < stepB(set); i++) {
    if (load<i32>(ranges + (<usize>i << 3)) <= r && r <= load<i32>(ranges + (<usize>i << 3), 4)) return true;
  }
  return false;
}

// The steps with x+ written as x x*, so every step is single or starred.
let CHAIN_N: i32 = 0;
function chain(steps: usize, n: i32): usize {
  const out = alloc(allocSize(<u64>n * 32 + 16));
  let k: i32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const s = steps + (<usize>i << 4);
    const flag = stepFlag(s);
    memory.copy(out + (<usize>k << 4), s, 16);
    store<i32>(out + (<usize>k << 4), flag == F_STAR ? F_STAR : F_NONE, 4);
    k++;
    if (flag == F_PLUS) {
      memory.copy(out + (<usize>k << 4), s, 16);
      store<i32>(out + (<usize>k << 4), F_STAR, 4);
      k++;
    }
  }
  CHAIN_N = k;
  return out;
}

// Whether a non-empty string takes both chains from their start to their end.
function intersects(a: usize, na: i32, b: usize, nb: i32): bool {
  // A state is (i, j, consumed): i in 0..na, j in 0..nb.
  const width = <u64>(nb + 1);
  const states = <u64>(na + 1) * width * 2;
  const seen = allocZeroed(allocSize(states));
  const stack = alloc(allocSize(states * 4));
  let top: u32 = 0;
  store<u8>(seen, 1);
  store<u32>(stack, 0);
  top = 1;
  while (top > 0) {
    tick();
    const id = <u64>load<u32>(stack + (<usize>(--top) << 2));
    const consumed = id & 1;
    const i = <i32>((id >> 1) / width), j = <i32>((id >> 1) % width);
    if (i == na && j == nb && consumed == 1) return true;
    const sa = a + (<usize>i << 4), sb = b + (<usize>j << 4);
    const aStar = i < na && stepFlag(sa) == F_STAR, bStar = j < nb && stepFlag(sb) == F_STAR;
    // Skipping a starred step consumes nothing.
    if (aStar) top = visit(seen, stack, top, i + 1, j, consumed, width);
    if (bStar) top = visit(seen, stack, top, i, j + 1, consumed, width);
    // Both consume one rune; a starred step may repeat.
    if (i < na && j < nb && stepsMeet(sa, sb)) {
      top = visit(seen, stack, top, aStar ? i : i + 1, bStar ? j : j + 1, 1, width);
    }
  }
  return false;
}

function visit(seen: usize, stack: usize, top: u32, i: i32, j: i32, consumed: u64, width: u64): u32 {
  const id = ((<u64>i * width + <u64>j) << 1) | consumed;
  if (load<u8>(seen + <usize>id) != 0) return top;
  store<u8>(seen + <usize>id, 1);
  store<u32>(stack + (<usize>top << 2), <u32>id);
  return top + 1;
}

/** regex.globs_match(glob1, glob2): whether the globs share a non-empty match. */
export function b_regex_globs_match(g1: usize, g2: usize): usize {
  if (tag(g1) != T_STRING) return typeError(FN, 1, 'string', g1);
  if (tag(g2) != T_STRING) return typeError(FN, 2, 'string', g2);
  ERROR = null;
  const s1 = tokenize(g1);
  if (s1 == 0) return builtinError(FN, ERROR!);
  const n1 = STEPS_N;
  const s2 = tokenize(g2);
  if (s2 == 0) return builtinError(FN, ERROR!);
  const n2 = STEPS_N;
  const a = chain(s1, n1);
  const na = CHAIN_N;
  const b = chain(s2, n2);
  return newBool(intersects(a, na, b, CHAIN_N));
}
