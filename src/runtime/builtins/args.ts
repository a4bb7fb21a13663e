// Operand checks and OPA's error messages, shared by all builtins.
//
// OPA reports a wrong operand type as an eval_type_error
//   "<fn>: operand <n> must be <expected> but got <type>"
// and any other failure as an eval_builtin_error "<fn>: <message>". The helpers
// here record the error (see ../error.ts) and return 0 so a builtin can simply
// `return typeError(...)`.
import {
  T_NULL, T_BOOL, T_INT, T_FLOAT, T_STRING, T_ARRAY, T_OBJECT, T_SET, T_BIG, T_NUMTEXT,
  tag, intValue, numberAsF64, bigNeg,
} from '../value';
import { setError, ERR_TYPE, ERR_BUILTIN } from '../error';

/** OPA's name of a value's type: null, boolean, number, string, array, object, set. */
export function typeName(v: usize): string {
  switch (tag(v)) {
    case T_NULL: return 'null';
    case T_BOOL: return 'boolean';
    case T_INT:
    case T_FLOAT:
    case T_BIG:
    case T_NUMTEXT: return 'number';
    case T_STRING: return 'string';
    case T_ARRAY: return 'array';
    case T_OBJECT: return 'object';
    case T_SET: return 'set';
  }
  return 'unknown';
}

/** `<fn>: operand <n> must be <expected> but got <type of got>` (eval_type_error). */
export function typeError(fn: string, operand: i32, expected: string, got: usize): usize {
  return operandError(fn, operand, 'must be ' + expected + ' but got ' + typeName(got));
}

/**
 * A collection operand with an element of the wrong type, as OPA's
 * NewOperandElementErr: `<fn>: operand 1 must be array of strings but got array containing number`.
 */
export function elementTypeError(fn: string, operand: i32, coll: usize, elem: usize, expected: string): usize {
  const t = typeName(coll);
  return operandError(fn, operand, 'must be ' + t + ' of ' + expected + 's but got ' + t + ' containing ' + typeName(elem));
}

/** `<fn>: operand <n> <msg>` (eval_type_error). */
export function operandError(fn: string, operand: i32, msg: string): usize {
  return setError(ERR_TYPE, fn + ': operand ' + operand.toString() + ' ' + msg);
}

/** `<fn>: <msg>` (eval_builtin_error). */
export function builtinError(fn: string, msg: string): usize {
  return setError(ERR_BUILTIN, fn + ': ' + msg);
}

@inline export function isString(v: usize): bool { return tag(v) == T_STRING; }
@inline export function isSet(v: usize): bool { return tag(v) == T_SET; }
@inline export function isArray(v: usize): bool { return tag(v) == T_ARRAY; }

// ---- integer operands ----------------------------------------------------------------

/** The integer read by the last successful intOperand/bigIntOperand call. */
export let intArg: i64 = 0;

/**
 * OPA's IntOperand: a number written as an integer (`2`, not `2.0`). Sets `intArg`;
 * on failure records the type error and returns false.
 */
export function intOperand(fn: string, operand: i32, v: usize): bool {
  const t = tag(v);
  if (t == T_INT) { intArg = intValue(v); return true; }
  // as OPA: a big integer has no machine int either
  if (t == T_FLOAT || t == T_BIG || t == T_NUMTEXT) {
    operandError(fn, operand, 'must be integer number but got floating-point number');
  } else {
    typeError(fn, operand, 'number', v);
  }
  return false;
}

/**
 * OPA's BigIntOperand: any number with an integral value (`2.0` is fine). Sets `intArg`
 * (integral floats and big integers beyond i64 saturate); errors name the expected type "integer".
 */
export function bigIntOperand(fn: string, operand: i32, v: usize): bool {
  const t = tag(v);
  if (t == T_INT) { intArg = intValue(v); return true; }
  if (t == T_BIG) { intArg = bigNeg(v) ? i64.MIN_VALUE : i64.MAX_VALUE; return true; }
  if (t == T_FLOAT || t == T_NUMTEXT) {
    const f = numberAsF64(v);
    if (f == Math.trunc(f) && isFinite(f)) {
      intArg = f >= 9223372036854775807.0 ? i64.MAX_VALUE : f <= -9223372036854775808.0 ? i64.MIN_VALUE : <i64>f;
      return true;
    }
    operandError(fn, operand, 'must be integer number but got floating-point number');
    return false;
  }
  typeError(fn, operand, 'integer', v);
  return false;
}
