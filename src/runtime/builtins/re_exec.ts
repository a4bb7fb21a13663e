// The regex engine's back half: a syntax tree compiled to a Thompson NFA program, run
// by a Pike VM (Russ Cox, "Regular Expression Matching: the Virtual Machine Approach").
//
// Why a Pike VM: it runs in O(len(text) × len(program)) time whatever the pattern
// (no catastrophic backtracking on input we do not control), tracks capture groups,
// and keeps threads in priority order, which gives Go's leftmost-first semantics (the
// match a backtracking engine would find first) exactly.
//
// Program: 16-byte instructions (op, x, y, unused). Every program is
//   SAVE 0; <pattern>; SAVE 1; MATCH
// so slots 0/1 hold the overall match; group k saves into slots 2k and 2k+1.
//
// The VM works on UTF-8 code points (invalid bytes decode as U+FFFD, one byte each, as
// Go). It keeps two thread lists (current position, next position), each a sparse set
// of program counters with a capture array per entry. Adding a thread follows JMP,
// SPLIT, SAVE and assertions eagerly with an explicit stack (no recursion); the
// threads that matter are those waiting on a rune or at MATCH, in priority order
// (control instructions are in the list too, only to mark them visited).
//
// Limits: programs over MAX_INST instructions are "expression too large" (Go has a
// similar cap); counted repetition is expanded, so `x{1000}` costs 1000 copies of x.
import { alloc } from '../alloc';
import { tick } from '../deadline';
import { bufNew, bufLen, bufData, bufPutBytes } from '../buffer';
import { decodeRune, runeSize } from './utf8';
import { classHas, simpleFold } from './re_ranges';
import {
  Node, child, parseRegex, parsedCaptures, parsedNames, setSyntaxError, isWordByte,
  OP_EMPTY, OP_LITERAL, OP_CLASS, OP_ANY, OP_ANY_NOT_NL, OP_BOL, OP_EOL, OP_BOT, OP_EOT,
  OP_WORD_B, OP_NO_WORD_B, OP_CAPTURE, OP_CONCAT, OP_ALTERNATE, OP_STAR, OP_PLUS,
  OP_QUEST, OP_REPEAT, FL_FOLD, FL_NON_GREEDY, E_LARGE,
} from './re_syntax';

// ---- instructions -----------------------------------------------------------------------

const I_MATCH: u32 = 0;
const I_RUNE: u32 = 1;        // x: rune
const I_RUNES: u32 = 2;       // x: u32 count then runes (a case folding orbit)
const I_CLASS: u32 = 3;       // x: class block
const I_ANY: u32 = 4;
const I_ANY_NOT_NL: u32 = 5;
const I_ASSERT: u32 = 6;      // x: an OP_BOL..OP_NO_WORD_B kind
const I_SPLIT: u32 = 7;       // try x first, then y
const I_JMP: u32 = 8;         // x
const I_SAVE: u32 = 9;        // x: slot

const MAX_INST: u32 = 100000;

/**
 * A compiled program: +0 u32 instruction count, +4 u32 instructions,
 * +8 u32 capture groups (not counting the whole match), +12 u32 group names
 * ((ptr, len) pairs from group 1; len 0 = unnamed).
 */
@inline export function progCaptures(prog: usize): i32 { return <i32>load<u32>(prog, 8); }
@inline export function progNames(prog: usize): usize { return <usize>load<u32>(prog, 12); }

// ---- compiler -----------------------------------------------------------------------------

let CODE: usize = 0;  // buffer of instructions being emitted
let TOO_LARGE: bool = false;
const INST_SCRATCH: usize = memory.data(16, 4);

@inline function pcNow(): u32 { return bufLen(CODE) >>> 4; }

function emit(op: u32, x: u32, y: u32): u32 {
  const pc = pcNow();
  if (pc >= MAX_INST) { TOO_LARGE = true; return pc; }
  store<u32>(INST_SCRATCH, op);
  store<u32>(INST_SCRATCH, x, 4);
  store<u32>(INST_SCRATCH, y, 8);
  store<u32>(INST_SCRATCH, 0, 12);
  bufPutBytes(CODE, INST_SCRATCH, 16);
  return pc;
}

