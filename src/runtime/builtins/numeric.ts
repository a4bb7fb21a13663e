// Number helpers shared by the arithmetic builtins (numbers.ts, aggregates.ts).
import { newInt, newFloat } from '../value';

export const TWO63: f64 = 9223372036854775808.0;

/** A number value for `f`: an int when integral and within i64, else a float. */
export function numberFromF64(f: f64): usize {
  if (f == Math.trunc(f) && f >= -TWO63 && f < TWO63) return newInt(<i64>f);
  return newFloat(f);
}

/** Whether r = x + y wrapped around. */
@inline export function addOverflows(x: i64, y: i64, r: i64): bool {
  return ((x ^ r) & (y ^ r)) < 0;
}

/** Whether r = x × y wrapped around. */
export function mulOverflows(x: i64, y: i64, r: i64): bool {
  if (x == 0) return false;
  if (x == -1) return y == i64.MIN_VALUE;
  return r / x != y;
}
