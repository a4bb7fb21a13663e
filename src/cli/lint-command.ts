// `offgate lint [PATH|GLOB|-]...`: would the cluster accept these manifests?
// Exit 0 clean (warn and dryrun do not fail unless --fail-on warn), 1 when a
// finding fails the run, 2 for usage or input errors.
import { writeFileSync } from 'node:fs';
import { lint } from '../lint/lint';
import { isFailing } from '../report/model';
import { formats, isFormatName, FORMAT_NAMES } from '../report/formats/index';
import { UsageError } from './errors';

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
}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin?: NodeJS.ReadableStream;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export async function runLint(paths: string[], opts: LintCommandOptions, io: Io): Promise<number> {
  const format = (opts.output ?? 'text').toLowerCase();
  if (!isFormatName(format)) throw new UsageError(`-o ${opts.output}: unknown format (one of ${FORMAT_NAMES.join(', ')})`);
  const failOn = opts.failOn ?? 'deny';
  if (failOn !== 'deny' && failOn !== 'warn') throw new UsageError(`--fail-on ${failOn}: must be deny or warn`);
  if (paths.length === 0) throw new UsageError('lint: name files, folders or globs to lint, or - for standard input');

  // Progress only where a person watches: a TTY, text output, not CI.
  const progress = format === 'text' && io.isTTY && !io.env.CI;
  const outcome = await lint({
    paths,
    stdin: io.stdin,
    env: opts.env,
    configPath: opts.config,
    policyDirs: opts.policy,
    namespace: opts.namespace,
    onProgress: progress ? (n) => n > 20 && io.stderr(`\rread ${n} files…`) : undefined,
  });
  if (progress) io.stderr('\r\x1b[K');
  if (outcome.fatal) throw new UsageError(outcome.fatal);

  const color = format === 'text' && opts.color !== false && io.isTTY && !io.env.NO_COLOR && !opts.outputFile;
  const text = formats[format](outcome.report, { color, verbose: opts.verbose, failOn });
  if (opts.outputFile) writeFileSync(opts.outputFile, text);
  else io.stdout(text);

  if (outcome.report.errors.length > 0) return 2;
  return outcome.report.findings.some((f) => isFailing(f, failOn)) ? 1 : 0;
}
