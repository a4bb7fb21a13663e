// Evaluating one review against many constraints of a loaded policy without
// re-reading the review each time. The SDK's `evaluate` parses the whole input
// (review and parameters) on every call; here, through the same ABI the SDK
// uses for older modules (the eval context functions), the review is parsed
// into the module once and only the parameters change between evaluations.
//
// Every call into the module runs under the policy's limits (limits.ts): a
// deadline or memory limit that trips is thrown as an EvaluationLimitError, and
// the next begin() resets the heap, so the same instance goes on with the next review.
import type { LimitedPolicy } from './limits';

interface Exports {
  memory?: WebAssembly.Memory;
  opa_heap_ptr_get(): number;
  opa_heap_ptr_set(addr: number): void;
  opa_malloc(size: number): number;
  opa_json_parse(addr: number, len: number): number;
  opa_json_dump(value: number): number;
  opa_value_add_path(base: number, path: number, value: number): number;
  opa_eval_ctx_new(): number;
  opa_eval_ctx_set_input(ctx: number, value: number): void;
  opa_eval_ctx_set_data(ctx: number, value: number): void;
  opa_eval_ctx_set_entrypoint(ctx: number, id: number): void;
  opa_eval_ctx_get_result(ctx: number): number;
  eval(ctx: number): number;
}

interface PolicyInternals {
  wasmInstance: WebAssembly.Instance;
  mem: WebAssembly.Memory;
  dataAddr: number;
  dataHeapPtr: number;
  entrypoints: Record<string, number>;
}

const utf8 = new TextEncoder();
const decoder = new TextDecoder();
const PATH_PARAMETERS = utf8.encode('["parameters"]');
const INPUT_SKELETON = utf8.encode('{"parameters":{}}');
const PATH_REVIEW = utf8.encode('["review"]');
const PATH_CONSTRAINTS = utf8.encode('["constraints"]');

/** Most pinned values kept at once (then all are dropped and pinned again as needed). */
const MAX_PINNED = 256;

export class ReviewEvaluator {
  private readonly x: Exports;
  private readonly p: PolicyInternals;
  /** Address of the input object of the current review, 0 when none is loaded. */
  private input = 0;
  /**
   * Values parsed once and kept for every review (the batch entrypoint's constraints, the
   * same for most reviews): they sit between the module's data and `base`, where each
   * review's heap starts, so resetting the heap for a review leaves them.
   */
  private readonly pinned = new Map<Uint8Array, number>();
  private base = 0;
  /** The data heap pointer `base` was built on: loading data moves it, and drops the pinned values. */
  private pinnedOn = -1;

  constructor(private readonly limited: LimitedPolicy) {
    this.p = limited.policy as unknown as PolicyInternals;
    this.x = this.p.wasmInstance.exports as unknown as Exports;
  }

  /** Loads a review (its JSON) as `input.review`, replacing the previous one. */
  begin(reviewJson: string | Uint8Array): void {
    this.input = 0;
    this.x.opa_heap_ptr_set(this.heapStart());
    this.limited.run(() => this.load(reviewJson));
  }

  /** Loads `data` into the module (the SDK's setData, under the limits): what was pinned is gone with the heap it sat on. */
  loadData(data: ArrayBuffer): void {
    this.input = 0;
    this.pinned.clear();
    this.pinnedOn = -1;
    this.limited.run(() => this.limited.policy.setData(data));
  }

  /**
   * `json` parsed into the module once, for evaluateBatch in this and later reviews (by the
   * identity of `json`: callers keep one array per value). Call it before begin(): pinning a
   * value drops the review loaded.
   */
  pin(json: Uint8Array): number {
    const start = this.heapStart();
    const known = this.pinned.get(json);
    if (known !== undefined) return known;
    if (this.pinned.size >= MAX_PINNED) {
      this.pinned.clear();
      this.base = this.p.dataHeapPtr;
    }
    this.input = 0;
    this.x.opa_heap_ptr_set(this.pinned.size === 0 ? this.p.dataHeapPtr : start);
    const value = this.limited.run(() => this.parse(json));
    this.base = this.x.opa_heap_ptr_get();
    this.pinned.set(json, value);
    return value;
  }