// Sets operand x (slot 4) or y (slot 8) of instruction pc.
@inline function patch(pc: u32, offset: u32, target: u32): void {
  if (pc < pcNow()) store<u32>(bufData(CODE) + (<usize>pc << 4) + offset, target);
}

/** Compiles a regex (`n` bytes at `p`); 0 on a syntax error (see syntaxErrorMessage). */
export function compileRegex(p: usize, n: u32): usize {
  const root = parseRegex(p, n);
  if (changetype<usize>(root) == 0) return 0;
  const prog = compileTree(root, parsedCaptures(), parsedNames());
  if (prog == 0) setSyntaxError(E_LARGE, p, p + <usize>n);
  return prog;
}

/** Compiles a syntax tree (also built by the glob front end); 0 when too large. */
export function compileTree(root: Node, ncap: i32, names: usize): usize {
  CODE = bufNew(256);
  TOO_LARGE = false;
  emit(I_SAVE, 0, 0);
  compileNode(root);
  emit(I_SAVE, 1, 0);
  emit(I_MATCH, 0, 0);
  if (TOO_LARGE) return 0;
  const prog = alloc(16);
  store<u32>(prog, pcNow());
  store<u32>(prog, <u32>bufData(CODE), 4);
  store<u32>(prog, <u32>ncap, 8);
  store<u32>(prog, <u32>names, 12);
  return prog;
}

function compileNode(n: Node): void {
  if (TOO_LARGE) return;
  switch (n.op) {
    case OP_EMPTY: return;
    case OP_LITERAL: compileLiteral(n.a, (n.flags & FL_FOLD) != 0); return;
    case OP_CLASS: emit(I_CLASS, <u32>n.sub, 0); return;
    case OP_ANY: emit(I_ANY, 0, 0); return;
    case OP_ANY_NOT_NL: emit(I_ANY_NOT_NL, 0, 0); return;
    case OP_BOL: case OP_EOL: case OP_BOT: case OP_EOT: case OP_WORD_B: case OP_NO_WORD_B:
      emit(I_ASSERT, <u32>n.op, 0);
      return;
    case OP_CAPTURE:
      emit(I_SAVE, <u32>(2 * n.a), 0);
      compileNode(changetype<Node>(n.sub));
      emit(I_SAVE, <u32>(2 * n.a + 1), 0);
      return;
    case OP_CONCAT:
      for (let i = 0; i < n.b; i++) compileNode(child(n, i));
      return;
    case OP_ALTERNATE: compileAlternate(n); return;
    case OP_STAR: compileStar(changetype<Node>(n.sub), greedy(n)); return;
    case OP_PLUS: compilePlus(changetype<Node>(n.sub), greedy(n)); return;
    case OP_QUEST: {
      const split = emit(I_SPLIT, 0, 0);
      const body = pcNow();
      compileNode(changetype<Node>(n.sub));
      splitTo(split, body, pcNow(), greedy(n));
      return;
    }
    case OP_REPEAT: compileRepeat(n); return;
  }
}

@inline function greedy(n: Node): bool { return (n.flags & FL_NON_GREEDY) == 0; }

// SPLIT preferring `body` when greedy, `skip` otherwise.
function splitTo(split: u32, body: u32, skip: u32, isGreedy: bool): void {
  patch(split, 4, isGreedy ? body : skip);
  patch(split, 8, isGreedy ? skip : body);
}

function compileLiteral(r: i32, fold: bool): void {
  if (!fold) { emit(I_RUNE, <u32>r, 0); return; }
  // The rune's whole case folding orbit (at most 4 runes).
  let count: u32 = 1;
  for (let f = simpleFold(r); f != r; f = simpleFold(f)) count++;
  const list = alloc(4 + (<usize>count << 2));
  store<u32>(list, count);
  let i: usize = 0;
  let f = r;
  do {
    store<i32>(list + 4 + (i++ << 2), f);
    f = simpleFold(f);
  } while (f != r);
  emit(I_RUNES, <u32>list, 0);
}

