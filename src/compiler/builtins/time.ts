// time.* builtins, provided by the host (src/policy/host/time.ts): time zones
// need ICU, which Node has and the runtime does not.
import { type BuiltinDef, host } from './types';

export const builtins: BuiltinDef[] = [
  host('time.now_ns', 0),
  host('time.parse_rfc3339_ns', 1),
  host('time.parse_ns', 2),
  host('time.parse_duration_ns', 1),
  host('time.date', 1),
  host('time.clock', 1),
  host('time.weekday', 1),
  host('time.add_date', 4),
  host('time.diff', 2),
  host('time.format', 1),
];
