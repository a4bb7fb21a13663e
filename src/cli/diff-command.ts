// `offgate diff --from A [--to B] [paths]`: what a change of policy or of manifests adds
// and removes before it happens. Exit 0 when nothing failing is added, 1 when an added
// finding fails the run (deny; warn too with --fail-on warn), 2 for bad usage, a side that
// cannot be linted (unknown environment, revision or file) or input errors on the `to` side.
import { diff } from '../diff/diff';
import { terminalWidth } from '../report/wrap';
import { DIFF_FORMATS, renderDiffJson, renderDiffText, type DiffFormat } from '../diff/render';
import { KUSTOMIZE_MODES, type KustomizeMode } from '../render';
import { isFailing } from '../report/model';
import { UsageError } from './errors';
import { parseLimits } from './lint-command';

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
  const failOn = opts.failOn ?? 'deny';
  if (failOn !== 'deny' && failOn !== 'warn' && failOn !== 'none') throw new UsageError(`--fail-on ${failOn}: must be deny, warn or none`);
  const kustomize = opts.kustomize ?? 'auto';
  if (!(KUSTOMIZE_MODES as readonly string[]).includes(kustomize)) throw new UsageError(`--kustomize ${kustomize}: must be ${KUSTOMIZE_MODES.join(', ')}`);
  const { timeoutMs, maxFileSize } = parseLimits({ timeout: opts.timeout, maxFileSize: opts.maxFileSize });

  const result = await diff({
    from: opts.from,
    to: opts.to,
    // A pull request's question is about the whole repository: `.` unless told otherwise.
    paths: paths.length > 0 ? paths : ['.'],
    cwd,
    env: opts.env,
    configPath: opts.config,
    lint: { policyDirs: opts.policy, namespace: opts.namespace, exclude: opts.exclude, kustomize: kustomize as KustomizeMode, helmValues: opts.helmValues, timeoutMs, maxFileSize },
  });
  if ('error' in result) throw new UsageError(result.error);
  write(format === 'json' ? renderDiffJson(result) : renderDiffText(result, { width: terminalWidth(process.env, process.stdout.isTTY ? process.stdout.columns : undefined) }));
  if (result.to.errors.length > 0) return 2;
  return failOn !== 'none' && result.added.some((f) => isFailing(f, failOn)) ? 1 : 0;
}

function isDiffFormat(s: string): s is DiffFormat {
  return (DIFF_FORMATS as readonly string[]).includes(s);
}