  /** Where a review's heap starts: after the data and the pinned values (none once data was loaded again). */
  private heapStart(): number {
    if (this.pinnedOn !== this.p.dataHeapPtr) {
      this.pinned.clear();
      this.pinnedOn = this.p.dataHeapPtr;
      this.base = this.p.dataHeapPtr;
    }
    return this.base;
  }

  private load(reviewJson: string | Uint8Array): void {
    const input = this.parse(INPUT_SKELETON);
    const review = typeof reviewJson === 'string' ? this.parseText(reviewJson) : this.parse(reviewJson);
    if (this.x.opa_value_add_path(input, this.parse(PATH_REVIEW), review) !== 0) throw new Error('offgate: could not load the review');
    this.input = input;
  }

  /** The result set of `entrypoint` for the loaded review and these parameters (JSON). */
  evaluate(entrypoint: string, parametersJson: Uint8Array): { result?: unknown }[] {
    const id = this.p.entrypoints[entrypoint];
    if (id === undefined) throw new Error(`entrypoint ${entrypoint} is not valid in this instance`);
    const x = this.x;
    return this.limited.run(() => {
      if (x.opa_value_add_path(this.input, this.parse(PATH_PARAMETERS), this.parse(parametersJson)) !== 0) throw new Error('offgate: could not load the parameters');
      return this.run(id);
    });
  }

  /** Whether the module has an entrypoint (e.g. the library's batch entrypoint). */
  has(entrypoint: string): boolean {
    return this.p.entrypoints[entrypoint] !== undefined;
  }

  /**
   * The loaded review against several constraints in one call of a batch
   * entrypoint: `constraintsJson` is its `input.constraints` (for the bundled
   * library, `{entrypoint: [[i, parameters], ...]}`); the result maps each
   * index to that constraint's violations.
   */
  evaluateBatch(entrypoint: string, constraints: Uint8Array | number): Record<string, unknown[]> {
    const x = this.x;
    return this.limited.run(() => {
      const value = typeof constraints === 'number' ? constraints : this.parse(constraints);
      if (x.opa_value_add_path(this.input, this.parse(PATH_CONSTRAINTS), value) !== 0) throw new Error('offgate: could not load the constraints');
      const rs = this.run(this.p.entrypoints[entrypoint]);
      return (rs[0]?.result ?? {}) as Record<string, unknown[]>;
    });
  }

  private run(id: number): { result?: unknown }[] {
    const x = this.x;
    const ctx = x.opa_eval_ctx_new();
    x.opa_eval_ctx_set_input(ctx, this.input);
    x.opa_eval_ctx_set_data(ctx, this.p.dataAddr);
    x.opa_eval_ctx_set_entrypoint(ctx, id);
    x.eval(ctx);
    return JSON.parse(this.string(x.opa_json_dump(x.opa_eval_ctx_get_result(ctx))));
  }

  /** Drops everything the review allocated. */
  end(): void {
    this.x.opa_heap_ptr_set(this.heapStart());
    this.input = 0;
  }

  private parse(bytes: Uint8Array): number {
    const addr = this.x.opa_malloc(bytes.length);
    new Uint8Array(this.p.mem.buffer, addr, bytes.length).set(bytes);
    const value = this.x.opa_json_parse(addr, bytes.length);
    if (value === 0) throw new Error('offgate: invalid JSON passed to the policy');
    return value;
  }

  /** As parse, for JSON text: encoded straight into the module's memory, with no copy in between. */
  private parseText(json: string): number {
    // Nearly every review is ASCII, whose UTF-8 is as long as the text: encoded into that much
    // room first, and only a text that does not fit there is measured (the room left behind
    // goes with the review's heap).
    let size = json.length;
    let addr = this.x.opa_malloc(size);
    if (utf8.encodeInto(json, new Uint8Array(this.p.mem.buffer, addr, size)).read < json.length) {
      size = Buffer.byteLength(json, 'utf8');
      addr = this.x.opa_malloc(size);
      utf8.encodeInto(json, new Uint8Array(this.p.mem.buffer, addr, size));
    }
    const value = this.x.opa_json_parse(addr, size);
    if (value === 0) throw new Error('offgate: invalid JSON passed to the policy');
    return value;
  }

  private string(addr: number): string {
    const mem = new Uint8Array(this.p.mem.buffer);
    return decoder.decode(mem.subarray(addr, mem.indexOf(0, addr)));
  }
}
