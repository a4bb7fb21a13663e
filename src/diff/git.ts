// A git revision as a folder: `offgate diff --from git:REV` lints the config and manifests
// that revision holds. Its tree is checked out into a folder under the system's temporary
// folder through an index file of our own (git read-tree, git checkout-index), so nothing is
// written to the repository (not even .git/worktrees) or beside it, and files marked
// export-ignore are there as they are in the revision. The folder is removed when the diff
// ends, and at exit if it ends early.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface Checkout {
  /** The repository's top-level folder in the working tree (real path). */
  toplevel: string;
  /** The revision's tree: the same layout as `toplevel`. */
  root: string;
  /** The working directory's counterpart in `root`. */
  cwd: string;
  /** Removes the folder (safe to call twice). */
  cleanup: () => void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

type Git = { ok: true; stdout: string } | { ok: false; stderr: string; missing?: boolean };

function git(args: string[], cwd: string, env?: NodeJS.ProcessEnv): Git {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: env ?? process.env, maxBuffer: 16 * 1024 * 1024 });
  if (r.error) return { ok: false, stderr: r.error.message, missing: (r.error as NodeJS.ErrnoException).code === 'ENOENT' };
  if (r.status !== 0) return { ok: false, stderr: (r.stderr || '').trim() };
  return { ok: true, stdout: r.stdout.trim() };
}

/** The commit `rev` names in the repository holding `cwd`, or why there is none. */
export function resolveRevision(cwd: string, rev: string): { toplevel: string; commit: string } | { error: string } {
  const top = git(['rev-parse', '--show-toplevel'], cwd);
  if (!top.ok) {
    if (top.missing) return { error: `git:${rev}: git is not installed (not found on PATH)` };
    return { error: `git:${rev}: ${cwd} is not in a git repository` };
  }
  // --end-of-options: a revision is never read as an option of rev-parse.
  const commit = git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], cwd);
  if (!commit.ok || !commit.stdout) return { error: `git:${rev}: no such revision in ${top.stdout} (git rev-parse --verify found no commit)` };
  return { toplevel: realpathSync(top.stdout), commit: commit.stdout };
}

/** Checks out `commit` of the repository at `toplevel` into a new temporary folder. */
export function checkoutRevision(toplevel: string, commit: string, cwd: string, rev: string): Checkout | { error: string } {
  const temp = mkdtempSync(join(tmpdir(), 'offgate-diff-'));
  let removed = false;
  const cleanup = () => {
    if (removed) return;
    removed = true;
    process.removeListener('exit', cleanup);
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    rmSync(temp, { recursive: true, force: true });
  };
  // Interrupted (Ctrl-C, a CI job cancelled): removed, then ended by the same signal as before.
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.kill(process.pid, signal);
  };
  process.on('exit', cleanup);
  for (const signal of SIGNALS) process.once(signal, onSignal);
  const root = join(temp, 'tree');
  const env = { ...process.env, GIT_INDEX_FILE: join(temp, 'index') };
  const read = git(['read-tree', commit], toplevel, env);
  const out = read.ok ? git(['checkout-index', '--all', '--force', `--prefix=${root}${sep}`], toplevel, env) : read;
  if (!out.ok) {
    cleanup();
    return { error: `git:${rev}: cannot check out ${commit.slice(0, 12)}: ${out.stderr.split('\n')[0]}` };
  }
  // The repository's root, as config discovery and .gitignore handling see it: the walk up
  // for offgate.yaml stops here, as it stops at the working tree's root.
  mkdirSync(join(root, '.git'), { recursive: true });
  const sideCwd = join(root, relative(toplevel, realpathSync(cwd)));
  mkdirSync(sideCwd, { recursive: true });
  return { toplevel, root, cwd: sideCwd, cleanup };
}

/**
 * A path given on the command line (relative to the working directory `cwd`), as the same
 * path in the checkout: inside the repository, relative paths stay (the checkout has its own
 * working directory) and absolute ones move; outside it, the path is the same file on both
 * sides, named absolutely.
 */
export function pathInCheckout(c: Checkout, cwd: string, path: string): string {
  const inRepo = relative(c.toplevel, resolve(realpathSync(cwd), path));
  if (inRepo.startsWith('..') || isAbsolute(inRepo)) return resolve(cwd, path);
  return isAbsolute(path) ? join(c.root, inRepo) : path;
}

/** Text naming files of the checkout, naming the working tree's instead. */
export function fromCheckout(c: Checkout, text: string): string {
  return text.includes(c.root) ? text.split(c.root).join(c.toplevel) : text;
}
