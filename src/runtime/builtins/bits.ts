// bits.and, bits.or, bits.xor, bits.negate, bits.lsh and bits.rsh, as OPA's
// topdown/bits.go.
//
// OPA computes on big.Int: operands are any numbers with an integral value (7.0 is 7),
// bitwise operations use infinite two's complement, and shifts never overflow. Here
// integers are i64, where and/or/xor/negate/rsh give exactly big.Int's answer (their
// result always fits). A left shift past i64 is an exact big integer (src/runtime/bigint.ts),
// as big.Int's. Operands past i64 are still refused, naming the limit: and/or/xor on
// integers of more than 64 bits are not implemented here.
import { T_BIG, T_FLOAT, tag, floatValue, newInt } from '../value';
import { bigIntOperand, intArg, operandError, builtinError } from './args';
import { TWO63 } from './numeric';
import { bigMul } from '../bigint';

const TOO_LARGE = 'the result is too large for a number';
/** Past this, a left shift is refused rather than filling memory with one number (8 KiB here). */
const MAX_SHIFT: i64 = 65536;
const NO_BIG_INTS = 'is an integer beyond 64 bits, which offgate cannot hold exactly';

// The integer value of operand `pos` of `fn` (in `intArg`), or false with OPA's error
// recorded: not a number, not integral, or an integer too big for i64.
function intOf(fn: string, pos: i32, v: usize): bool {
  if (!bigIntOperand(fn, pos, v)) return false;
  if (tag(v) == T_BIG) {
    operandError(fn, pos, NO_BIG_INTS);
    return false;
  }
  if (tag(v) == T_FLOAT) {
    const f = floatValue(v);
    if (f >= TWO63 || f < -TWO63) {
      operandError(fn, pos, NO_BIG_INTS);
      return false;
    }
  }
  return true;
}

// Both operands as integers into A and B.
let A: i64 = 0;
let B: i64 = 0;
function twoInts(fn: string, x: usize, y: usize): bool {
  if (!intOf(fn, 1, x)) return false;
  A = intArg;
  if (!intOf(fn, 2, y)) return false;
  B = intArg;
  return true;
}

/** bits.and(x, y): the bitwise and of two integers. */
export function b_bits_and(x: usize, y: usize): usize {
  return twoInts('bits.and', x, y) ? newInt(A & B) : 0;
}

/** bits.or(x, y): the bitwise or of two integers. */
export function b_bits_or(x: usize, y: usize): usize {
  return twoInts('bits.or', x, y) ? newInt(A | B) : 0;
}

/** bits.xor(x, y): the bitwise exclusive or of two integers. */
export function b_bits_xor(x: usize, y: usize): usize {
  return twoInts('bits.xor', x, y) ? newInt(A ^ B) : 0;
}

/** bits.negate(x): the bitwise complement, -x - 1 (always within i64). */
export function b_bits_negate(x: usize): usize {
  return intOf('bits.negate', 1, x) ? newInt(~intArg) : 0;
}

// The shift amount, operand 2: OPA rejects negative ones. One past i64 (a float)
// saturates, which shifts as far as any amount can: to 0 or -1, or too large.
function shiftOf(fn: string, y: usize): bool {
  if (!bigIntOperand(fn, 2, y)) return false;
  if (intArg < 0) {
    operandError(fn, 2, 'must be an unsigned integer number but got a negative integer');
    return false;
  }
  return true;
}

/** bits.rsh(x, s): x shifted right by s bits, rounding toward minus infinity (big.Int.Rsh). */
export function b_bits_rsh(x: usize, y: usize): usize {
  const fn = 'bits.rsh';
  if (!intOf(fn, 1, x)) return 0;
  const v = intArg;
  if (!shiftOf(fn, y)) return 0;
  const s = intArg;
  // An arithmetic shift by 63 already leaves only the sign: 0 or -1.
  return newInt(v >> (s > 63 ? 63 : s));
}

/** bits.lsh(x, s): x shifted left by s bits, x × 2^s exactly (see the header). */
export function b_bits_lsh(x: usize, y: usize): usize {
  const fn = 'bits.lsh';
  if (!intOf(fn, 1, x)) return 0;
  const v = intArg;
  if (!shiftOf(fn, y)) return 0;
  const s = intArg;
  if (v == 0) return newInt(0);
  if (s > MAX_SHIFT) return builtinError(fn, TOO_LARGE); // (and s + top below cannot overflow)
  const mag: u64 = v < 0 ? <u64>0 - <u64>v : <u64>v; // |v|, also right for i64.MIN_VALUE
  const top = 64 - <i64>clz(mag);                     // bits in |v|
  // Within i64: |v| << s stays below 2^63, or is exactly 2^63 for a negative v.
  if (s + top <= 63 || (v < 0 && s + top == 64 && mag << <u64>s == <u64>1 << 63)) {
    return newInt(v << s);
  }
  // Past i64: exact, as OPA's big.Int shift: v × 2^s, 2^s built 62 bits at a time.
  let product = newInt(v);
  let rest = s;
  for (; rest >= 62; rest -= 62) product = bigMul(product, newInt(<i64>1 << 62));
  return bigMul(product, newInt(<i64>1 << rest));
}
