// uuid.* builtins, provided by the host (src/policy/host/uuid.ts).
import { type BuiltinDef, host } from './types';

export const builtins: BuiltinDef[] = [
  host('uuid.rfc4122', 1),
  host('uuid.parse', 1),
];
