// Arithmetic operators and number builtins implemented natively by the runtime
// (src/runtime/builtins/numbers.ts). Operators go by OPA's names: `+` is plus.
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('plus', 2),
  native('minus', 2), // numbers, or set difference
  native('mul', 2),
  native('div', 2),
  native('rem', 2),
  native('abs', 1),
  native('round', 1),
  native('ceil', 1),
  native('floor', 1),
  native('numbers.range', 2),
  native('numbers.range_step', 3),
  native('to_number', 1),
];
