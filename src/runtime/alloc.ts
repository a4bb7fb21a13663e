// The heap: a bump allocator whose top the host moves (opa_heap_ptr_set) to drop
// everything allocated after a point. Memory grows on demand.

// Set by the module's start function to the first byte after all static data.
let heapTop: usize = 0;

export function heapInit(base: usize): void {
  heapTop = (base + 7) & ~(<usize>7);
}

export function heapGet(): usize {
  return heapTop;
}

/** Moves the heap top (rounded up to 8: the host may pass any address, e.g. the end of its input text). */
export function heapSet(addr: usize): void {
  heapTop = (addr + 7) & ~(<usize>7);
}

/** Allocates `size` bytes, 8-byte aligned, uninitialised. */
export function alloc(size: usize): usize {
  const p = heapTop;
  const top = (p + size + 7) & ~(<usize>7);
  const pages = <usize>memory.size();
  if (top > pages << 16) {
    // Grow by at least the current size: each memory.grow costs the host work
    // proportional to the memory (V8 reports it to its garbage collector, which
    // may run a full collection), so growing a page at a time is quadratic.
    const need = ((top - (pages << 16)) + 0xffff) >>> 16;
    if (memory.grow(<i32>(need > pages ? need : pages)) < 0 && memory.grow(<i32>need) < 0) unreachable();
  }
  heapTop = top;
  return p;
}

/** Allocates `size` zeroed bytes. */
export function allocZeroed(size: usize): usize {
  const p = alloc(size);
  memory.fill(p, 0, size);
  return p;
}
