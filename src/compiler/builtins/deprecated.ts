// Deprecated builtins OPA still evaluates, for older templates (runtime: builtins/deprecated.ts).
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('any', 1),
  native('all', 1),
  native('cast_array', 1),
  native('cast_set', 1),
  native('set_diff', 2),
  native('re_match', 2),
  native('net.cidr_overlap', 2),
];
