// internal.template_string: the builtin template strings (`$"…{expr}…"`) are
// lowered to (src/compiler/template-strings.ts). Its operand is an array of
// parts: a string is literal text (or a literal string expression), a number,
// boolean or null a literal expression, and a set the values of one template
// expression: none renders `<undefined>`, one renders as print() renders an
// argument (a string bare, anything else as Rego text), and several are a
// conflict, which the planner turns into an abort even outside strict mode
// (OPA halts on it).
import { T_ARRAY, T_OBJECT, T_SET, T_STRING, tag, len, arrayGet, setGet, strBytes, strLen } from '../value';
import { bufNew, bufPutBytes, bufPutStr, bufToString } from '../buffer';
import { dumpValue } from '../dump';
import { setError, ERR_CONFLICT } from '../error';
import { typeError, typeName, builtinError } from './args';

export function b_internal_template_string(parts: usize): usize {
  if (tag(parts) != T_ARRAY) return typeError('internal.template_string', 1, 'array', parts);
  const b = bufNew(64);
  const n = len(parts);
  for (let i: u32 = 0; i < n; i++) {
    const p = arrayGet(parts, i);
    const t = tag(p);
    if (t == T_SET) {
      const count = len(p);
      if (count == 0) bufPutStr(b, '<undefined>');
      else if (count == 1) putValue(b, setGet(p, 0));
      else return setError(ERR_CONFLICT, 'template-strings must not produce multiple outputs');
    } else if (t == T_ARRAY || t == T_OBJECT) {
      // Never produced by the compiler: a collection is always an expression, collected in a set.
      return builtinError('internal.template_string', 'illegal argument type: ' + typeName(p));
    } else {
      putValue(b, p);
    }
  }
  return bufToString(b);
}

function putValue(b: usize, v: usize): void {
  if (tag(v) == T_STRING) bufPutBytes(b, strBytes(v), strLen(v));
  else dumpValue(b, v, true);
}
