// semver.* builtins, implemented natively by the runtime (src/runtime/builtins/semver.ts).
import { type BuiltinDef, native } from './types';

export const builtins: BuiltinDef[] = [
  native('semver.is_valid', 1),
  native('semver.compare', 2),
];
