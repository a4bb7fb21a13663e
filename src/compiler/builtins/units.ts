// units.* builtins, implemented natively by the runtime (src/runtime/builtins/units.ts).
import type { BuiltinDef } from './types';

const native = (name: string, arity: number): BuiltinDef => ({
  name, arity, native: 'b_' + name.replace(/\./g, '_'),
});

export const builtins: BuiltinDef[] = [
  native('units.parse', 1),
  native('units.parse_bytes', 1),
];
