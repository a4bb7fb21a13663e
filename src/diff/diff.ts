// `offgate diff` as a library function: lint the same paths twice, once per side, and
// compare the findings (compare.ts). Each side is a policy (environment, preset, another
// offgate.yaml's environment) applied to the working tree, or a git revision, whose own
// offgate.yaml and manifests are linted from a temporary checkout (git.ts) and named as the
// working tree's files, so that both sides speak of the same paths.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { lint, type LintOptions } from '../lint/lint';
import type { Finding, InputError, Report } from '../report/model';
import { compareFindings, type Comparison } from './compare';
import { checkoutRevision, fromCheckout, pathInCheckout, resolveRevision } from './git';
import { parseSide, sideLabel, type Side } from './side';

/** The options of one lint that are the same on both sides. */
export type SharedLintOptions = Omit<LintOptions, 'paths' | 'cwd' | 'stdin' | 'env' | 'configPath' | 'onProgress'>;

export interface DiffOptions {
  /** `--from`: an environment, a preset, `FILE.yaml#ENV` or `git:REV`. */
  from: string;
  /** `--to`: the same; default the working tree with the current config and `env`. */
  to?: string;
  /** Files, folders or globs (no standard input: it could not be read twice). */
  paths: string[];
  cwd?: string;
  /** `--env`: the environment of the git and working-tree sides (default: offgate.yaml's). */
  env?: string;
  /** `--config`: offgate.yaml of the git and working-tree sides and of environment names. */
  configPath?: string;
  lint?: SharedLintOptions;
}

export interface SideResult {
  /** `git:HEAD~1`, `restricted`, `the working tree`. */
  label: string;
  sources: string[];
  findings: Finding[];
  /** Input errors of this side's lint (file names as in the working tree). */
  errors: InputError[];
  warnings: string[];
}

export interface DiffResult extends Comparison {
  from: SideResult;
  to: SideResult;
}

/** The comparison, or one line saying why there is none (exit code 2). */
export async function diff(opts: DiffOptions): Promise<DiffResult | { error: string }> {
  const cwd = resolve(opts.cwd ?? process.cwd());
  if (opts.paths.includes('-')) return { error: 'diff: standard input cannot be linted twice; name files or folders' };
  const from = parseSide(opts.from, '--from');
  if ('error' in from) return from;
  const to: Side | { error: string } = opts.to === undefined ? { kind: 'worktree', spec: '' } : parseSide(opts.to, '--to');
  if ('error' in to) return to;
  const namesItsEnvironment = (s: Side) => s.kind === 'env' || s.kind === 'config';
  if (opts.env !== undefined && namesItsEnvironment(from) && namesItsEnvironment(to)) return { error: `diff: --env ${opts.env} has no side to apply to: --from and --to name their environments themselves` };
  const a = await lintSide(from, '--from', opts, cwd);
  if ('error' in a) return a;
  const b = await lintSide(to, '--to', opts, cwd);
  if ('error' in b) return b;
  return { from: a, to: b, ...compareFindings(a.findings, b.findings) };
}

async function lintSide(side: Side, option: string, opts: DiffOptions, cwd: string): Promise<SideResult | { error: string }> {
  const named = side.kind === 'worktree' ? '' : `${option} ${side.spec}: `;
  const base = { ...opts.lint, paths: opts.paths, cwd };
  if (side.kind === 'env') return report(side, named, await lint({ ...base, env: side.env, configPath: opts.configPath }));
  if (side.kind === 'worktree') return report(side, named, await lint({ ...base, env: opts.env, configPath: opts.configPath }));
  if (side.kind === 'config') {
    if (!existsSync(resolve(cwd, side.configPath))) return { error: `${named}${side.configPath}: no such file` };
    return report(side, named, await lint({ ...base, env: side.env, configPath: side.configPath }));
  }
  const revision = resolveRevision(cwd, side.rev);
  if ('error' in revision) return { error: `${option} ${revision.error}` };
  const checkout = checkoutRevision(revision.toplevel, revision.commit, cwd, side.rev);
  if ('error' in checkout) return { error: `${option} ${checkout.error}` };
  try {
    const inCheckout = (p: string) => pathInCheckout(checkout, cwd, p);
    const configPath = opts.configPath === undefined ? undefined : inCheckout(opts.configPath);
    const outcome = await lint({
      ...base,
      cwd: checkout.cwd,
      paths: opts.paths.map(inCheckout),
      policyDirs: opts.lint?.policyDirs?.map(inCheckout),
      helmValues: opts.lint?.helmValues?.map(inCheckout),
      env: opts.env,
      configPath,
    });
    // Named as the user named them: the checkout's files as the working tree's, and an
    // offgate.yaml outside the repository (read by its absolute path) as given.
    const back = (text: string) => {
      const inTree = fromCheckout(checkout, text);
      return configPath && opts.configPath && configPath !== opts.configPath ? inTree.split(configPath).join(opts.configPath) : inTree;
    };
    return report(side, named, outcome, back);
  } finally {
    checkout.cleanup();
  }
}

function report(side: Side, named: string, outcome: { report: Report; fatal?: string }, back: (text: string) => string = (t) => t): SideResult | { error: string } {
  if (outcome.fatal) return { error: `${named}${back(outcome.fatal)}` };
  const r = outcome.report;
  return {
    label: sideLabel(side),
    sources: r.sources.map(back),
    findings: r.findings.map((f) => ({ ...f, file: back(f.file), ...(f.rendered ? { rendered: { ...f.rendered, from: back(f.rendered.from) } } : {}) })),
    errors: r.errors.map((e) => ({ ...e, file: back(e.file), message: back(e.message) })),
    warnings: r.warnings.map(back),
  };
}
