// graph.reachable and graph.reachable_paths over a graph given as an object of
// node → neighbours (an array or a set; an object's keys count as neighbours; any
// other value, null included, as none), as OPA's topdown/reachable.go.
//
// Only the graph's keys are nodes: a start node or neighbour that is not a key is
// never reached (reachable) and ends a path where it is met (reachable_paths). A
// node is therefore known by the index of its key in the (sorted) graph object,
// which lets one byte per key mark it visited, and the reached set be built in key
// order, appending.
import {
  T_ARRAY, T_OBJECT, T_SET, tag, len, arrayGet, setGet, objectKeyAt, objectValueAt,
  newArray, arrayPush, newSet,
} from '../value';
import { objectFind, setAdd, setFromArray } from '../collections';
import { alloc, allocSize } from '../alloc';
import { tick } from '../deadline';
import { bufNew, bufPutBytes, bufLen, bufData, bufTruncate } from '../buffer';
import { typeError } from './args';

const SLOT: usize = memory.data(8, 8);

/** Operand checks shared by both builtins: false (error recorded) when malformed. */
function graphOperands(fn: string, graph: usize, initial: usize): bool {
  if (tag(graph) != T_OBJECT) { typeError(fn, 1, 'object', graph); return false; }
  const t = tag(initial);
  if (t != T_SET && t != T_ARRAY) { typeError(fn, 2, 'one of {set, array}', initial); return false; }
  return true;
}

/** Number of neighbours listed by a node's edges value. */
function neighbourCount(edges: usize): u32 {
  const t = tag(edges);
  return t == T_ARRAY || t == T_SET || t == T_OBJECT ? len(edges) : 0;
}

/** The k-th neighbour (an object's k-th key). */
function neighbourAt(edges: usize, k: u32): usize {
  const t = tag(edges);
  if (t == T_OBJECT) return objectKeyAt(edges, k);
  return t == T_SET ? setGet(edges, k) : arrayGet(edges, k);
}

/** Zeroed marks, one byte per key of the graph. */
function newMarks(graph: usize): usize {
  const n = len(graph);
  const m = alloc(allocSize(<u64>n + 1));
  memory.fill(m, 0, <usize>n);
  return m;
}

function pushU32(buf: usize, x: u32): void {
  store<u32>(SLOT, x);
  bufPutBytes(buf, SLOT, 4);
}

/** graph.reachable(graph, initial): the set of nodes reachable from the initial ones, breadth first. */
export function b_graph_reachable(graph: usize, initial: usize): usize {
  if (!graphOperands('graph.reachable', graph, initial)) return 0;
  const seen = newMarks(graph);
  // the queue holds key indexes of nodes to visit; `head` is the next to take
  const queue = bufNew(64);
  const n0 = len(initial);
  for (let i: u32 = 0; i < n0; i++) {
    const x = tag(initial) == T_SET ? setGet(initial, i) : arrayGet(initial, i);
    const k = objectFind(graph, x);
    if (k >= 0) pushU32(queue, <u32>k);
  }
  let head: u32 = 0;
  while (head < bufLen(queue)) {
    const k = load<u32>(bufData(queue) + <usize>head);
    head += 4;
    tick();
    if (load<u8>(seen + <usize>k) != 0) continue;
    store<u8>(seen + <usize>k, 1);
    const edges = objectValueAt(graph, k);
    const m = neighbourCount(edges);
    for (let j: u32 = 0; j < m; j++) {
      tick();
      const nk = objectFind(graph, neighbourAt(edges, j));
      if (nk >= 0 && load<u8>(seen + <usize>nk) == 0) pushU32(queue, <u32>nk);
    }
  }
  // keys in order, so the set is built by appending
  const n = len(graph);
  const out = newSet(0);
  for (let k: u32 = 0; k < n; k++) {
    if (load<u8>(seen + <usize>k) != 0) setAdd(out, objectKeyAt(graph, k));
  }
  return out;
}

/**
 * graph.reachable_paths(graph, initial): the set of paths (arrays of nodes) from each
 * initial node, depth first along simple paths. A path ends, and is kept, where its
 * last node has no neighbours, where a neighbour is not a node of the graph, or where
 * a neighbour is already on the path (a cycle; the repeated node is not added).
 *
 * Iterative, with an explicit stack of (key index, next neighbour) frames: a long
 * chain must not exhaust WebAssembly's call stack. The number of simple paths can be
 * exponential in the graph's size; every step ticks the deadline.
 */
export function b_graph_reachable_paths(graph: usize, initial: usize): usize {
  if (!graphOperands('graph.reachable_paths', graph, initial)) return 0;
  const onPath = newMarks(graph);
  const stack = bufNew(64); // u32 pairs: key index, index of the next neighbour to follow
  const found = newArray(8); // paths in the order met; made a set at the end
  const n0 = len(initial);
  for (let i: u32 = 0; i < n0; i++) {
    const x = tag(initial) == T_SET ? setGet(initial, i) : arrayGet(initial, i);
    const root = objectFind(graph, x);
    if (root < 0) continue;
    enter(stack, onPath, <u32>root);
    while (bufLen(stack) > 0) {
      tick();
      const top = bufData(stack) + <usize>bufLen(stack) - 8;
      const k = load<u32>(top);
      const next = load<u32>(top, 4);
      const edges = objectValueAt(graph, k);
      const m = neighbourCount(edges);
      if (m == 0 || next >= m) {
        if (m == 0) arrayPush(found, pathOf(graph, stack));
        store<u8>(onPath + <usize>k, 0);
        bufTruncate(stack, bufLen(stack) - 8);
        continue;
      }
      store<u32>(top, next + 1, 4);
      const nk = objectFind(graph, neighbourAt(edges, next));
      if (nk < 0 || load<u8>(onPath + <usize>nk) != 0) arrayPush(found, pathOf(graph, stack));
      else enter(stack, onPath, <u32>nk);
    }
  }
  return setFromArray(found);
}

function enter(stack: usize, onPath: usize, k: u32): void {
  store<u8>(onPath + <usize>k, 1);
  store<u32>(SLOT, k);
  store<u32>(SLOT, 0, 4);
  bufPutBytes(stack, SLOT, 8);
}

/** The current path: the keys of the stack's frames, bottom first. */
function pathOf(graph: usize, stack: usize): usize {
  const depth = bufLen(stack) >>> 3;
  const path = newArray(depth);
  const base = bufData(stack);
  for (let i: u32 = 0; i < depth; i++) arrayPush(path, objectKeyAt(graph, load<u32>(base + (<usize>i << 3))));
  return path;
}
