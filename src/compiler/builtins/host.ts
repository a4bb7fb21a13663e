// Builtins that need the outside world, so only the host can provide them
// through opa_builtinN: the SDK's custom builtins (offgate's evaluator passes
// its own; see src/policy). A module that calls one its host lacks fails
// loudly at evaluation with the builtin's name. Mocking them with `with`
// (as tests do) needs no host at all.
import type { BuiltinDef } from './types';

export const builtins: BuiltinDef[] = [
  { name: 'time.now_ns', arity: 0, host: true },
  { name: 'http.send', arity: 1, host: true },
  { name: 'opa.runtime', arity: 0, host: true },
  { name: 'rand.intn', arity: 2, host: true },
  { name: 'uuid.rfc4122', arity: 1, host: true },
  { name: 'io.jwt.decode_verify', arity: 2, host: true },
];
