// A custom AssemblyScript runtime (`asc --runtime ./src/runtime/rt-heap.ts`):
// AssemblyScript's own managed allocations (string concatenation, UTF-8
// encoding in error messages) come from the same resettable heap as Rego
// values, so a host heap reset drops them too. Nothing is ever freed or traced.
import { AL_MASK, OBJECT, OBJECT_OVERHEAD, BLOCK_OVERHEAD, BLOCK } from "rt/common";
import { alloc } from "./alloc";

// @ts-ignore: decorator
@unsafe @global
export function __alloc(size: usize): usize {
  const payload = (size + AL_MASK) & ~AL_MASK;
  const raw = alloc(payload + BLOCK_OVERHEAD + AL_MASK);
  const ptr = (raw + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK;
  changetype<BLOCK>(ptr - BLOCK_OVERHEAD).mmInfo = payload;
  return ptr;
}

// @ts-ignore: decorator
@unsafe @global
export function __realloc(ptr: usize, size: usize): usize {
  const old = changetype<BLOCK>(ptr - BLOCK_OVERHEAD).mmInfo;
  if (size <= old) return ptr;
  const fresh = __alloc(size);
  memory.copy(fresh, ptr, old);
  return fresh;
}

// @ts-ignore: decorator
@unsafe @global
export function __free(ptr: usize): void {}

// @ts-ignore: decorator
@unsafe @global
export function __reset(): void {}

// @ts-ignore: decorator
@unsafe @global
export function __new(size: usize, id: u32): usize {
  const ptr = __alloc(OBJECT_OVERHEAD + size);
  const object = changetype<OBJECT>(ptr - BLOCK_OVERHEAD);
  object.gcInfo = 0;
  object.gcInfo2 = 0;
  object.rtId = id;
  object.rtSize = <u32>size;
  return ptr + OBJECT_OVERHEAD;
}

// @ts-ignore: decorator
@unsafe @global
export function __renew(oldPtr: usize, size: usize): usize {
  const newPtr = __realloc(oldPtr - OBJECT_OVERHEAD, OBJECT_OVERHEAD + size);
  changetype<OBJECT>(newPtr - BLOCK_OVERHEAD).rtSize = <u32>size;
  return newPtr + OBJECT_OVERHEAD;
}

// @ts-ignore: decorator
@global @unsafe
export function __link(parentPtr: usize, childPtr: usize, expectMultiple: bool): void {}

// @ts-ignore: decorator
@global @unsafe
export function __pin(ptr: usize): usize { return ptr; }

// @ts-ignore: decorator
@global @unsafe
export function __unpin(ptr: usize): void {}

// @ts-ignore: decorator
@global @unsafe
function __visit(ptr: usize, cookie: u32): void {}

// @ts-ignore: decorator
@global @unsafe
export function __collect(): void {}
