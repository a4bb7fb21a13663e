// opa.* builtins, provided by the host (src/policy/host/opa.ts).
import { type BuiltinDef, host } from './types';

export const builtins: BuiltinDef[] = [
  host('opa.runtime', 0),
];
