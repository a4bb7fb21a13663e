export type RegoVersion = "v0" | "v1";
export type ErrorCode = "rego_parse_error" | "rego_compile_error" | "rego_unsafe_var_error" | "rego_recursion_error" | "rego_type_error";
export interface EvaluationLimits {
	/** Per evaluation (one template, one object); 0 or Infinity: none. */
	timeoutMs: number;
	/** The maximum of each module's memory. */
	memoryLimitBytes: number;
}
export interface RegoSource {
	/** Shown in error positions. */
	file: string;
	source: string;
}
export interface CompileRegoOptions {
	modules: RegoSource[];
	/** Rules to expose, as `package/rule` paths (`k8spspprivileged/violation`). */
	entrypoints: string[];
	/** Syntax of modules that do not say (`import rego.v1`): default v1, as OPA 1.x. */
	regoVersion?: RegoVersion;
	/** Builtin errors abort evaluation instead of making the expression undefined (OPA's strict mode). */
	strict?: boolean;
}
/** One compile error; `text` is the line the CLI prints (`file:line:col: code: message`). */
export interface CompileError {
	code: ErrorCode | "template_error";
	message: string;
	file?: string;
	line?: number;
	column?: number;
	text: string;
}
export type CompileResult = {
	ok: true;
	wasm: Uint8Array;
	entrypoints: string[];
} | {
	ok: false;
	errors: CompileError[];
};
/** Compiles Rego modules into one wasm module exposing `entrypoints`. Never throws for bad Rego. */
export declare function compileRego(options: CompileRegoOptions): CompileResult;
export interface CompileTemplateOptions {
	/** Name of the source in error positions (default `template.yaml`). */
	file?: string;
	strict?: boolean;
}
/**
 * Compiles a ConstraintTemplate (YAML or JSON text, or the parsed object) as Gatekeeper would:
 * its one target's `rego` and `libs`, in v0 syntax unless it imports rego.v1; the entrypoint
 * is `<package>/violation`.
 */
export declare function compileTemplate(template: string | object, options?: CompileTemplateOptions): CompileResult;
export interface EvaluateOptions {
	/** Which entrypoint (default: the module's first). */
	entrypoint?: string;
	/** `data` the policy reads (e.g. `{ inventory: … }`). */
	data?: unknown;
	/** Evaluation deadline in ms (default 30,000; 0 for none) and memory maximum in bytes (default 1 GiB). */
	limits?: Partial<EvaluationLimits>;
	strict?: boolean;
}
/**
 * Evaluates a module compiled by offgate on `input`, with offgate's host builtins: the values of
 * the entrypoint's result set (`[]` when undefined). Limits that trip, and builtin errors in
 * strict mode, are thrown.
 */
export declare function evaluate(wasm: Uint8Array, input: unknown, options?: EvaluateOptions): unknown[];

export {};
