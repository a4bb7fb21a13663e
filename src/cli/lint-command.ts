// `offgate lint [PATH|GLOB|-]...`: would the cluster accept these manifests?
// Exit 0 clean (warn and dryrun do not fail unless --fail-on warn; nothing fails with
// --fail-on none), 1 when a finding fails the run, 2 for usage or input errors.
import { finishBaseline, loadBaselineFlag } from '../baseline/cli';
import { cacheMaxBytes } from '../gatekeeper/module-cache';
import { lint, type LintOptions } from '../lint/lint';
import { KUSTOMIZE_MODES, type KustomizeMode } from '../render';
import type { Report } from '../report/model';
import { formats, type FormatName } from '../report/formats/index';
import { packagePath } from '../paths';
import { parseShard } from '../shard/shard';
import { parseSize } from '../size';
import { terminalWidth } from '../report/wrap';
import { useColor } from './color';
import { UsageError } from './errors';
import { exitCodeOf, parseFailOn, renderedFailOn, type FailOn } from './fail-on';
import { LINT_DEFAULTS } from './lint-defaults';
import { removeStaleReport, writeOutputFile } from './output';
import { outputTargets, reportFiles, summaryOnStdout, type OutputTarget } from './output-plan';
import { startProgress } from './progress';
import { appendStepSummary, githubLinks } from './step-summary';
import { mark } from '../timings';

export interface LintCommandOptions {
  /** `-o FORMAT[=FILE]`, repeatable. */
  output?: string[];
  /** `--output-file FILE`: the file of the one format. */
  outputFile?: string;
  env?: string;
  config?: string;
  policy?: string[];
  namespace?: string;
  failOn?: string;
  color?: boolean;
  verbose?: boolean;
  /** `--timeout SECONDS` (default 30). */
  timeout?: string;
  /** `--max-file-size SIZE` (default 64MiB). */
  maxFileSize?: string;
  /** `--gatekeeper-namespace NS` (default gatekeeper-system). */
  gatekeeperNamespace?: string;
  /** `--exclude GLOB`, repeatable. */
  exclude?: string[];
  /** `--strict`: skipped files are input errors. */
  strict?: boolean;
  /** `--kustomize auto|always|never` (default auto). */
  kustomize?: string;
  /** `--helm-values FILE`, repeatable. */
  helmValues?: string[];
  /** `--quiet`: the text format prints its summary only. */
  quiet?: boolean;
  /** `--baseline FILE`: findings it records are baselined (kept, not failing). */
  baseline?: string;
  /** `--jobs N`: threads a large evaluation may use (default 1). */
  jobs?: string;
  /** `--write-baseline FILE`: record this run's findings. */
  writeBaseline?: string;
  /** `--shard I/N`: lint only this shard's files. */
  shard?: string;
}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin?: NodeJS.ReadableStream;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** Standard error is a terminal: the progress line of a long run goes there. */
  stderrIsTTY?: boolean;
  /** Standard output's columns when it is a terminal: the text format wraps to them. */
  columns?: number;
}

/**
 * Lints and reports; returns the exit code. A run that fails before its reports are written
 * removes the report files an earlier run left (every one it has not written itself).
 */
export async function runLint(paths: string[], opts: LintCommandOptions, io: Io): Promise<number> {
  const written = new Set<string>();
  try {
    return await lintAndReport(paths, opts, io, written);
  } catch (e) {
    // An earlier run's report at that path must not pass for this run's verdict.
    for (const file of reportFiles(opts)) if (!written.has(file)) removeStaleReport(file);
    throw e;
  }
}

async function lintAndReport(paths: string[], opts: LintCommandOptions, io: Io, written: Set<string>): Promise<number> {
  const targets = outputTargets(opts);
  mark('options (command line parsed, lint loaded)');
  const { report, failOn, exitCode } = await lintChecked(paths, opts, io);
  const color = useColor({ flag: opts.color, isTTY: io.isTTY, env: io.env });
  writeReports(report, targets, { verbose: opts.verbose, quiet: opts.quiet, failOn, color, columns: io.columns, env: io.env }, io.stdout, written);
  if (targets.some((t) => t.format === 'github')) appendStepSummary(report, io.env, { failOn: renderedFailOn(failOn) });
  mark(`output (${targets.map((t) => t.format).join(', ')} report${targets.length === 1 ? '' : 's'} written)`);
  return exitCode;
}

export interface ReportOptions {
  verbose?: boolean;
  /** `--quiet`: the text format's summary only. */
  quiet?: boolean;
  failOn: FailOn;
  /** Colour for standard output's text; files never get colour. */
  color: boolean;
  /** Standard output's columns when it is a terminal: its text wraps to them, a file's to the default. */
  columns?: number;
  env: NodeJS.ProcessEnv;
}

/**
 * Each target's report: files written (each recorded in `written`), then standard output's
 * report, or the text summary when every report went to a file (a CI log shows the verdict).
 * Each format is rendered once from the one report (text twice only when it goes both to a
 * terminal and to a file).
 */
