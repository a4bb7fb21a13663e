// Small array helpers for data whose size the input decides.

/**
 * Appends `items` to `to`. `to.push(...items)` passes every item as an argument and
 * overflows the stack past ~100k of them (a Pod with 32k containers has 128k findings;
 * a 64 MiB file can hold a million documents).
 */
export function append<T>(to: T[], items: readonly T[]): void {
  for (const x of items) to.push(x);
}

/** Strings in code-unit order (what `sort()` does), for comparators: locale-independent, so reports sort the same everywhere. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The items whose `key` was not seen before, in order. */
export function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    return !seen.has(k) && Boolean(seen.add(k));
  });
}
