// Merges of sorted sets, shared by the set builtins (sets.ts) and minus (numbers.ts).
// Sets are sorted and duplicate free, so each operation is one linear pass that
// appends in order.
import { len, setGet, newSet } from '../value';
import { compare } from '../compare';
import { setAdd } from '../collections';

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
