// providers.* builtins, provided by the host (src/policy/host/providers.ts).
import { type BuiltinDef, host } from './types';

export const builtins: BuiltinDef[] = [
  // The host returns only the signed headers (the request may hold sets, which JSON
  // would make arrays) and needs to know whether the time was written as an integer.
  { ...host('providers.aws.sign_req', 3), mergesIntoFirst: true, intFlagFor: 3 },
];
