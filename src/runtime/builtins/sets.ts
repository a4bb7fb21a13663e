// Set operators and builtins: and (&), or (|), minus on sets (see numbers.ts),
// union and intersection of a set of sets. Sets are sorted and duplicate free, so
// each operation is a linear merge that appends in order.
import { T_SET, tag, len, setGet, newSet } from '../value';
import { typeError } from './args';
import { setIntersection, setUnion } from './setops';

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
