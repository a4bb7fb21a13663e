// regex.* builtins, implemented natively by the runtime (src/runtime/builtins/regex.ts,
// an RE2-syntax engine of its own; see re_exec.ts for its design).
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('regex.match', 2),
  native('regex.is_valid', 1),
  native('regex.find_n', 3),
  native('regex.find_all_string_submatch_n', 3),
  native('regex.split', 2),
  native('regex.replace', 3),
  native('regex.template_match', 4),
  // src/runtime/builtins/re_globs.ts: glob-intersection's syntax, an exact answer
  native('regex.globs_match', 2),
];
