// The Markdown job summary of a run in GitHub Actions: appended to the file
// $GITHUB_STEP_SUMMARY names (GitHub shows it on the run's page), with every place linked
// to its line in the commit being checked. `offgate lint -o github` and the Action both
// write it, with the same renderer (the markdown format).
import { appendFileSync } from 'node:fs';
import { render as markdown } from '../report/formats/markdown';
import type { RenderOptions } from '../report/formats/types';
import type { Report } from '../report/model';
import { errnoText, WriteError } from './output';

/**
 * Where a file of the repository is on GitHub: `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA/`,
 * paths relative to `$GITHUB_WORKSPACE` (the checkout) or else the working directory.
 * Undefined outside GitHub Actions (no repository or commit to link to).
 */
export function githubLinks(env: NodeJS.ProcessEnv, cwd: string): RenderOptions['links'] {
  const repository = env.GITHUB_REPOSITORY;
  const sha = env.GITHUB_SHA;
  if (!repository || !sha) return undefined;
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  return { base: `${server}/${repository}/blob/${sha}/`, root: env.GITHUB_WORKSPACE || cwd };
}

/**
 * Appends the report's Markdown summary to $GITHUB_STEP_SUMMARY; nothing when it is not
 * set. A file that cannot be written is a WriteError (one line, exit code 2).
 */
export function appendStepSummary(report: Report, env: NodeJS.ProcessEnv, opts: { failOn?: 'deny' | 'warn'; cwd?: string } = {}): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  const cwd = opts.cwd ?? process.cwd();
  const text = markdown(report, { color: false, failOn: opts.failOn ?? 'deny', cwd, links: githubLinks(env, cwd) });
  try {
    appendFileSync(file, text);
  } catch (e) {
    throw new WriteError(`cannot write the job summary $GITHUB_STEP_SUMMARY (${file}): ${errnoText(e)}`);
  }
}
