// graphql.* builtins, provided by the host with the graphql reference
// implementation (src/policy/host/graphql.ts).
import { type BuiltinDef, host } from './types';

export const builtins: BuiltinDef[] = [
  host('graphql.parse', 2),
  host('graphql.parse_and_verify', 2),
  host('graphql.parse_query', 1),
  host('graphql.parse_schema', 1),
  host('graphql.is_valid', 2),
  host('graphql.schema_is_valid', 1),
];
