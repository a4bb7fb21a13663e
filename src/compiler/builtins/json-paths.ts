// json.remove, json.filter and json.patch: documents edited at paths, implemented natively
// by the runtime (src/runtime/builtins/json_paths.ts).
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('json.remove', 2),
  native('json.filter', 2),
  native('json.patch', 2),
];
