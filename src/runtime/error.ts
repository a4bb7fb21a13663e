// Builtin errors. A failing builtin records its message here and returns 0
// (undefined). In OPA's non-strict mode the expression is then simply undefined;
// modules compiled in strict mode abort with the recorded message.
import { alloc } from './alloc';

// Address of a NUL-terminated UTF-8 message, or 0.
let lastError: usize = 0;
// OPA's error code for the message: 1 eval_type_error, 2 eval_builtin_error,
// 3 eval_conflict_error.
let lastErrorCode: i32 = 0;

export const ERR_TYPE: i32 = 1;
export const ERR_BUILTIN: i32 = 2;
export const ERR_CONFLICT: i32 = 3;

export function errorMessage(): usize { return lastError; }
export function errorCode(): i32 { return lastErrorCode; }
export function clearError(): void { lastError = 0; lastErrorCode = 0; }

/** Records `msg` (an AssemblyScript string literal or concatenation, copied to UTF-8). */
export function setError(code: i32, msg: string): usize {
  lastError = cstring(msg);
  lastErrorCode = code;
  return 0;
}

/** A NUL-terminated UTF-8 copy of an AssemblyScript string, on the heap. */
export function cstring(s: string): usize {
  const n = String.UTF8.byteLength(s, false);
  const p = alloc(<usize>n + 1);
  String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, p, true);
  return p;
}
