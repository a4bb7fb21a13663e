// io.jwt.* builtins, provided by the host with node:crypto (src/policy/host/jwt.ts).
import { type BuiltinDef, host } from './types';

export const builtins: BuiltinDef[] = [
  host('io.jwt.decode', 1),
  host('io.jwt.decode_verify', 2),
  host('io.jwt.encode_sign', 3),
  host('io.jwt.encode_sign_raw', 3),
  ...['rs256', 'rs384', 'rs512', 'ps256', 'ps384', 'ps512', 'es256', 'es384', 'es512', 'eddsa', 'hs256', 'hs384', 'hs512'].map((alg) => host(`io.jwt.verify_${alg}`, 2)),
];
