// providers.* builtins, provided by the host (src/policy/host/providers.ts).
import { type BuiltinDef, host } from './types';

export const builtins: BuiltinDef[] = [
  host('providers.aws.sign_req', 3),
];
