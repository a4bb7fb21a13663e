// Paths → environments (issue 17 item 1): `offgate lint .` without --env checks each file
// against the first environment whose `paths:` match it, else the default environment; the
// report says which environment checked each file; --env still forces one. Run through the
// built CLI on a repository laid out as real ones are.
import { join } from 'node:path';
import { unwrapped } from './helpers/text';
import { workspace } from './helpers/workspace';
import { describe, expect, it } from 'vitest';
import { environmentRouter, routesByPath } from '../src/config/paths';
import { parseConfig } from '../src/config/load';
import type { Config } from '../src/config/model';
import { offgate } from './helpers/cli';

function repo(files: Record<string, string> = {}): string {
  return workspace(files, { prefix: 'offgate-paths-', git: true });
}

/** A Deployment with a hostNetwork pod and a privileged container: baseline and restricted both deny it. */
function deployment(name: string, namespace: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      hostNetwork: true
      containers:
        - name: ${name}
          image: registry.example/${name}:1.0
          securityContext:
            privileged: true
`;
}

const OFFGATE_YAML = `# yaml-language-server: $schema=./node_modules/offgate/schema/offgate.schema.json
environments:
  default:
    extends: baseline
  production:
    extends: restricted
    paths: [k8s/prod/, "*.prod.yaml"]
  staging:
    extends: baseline
    enforcementAction: warn
    paths: [k8s/staging/]
`;

const TREE = {
  'offgate.yaml': OFFGATE_YAML,
  '.github/workflows/ci.yaml': 'on: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx offgate lint .\n',
  'k8s/prod/web.yaml': deployment('web', 'shop'),
  'k8s/staging/web.yaml': deployment('web', 'shop-staging'),
  'k8s/dev/web.yaml': deployment('web', 'shop-dev'),
  'apps/api/api.prod.yaml': deployment('api', 'shop'),
};

interface JsonReport {
  sources: string[];
  results: { file: string; environment?: string; enforcementAction: string; constraint: { kind: string; name: string } }[];
  errors: { file: string; message: string }[];
}

function json(args: string[], cwd: string): { code: number; report: JsonReport; stderr: string } {
  const r = offgate(['lint', '-o', 'json', ...args], { cwd });
  return { code: r.code, report: r.stdout ? (JSON.parse(r.stdout) as JsonReport) : ({} as JsonReport), stderr: r.stderr };
}

/** file → the environments and constraint-name prefixes of its findings. */
function byFile(report: JsonReport): Record<string, { environments: string[]; actions: string[]; constraints: string[] }> {
  const out: Record<string, { environments: string[]; actions: string[]; constraints: string[] }> = {};
  for (const r of report.results) {
    const f = (out[r.file] ??= { environments: [], actions: [], constraints: [] });
    const add = (list: string[], v: string) => !list.includes(v) && list.push(v);
    add(f.environments, r.environment ?? '(none)');
    add(f.actions, r.enforcementAction);
    add(f.constraints, r.constraint.name.replace(/^(offgate-[a-z]+)-.*$/, '$1'));
  }
  return out;
}

describe('a prod/staging tree checked in one run', () => {
  it('each file against the first environment whose paths match, else the default; each finding says its environment', () => {
    const cwd = repo(TREE);
    const { code, report } = json(['.'], cwd);
    expect(code).toBe(1);
    expect(report.errors).toEqual([]);
    expect(byFile(report)).toEqual({
      'k8s/prod/web.yaml': { environments: ['production'], actions: ['deny'], constraints: ['offgate-production'] },
      'apps/api/api.prod.yaml': { environments: ['production'], actions: ['deny'], constraints: ['offgate-production'] },
      'k8s/staging/web.yaml': { environments: ['staging'], actions: ['warn'], constraints: ['offgate-staging'] },
      'k8s/dev/web.yaml': { environments: ['default'], actions: ['deny'], constraints: ['offgate-default'] },
    });
    // restricted checks more than baseline: the same Deployment has more findings in prod.
    const count = (file: string) => report.results.filter((r) => r.file === file).length;
    expect(count('k8s/prod/web.yaml')).toBeGreaterThan(count('k8s/dev/web.yaml'));
    expect(report.sources).toEqual([
      'environment "production" of offgate.yaml (extends restricted): 2 files',
      'environment "staging" of offgate.yaml (extends baseline): 1 file',
      'environment "default" of offgate.yaml (extends baseline): 1 file (in the paths of no environment)',
    ]);
  });

  it('text: each finding says its environment, and the sources line lists the environments used', () => {
    const cwd = repo(TREE);
    const r = offgate(['lint', 'k8s/'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  checked against environment production\n');
    expect(unwrapped(r.stdout)).toMatch(/^constraints: environment "production" of offgate\.yaml \(extends restricted\): 1 file, environment "staging" of offgate\.yaml \(extends baseline\): 1 file, environment "default" of offgate\.yaml \(extends baseline\): 1 file \(in the paths of no environment\)$/m);
  });

  it('--env forces one environment for every file, and findings then carry none', () => {
    const cwd = repo(TREE);
    const { report } = json(['--env', 'staging', '.'], cwd);
    expect(new Set(report.results.map((r) => r.constraint.name.replace(/^(offgate-[a-z]+)-.*$/, '$1')))).toEqual(new Set(['offgate-staging']));
    expect(report.results.every((r) => r.environment === undefined && r.enforcementAction === 'warn')).toBe(true);
    expect(report.sources).toEqual(['environment "staging" of offgate.yaml (extends baseline)']);
  });

  it('a pre-commit hook handing over the changed files gets the same split', () => {
    const cwd = repo(TREE);
    const { report } = json(['k8s/staging/web.yaml', 'k8s/prod/web.yaml', '.github/workflows/ci.yaml'], cwd);
    expect(Object.fromEntries(Object.entries(byFile(report)).map(([f, v]) => [f, v.environments]))).toEqual({ 'k8s/prod/web.yaml': ['production'], 'k8s/staging/web.yaml': ['staging'] });
  });

  it('paths are relative to offgate.yaml’s folder, wherever offgate runs from', () => {
    const cwd = repo(TREE);
    const { report } = json(['web.yaml'], join(cwd, 'k8s/prod'));
    expect(byFile(report)).toEqual({ 'web.yaml': { environments: ['production'], actions: ['deny'], constraints: ['offgate-production'] } });
  });

  it('a file in no environment’s paths, with no default environment: an input error naming it, exit 2; the others are still linted', () => {
    const cwd = repo({ ...TREE, 'offgate.yaml': OFFGATE_YAML.replace('  default:\n    extends: baseline\n', '') });
    const { code, report } = json(['.'], cwd);
    expect(code).toBe(2);
    expect(report.errors).toEqual([
      { file: 'k8s/dev/web.yaml', line: null, column: null, message: 'matches the paths of no environment of offgate.yaml, and none is named "default": add it to an environment\'s paths, add a "default" environment, or choose one with --env' },
    ]);
    expect(Object.keys(byFile(report)).sort()).toEqual(['apps/api/api.prod.yaml', 'k8s/prod/web.yaml', 'k8s/staging/web.yaml']);
  });

  it('standard input goes to the default environment', () => {
    const cwd = repo(TREE);
    const r = offgate(['lint', '-o', 'json', '-'], { cwd, input: deployment('web', 'shop') });
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.results.length).toBeGreaterThan(0);
    expect(report.results.every((x) => x.file === '-' && x.environment === 'default')).toBe(true);
  });
});

describe('environmentRouter: gitignore-style patterns, first match wins', () => {
  const cfg = (text: string): Config => {
    const r = parseConfig(text, 'offgate.yaml', '/repo/offgate.yaml');
    if ('error' in r) throw new Error(r.error);
    return r.config;
  };
  const c = cfg('environments:\n  a:\n    paths: [k8s/prod/*, "!k8s/prod/sandbox/"]\n  b:\n    paths: ["*.staging.yaml", /top.yaml]\n  c:\n    paths: [k8s/]\n  default: {}\n');
  const route = environmentRouter(c, '/repo');

  it('folder patterns take everything under them; negations leave files to later environments', () => {
    expect(route('k8s/prod/web.yaml')).toBe('a');
    expect(route('k8s/prod/deep/er/web.yaml')).toBe('a');
    expect(route('k8s/prod/sandbox/x.yaml')).toBe('c');
    expect(route('k8s/other.yaml')).toBe('c');
    // As in git, a file whose folder a pattern takes cannot be given back by a negation.
    const folder = environmentRouter(cfg('environments:\n  a:\n    paths: [k8s/prod/, "!k8s/prod/sandbox/"]\n  default: {}\n'), '/repo');
    expect(folder('k8s/prod/sandbox/x.yaml')).toBe('a');
  });

  it('a pattern without a slash matches in any folder; a leading slash anchors it to offgate.yaml’s folder', () => {
    expect(route('apps/x/api.staging.yaml')).toBe('b');
    expect(route('top.yaml')).toBe('b');
    expect(route('apps/top.yaml')).toBeUndefined();
  });

  it('files outside offgate.yaml’s folder and standard input match no environment', () => {
    expect(route('/elsewhere/k8s/prod/web.yaml')).toBeUndefined();
    expect(route('-')).toBeUndefined();
  });

  it('routing is on only when some environment has paths', () => {
    expect(routesByPath(c)).toBe(true);
    expect(routesByPath(cfg('environments:\n  a: {}\n'))).toBe(false);
    expect(routesByPath(null)).toBe(false);
  });
});

describe('--policy next to environments chosen by path', () => {
  it('the repository’s own constraints apply to every file, and their load errors are said once', async () => {
    const { lint } = await import('../src/lint/lint');
    const cwd = repo({
      ...TREE,
      'policy/privileged.yaml': `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPSPPrivilegedContainer
metadata:
  name: team-no-privileged
spec:
  enforcementAction: deny
`,
      'policy/unknown.yaml': `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sNoSuchTemplate
metadata:
  name: typo
`,
    });
    const { report, fatal } = await lint({ paths: ['k8s/'], cwd, policyDirs: ['policy'] });
    expect(fatal).toBeUndefined();
    const team = report.findings.filter((f) => f.constraint.name === 'team-no-privileged');
    expect(team.map((f) => `${f.file} ${f.environment}`).sort()).toEqual(['k8s/dev/web.yaml default', 'k8s/prod/web.yaml production', 'k8s/staging/web.yaml staging']);
    expect(report.errors.filter((e) => e.message.includes('K8sNoSuchTemplate'))).toHaveLength(1);
    expect(report.sources.at(-1)).toMatch(/^--policy policy \(/);
  });
});
