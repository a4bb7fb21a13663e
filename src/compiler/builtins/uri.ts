// uri.* builtins, implemented natively by the runtime (src/runtime/builtins/uri.ts,
// Go's net/url.Parse).
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('uri.parse', 1),
  native('uri.is_valid', 1),
];
