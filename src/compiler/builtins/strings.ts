// String builtins implemented natively by the runtime (src/runtime/builtins/strings.ts,
// sprintf.ts, template.ts); strings.render_template is the host's (src/policy/host/strings.ts).
import { type BuiltinDef, host, native } from './types';

export const builtins: BuiltinDef[] = [
  native('concat', 2),
  native('contains', 2),
  native('startswith', 2),
  native('endswith', 2),
  native('indexof', 2),
  native('indexof_n', 2),
  native('lower', 1),
  native('upper', 1),
  native('replace', 3),
  native('strings.replace_n', 2),
  native('split', 2),
  native('strings.split_n', 3),
  native('substring', 3),
  native('trim', 2),
  native('trim_left', 2),
  native('trim_right', 2),
  native('trim_prefix', 2),
  native('trim_suffix', 2),
  native('trim_space', 1),
  native('strings.any_prefix_match', 2),
  native('strings.any_suffix_match', 2),
  native('strings.reverse', 1),
  native('strings.count', 2),
  native('sprintf', 2),
  host('strings.render_template', 2),
  native('format_int', 2),
  // What template strings are lowered to (src/compiler/template-strings.ts); an
  // expression with several values is a conflict that ends evaluation.
  { ...native('internal.template_string', 1), halts: true },
];
