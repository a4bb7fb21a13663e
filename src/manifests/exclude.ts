// What a lint leaves out before reading: the user's `--exclude` patterns (and offgate.yaml's
// `exclude:`), and, in folder walks, what the repository's .gitignore files ignore (build
// output, vendored charts). Patterns are gitignore's (`vendor/`, `*.tmpl.yaml`,
// `!keep.yaml`, `/top-only`), matched by the `ignore` package: it implements git's rules
// (anchoring, directory-only patterns, negation, `**`) as git does, which hand-written
// matching would get subtly wrong; it is small pure JavaScript, bundled by esbuild.
import ignore, { type Ignore } from 'ignore';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

/** `path` relative to `base` with forward slashes, or undefined when it lies outside `base`. */
function inside(base: string, path: string): string | undefined {
  // A walk's paths are built by joining onto the folder: slicing is exact, and much cheaper
  // than path.relative for tens of thousands of files.
  const prefix = base.endsWith(sep) ? base : base + sep;
  const rel = path.startsWith(prefix) ? path.slice(prefix.length) : relative(base, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** A set of gitignore-style patterns relative to one folder. */
export class PatternSet {
  private readonly matcher: Ignore;

  constructor(
    readonly base: string,
    patterns: readonly string[],
  ) {
    this.matcher = ignore().add([...patterns]);
  }

  /** Whether `path` (absolute) is matched; a path outside `base` never is. */
  matches(path: string, isDirectory: boolean): boolean {
    const rel = inside(this.base, path);
    return rel !== undefined && this.matcher.ignores(isDirectory ? `${rel}/` : rel);
  }

  /** git's verdict for `path`: ignored, re-included by a `!` pattern, or no rule matched. */
  verdict(path: string, isDirectory: boolean): 'ignored' | 'unignored' | undefined {
    const rel = inside(this.base, path);
    if (rel === undefined) return undefined;
    const { ignored, unignored } = this.matcher.test(isDirectory ? `${rel}/` : rel);
    return ignored ? 'ignored' : unignored ? 'unignored' : undefined;
  }
}

/**
 * The .gitignore files of a repository, read as a walk reaches their folders: the root's and
 * every nested one. As in git, the deepest file with a rule for a path decides (a nested
 * `!keep.yaml` re-includes what the root's `*.yaml` ignores), and a folder that is ignored is
 * not entered (git cannot re-include a file whose folder is ignored either).
 */
export class GitIgnores {
  private readonly byFolder = new Map<string, PatternSet | null>();
  /** The repository's root for each folder asked about. */
  private readonly roots = new Map<string, string>();

  /** Whether a walk should leave out `path` (absolute), met in the folder `parent`. */
  ignored(path: string, parent: string, isDirectory: boolean): boolean {
    const root = this.rootOf(parent);
    for (let dir = parent; ; dir = dirname(dir)) {
      const verdict = this.patternsIn(dir)?.verdict(path, isDirectory);
      if (verdict) return verdict === 'ignored';
      if (dir === root || dirname(dir) === dir) return false;
    }
  }

  /** The nearest folder above `dir` with `.git` (a folder, or a file in a worktree); `dir` itself outside any repository. */
  private rootOf(dir: string): string {
    const known = this.roots.get(dir);
    if (known !== undefined) return known;
    let root = dir;
    for (let d = dir; ; d = dirname(d)) {
      if (existsSync(join(d, '.git'))) {
        root = d;
        break;
      }
      if (dirname(d) === d) break;
    }
    this.roots.set(dir, root);
    return root;
  }

  private patternsIn(dir: string): PatternSet | null {
    let set = this.byFolder.get(dir);
    if (set === undefined) {
      set = null;
      try {
        set = new PatternSet(dir, readFileSync(join(dir, '.gitignore'), 'utf8').split(/\r?\n/));
      } catch {
        // no .gitignore here (or unreadable: git would not apply it either)
      }
      this.byFolder.set(dir, set);
    }
    return set;
  }
}
