// bits.* builtins, implemented natively by the runtime (src/runtime/builtins/bits.ts).
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('bits.and', 2),
  native('bits.or', 2),
  native('bits.xor', 2),
  native('bits.negate', 1),
  native('bits.lsh', 2),
  native('bits.rsh', 2),
];
