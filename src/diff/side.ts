// What `--from` and `--to` of `offgate diff` name: one side of the comparison. A side is
// either a policy to lint the working tree against (an environment or preset, or an
// environment of another offgate.yaml) or a git revision, whose config and manifests
// both are what that revision holds.

export type Side =
  /** `production`, `baseline`: an environment of the current offgate.yaml, or a preset. */
  | { kind: 'env'; spec: string; env: string }
  /** `other/offgate.yaml#staging`: an environment of another offgate.yaml (the part after `#`). */
  | { kind: 'config'; spec: string; configPath: string; env: string }
  /** `git:origin/main`: config and manifests as of that revision. */
  | { kind: 'git'; spec: string; rev: string }
  /** The working tree with the current config and `--env` (the default `--to`). */
  | { kind: 'worktree'; spec: string };

export const GIT_PREFIX = 'git:';

/** The side a `--from`/`--to` value names, or why it names none. */
export function parseSide(spec: string, option: string): Side | { error: string } {
  if (spec.startsWith(GIT_PREFIX)) {
    const rev = spec.slice(GIT_PREFIX.length);
    // A leading `-` would be read by git as an option.
    if (!rev || rev.startsWith('-')) return { error: `${option} ${spec}: name a git revision after "git:" (e.g. git:HEAD~1, git:origin/main)` };
    return { kind: 'git', spec, rev };
  }
  const hash = spec.lastIndexOf('#');
  if (hash >= 0) {
    const configPath = spec.slice(0, hash);
    const env = spec.slice(hash + 1);
    if (!configPath || !env) return { error: `${option} ${spec}: expected FILE.yaml#ENVIRONMENT (e.g. ../platform/offgate.yaml#production)` };
    return { kind: 'config', spec, configPath, env };
  }
  if (!spec) return { error: `${option}: name an environment, a preset, FILE.yaml#ENVIRONMENT or git:REV` };
  return { kind: 'env', spec, env: spec };
}

/** How a side is named in reports: `git:HEAD~1`, `restricted`, `the working tree`. */
export function sideLabel(side: Side): string {
  return side.kind === 'worktree' ? 'the working tree' : side.spec;
}
