// JSON Schema builtins, provided by the host (src/policy/host/json-schema.ts).
import { type BuiltinDef, host } from './types';

export const builtins: BuiltinDef[] = [
  host('json.verify_schema', 1),
  host('json.match_schema', 2),
];
