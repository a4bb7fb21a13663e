// What every host builtin shares: how it reports errors, and the state OPA
// keeps for one evaluation (time.now_ns, rand.intn, uuid.rfc4122).

/** A builtin's own table, by Rego name; host-builtins.ts merges them. */
export type HostTable = Record<string, (...args: unknown[]) => unknown>;

/**
 * An error OPA reports as a builtin error: the call is undefined, unless the
 * policy is evaluated with strict builtin errors, where it aborts evaluation.
 */
export class BuiltinError extends Error {}

/**
 * A builtin that needs the network: it fails the evaluation in any mode,
 * because an undefined result would silently pass a policy that meant to ask.
 */
export class OfflineError extends Error {}

export function fail(name: string, message: string): never {
  throw new BuiltinError(`${name}: ${message}`);
}

export function offline(name: string, what = ''): never {
  throw new OfflineError(`${name}: ${what}not available offline (offgate makes no network requests; mock it with \`with\`)`);
}

/** Go's %v of a set of strings, as OPA prints one in messages: {"a", "b"}. */
export function setText(names: string[]): string {
  return `{${[...names].sort().map((n) => JSON.stringify(n)).join(', ')}}`;
}

/** OPA's operand type error, e.g. `crypto.md5: operand 1 must be string but got number`. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    default: return 'object';
  }
}

export function str(name: string, v: unknown, pos: number): string {
  if (typeof v !== 'string') fail(name, `operand ${pos} must be string but got ${typeName(v)}`);
  return v;
}

export function num(name: string, v: unknown, pos: number): number {
  if (typeof v !== 'number') fail(name, `operand ${pos} must be number but got ${typeName(v)}`);
  return v;
}

export function obj(name: string, v: unknown, pos: number): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(name, `operand ${pos} must be object but got ${typeName(v)}`);
  return v as Record<string, unknown>;
}

/**
 * Values fixed for one evaluation. The module calls host builtins
 * synchronously from inside one WebAssembly evaluation, which never spans an
 * await, so everything cached during one synchronous run belongs to one
 * evaluation; the cache is dropped at the next microtask. (Evaluations run
 * back to back in the same run share the values, which OPA's promise allows.)
 */
let perEvaluation: Map<string, unknown> | undefined;

export function once<T>(key: string, make: () => T): T {
  if (!perEvaluation) {
    perEvaluation = new Map();
    queueMicrotask(() => { perEvaluation = undefined; });
  }
  if (!perEvaluation.has(key)) perEvaluation.set(key, make());
  return perEvaluation.get(key) as T;
}

/** Nanoseconds since the epoch, one value per evaluation (OPA's time.now_ns). */
export function nowNs(): number {
  return once('time.now_ns', () => Date.now() * 1e6);
}

/**
 * A result as JSON text, for the SDK to parse as is: nanosecond timestamps
 * pass 2^53, which a JS number would round (the SDK takes an ArrayBuffer as
 * ready JSON).
 */
export function exact(v: unknown): ArrayBuffer {
  const text = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `\u0000${x}\u0000` : x)).replace(/"\\u0000(-?\d+)\\u0000"/g, '$1');
  const bytes = new TextEncoder().encode(text);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * `fn` as builtin `name`: an error of its own namespace's class (a message meant for the
 * user) becomes that builtin's error; offgate's own BuiltinError passes through as it is.
 */
export function reportingAs(name: string, ownError: new (message: string) => Error, fn: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return (...args) => {
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof BuiltinError) throw e;
      if (e instanceof ownError) fail(name, e.message);
      throw e;
    }
  };
}
