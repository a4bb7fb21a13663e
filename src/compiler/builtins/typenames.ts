// Type builtins implemented natively by the runtime (src/runtime/builtins/types.ts).
// (This file is not types.ts: that one defines BuiltinDef.) The comparison operators
// equal, neq, lt, lte, gt, gte also have runtime exports there, but the planner emits
// them inline, so they are listed in index.ts's INLINE_BUILTINS, not here.
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('is_null', 1),
  native('is_boolean', 1),
  native('is_number', 1),
  native('is_string', 1),
  native('is_array', 1),
  native('is_object', 1),
  native('is_set', 1),
  native('type_name', 1),
];
