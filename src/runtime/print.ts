// `print(a, b, ...)`: the planner passes an array holding, per argument, the
// set of its values. OPA prints each argument as its single value (strings
// bare, other values as Rego text), `<undefined>` when it has none, and the set
// when it has several; arguments are separated by spaces.
import { bufNew, bufPutByte, bufPutBytes, bufPutStr, bufToCString } from './buffer';
import { dumpValue } from './dump';
import { T_STRING, tag, len, arrayGet, setGet, strBytes, strLen } from './value';

@external("env", "opa_println") declare function opa_println(msg: usize): void;

export function rt_print(args: usize): void {
  const b = bufNew(64);
  const n = len(args);
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) bufPutByte(b, 32);
    const values = arrayGet(args, i);
    const count = len(values);
    if (count == 0) {
      bufPutStr(b, '<undefined>');
    } else if (count == 1) {
      const v = setGet(values, 0);
      if (tag(v) == T_STRING) bufPutBytes(b, strBytes(v), strLen(v));
      else dumpValue(b, v, true);
    } else {
      dumpValue(b, values, true);
    }
  }
  opa_println(bufToCString(b));
}
