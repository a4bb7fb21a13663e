// OPA's test-only builtins, which its YAML cases call: declared and provided by the
// case runner (yaml-cases.ts) alone, never by offgate's builtin table, so a policy
// calling them is still refused ("undefined function test.sleep") everywhere else.
import { host, type BuiltinDef } from './builtins/types';
import { BuiltinError, type HostTable } from '../policy/host/common';
import { builtins as time } from '../policy/host/time';

export const TEST_BUILTIN_DEFS: BuiltinDef[] = [host('test.sleep', 1)];

/**
 * test.sleep(duration): blocks for that long (Go's duration syntax), so a case can show
 * that time.now_ns is one value for the whole evaluation. Host builtins run synchronously
 * inside the evaluation, so the wait must block too (Atomics.wait on a private buffer).
 */
function sleep(duration: unknown): null {
  let ns: bigint;
  try {
    ns = BigInt(new TextDecoder().decode(time['time.parse_duration_ns'](duration) as ArrayBuffer));
  } catch (e) {
    if (e instanceof BuiltinError) throw new BuiltinError(e.message.replace(/^time\.parse_duration_ns/, 'test.sleep'));
    throw e;
  }
  if (ns > 0n) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ns / 1000000n));
  return null;
}

/** The runner's own host table; it is wrapped as offgate's is (asCustomBuiltins). */
export const TEST_BUILTINS: HostTable = { 'test.sleep': sleep };
