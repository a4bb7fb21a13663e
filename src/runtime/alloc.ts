// The heap: a bump allocator whose top the host moves (opa_heap_ptr_set) to drop
// everything allocated after a point. Memory grows on demand.
//
// Sizes are added up in 64 bits: a request that would end past 4 GiB (or that
// the host's memory maximum refuses) aborts the evaluation as out of memory, never
// wraps around to hand out live memory again. Every allocation is also a tick of
// the evaluation deadline (deadline.ts): loops that build values cannot run unchecked.
import { rt_abort } from './abi';
import { tick } from './deadline';

// Set by the module's start function to the first byte after all static data.
let heapTop: usize = 0;

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
  heapTop = (base + 7) & ~(<usize>7);
}

export function heapGet(): usize {
  return heapTop;
}

/** Moves the heap top (rounded up to 8: the host may pass any address, e.g. the end of its input text). */
export function heapSet(addr: usize): void {
  heapTop = <usize>((<u64>addr + 7) & ~(<u64>7));
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
export function alloc(size: usize): usize {
  tick();
  const p = heapTop;
  const top = (<u64>p + <u64>size + 7) & ~(<u64>7);
  // `>=`: a heap filling memory exactly up to 4 GiB would wrap its top to 0.
  if (top >= <u64>memory.size() << 16) grow(top);
  heapTop = <usize>top;
  return p;
}

function grow(top: u64): void {
  if (top > MAX_ALLOC) outOfMemory();
  const end = <u64>memory.size() << 16;
  if (top <= end) return;
  const need = <i32>((top - end + 0xffff) >> 16);
  // Grow by a quarter of the memory at least: every memory.grow is a call out to the
  // engine (and a fresh ArrayBuffer for the host), too slow to make once per page.
  // Near the host's maximum, settle for what is needed.
  const ahead = max<i32>(need, max<i32>(16, memory.size() >> 2));
  if (memory.grow(ahead) < 0 && memory.grow(need) < 0) outOfMemory();
}

/** Allocates `size` zeroed bytes. */
export function allocZeroed(size: usize): usize {
  const p = alloc(size);
  memory.fill(p, 0, size);
  return p;
}
