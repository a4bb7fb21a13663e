// The net namespace. The CIDR builtins are pure and run in the runtime
// (src/runtime/builtins/net.ts; net.cidr_overlap, deprecated, is in deprecated.ts).
// The ones that mean the network are provided by the host (src/policy/host/net.ts),
// which fails them offline unless they need no network (IP literals, localhost).
// Mocking them with `with` (as tests do) needs no host at all.
import { type BuiltinDef, host, native } from './types';

export const builtins: BuiltinDef[] = [
  native('net.cidr_contains', 2),
  native('net.cidr_contains_matches', 2),
  native('net.cidr_expand', 1),
  native('net.cidr_intersects', 2),
  native('net.cidr_is_valid', 1),
  native('net.cidr_merge', 1),
  host('http.send', 1),
  { ...host('net.lookup_ip_addr', 1), setResult: true },
];
