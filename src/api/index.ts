/// <reference path="../manifests/js-yaml.d.ts" />
// `import { lint, verify, loadConfig } from "offgate"`: the CLI's jobs as functions. `lint`
// returns the document `offgate lint -o json` prints (src/report/formats/json.md) and the
// exit code the CLI would give; problems with the inputs are values in it, never throws.
import { loadConfig as loadConfigFile, type LoadResult } from '../config/load';
import type { Config } from '../config/model';
import { parseFilter, readSuites, runSuite, suiteFailed, tally, VerifyError, type SuiteResult } from '../gatekeeper/suite';
import { lint as runLint, type LintOptions as CoreLintOptions } from '../lint/lint';
import { toJsonReport, type JsonReport } from '../report/formats/json';
import { isFailing } from '../report/model';

export type { JsonReport, JsonResult, JsonInputError, JsonObjectRef, JsonSkippedFile, JsonSummary } from '../report/formats/json';
export type { SuiteResult, TestResult, CaseResult } from '../gatekeeper/suite';
export type { Config };

export interface LintOptions {
  /** Files, folders or globs, relative to `cwd`; `-` reads `stdin`. */
  paths: string[];
  cwd?: string;
  /** Text for `-` (or a stream). */
  stdin?: string | NodeJS.ReadableStream;
  /** An environment of offgate.yaml, or a preset: `baseline`, `restricted`. */
  env?: string;
  /** offgate.yaml to use (default: found upward from `cwd`). */
  configPath?: string;
  /** Folders of your own ConstraintTemplates and Constraints. */
  policyDirs?: string[];
  /** Namespace of objects that name none (default `default`). */
  namespace?: string;
  /** `deny` (default) or `warn`: which results make `exitCode` 1; `none`: no result does. */
  failOn?: 'deny' | 'warn' | 'none';
  /** Evaluation deadline per template and object, in ms (default 30,000). */
  timeoutMs?: number;
  /** Larger input files are refused, in bytes (default 64 MiB). */
  maxFileSize?: number;
  /** Where Gatekeeper runs (its Config is read there under policyDirs; default gatekeeper-system). */
  gatekeeperNamespace?: string;
  /** Paths not to read: gitignore-style patterns relative to `cwd` (offgate.yaml's `exclude:` adds to them). */
  exclude?: string[];
  /** A file that holds no Kubernetes object is an input error (exit code 2) instead of listed in `report.skipped`. */
  strict?: boolean;
}

export interface LintResult {
  /** What `offgate lint -o json` prints. */
  report: JsonReport;
  /** As the CLI's: 0 clean, 1 a failing result, 2 input errors (the report lists them). */
  exitCode: 0 | 1 | 2;
  /** Set when nothing could be linted (unknown environment, unusable offgate.yaml): the CLI's exit code 2. */
  fatal?: string;
  /** Every such problem, one `file:line:col: message` line each (the first is `fatal`). */
  fatalErrors?: string[];
}

/** Would the cluster accept these manifests? */
export async function lint(options: LintOptions): Promise<LintResult> {
  const failOn = options.failOn ?? 'deny';
  const core: CoreLintOptions = {
    paths: options.paths,
    cwd: options.cwd,
    stdin: options.stdin,
    env: options.env,
    configPath: options.configPath,
    policyDirs: options.policyDirs,
    namespace: options.namespace,
    timeoutMs: options.timeoutMs,
    maxFileSize: options.maxFileSize,
    gatekeeperNamespace: options.gatekeeperNamespace,
    exclude: options.exclude,
    strict: options.strict,
  };
  const outcome = await runLint(core);
  const report = toJsonReport(outcome.report);
  if (outcome.fatal) return { report, exitCode: 2, fatal: outcome.fatal, fatalErrors: outcome.fatalErrors ?? [outcome.fatal] };
  const exitCode = outcome.report.errors.length > 0 ? 2 : failOn !== 'none' && outcome.report.findings.some((f) => isFailing(f, failOn)) ? 1 : 0;
  return { report, exitCode };
}

export interface VerifyOptions {
  /** Suite files, folders, or `folder/...` for a whole tree, relative to `cwd`. */
  paths: string[];
  cwd?: string;
  /** Only Tests and Cases whose names match (`REGEX`, or `TESTS//CASES`), as `--run`. */
  run?: string;
}

export type VerifyResult =
  | { ok: boolean; suites: SuiteResult[]; passed: number; failed: number }
  | { ok: false; error: string };

/** Runs Gatekeeper test Suites (gator verify): `ok` when every selected case passed. */
export function verify(options: VerifyOptions): VerifyResult {
  try {
    if (options.paths.length === 0) throw new VerifyError('requires at least 1 path to a Suite file or directory');
    const filter = parseFilter(options.run);
    const suites = options.paths.flatMap((p) => readSuites(p, options.cwd));
    // As `offgate verify`: paths that hold no Suite tested nothing, which is no pass.
    if (suites.length === 0) return { ok: false, error: `no test suites (kind: Suite) found under ${options.paths.join(' ')}` };
    const results = suites.map((s) => runSuite(s, filter));
    return { ok: !results.some(suiteFailed), suites: results, ...tally(results) };
  } catch (e) {
    if (e instanceof VerifyError) return { ok: false, error: e.message };
    throw e;
  }
}

export interface LoadConfigOptions {
  /** Where discovery starts and relative paths resolve from (default the working directory). */
  cwd?: string;
  /** An explicit file: no discovery. */
  configPath?: string;
}

/**
 * offgate.yaml, checked: `{ config }` (`null` when there is none), with `warnings` when a
 * file was seen but not used; or `{ error, errors }`, one `file:line:col: message` line each.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadResult {
  return loadConfigFile({ cwd: options.cwd, configPath: options.configPath });
}
