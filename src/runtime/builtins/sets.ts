// Set operators and builtins: and (&), or (|), minus on sets (see numbers.ts),
// union and intersection of a set of sets. Sets are sorted and duplicate free, so
// each operation is a linear merge that appends in order.
import { T_SET, tag, len, setGet, newSet } from '../value';
import { compare } from '../compare';
import { setAdd } from '../collections';
import { typeError } from './args';

/** Elements of a that are (keepCommon) or are not (!keepCommon) in b. */
function mergeFilter(a: usize, b: usize, keepCommon: bool): usize {
  const na = len(a), nb = len(b);
  const out = newSet(keepCommon ? min(na, nb) : na);
  let j: u32 = 0;
  for (let i: u32 = 0; i < na; i++) {
    const x = setGet(a, i);
    while (j < nb && compare(setGet(b, j), x) < 0) j++;
    const common = j < nb && compare(setGet(b, j), x) == 0;
    if (common == keepCommon) setAdd(out, x);
  }
  return out;
}

export function setIntersection(a: usize, b: usize): usize { return mergeFilter(a, b, true); }
export function setDifference(a: usize, b: usize): usize { return mergeFilter(a, b, false); }

export function setUnion(a: usize, b: usize): usize {
  const na = len(a), nb = len(b);
  if (nb == 0) return a;
  if (na == 0) return b;
  const out = newSet(na + nb);
  let i: u32 = 0, j: u32 = 0;
  while (i < na || j < nb) {
    if (j >= nb) { setAdd(out, setGet(a, i++)); continue; }
    if (i >= na) { setAdd(out, setGet(b, j++)); continue; }
    const c = compare(setGet(a, i), setGet(b, j));
    if (c <= 0) { setAdd(out, setGet(a, i++)); if (c == 0) j++; }
    else setAdd(out, setGet(b, j++));
  }
  return out;
}

/** Both operands must be sets (OPA's SetOperand). */
function setOperands(fn: string, a: usize, b: usize): bool {
  if (tag(a) != T_SET) { typeError(fn, 1, 'set', a); return false; }
  if (tag(b) != T_SET) { typeError(fn, 2, 'set', b); return false; }
  return true;
}

/** `a & b` */
export function b_and(a: usize, b: usize): usize {
  if (!setOperands('and', a, b)) return 0;
  return setIntersection(a, b);
}

/** `a | b` */
export function b_or(a: usize, b: usize): usize {
  if (!setOperands('or', a, b)) return 0;
  return setUnion(a, b);
}

/** union({s1, s2, …}): every element of every member set. */
export function b_union(s: usize): usize {
  if (tag(s) != T_SET) return typeError('union', 1, 'set', s);
  let acc = newSet(0);
  const n = len(s);
  for (let i: u32 = 0; i < n; i++) {
    const x = setGet(s, i);
    if (tag(x) != T_SET) return typeError('union', 1, 'set', x);
    acc = setUnion(acc, x);
  }
  return acc;
}

/** intersection({s1, s2, …}): the elements common to all member sets; empty for set(). */
export function b_intersection(s: usize): usize {
  if (tag(s) != T_SET) return typeError('intersection', 1, 'set', s);
  const n = len(s);
  if (n == 0) return newSet(0);
  let acc: usize = 0;
  for (let i: u32 = 0; i < n; i++) {
    const x = setGet(s, i);
    if (tag(x) != T_SET) return typeError('intersection', 1, 'set', x);
    acc = acc == 0 ? x : setIntersection(acc, x);
  }
  return acc;
}