// a|b|c: SPLIT L1, next; L1: a; JMP end; next: SPLIT L2, next2; ... last alternative.
function compileAlternate(n: Node): void {
  const jumps = bufNew(<u32>n.b * 4);
  for (let i = 0; i < n.b - 1; i++) {
    const split = emit(I_SPLIT, 0, 0);
    patch(split, 4, pcNow());
    compileNode(child(n, i));
    const j = emit(I_JMP, 0, 0);
    store<u32>(SCRATCH, j);
    bufPutBytes(jumps, SCRATCH, 4);
    patch(split, 8, pcNow());
  }
  compileNode(child(n, n.b - 1));
  const end = pcNow();
  const count = bufLen(jumps) >>> 2;
  for (let i: u32 = 0; i < count; i++) patch(load<u32>(bufData(jumps) + (<usize>i << 2)), 4, end);
}
const SCRATCH: usize = memory.data(4, 4);

// x*: L: SPLIT body, out; body: x; JMP L; out:
function compileStar(sub: Node, isGreedy: bool): void {
  const split = emit(I_SPLIT, 0, 0);
  const body = pcNow();
  compileNode(sub);
  emit(I_JMP, split, 0);
  splitTo(split, body, pcNow(), isGreedy);
}

// x+: body: x; SPLIT body, out; out:
function compilePlus(sub: Node, isGreedy: bool): void {
  const body = pcNow();
  compileNode(sub);
  const split = emit(I_SPLIT, 0, 0);
  splitTo(split, body, pcNow(), isGreedy);
}

// x{n,m}: n copies of x, then m-n nested optional copies (x{2,4} = xx(x(x)?)?);
// x{n,}: n-1 copies and x+ (x{0,} is x*).
function compileRepeat(n: Node): void {
  const sub = changetype<Node>(n.sub);
  const min = n.a, max = n.b;
  const isGreedy = greedy(n);
  if (max == -1) {
    if (min == 0) { compileStar(sub, isGreedy); return; }
    for (let i = 0; i < min - 1; i++) compileNode(sub);
    compilePlus(sub, isGreedy);
    return;
  }
  for (let i = 0; i < min; i++) compileNode(sub);
  if (max == min) return;
  const splits = bufNew(<u32>(max - min) * 4);
  for (let i = min; i < max; i++) {
    const split = emit(I_SPLIT, 0, 0);
    store<u32>(SCRATCH, split);
    bufPutBytes(splits, SCRATCH, 4);
    const body = pcNow();
    compileNode(sub);
    if (TOO_LARGE) return;
    patch(split, isGreedy ? 4 : 8, body);
  }
  const out = pcNow();
  const count = bufLen(splits) >>> 2;
  for (let i: u32 = 0; i < count; i++) {
    patch(load<u32>(bufData(splits) + (<usize>i << 2)), isGreedy ? 8 : 4, out);
  }
}

// ---- the VM -------------------------------------------------------------------------------------

// State of the prepared program (see vmPrepare); one search runs at a time.
let INSTS: usize = 0;
let NINST: u32 = 0;
let NSLOTS: u32 = 0;      // capture slots tracked (0 for a yes/no match)
let TEXT: usize = 0;
let TEXT_LEN: u32 = 0;

// Two thread lists: +0 u32 count, +4 sparse u32[NINST], then dense u32[NINST] (pcs),
// then caps i32[NINST * NSLOTS].
let LIST_A: usize = 0;
let LIST_B: usize = 0;
let TEMP_CAPS: usize = 0; // captures of the thread being added
let STACK: usize = 0;     // explicit stack of (a, b) i32 pairs for addThread
let MATCH_CAPS: usize = 0;

/** The slots of the last successful vmSearch: match k spans [capStart(k), capEnd(k)), -1 if unset. */
@inline export function capStart(k: i32): i32 { return load<i32>(MATCH_CAPS + (<usize>k << 3)); }
@inline export function capEnd(k: i32): i32 { return load<i32>(MATCH_CAPS + (<usize>k << 3), 4); }

