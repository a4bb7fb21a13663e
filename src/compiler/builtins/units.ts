// units.* builtins, implemented natively by the runtime (src/runtime/builtins/units.ts).
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('units.parse', 1),
  native('units.parse_bytes', 1),
];
