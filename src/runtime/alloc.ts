// The heap: a bump allocator whose top the host moves (opa_heap_ptr_set) to drop
// everything allocated after a point. Memory grows on demand.
//
// Sizes are added up in 64 bits: a request that would end past 4 GiB (or that
// the host's memory maximum refuses) aborts the evaluation as out of memory, never
// wraps around to hand out live memory again. Allocations also tick the evaluation
// deadline (deadline.ts), by the bytes allocated, on the slow path only.
import { rt_abort } from './abi';
import { tickBy } from './deadline';

// Set by the module's start function to the first byte after all static data.
let heapTop: usize = 0;
// Allocations ending below this address take the fast path (a bump). It is never
// past the end of memory, and at most SLOW_EVERY bytes above the heap top as of the
// last slow path, where the deadline is ticked (by the bytes allocated since, in
// 16-byte units: loops that build values cannot run unchecked) and memory grown.
let slowAt: u64 = 0;
const SLOW_EVERY: u64 = 64 * 1024;
// The heap top when the deadline was last ticked.
let ticked: u64 = 0;

/** The largest size any one allocation may ask for: more cannot fit a 32-bit memory. */
export const MAX_ALLOC: u64 = 0xffff_0000;

// "offgate: out of memory", NUL-terminated UTF-8, in static data: when the heap is
// full there is no room left to build the message. The host recognises this text
// (src/policy/limits.ts) and reports the memory limit; the stock SDK throws it as is.
const OUT_OF_MEMORY = memory.data<u8>([
  0x6f, 0x66, 0x66, 0x67, 0x61, 0x74, 0x65, 0x3a, 0x20, 0x6f, 0x75, 0x74, 0x20, 0x6f, 0x66,
  0x20, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x00,
]);

export function heapInit(base: usize): void {
  heapSet(base);
}

export function heapGet(): usize {
  return heapTop;
}

/** Moves the heap top (rounded up to 8: the host may pass any address, e.g. the end of its input text). */
export function heapSet(addr: usize): void {
  const top = (<u64>addr + 7) & ~(<u64>7);
  heapTop = <usize>top;
  ticked = top;
  slowAt = min<u64>(top + SLOW_EVERY, <u64>memory.size() << 16);
}

/** Aborts the evaluation: the heap cannot grow (4 GiB, or the host's memory maximum). */
export function outOfMemory(): void {
  rt_abort(OUT_OF_MEMORY);
}

/** `n` as an allocation size; aborts as out of memory when it cannot be one (callers compute sizes in u64). */
export function allocSize(n: u64): usize {
  if (n > MAX_ALLOC) outOfMemory();
  return <usize>n;
}

/** Allocates `size` bytes, 8-byte aligned, uninitialised. */
// @ts-ignore: decorator
@inline export function alloc(size: usize): usize {
  const p = heapTop;
  // 64-bit: p + size cannot wrap past 4 GiB.
  const top = (<u64>p + <u64>size + 7) & ~(<u64>7);
  if (top >= slowAt) return allocSlow(p, top);
  heapTop = <usize>top;
  return p;
}

function allocSlow(p: usize, top: u64): usize {
  if (top > MAX_ALLOC) outOfMemory();
  if (top > ticked) tickBy(<i32>min<u64>((top - ticked) >> 4, 1 << 30));
  ticked = top;
  const end = <u64>memory.size() << 16;
  // `>=`: a heap filling memory exactly would leave no byte for the next fast path.
  if (top >= end) {
    const need = <i32>((top - end + 0x10000) >> 16);
    // Grow by the current size at least (doubling): every memory.grow is a call out to the
    // engine, which reports the new size to its garbage collector and may run a full
    // collection, and hands the host a fresh ArrayBuffer; page by page that is quadratic
    // (count(numbers.range(1, 1e7)): 8.4 s growing page by page; a 16k-container Pod spent
    // 5.6 s in GC). Near the host's maximum, settle for what is needed.
    const ahead = max<i32>(need, max<i32>(16, memory.size()));
    if (memory.grow(ahead) < 0 && memory.grow(need) < 0) outOfMemory();
  }
  heapTop = <usize>top;
  slowAt = min<u64>(top + SLOW_EVERY, <u64>memory.size() << 16);
  return p;
}

/** Allocates `size` zeroed bytes. */
export function allocZeroed(size: usize): usize {
  const p = alloc(size);
  memory.fill(p, 0, size);
  return p;
}
