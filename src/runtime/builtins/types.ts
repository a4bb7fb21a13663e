// Type builtins (is_string … is_set, type_name) and the comparison operators
// (equal, neq, lt, lte, gt, gte), which accept any types and order them by Rego's
// total order (see ../compare.ts).
import {
  T_NULL, T_BOOL, T_STRING, T_ARRAY, T_OBJECT, T_SET,
  tag, isNumber, newBool, newString,
} from '../value';
import { compare, equal } from '../compare';

// ---- is_<type> ---------------------------------------------------------------------------

export function b_is_null(a: usize): usize { return newBool(tag(a) == T_NULL); }
export function b_is_boolean(a: usize): usize { return newBool(tag(a) == T_BOOL); }
export function b_is_number(a: usize): usize { return newBool(isNumber(a)); }
export function b_is_string(a: usize): usize { return newBool(tag(a) == T_STRING); }
export function b_is_array(a: usize): usize { return newBool(tag(a) == T_ARRAY); }
export function b_is_object(a: usize): usize { return newBool(tag(a) == T_OBJECT); }
export function b_is_set(a: usize): usize { return newBool(tag(a) == T_SET); }

// ---- type_name ----------------------------------------------------------------------------

// The names, back to back: null boolean number string array object set.
const TYPE_NAMES: usize = memory.data<u8>([
  0x6e, 0x75, 0x6c, 0x6c,                                   // null     0..4
  0x62, 0x6f, 0x6f, 0x6c, 0x65, 0x61, 0x6e,                 // boolean  4..11
  0x6e, 0x75, 0x6d, 0x62, 0x65, 0x72,                       // number   11..17
  0x73, 0x74, 0x72, 0x69, 0x6e, 0x67,                       // string   17..23
  0x61, 0x72, 0x72, 0x61, 0x79,                             // array    23..28
  0x6f, 0x62, 0x6a, 0x65, 0x63, 0x74,                       // object   28..34
  0x73, 0x65, 0x74,                                         // set      34..37
]);
// Offset of each tag's name (tags 1..8; int and float share "number"), then the end.
const TYPE_NAME_AT: usize = memory.data<u8>([0, 0, 4, 11, 11, 17, 23, 28, 34, 37]);

export function b_type_name(a: usize): usize {
  let t = <usize>tag(a);
  if (t == 9 || t == 10) t = 3; // a big integer, a number kept as written: numbers too
  const start = <u32>load<u8>(TYPE_NAME_AT + t);
  // int (3) and float (4) share an entry: the name ends where the next distinct one starts.
  const end = <u32>load<u8>(TYPE_NAME_AT + (t == 3 ? 5 : t + 1));
  return newString(TYPE_NAMES + start, end - start);
}

// ---- comparison --------------------------------------------------------------------------

export function b_equal(a: usize, b: usize): usize { return newBool(equal(a, b)); }
export function b_neq(a: usize, b: usize): usize { return newBool(!equal(a, b)); }
export function b_lt(a: usize, b: usize): usize { return newBool(compare(a, b) < 0); }
export function b_lte(a: usize, b: usize): usize { return newBool(compare(a, b) <= 0); }
export function b_gt(a: usize, b: usize): usize { return newBool(compare(a, b) > 0); }
export function b_gte(a: usize, b: usize): usize { return newBool(compare(a, b) >= 0); }
