// array.* builtins, implemented natively by the runtime (src/runtime/builtins/arrays.ts).
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('array.concat', 2),
  native('array.slice', 3),
  native('array.reverse', 1),
  native('array.flatten', 1),
];
