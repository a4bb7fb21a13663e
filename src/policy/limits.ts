// Bounds on one evaluation: a deadline and a memory maximum, so that a template
// (or an input it is fed) can neither hang a run nor take the machine's memory.
//
// Deadline: the module counts its work and every `TICKS_PER_CHECK` ticks calls the
// reserved builtin DEADLINE_BUILTIN (src/runtime/deadline.ts says why a builtin);
// here that builtin throws once the armed deadline has passed, which unwinds the
// evaluation. Memory: the module's memory gets a maximum; the runtime aborts with
// OUT_OF_MEMORY when the heap cannot grow, instead of trapping or wrapping.
import { DEADLINE_BUILTIN, DEADLINE_EXPORT } from '../compiler/backend/runtime-abi';
import { HOST_BUILTINS } from './host-builtins';
import { loadPolicySync, type CustomBuiltins, type LoadedPolicy } from './sdk';

export interface EvaluationLimits {
  /** Per evaluation (one template, one object); 0 or Infinity: none. */
  timeoutMs: number;
  /** The maximum of each module's memory. */
  memoryLimitBytes: number;
}

export const DEFAULT_LIMITS: Readonly<EvaluationLimits> = {
  // Gatekeeper's maximum webhook timeout: a cluster never waits longer for a verdict.
  timeoutMs: 30_000,
  // Far above what a template needs for one review (the bundled library stays under
  // 10 MiB for a 64k-container Pod), a quarter of what a 32-bit module can address,
  // and small enough for a CI runner (7 GiB on GitHub's) to survive a few hostile
  // templates at once: each module keeps the memory it grew to.
  memoryLimitBytes: 1024 * 1024 * 1024,
};

/** The message the runtime aborts with when its heap cannot grow (src/runtime/alloc.ts). */
export const OUT_OF_MEMORY = 'offgate: out of memory';

// Ticks between two questions to the host. A tick is an allocation or an iteration
// step (a few ns to a few hundred); 65,536 of them take well under a millisecond in
// the hot loops measured (bench/eval.ts), and one builtin call through the SDK costs
// about a microsecond, so the check is free in practice and the deadline is overshot
// by a millisecond or so.
const TICKS_PER_CHECK = 1 << 16;

const PAGE = 65536;
const MAX_PAGES = 65536;
/** What the OPA SDKs give a module by default; every module we emit starts with this. */
const INITIAL_PAGES = 5;

export type LimitKind = 'timeout' | 'memory';

/** An evaluation stopped by a limit. `message` says which, and the limit's value. */
export class EvaluationLimitError extends Error {
  constructor(
    readonly limit: LimitKind,
    limits: EvaluationLimits,
  ) {
    super(limit === 'timeout' ? `timed out (timeout ${limits.timeoutMs} ms)` : `ran out of memory (limit ${formatBytes(limits.memoryLimitBytes)})`);
    this.name = 'EvaluationLimitError';
  }
}

