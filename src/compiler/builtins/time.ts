// time.* builtins, provided by the host (src/policy/host/time.ts): time zones
// need ICU, which Node has and the runtime does not.
import { type BuiltinDef, host } from './types';

/** A builtin reading nanosecond timestamps in these operands: the host gets their exact JSON text too. */
const exactTimes = (def: BuiltinDef, operands: number[]): BuiltinDef => ({ ...def, jsonTextFor: operands });

export const builtins: BuiltinDef[] = [
  host('time.now_ns', 0),
  host('time.parse_rfc3339_ns', 1),
  host('time.parse_ns', 2),
  host('time.parse_duration_ns', 1),
  exactTimes(host('time.date', 1), [1]),
  exactTimes(host('time.clock', 1), [1]),
  exactTimes(host('time.weekday', 1), [1]),
  // Four operands already: a fifth argument is past what opa_builtinN carries.
  host('time.add_date', 4),
  exactTimes(host('time.diff', 2), [1, 2]),
  exactTimes(host('time.format', 1), [1]),
];
