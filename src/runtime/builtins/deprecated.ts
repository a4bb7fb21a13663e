// Builtins OPA deprecated but still evaluates (and older Gatekeeper templates
// still call): any, all, cast_array, cast_set, set_diff, re_match, net.cidr_overlap.
import { T_ARRAY, T_SET, tag, len, arrayGet, setGet, newBool, newArray, newSet, arrayPush } from '../value';
import { setAdd } from '../collections';
import { typeError } from './args';
import { b_minus } from './numbers';
import { b_regex_match } from './regex';
import { cidrContains } from './net';

/** Whether any element of an array or set is `true`. */
export function b_any(coll: usize): usize {
  return boolFold('any', coll, true);
}

/** Whether every element of an array or set is `true`. */
export function b_all(coll: usize): usize {
  return boolFold('all', coll, false);
}

function boolFold(fn: string, coll: usize, stopAt: bool): usize {
  const t = tag(coll);
  if (t != T_ARRAY && t != T_SET) return typeError(fn, 1, 'one of {array, set}', coll);
  const n = len(coll);
  for (let i: u32 = 0; i < n; i++) {
    const x = t == T_ARRAY ? arrayGet(coll, i) : setGet(coll, i);
    const isTrue = tag(x) == 2 && load<u8>(x, 1) != 0;
    if (isTrue == stopAt) return newBool(stopAt);
  }
  return newBool(!stopAt);
}

export function b_cast_array(x: usize): usize {
  const t = tag(x);
  if (t == T_ARRAY) return x;
  if (t != T_SET) return typeError('cast_array', 1, 'one of {array, set}', x);
  const n = len(x);
  const out = newArray(n);
  for (let i: u32 = 0; i < n; i++) arrayPush(out, setGet(x, i));
  return out;
}

export function b_cast_set(x: usize): usize {
  const t = tag(x);
  if (t == T_SET) return x;
  if (t != T_ARRAY) return typeError('cast_set', 1, 'one of {array, set}', x);
  const n = len(x);
  const out = newSet(n);
  for (let i: u32 = 0; i < n; i++) setAdd(out, arrayGet(x, i));
  return out;
}

export function b_set_diff(a: usize, b: usize): usize {
  if (tag(a) != T_SET) return typeError('set_diff', 1, 'set', a);
  if (tag(b) != T_SET) return typeError('set_diff', 2, 'set', b);
  return b_minus(a, b);
}

export function b_re_match(pattern: usize, value: usize): usize {
  return b_regex_match(pattern, value);
}

/** net.cidr_overlap: net.cidr_contains under its old name (errors name the old one, as OPA's). */
export function b_net_cidr_overlap(cidr: usize, cidrOrIp: usize): usize {
  return cidrContains('net.cidr_overlap', cidr, cidrOrIp);
}
