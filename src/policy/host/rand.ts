// rand.intn: OPA draws once per (string, n) and query, so a rule that asks
// twice with the same arguments agrees with itself.
import { fail, num, once, str, type HostTable } from './common';
import { nodeCrypto } from './lazy';

function intn(s: unknown, n: unknown): number {
  const key = str('rand.intn', s, 1);
  const x = num('rand.intn', n, 2);
  if (!Number.isInteger(x)) fail('rand.intn', 'operand 2 must be integer number but got floating-point number');
  const bound = Math.abs(x);
  if (bound === 0) return 0;
  return once(`rand.intn\u0000${key}\u0000${bound}`, () => (bound > 2 ** 48 - 1 ? Math.floor(Math.random() * bound) : nodeCrypto().randomInt(bound)));
}

export const builtins: HostTable = {
  'rand.intn': intn,
};
