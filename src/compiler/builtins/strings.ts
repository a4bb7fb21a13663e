// String builtins implemented natively by the runtime (src/runtime/builtins/strings.ts,
// sprintf.ts).
import type { BuiltinDef } from './types';

const native = (name: string, arity: number): BuiltinDef => ({
  name, arity, native: 'b_' + name.replace(/\./g, '_'),
});

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
  native('format_int', 2),
];
