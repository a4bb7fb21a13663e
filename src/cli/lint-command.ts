// `offgate lint [PATH|GLOB|-]...`: would the cluster accept these manifests?
// Exit 0 clean (warn and dryrun do not fail unless --fail-on warn), 1 when a
// finding fails the run, 2 for usage or input errors.
import { cacheMaxBytes } from '../gatekeeper/module-cache';
import { lint, type LintOptions } from '../lint/lint';
import { KUSTOMIZE_MODES, type KustomizeMode } from '../render';
import { isFailing, type Report } from '../report/model';
import { formats, isFormatName, FORMAT_NAMES, type FormatName } from '../report/formats/index';
import { parseSize } from '../size';
import { useColor } from './color';
import { UsageError } from './errors';
import { LINT_DEFAULTS } from './lint-defaults';
import { removeStaleReport, writeOutputFile } from './output';
import { mark } from '../timings';

export interface LintCommandOptions {
  output?: string;
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
}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin?: NodeJS.ReadableStream;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

/** Lints and reports; returns the exit code. A run that fails before its report is written removes a report file left by an earlier run. */
export async function runLint(paths: string[], opts: LintCommandOptions, io: Io): Promise<number> {
  try {
    return await lintAndReport(paths, opts, io);
  } catch (e) {
    // An earlier run's report at that path must not pass for this run's verdict.
    if (opts.outputFile) removeStaleReport(opts.outputFile);
    throw e;
  }
}

async function lintAndReport(paths: string[], opts: LintCommandOptions, io: Io): Promise<number> {
  const format = formatOf(opts);
  mark('options (command line parsed, lint loaded)');
  const { report, failOn, exitCode } = await lintChecked(paths, opts, io);
  const color = format === 'text' && !opts.outputFile && useColor({ flag: opts.color, isTTY: io.isTTY, env: io.env });
  const text = formats[format](report, { color, verbose: opts.verbose, failOn });
  if (opts.outputFile) writeOutputFile(opts.outputFile, text);
  else io.stdout(text);
  mark(`output (${format} report written)`);
  return exitCode;
}

export interface CheckedLint {
  report: Report;
  failOn: 'deny' | 'warn';
  /** 0 clean, 1 a failing finding, 2 input errors. */
  exitCode: number;
}

/** The options checked (a bad one is a UsageError), then the lint: what every front end of `lint` renders. */
export async function lintChecked(paths: string[], opts: LintCommandOptions, io: Io): Promise<CheckedLint> {
  const format = formatOf(opts);
  const failOn = opts.failOn ?? 'deny';
  if (failOn !== 'deny' && failOn !== 'warn') throw new UsageError(`--fail-on ${failOn}: must be deny or warn`);
  if (paths.length === 0) throw new UsageError('lint: name files, folders or globs to lint, or - for standard input');
  const limits = parseLimits(opts);
  const kustomize = opts.kustomize ?? 'auto';
  if (!isKustomizeMode(kustomize)) throw new UsageError(`--kustomize ${kustomize}: must be ${KUSTOMIZE_MODES.join(', ')}`);
  const cacheBound = cacheMaxBytes(io.env);
  if (typeof cacheBound !== 'number') throw new UsageError(cacheBound.error);

  // Progress only where a person watches: a TTY, text output, not CI.
  const progress = format === 'text' && io.isTTY && !io.env.CI;
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
    ...limits,
    onProgress: progress ? (n) => n > 20 && io.stderr(`\rread ${n} files…`) : undefined,
  });
  if (progress) io.stderr('\r\x1b[K');
  if (outcome.fatal) throw new UsageError(outcome.fatal, outcome.fatalErrors);
  const { report } = outcome;
  const exitCode = report.errors.length > 0 ? 2 : report.findings.some((f) => isFailing(f, failOn)) ? 1 : 0;
  return { report, failOn, exitCode };
}

/** `-o FORMAT`, checked. */
export function formatOf(opts: LintCommandOptions): FormatName {
  const format = (opts.output ?? 'text').toLowerCase();
  if (!isFormatName(format)) throw new UsageError(`-o ${opts.output}: unknown format (one of ${FORMAT_NAMES.join(', ')})`);
  return format;
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

function isKustomizeMode(s: string): s is KustomizeMode {
  return (KUSTOMIZE_MODES as readonly string[]).includes(s);
}
