// object.* builtins, implemented natively by the runtime (src/runtime/builtins/objects.ts).
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('object.get', 3),
  native('object.keys', 1),
  native('object.union', 2),
  native('object.union_n', 1),
  native('object.remove', 2),
  native('object.filter', 2),
  native('object.subset', 2),
];
