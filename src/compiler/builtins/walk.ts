// walk(x): a relation. The runtime's b_walk (src/runtime/builtins/walk.ts) returns an
// array of [path, value] pairs in OPA's pre-order; the compiled code iterates it.
import { type BuiltinDef } from './types';

export const builtins: BuiltinDef[] = [
  { name: 'walk', arity: 1, native: 'b_walk', relation: true },
];
