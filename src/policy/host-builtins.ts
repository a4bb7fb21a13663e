// The builtins offgate's evaluator provides to modules from JavaScript (the
// ones that need the outside world; see src/compiler/builtins/host.ts).
// Those that make no sense offline throw, naming themselves.
import type { CustomBuiltins } from './sdk';

function unavailable(name: string): () => never {
  return () => {
    throw new Error(`${name} is not available in offgate (offline evaluation)`);
  };
}

export const HOST_BUILTINS: CustomBuiltins = {
  'time.now_ns': () => Date.now() * 1e6,
  'opa.runtime': () => ({}),
  'http.send': unavailable('http.send'),
  'rand.intn': unavailable('rand.intn'),
  'uuid.rfc4122': unavailable('uuid.rfc4122'),
  'io.jwt.decode_verify': unavailable('io.jwt.decode_verify'),
};