/**
 * Prepares the VM for `prog`, tracking `groups` capture groups (0: only whether it
 * matches; 1: the overall match; progCaptures(prog) + 1: every group).
 */
export function vmPrepare(prog: usize, groups: i32): void {
  NINST = load<u32>(prog);
  INSTS = <usize>load<u32>(prog, 4);
  NSLOTS = <u32>groups * 2;
  const listSize: usize = (<usize>NINST << 3) + <usize>NINST * <usize>NSLOTS * 4 + 4;
  LIST_A = alloc(listSize);
  LIST_B = alloc(listSize);
  TEMP_CAPS = alloc(<usize>NSLOTS * 4 + 4);
  MATCH_CAPS = alloc(<usize>NSLOTS * 4 + 4);
  // Each pc is explored at most once per addThread; SPLIT and SAVE push two frames.
  STACK = alloc((<usize>NINST * 3 + 4) << 3);
}

@inline function listCount(l: usize): u32 { return load<u32>(l); }
@inline function listPc(l: usize, i: u32): u32 { return load<u32>(l + 4 + (<usize>NINST << 2) + (<usize>i << 2)); }
@inline function listCaps(l: usize, i: u32): usize {
  return l + 4 + (<usize>NINST << 3) + <usize>i * <usize>NSLOTS * 4;
}

@inline function listContains(l: usize, pc: u32): bool {
  const i = load<u32>(l + 4 + (<usize>pc << 2));
  return i < listCount(l) && listPc(l, i) == pc;
}

// Adds pc to the list; returns its index.
@inline function listAdd(l: usize, pc: u32): u32 {
  const i = listCount(l);
  store<u32>(l + 4 + (<usize>pc << 2), i);
  store<u32>(l + 4 + (<usize>NINST << 2) + (<usize>i << 2), pc);
  store<u32>(l, i + 1);
  return i;
}

@inline function op(pc: u32): u32 { return load<u32>(INSTS + (<usize>pc << 4)); }
@inline function argX(pc: u32): u32 { return load<u32>(INSTS + (<usize>pc << 4), 4); }
@inline function argY(pc: u32): u32 { return load<u32>(INSTS + (<usize>pc << 4), 8); }

@inline function byteBefore(pos: u32): i32 { return pos > 0 ? <i32>load<u8>(TEXT + <usize>pos - 1) : -1; }
@inline function byteAtPos(pos: u32): i32 { return pos < TEXT_LEN ? <i32>load<u8>(TEXT + <usize>pos) : -1; }

// Empty-width assertions need only the bytes around pos: \b is ASCII-only, as in Go.
function assertionHolds(kind: i32, pos: u32): bool {
  switch (kind) {
    case OP_BOT: return pos == 0;
    case OP_EOT: return pos == TEXT_LEN;
    case OP_BOL: return pos == 0 || byteBefore(pos) == 0x0a;
    case OP_EOL: return pos == TEXT_LEN || byteAtPos(pos) == 0x0a;
    case OP_WORD_B: return isWordByte(byteBefore(pos)) != isWordByte(byteAtPos(pos));
    case OP_NO_WORD_B: return isWordByte(byteBefore(pos)) == isWordByte(byteAtPos(pos));
  }
  return false;
}

