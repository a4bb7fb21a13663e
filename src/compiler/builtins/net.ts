// Builtins that mean the network, provided by the host (src/policy/host/net.ts),
// which fails them offline unless they need no network (IP literals, localhost).
// Mocking them with `with` (as tests do) needs no host at all.
import { type BuiltinDef, host } from './types';

export const builtins: BuiltinDef[] = [
  host('http.send', 1),
  host('net.lookup_ip_addr', 1),
];
