// rand.* builtins, provided by the host (src/policy/host/rand.ts).
import { type BuiltinDef, host } from './types';

export const builtins: BuiltinDef[] = [
  host('rand.intn', 2),
];