// Adds the thread at pc0 (captures in TEMP_CAPS) and everything reachable from it
// without consuming input, in priority order. A frame (a >= 0, _) explores pc a;
// (a < 0, old) restores slot -1-a to `old` after a SAVE's subtree is done.
function addThread(l: usize, pc0: u32, pos: u32): void {
  let sp: usize = 0;
  store<i32>(STACK, <i32>pc0);
  sp = 1;
  while (sp > 0) {
    sp--;
    const a = load<i32>(STACK + (sp << 3));
    if (a < 0) {
      store<i32>(TEMP_CAPS + (<usize>(-1 - a) << 2), load<i32>(STACK + (sp << 3), 4));
      continue;
    }
    const pc = <u32>a;
    if (listContains(l, pc)) continue;
    const i = listAdd(l, pc);
    switch (op(pc)) {
      case I_JMP:
        store<i32>(STACK + (sp << 3), <i32>argX(pc));
        sp++;
        break;
      case I_SPLIT:
        store<i32>(STACK + (sp << 3), <i32>argY(pc));
        store<i32>(STACK + ((sp + 1) << 3), <i32>argX(pc));
        sp += 2;
        break;
      case I_SAVE: {
        const slot = argX(pc);
        if (slot < NSLOTS) {
          const at = TEMP_CAPS + (<usize>slot << 2);
          store<i32>(STACK + (sp << 3), -1 - <i32>slot);
          store<i32>(STACK + (sp << 3), load<i32>(at), 4);
          sp++;
          store<i32>(at, <i32>pos);
        }
        store<i32>(STACK + (sp << 3), <i32>(pc + 1));
        sp++;
        break;
      }
      case I_ASSERT:
        if (assertionHolds(<i32>argX(pc), pos)) {
          store<i32>(STACK + (sp << 3), <i32>(pc + 1));
          sp++;
        }
        break;
      default: // waits on a rune, or MATCH: keep its captures
        if (NSLOTS > 0) memory.copy(listCaps(l, i), TEMP_CAPS, <usize>NSLOTS << 2);
    }
  }
}

// Whether instruction pc (a rune test) accepts rune r.
function runeMatches(pc: u32, r: i32): bool {
  switch (op(pc)) {
    case I_RUNE: return <i32>argX(pc) == r;
    case I_RUNES: {
      const list = <usize>argX(pc);
      const n = load<u32>(list);
      for (let i: u32 = 0; i < n; i++) if (load<i32>(list + 4 + (<usize>i << 2)) == r) return true;
      return false;
    }
    case I_CLASS: return classHas(<usize>argX(pc), r);
    case I_ANY: return true;
    case I_ANY_NOT_NL: return r != 0x0a;
  }
  return false;
}

/**
 * Searches `text` (`n` bytes) for the leftmost-first match starting at or after byte
 * `from` (assertions see the whole text). True on a match; its slots are then
 * available through capStart/capEnd.
 */
export function vmSearch(text: usize, n: u32, from: u32): bool {
  TEXT = text;
  TEXT_LEN = n;
  let clist = LIST_A, nlist = LIST_B;
  store<u32>(clist, 0);
  store<u32>(nlist, 0);
  let matched = false;
  let pos = from;
  while (true) {
    // O(text × program): a position is a tick of the evaluation deadline.
    tick();
    if (!matched) {
      // A new thread starting here has the lowest priority: leftmost matches win.
      if (NSLOTS > 0) memory.fill(TEMP_CAPS, 0xff, <usize>NSLOTS << 2);
      addThread(clist, 0, pos);
    }
    if (listCount(clist) == 0 && matched) break;
    let r: i32 = -1;
    let w: u32 = 0;
    if (pos < n) {
      r = <i32>load<u8>(text + <usize>pos);
      w = 1;
      if (r >= 0x80) {
        r = decodeRune(text + <usize>pos, n - pos);
        w = <u32>runeSize;
      }
    }
    const count = listCount(clist);
    for (let i: u32 = 0; i < count; i++) {
      const pc = listPc(clist, i);
      const o = op(pc);
      if (o == I_MATCH) {
        matched = true;
        if (NSLOTS == 0) return true;
        memory.copy(MATCH_CAPS, listCaps(clist, i), <usize>NSLOTS << 2);
        break; // lower-priority threads lose to this match
      }
      if (o > I_ANY_NOT_NL || r < 0) continue; // control instructions, or end of text
      if (runeMatches(pc, r)) {
        if (NSLOTS > 0) memory.copy(TEMP_CAPS, listCaps(clist, i), <usize>NSLOTS << 2);
        addThread(nlist, pc + 1, pos + w);
      }
    }
    const t = clist; clist = nlist; nlist = t;
    store<u32>(nlist, 0);
    if (pos >= n) break;
    pos += w;
  }
  return matched;
}

/** Whether the compiled program matches anywhere in the text. */
export function progMatches(prog: usize, text: usize, n: u32): bool {
  vmPrepare(prog, 0);
  return vmSearch(text, n, 0);
}
