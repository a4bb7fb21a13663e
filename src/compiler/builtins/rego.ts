// rego.* builtins. rego.parse_module is the host's (src/policy/host/rego.ts);
// rego.metadata.rule/chain are no calls at all: stages/metadata.ts replaces them by
// constants at compile time.
import { type BuiltinDef, host } from './types';

export const builtins: BuiltinDef[] = [
  host('rego.parse_module', 2),
];
