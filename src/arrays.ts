// Small array helpers for data whose size the input decides.

/**
 * Appends `items` to `to`. `to.push(...items)` passes every item as an argument and
 * overflows the stack past ~100k of them (a Pod with 32k containers has 128k findings;
 * a 64 MiB file can hold a million documents).
 */
export function append<T>(to: T[], items: readonly T[]): void {
  for (const x of items) to.push(x);
}
