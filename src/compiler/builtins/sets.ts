// Set operators and builtins implemented natively by the runtime
// (src/runtime/builtins/sets.ts). `&` is and, `|` is or; `-` on sets is minus
// (listed with the numbers).
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('and', 2),
  native('or', 2),
  native('union', 1),
  native('intersection', 1),
];
