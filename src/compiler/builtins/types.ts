// One builtin function as the compiler knows it. Each namespace file in this
// folder exports a `builtins` table of these; `index.ts` merges them.
export interface BuiltinDef {
  /** Rego name: `count`, `strings.any_prefix_match`, operators by OPA name (`plus`). */
  name: string;
  /** Number of operands, not counting the output. */
  arity: number;
  /**
   * Name of the runtime export implementing it (`b_` + name with `.` → `_`), taking
   * `arity` value addresses and returning a value address, 0 for undefined/error.
   * Absent for builtins the host provides (`host`).
   */
  native?: string;
  /** Called through `opa_builtinN`; the SDK or the caller's custom builtins provide it. */
  host?: boolean;
  /**
   * The name a host builtin has in the module's builtins() table when it is not the Rego
   * name: the SDK looks its own builtins up before the caller's, so one it ships (yaml.*)
   * reaches offgate's implementation only under another name.
   */
  hostName?: string;
  /** A relation (`walk`): the native returns an array whose elements are the outputs. */
  relation?: boolean;
  /** Its errors abort evaluation even outside strict mode, as OPA's halting errors do. */
  halts?: boolean;
  /**
   * A host builtin OPA defines as returning a set (`net.lookup_ip_addr`): a host answers
   * in JSON, which has no sets, so the module makes the array it returns a set.
   */
  setResult?: boolean;
  /**
   * Host builtins only: the result is `object.union(operand 1, what the host returns)`.
   * The host sees values as JSON, so a builtin returning its first operand with a few
   * fields changed (providers.aws.sign_req) would turn the operand's sets into arrays;
   * instead the module keeps the operand as it is and the host returns the changed fields.
   */
  mergesIntoFirst?: boolean;
  /**
   * Host builtins only: the host gets one more argument, whether operand N (1-based) is an
   * integer as written. OPA reads some operands with Int64(), which refuses `1e9` and `1.0`;
   * in JSON those are plain integers, so only the module, which keeps ints and floats
   * apart, can tell.
   */
  intFlagFor?: number;
  /**
   * Host builtins only: operands (1-based) whose JSON text the host gets too, one more
   * argument each after the operands (and the int flag): the SDK hands host builtins their
   * arguments through JSON.parse, which rounds integers past 2^53, and the text keeps every
   * digit (time.* read nanosecond timestamps, which are past 2^53 since 1970 + 104 days).
   */
  jsonTextFor?: number[];
}

/** A builtin the runtime implements, exported as `b_<name with . replaced by _>`. */
export function native(name: string, arity: number): BuiltinDef {
  return { name, arity, native: 'b_' + name.replace(/\./g, '_') };
}

/** A builtin the host provides through opa_builtinN. */
export function host(name: string, arity: number): BuiltinDef {
  return { name, arity, host: true };
}

/** A host builtin listed as `hostName` in the module (one the SDK would otherwise shadow). */
export function hostAs(name: string, arity: number, hostName: string): BuiltinDef {
  return { name, arity, host: true, hostName };
}
