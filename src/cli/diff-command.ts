// `offgate diff --from A [--to B] [paths]`: what a change of policy or of manifests adds
// and removes before it happens. Exit 0 when nothing failing is added, 1 when an added
// finding fails the run (deny; warn too with --fail-on warn), 2 for bad usage, a side that
// cannot be linted (unknown environment, revision or file) or input errors on the `to` side.
import { diff } from '../diff/diff';
import { DIFF_FORMATS, renderDiffJson, renderDiffText, type DiffFormat } from '../diff/render';
import { terminalWidth } from '../report/wrap';
import { UsageError } from './errors';
import { failsRun, parseFailOn } from './fail-on';
import { parseKustomize, parseLimits } from './lint-command';

export interface DiffCommandOptions {
  from?: string;
  to?: string;
  output?: string;
  env?: string;
  config?: string;
  policy?: string[];
  namespace?: string;
  failOn?: string;
  exclude?: string[];
  kustomize?: string;
  helmValues?: string[];
  timeout?: string;
  maxFileSize?: string;
}

/** Compares, prints, and returns the exit code. */
export async function runDiff(paths: string[], opts: DiffCommandOptions, cwd: string, write: (text: string) => void): Promise<number> {
  if (!opts.from) throw new UsageError('diff: --from is required (an environment, a preset, FILE.yaml#ENVIRONMENT or git:REV)');
  const format = (opts.output ?? 'text').toLowerCase();
  if (!isDiffFormat(format)) throw new UsageError(`-o ${opts.output}: unknown format for diff (one of ${DIFF_FORMATS.join(', ')})`);
  const failOn = parseFailOn(opts.failOn);
  const kustomize = parseKustomize(opts.kustomize);
  const { timeoutMs, maxFileSize } = parseLimits({ timeout: opts.timeout, maxFileSize: opts.maxFileSize });

  const result = await diff({
    from: opts.from,
    to: opts.to,
    // A pull request's question is about the whole repository: `.` unless told otherwise.
    paths: paths.length > 0 ? paths : ['.'],
    cwd,
    env: opts.env,
    configPath: opts.config,
    lint: { policyDirs: opts.policy, namespace: opts.namespace, exclude: opts.exclude, kustomize, helmValues: opts.helmValues, timeoutMs, maxFileSize },
  });
  if ('error' in result) throw new UsageError(result.error);
  write(format === 'json' ? renderDiffJson(result) : renderDiffText(result, { width: terminalWidth(process.env, process.stdout.isTTY ? process.stdout.columns : undefined) }));
  if (result.to.errors.length > 0) return 2;
  return failsRun(result.added, failOn) ? 1 : 0;
}

function isDiffFormat(s: string): s is DiffFormat {
  return (DIFF_FORMATS as readonly string[]).includes(s);
}
