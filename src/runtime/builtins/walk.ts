// walk(x): the relation of every [path, value] in x, as OPA's topdown/walk.go.
//
// A relation: the native returns an ARRAY of its outputs, which the compiled code
// iterates. The order is OPA's: pre-order (a node before its children, the root first
// with the empty path []), children in iteration order: array indexes ascending,
// object keys and set elements in Rego's sort order. A set element's path key is the
// element itself.
import {
  T_ARRAY, T_OBJECT, T_SET, tag, len, arrayGet, setGet, objectKeyAt, objectValueAt,
  newArray, arrayPush, newInt,
} from '../value';
import { bufNew, bufPutBytes, bufLen, bufData, bufTruncate } from '../buffer';

let OUT: usize = 0;   // the result array
let PATH: usize = 0;  // buffer of the current path's keys (u32 value addresses)
const SLOT: usize = memory.data(4, 4);

export function b_walk(x: usize): usize {
  OUT = newArray(16);
  PATH = bufNew(64);
  visit(x);
  return OUT;
}

function visit(node: usize): void {
  // [path, node]
  const depth = bufLen(PATH) >>> 2;
  const path = newArray(depth);
  for (let i: u32 = 0; i < depth; i++) arrayPush(path, <usize>load<u32>(bufData(PATH) + (<usize>i << 2)));
  const pair = newArray(2);
  arrayPush(pair, path);
  arrayPush(pair, node);
  arrayPush(OUT, pair);

  const t = tag(node);
  if (t != T_ARRAY && t != T_OBJECT && t != T_SET) return;
  const n = len(node);
  for (let i: u32 = 0; i < n; i++) {
    let key: usize, child: usize;
    if (t == T_ARRAY) { key = newInt(<i64>i); child = arrayGet(node, i); }
    else if (t == T_OBJECT) { key = objectKeyAt(node, i); child = objectValueAt(node, i); }
    else { key = setGet(node, i); child = key; }
    store<u32>(SLOT, <u32>key);
    bufPutBytes(PATH, SLOT, 4);
    visit(child);
    bufTruncate(PATH, depth << 2);
  }
}