function formatBytes(n: number): string {
  const mib = n / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${n} bytes`;
}

/** Options in range, or the reason they are not. */
export function checkLimits(limits: EvaluationLimits): string | undefined {
  if (!(limits.timeoutMs >= 0)) return `timeout must be a number of milliseconds, 0 for none (got ${limits.timeoutMs})`;
  const m = limits.memoryLimitBytes;
  if (!(m >= INITIAL_PAGES * PAGE && m <= MAX_PAGES * PAGE)) return `memory limit must be between ${INITIAL_PAGES * 64} KiB and 4 GiB (got ${m})`;
  return undefined;
}

/**
 * Milliseconds on a clock that never jumps. Not `performance.now()`: its first use loads
 * node:perf_hooks, milliseconds of every one-file run.
 */
function monotonicMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

/**
 * The deadline a module's builtin asks about; armed around each evaluation. The clock is read
 * at the module's first question, not when armed: most evaluations end before asking (fewer
 * than TICKS_PER_CHECK ticks), and reading a clock for each of a large lint's thousands of
 * calls costs more than the calls' own bookkeeping. An evaluation is then allowed its time
 * plus what it ran before its first question, one check interval at most.
 */
class Deadline {
  /** Infinity: disarmed; NaN: armed, the clock not read yet; else when it is due. */
  private at = Infinity;

  constructor(private readonly limits: EvaluationLimits) {}

  arm(): void {
    const ms = this.limits.timeoutMs;
    this.at = ms > 0 && Number.isFinite(ms) ? NaN : Infinity;
  }

  disarm(): void {
    this.at = Infinity;
  }

  /** The builtin's body: returns nothing (the module ignores the value), throws when due. */
  readonly check = (): undefined => {
    const at = this.at;
    if (at === Infinity) return undefined;
    const now = monotonicMs();
    if (Number.isNaN(at)) this.at = now + this.limits.timeoutMs;
    else if (now > at) {
      this.at = Infinity; // one throw per evaluation: clean-up code may tick again
      throw new EvaluationLimitError('timeout', this.limits);
    }
    return undefined;
  };
}

/**
 * An abort message as the module wrote it. The SDK reads it one signed byte per
 * character (String.fromCharCode over an Int8Array), so each byte of a non-ASCII
 * character (a builtin error quoting its input: `invalid port ":٣٤"`) arrives as
 * U+FF80..U+FFFF: the bytes are put back together and decoded as UTF-8. Anything
 * else passes through unchanged.
 */
export function sdkAbortText(e: unknown): unknown {
  if (typeof e !== 'string' || !/[\uff80-\uffff]/.test(e)) return e;
  const bytes = new Uint8Array(e.length);
  for (let i = 0; i < e.length; i++) {
    const c = e.charCodeAt(i);
    if (c >= 0x80 && c < 0xff80) return e; // not what the SDK makes of bytes
    bytes[i] = c & 0xff;
  }
  return new TextDecoder().decode(bytes);
}

/** A policy loaded with limits; `run` evaluates under them. */
export class LimitedPolicy {
  private readonly deadline: Deadline;

  constructor(
    readonly policy: LoadedPolicy,
    readonly limits: EvaluationLimits,
    deadline: Deadline,
  ) {
    this.deadline = deadline;
  }

  /**
   * Runs `evaluation` (calls into the module) under the deadline. A limit that
   * trips becomes an EvaluationLimitError; other errors pass through unchanged.
   */
  run<T>(evaluation: () => T): T {
    this.deadline.arm();
    try {
      return evaluation();
    } catch (e) {
      throw this.limitError(e) ?? sdkAbortText(e);
    } finally {
      this.deadline.disarm();
    }
  }

  /** `e` as an EvaluationLimitError when a limit caused it. */
  limitError(e: unknown): EvaluationLimitError | undefined {
    if (e instanceof EvaluationLimitError) return e;
    if (e === OUT_OF_MEMORY) return new EvaluationLimitError('memory', this.limits);
    // The SDK grows memory from JavaScript for its own input copy (its fast path).
    if (e instanceof RangeError && /WebAssembly\.Memory|memory/i.test(e.message) && !/call stack/i.test(e.message)) {
      return new EvaluationLimitError('memory', this.limits);
    }
    return undefined;
  }
}

/**
 * Loads a module through the OPA SDK with a memory maximum and the deadline builtin
 * (the host's builtins besides), and turns the module's deadline check on.
 */
export function loadLimitedPolicy(wasm: Uint8Array | WebAssembly.Module, limits: EvaluationLimits = DEFAULT_LIMITS, builtins: CustomBuiltins = HOST_BUILTINS): LimitedPolicy {
  const problem = checkLimits(limits);
  if (problem) throw new Error(problem);
  const deadline = new Deadline(limits);
  const maximum = Math.min(MAX_PAGES, Math.floor(limits.memoryLimitBytes / PAGE));
  const policy = loadPolicySync(wasm as Uint8Array, { initial: INITIAL_PAGES, maximum }, { ...builtins, [DEADLINE_BUILTIN]: deadline.check });
  const enable = (policy as unknown as { wasmInstance: WebAssembly.Instance }).wasmInstance.exports[DEADLINE_EXPORT];
  if (typeof enable !== 'function') throw new Error(`module has no ${DEADLINE_EXPORT} export (compiled by another compiler?): cannot bound its evaluation time`);
  (enable as (n: number) => void)(TICKS_PER_CHECK);
  return new LimitedPolicy(policy, limits, deadline);
}
