// `environments.<name>.paths`: which environment checks which file when `offgate lint` is
// given no `--env`. Patterns are gitignore's (as for `exclude:`), relative to the folder of
// the configuration file, and matched by the same PatternSet: `k8s/prod/` takes everything
// under that folder, `*.prod.yaml` such files in any folder, `/prod.yaml` only at the top.
// The first environment in file order whose patterns match a file takes it.
import { dirname, resolve } from 'node:path';
import { PatternSet } from '../manifests/exclude';
import type { Config } from './model';

/** Whether offgate.yaml sends files to environments by path (some environment has `paths:`). */
export function routesByPath(config: Config | null): config is Config {
  return config !== null && [...config.environments.values()].some((env) => env.paths !== undefined && env.paths.length > 0);
}

/**
 * A function from a file (as given, relative to `cwd`, or absolute) to the first environment
 * whose paths match it; undefined when none does (the default environment then applies).
 * Standard input (`-`) has no path: it matches none.
 */
export function environmentRouter(config: Config, cwd: string): (file: string) => string | undefined {
  const base = dirname(config.path);
  const sets = [...config.environments].filter(([, env]) => env.paths?.length).map(([name, env]) => ({ name, patterns: new PatternSet(base, env.paths!) }));
  return (file) => {
    if (file === '-') return undefined;
    const path = resolve(cwd, file);
    return sets.find((s) => s.patterns.matches(path, false))?.name;
  };
}
