// Calls the runtime's native builtins (b_* exports of src/runtime/runtime.wasm)
// directly: operands are given as Rego text (so sets can be written), results come
// back as Rego text as OPA prints them, or as the recorded error message.
import { loadRuntime, RUNTIME_WASM, type Runtime } from './runtime-harness';

/** The runtime under test: OFFGATE_RUNTIME_WASM overrides the committed build. */
export const BUILTINS_WASM = process.env.OFFGATE_RUNTIME_WASM ?? RUNTIME_WASM;

export type Outcome =
  | { value: string } // defined: the result as Rego text
  | { undefined: true } // no result and no error
  | { error: string }; // the builtin's error message

export interface BuiltinsHarness {
  rt: Runtime;
  /** Calls builtin `name` (Rego name, e.g. `strings.any_prefix_match`) on operands given as Rego text. */
  call(name: string, ...operands: string[]): Outcome;
  /** The result's Rego text; throws with the error message when the call fails. */
  value(name: string, ...operands: string[]): string;
  /** The error message; throws when the call succeeds. */
  error(name: string, ...operands: string[]): string;
  /** A string value holding exactly these bytes (for invalid UTF-8). */
  bytes(data: number[]): number;
  /** Calls with operand value addresses. */
  callAddrs(name: string, ...addrs: number[]): Outcome;
  /** The result's value address (operands as Rego text); throws unless defined. */
  addr(name: string, ...operands: string[]): number;
  /** An array value of the given value addresses. */
  array(...addrs: number[]): number;
}

export function loadBuiltins(): BuiltinsHarness {
  const rt = loadRuntime(BUILTINS_WASM);
  const exportName = (name: string) => 'b_' + name.replace(/\./g, '_');

  const callAddrs = (name: string, ...addrs: number[]): Outcome => {
    const fn = rt.exports[exportName(name)];
    if (typeof fn !== 'function') throw new Error(`runtime does not export ${exportName(name)}`);
    rt.exports.rt_clear_error();
    const result: number = fn(...addrs);
    const err: number = rt.exports.rt_error_message();
    if (err !== 0) {
      if (result !== 0) throw new Error(`${name} returned a value and recorded an error`);
      return { error: rt.cstring(err) };
    }
    if (result === 0) return { undefined: true };
    return { value: rt.dumpValue(result) };
  };

  const parseAll = (operands: string[]) => operands.map((text) => {
    const v = rt.parseValue(text);
    if (v === 0) throw new Error(`operand does not parse: ${text}`);
    return v;
  });

  const call = (name: string, ...operands: string[]): Outcome => callAddrs(name, ...parseAll(operands));

  const describe = (o: Outcome) => JSON.stringify(o);

  return {
    rt,
    call,
    callAddrs,
    value(name, ...operands) {
      const o = call(name, ...operands);
      if (!('value' in o)) throw new Error(`${name}(${operands.join(', ')}): ${describe(o)}`);
      return o.value;
    },
    error(name, ...operands) {
      const o = call(name, ...operands);
      if (!('error' in o)) throw new Error(`${name}(${operands.join(', ')}): expected an error, got ${describe(o)}`);
      return o.error;
    },
    addr(name, ...operands) {
      const result: number = rt.exports[exportName(name)](...parseAll(operands));
      if (result === 0) throw new Error(`${name}(${operands.join(', ')}) is undefined or failed`);
      return result;
    },
    array(...addrs) {
      const a = rt.exports.rt_array(addrs.length);
      for (const x of addrs) rt.exports.rt_array_push(a, x);
      return a;
    },
    bytes(data) {
      const [addr, n] = rt.write(new Uint8Array(data));
      return rt.exports.rt_string(addr, n);
    },
  };
}