export function writeReports(report: Report, targets: OutputTarget[], opts: ReportOptions, stdout: (s: string) => void, written: Set<string>): void {
  const common = { verbose: opts.verbose, quiet: opts.quiet, failOn: renderedFailOn(opts.failOn), links: githubLinks(opts.env, process.cwd()), jobSummary: Boolean(opts.env.GITHUB_STEP_SUMMARY) };
  const rendered = new Map<string, string>();
  const render = (format: FormatName, toStdout: boolean): string => {
    const color = toStdout && format === 'text' && opts.color;
    const width = terminalWidth(opts.env, toStdout ? opts.columns : undefined);
    const key = `${format}/${color}/${width}`;
    let text = rendered.get(key);
    if (text === undefined) {
      text = formats[format](report, { ...common, color, width });
      rendered.set(key, text);
    }
    return text;
  };
  // Every report rendered before any is written: a renderer that throws leaves no file half-done.
  const outputs = targets.map((t) => ({ target: t, text: render(t.format, t.file === undefined) }));
  for (const { target, text } of outputs) {
    if (target.file === undefined) continue;
    writeOutputFile(target.file, text);
    written.add(target.file);
  }
  const toStdout = outputs.find((o) => o.target.file === undefined);
  if (toStdout) stdout(toStdout.text);
  if (summaryOnStdout(targets)) stdout(formats.text(report, { ...common, quiet: true, color: opts.color, width: terminalWidth(opts.env, opts.columns) }));
}

export interface CheckedLint {
  report: Report;
  /** `--fail-on` as given; the reports take renderedFailOn(failOn). */
  failOn: FailOn;
  /** 0 clean, 1 a failing finding, 2 input errors. */
  exitCode: number;
}

/** The options checked (a bad one is a UsageError), then the lint: what every front end of `lint` renders. */
export async function lintChecked(paths: string[], opts: LintCommandOptions, io: Io): Promise<CheckedLint> {
  outputTargets(opts); // a bad -o fails before the lint, not after it
  const failOn = parseFailOn(opts.failOn);
  if (paths.length === 0) throw new UsageError('lint: name files, folders or globs to lint, or - for standard input');
  const limits = parseLimits(opts);
  const kustomize = parseKustomize(opts.kustomize);
  const cacheBound = cacheMaxBytes(io.env);
  if (typeof cacheBound !== 'number') throw new UsageError(cacheBound.error);
  const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
  if (shard && 'error' in shard) throw new UsageError(shard.error);
  if (shard && opts.writeBaseline) throw new UsageError('--write-baseline records every finding of the repository: write it from a run without --shard');
  const baseline = loadBaselineFlag(opts);
  const jobs = parseJobs(opts.jobs);

  // Progress only where a person watches: a terminal, not CI, and a run of more than 2 s.
  const progress = startProgress({ write: io.stderr, isTTY: io.stderrIsTTY === true, env: io.env });
  const outcome = await lint({
    paths,
    stdin: io.stdin,
    env: opts.env,
    configPath: opts.config,
    policyDirs: opts.policy,
    namespace: opts.namespace,
    exclude: opts.exclude,
    strict: opts.strict,
    kustomize,
    helmValues: opts.helmValues,
    shard,
    parallel: { jobs, script: packagePath('bin', 'offgate.js') },
    ...limits,
    onProgress: (n) => progress.update(`checking ${n === 1 ? '1 file' : `${n} files`}`),
  }).finally(() => progress.done());
  if (outcome.fatal) throw new UsageError(outcome.fatal, outcome.fatalErrors);
  const { report, exitCode: recorded } = finishBaseline(outcome.report, opts, baseline, process.cwd());
  const exitCode = recorded ?? exitCodeOf(report, failOn);
  return { report, failOn, exitCode };
}


/** Longest --timeout: what a timer can wait (2^31 - 1 ms, some 24 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** A namespace name: an RFC 1123 label. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** --timeout, --max-file-size and --gatekeeper-namespace, checked: a bad value is a usage error. */
export function parseLimits(opts: LintCommandOptions): Required<Pick<LintOptions, 'timeoutMs' | 'maxFileSize' | 'gatekeeperNamespace'>> {
  const timeout = opts.timeout ?? LINT_DEFAULTS.timeout;
  const seconds = /^\s*\d+(\.\d+)?\s*$/.test(timeout) ? Number(timeout) : NaN;
  const timeoutMs = Math.ceil(seconds * 1000);
  if (!(timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS)) throw new UsageError(`--timeout ${timeout}: must be a number of seconds greater than 0 (e.g. 30 or 2.5)`);

  const size = opts.maxFileSize ?? LINT_DEFAULTS.maxFileSize;
  const maxFileSize = parseSize(size);
  if (maxFileSize === undefined || maxFileSize < 1) throw new UsageError(`--max-file-size ${size}: must be a size greater than 0 (e.g. 64MiB, 10MB or a number of bytes)`);

  const gatekeeperNamespace = opts.gatekeeperNamespace ?? LINT_DEFAULTS.gatekeeperNamespace;
  if (gatekeeperNamespace.length > 63 || !NAMESPACE.test(gatekeeperNamespace)) {
    throw new UsageError(`--gatekeeper-namespace ${gatekeeperNamespace}: not a namespace name (lower-case letters, digits and -, at most 63)`);
  }
  return { timeoutMs, maxFileSize, gatekeeperNamespace };
}

/**
 * `--jobs N` checked (1 to 64); by default 1. Evaluation is memory-bound: on a 2-core machine
 * two threads review no more objects per second than one (two whole processes manage 1.5×),
 * so more threads are the user's choice, for machines where they pay.
 */
export function parseJobs(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 64)) throw new UsageError(`--jobs ${value}: must be a number of threads from 1 to 64`);
  return n;
}

/** `--kustomize auto|always|never` checked (default auto). */
export function parseKustomize(value: string | undefined): KustomizeMode {
  const mode = value ?? 'auto';
  if (!(KUSTOMIZE_MODES as readonly string[]).includes(mode)) throw new UsageError(`--kustomize ${mode}: must be ${KUSTOMIZE_MODES.join(', ')}`);
  return mode as KustomizeMode;
}
