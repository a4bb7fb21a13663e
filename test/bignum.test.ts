// Integers past i64 (the runtime's big integers, src/runtime/bigint.ts), checked
// against JavaScript's BigInt on many operands around the limb and i64 boundaries:
// OPA's numbers are exact there (Go's big.Int), so the runtime must agree digit for
// digit. Operands and results travel as Rego text through the native builtins.
import { describe, it, expect, beforeAll } from 'vitest';
import { loadBuiltins, type BuiltinsHarness } from './helpers/builtins-harness';

let h: BuiltinsHarness;
beforeAll(() => { h = loadBuiltins(); });

// A deterministic mix: edges of 2^32, 2^63 and 2^64, then random sizes up to 300 bits.
function operands(): bigint[] {
  const out: bigint[] = [0n, 1n, -1n, 7n];
  for (const e of [31n, 32n, 53n, 63n, 64n, 95n, 96n, 127n, 128n]) {
    for (const d of [-1n, 0n, 1n]) {
      out.push((1n << e) + d, -((1n << e) + d));
    }
  }
  let seed = 20261207;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  for (let i = 0; i < 40; i++) {
    const bits = 1 + (rnd() % 300);
    let x = 0n;
    for (let b = 0; b < bits; b += 30) x = (x << 30n) | BigInt(rnd() & 0x3fffffff);
    x &= (1n << BigInt(bits)) - 1n;
    out.push(rnd() & 1 ? -x : x);
  }
  return out;
}

/** Go's big.Int.Rem: truncated, the dividend's sign (as BigInt's %). */
const rem = (a: bigint, b: bigint) => a % b;

describe('big integers against BigInt', () => {
  const xs = operands();

  it('plus, minus and mul are exact', () => {
    for (const a of xs) {
      for (const b of xs) {
        expect(h.value('plus', `${a}`, `${b}`), `${a} + ${b}`).toBe(`${a + b}`);
        expect(h.value('minus', `${a}`, `${b}`), `${a} - ${b}`).toBe(`${a - b}`);
        expect(h.value('mul', `${a}`, `${b}`), `${a} * ${b}`).toBe(`${a * b}`);
      }
    }
  });

  it('rem truncates as big.Int.Rem; an exact div stays an integer', () => {
    for (const a of xs) {
      for (const b of xs) {
        if (b === 0n) continue;
        expect(h.value('rem', `${a}`, `${b}`), `${a} % ${b}`).toBe(`${rem(a, b)}`);
        expect(h.value('div', `${a * b}`, `${b}`), `${a * b} / ${b}`).toBe(`${a}`);
      }
    }
    expect(h.error('rem', '18446744073709551617', '0')).toBe('rem: modulo by zero');
    expect(h.error('div', '18446744073709551617', '0')).toBe('div: divide by zero');
  });

  it('orders and compares exactly', () => {
    for (const a of xs) {
      for (const b of xs) {
        expect(h.value('lt', `${a}`, `${b}`), `${a} < ${b}`).toBe(`${a < b}`);
        expect(h.value('equal', `${a}`, `${b}`), `${a} == ${b}`).toBe(`${a === b}`);
      }
    }
  });

  it('format_int in every base, sum and product', () => {
    for (const a of xs) {
      const sign = a < 0n ? '-' : '';
      const mag = a < 0n ? -a : a;
      for (const base of [2, 8, 10, 16]) {
        expect(h.value('format_int', `${a}`, `${base}`), `format_int(${a}, ${base})`).toBe(JSON.stringify(sign + mag.toString(base)));
      }
    }
    const some = xs.slice(0, 30);
    expect(h.value('sum', `[${some.join(', ')}]`)).toBe(`${some.reduce((s, x) => s + x, 0n)}`);
    const nonzero = xs.filter((x) => x !== 0n).slice(10, 20);
    expect(h.value('product', `[${nonzero.join(', ')}]`)).toBe(`${nonzero.reduce((s, x) => s * x, 1n)}`);
  });

  it('meets a float as the nearest float64 (ties to even)', () => {
    for (const a of xs) {
      // JavaScript's Number(BigInt) rounds to nearest, ties to even, as the runtime must
      const f = Number(a);
      expect(h.value('equal', `${a}`, `${f === 0 ? '0.0' : f.toExponential()}`), `${a} vs ${f}`).toBe(`${BigInt(f) === a}`);
      expect(h.value('lt', `${a}`, `${f === 0 ? '0.0' : f.toExponential()}`), `${a} < ${f}`).toBe(`${a < BigInt(f)}`);
      expect(Number(JSON.parse(h.value('abs', `${a}`)))).toBe(Math.abs(f));
    }
    for (const a of xs.filter((x) => x > 1n << 64n)) {
      // mixing with a float: the integer rounded once, then the float arithmetic
      const product = h.addr('mul', `${a}`, '1.0');
      const nearest = h.rt.parseValue(`${BigInt(Number(a))}`);
      expect(h.callAddrs('equal', product, nearest), `${a} * 1.0`).toEqual({ value: 'true' });
    }
  });
});

describe('numbers kept as written', () => {
  it('a number past float64 sorts beyond every finite number and prints as written', () => {
    expect(h.value('lt', '123456789012345678901234567890123456789', '2e308')).toBe('true');
    expect(h.value('lt', '-2e308', '-1.7976931348623157e308')).toBe('true');
    expect(h.value('equal', '2e308', '2e308')).toBe('true');
    expect(h.value('equal', '2e308', '3e308')).toBe('false');
    expect(h.value('sprintf', '"%v %s %d"', '[2e308, -1e400, 1]')).toBe('"2e308 -1e400 1"');
    expect(h.value('type_name', '1e400')).toBe('"number"');
  });
});
