// Aggregates implemented natively by the runtime (src/runtime/builtins/aggregates.ts).
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('count', 1),
  native('sum', 1),
  native('product', 1),
  native('max', 1),
  native('min', 1),
  native('sort', 1),
];
