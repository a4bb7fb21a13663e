/// <reference path="../manifests/js-yaml.d.ts" />
// `import { compileRego, compileTemplate, evaluate } from "offgate/compiler"`: Rego in, an
// OPA-ABI WebAssembly module out, with compile errors as values carrying their positions;
// and evaluation of such a module with the host builtins and limits offgate itself uses.
import type { RegoVersion } from '../compiler/ast';
import { compile } from '../compiler/compile';
import { RegoError, RegoErrors, type ErrorCode } from '../compiler/errors';
import { isConstraintTemplate, placeRegoError, templateRego, type TemplateText } from '../gatekeeper/templates';
import type { K8sObject } from '../gatekeeper/types';
import { formatReadError } from '../manifests';
import { parseManifestText, parseYamlValues } from '../manifests/parse';
import { hostBuiltins } from '../policy/host-builtins';
import { DEFAULT_LIMITS, loadLimitedPolicy, type EvaluationLimits } from '../policy/limits';

export type { RegoVersion };

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
  code: ErrorCode | 'template_error';
  message: string;
  file?: string;
  line?: number;
  column?: number;
  text: string;
}

export type CompileResult = { ok: true; wasm: Uint8Array; entrypoints: string[] } | { ok: false; errors: CompileError[] };

/** Compiles Rego modules into one wasm module exposing `entrypoints`. Never throws for bad Rego. */
export function compileRego(options: CompileRegoOptions): CompileResult {
  try {
    const wasm = compile({ modules: options.modules, entrypoints: options.entrypoints, regoVersion: options.regoVersion ?? 'v1', strict: options.strict });
    return { ok: true, wasm, entrypoints: options.entrypoints };
  } catch (e) {
    return { ok: false, errors: compileErrors(e) };
  }
}

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
export function compileTemplate(template: string | object, options: CompileTemplateOptions = {}): CompileResult {
  const file = options.file ?? 'template.yaml';
  let object: unknown = template;
  // Given as text, a Rego error is placed at its line and column in that text (as the CLI does).
  let source: TemplateText | undefined;
  if (typeof template === 'string') {
    const { values, error } = parseYamlValues(template, file);
    if (error) return failure(formatReadError(error), file);
    const templates = values.filter((v) => isObject(v) && isConstraintTemplate(v as K8sObject));
    if (templates.length !== 1) return failure(`${file}: expected one ConstraintTemplate, found ${templates.length}`, file);
    object = templates[0];
    const located = parseManifestText(template, file).objects.find((m) => isConstraintTemplate(m.object as K8sObject));
    if (located) source = { text: () => template, locate: (path) => positionOf(located.locate(path)) };
  }
  if (!isObject(object) || !isConstraintTemplate(object as K8sObject)) return failure(`${file}: not a ConstraintTemplate`, file);
  try {
    const rego = templateRego(object as K8sObject, file);
    const result = compileRego({ modules: rego.modules, entrypoints: [rego.entrypoint], regoVersion: rego.regoVersion, strict: options.strict });
    return result.ok || !source ? result : { ok: false, errors: result.errors.map((err) => placed(err, object as K8sObject, file, source!)) };
  } catch (e) {
    if (e instanceof RegoError || e instanceof RegoErrors) return { ok: false, errors: compileErrors(e) };
    return failure(`${file}: ${(e as Error).message}`, file);
  }
}

function positionOf(o: { line?: number; column?: number }): { line: number; column: number } | undefined {
  return o.line === undefined ? undefined : { line: o.line, column: o.column ?? 1 };
}

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
export function evaluate(wasm: Uint8Array, input: unknown, options: EvaluateOptions = {}): unknown[] {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const policy = loadLimitedPolicy(wasm, limits, hostBuiltins({ strict: options.strict ?? false }));
  if (options.data !== undefined) policy.policy.setData(options.data as object);
  const results = policy.run(() => policy.policy.evaluate(input, options.entrypoint)) as { result: unknown }[];
  return results.map((r) => r.result);
}

function compileErrors(e: unknown): CompileError[] {
  const errors = e instanceof RegoErrors ? e.errors : e instanceof RegoError ? [e] : undefined;
  if (!errors) throw e;
  return errors.map((r) => ({
    code: r.code,
    message: r.detail,
    ...(r.pos ? { file: r.pos.file, line: r.pos.line, column: r.pos.col } : {}),
    text: r.message,
  }));
}

/** An error in a template's module (`file#rego:3:27`) placed in the template's text (`file:14:27`), as the CLI places it. */
function placed(err: CompileError, template: K8sObject, file: string, source: TemplateText): CompileError {
  if (err.file === undefined || err.line === undefined) return err;
  const at = placeRegoError(template, file, { pos: { file: err.file, line: err.line, col: err.column ?? 1 } }, source);
  return at ? { ...err, file, line: at.line, column: at.column, text: `${file}:${at.line}:${at.column}: ${err.code}: ${err.message}` } : err;
}

function failure(text: string, file: string): CompileResult {
  const m = /^(.*?):(\d+):(\d+): (.*)$/.exec(text);
  const error: CompileError = m
    ? { code: 'template_error', message: m[4], file: m[1], line: Number(m[2]), column: Number(m[3]), text }
    : { code: 'template_error', message: text.startsWith(`${file}: `) ? text.slice(file.length + 2) : text, file, text };
  return { ok: false, errors: [error] };
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
