// glob.* builtins, implemented natively by the runtime (src/runtime/builtins/glob.ts,
// gobwas/glob semantics on the regex engine).
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('glob.match', 3),
  native('glob.quote_meta', 1),
];
