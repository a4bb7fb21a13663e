// Strict mode: a builtin error aborts evaluation with OPA's message,
// `<file>:<line>: <code>: <message>` (the planner passes the call's position).
import { bufNew, bufPutBytes, bufPutStr, bufToCString } from './buffer';
import { ERR_CONFLICT, ERR_TYPE, errorCode, errorMessage } from './error';

/** The abort message for the recorded builtin error, or 0 when there is none. */
export function rt_builtin_error(where: usize): usize {
  const msg = errorMessage();
  if (msg == 0) return 0;
  const b = bufNew(128);
  bufPutBytes(b, where, cstrlen(where));
  const code = errorCode();
  bufPutStr(b, code == ERR_TYPE ? 'eval_type_error: ' : code == ERR_CONFLICT ? 'eval_conflict_error: ' : 'eval_builtin_error: ');
  bufPutBytes(b, msg, cstrlen(msg));
  return bufToCString(b);
}

function cstrlen(p: usize): u32 {
  let n: u32 = 0;
  while (load<u8>(p + n) != 0) n++;
  return n;
}
