// `offgate merge`: the reports of `offgate lint --shard I/N` for N = 1..8 joined equal the
// single run's report byte for byte after sorting, in JSON, SARIF and JUnit; SARIF logs of
// shards merge directly; a lost shard, a report of another shape and input errors of shards
// give exit code 2; --fail-on and baselines carry through.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unwrapped } from './helpers/text';
import { workspace as makeWorkspace } from './helpers/workspace';
import { describe, expect, it } from 'vitest';
import { offgate } from './helpers/cli';

const workspace = (files: Record<string, string> = {}): string => makeWorkspace(files, { prefix: 'offgate-merge-' });

const pod = (name: string, extra = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n${extra}  containers:\n    - name: ${name}\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n`;
const deployment = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  selector:\n    matchLabels: { app: ${name} }\n  template:\n    metadata:\n      labels: { app: ${name} }\n    spec:\n      hostNetwork: true\n      containers:\n        - name: ${name}\n          image: nginx:1.27\n`;
const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  ports: [{ port: 80 }]\n`;

/** A monorepo: teams' folders of workloads (violating and clean), multi-document files, a workflow and a chart's values (skipped), a ConstraintTemplate among the inputs (a warning). */
function monorepo(): string {
  const files: Record<string, string> = {
    '.github/workflows/ci.yaml': 'on: push\njobs:\n  test: { runs-on: ubuntu-latest, steps: [] }\n',
    'deploy/compose.yaml': 'services:\n  web: { image: nginx }\n',
    'docs/values.yaml': 'replicas: 2\n',
    'platform/template.yaml': 'apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: k8sx\nspec:\n  crd: { spec: { names: { kind: K8sX } } }\n  targets: []\n',
  };
  for (let i = 0; i < 12; i++) {
    const team = `teams/team-${i % 4}`;
    files[`${team}/app-${i}/pod.yaml`] = pod(`app-${i}`, i % 3 === 0 ? '  hostPID: true\n' : '');
    files[`${team}/app-${i}/deploy.yaml`] = `${deployment(`web-${i}`)}---\n${service(`web-${i}`)}`;
    if (i % 5 === 0) files[`${team}/app-${i}/svc.yaml`] = service(`extra-${i}`);
  }
  return workspace(files);
}

const run = (args: string[], cwd: string) => offgate(args, { cwd });

/** Shards 1..n of `lint -o FORMAT .` written to files outside the repository (they would be inputs too); their paths. */
function shards(cwd: string, n: number, format: string, extra: string[] = []): string[] {
  const out = mkdtempSync(join(tmpdir(), 'offgate-shards-'));
  const names: string[] = [];
  for (let i = 1; i <= n; i++) {
    const name = join(out, `shard-${i}-of-${n}.${format}`);
    const r = run(['lint', '--shard', `${i}/${n}`, '-o', format, '--output-file', name, ...extra, '.'], cwd);
    expect(r.stderr).toBe('');
    expect([0, 1]).toContain(r.code);
    names.push(name);
  }
  return names;
}

type Rec = Record<string, unknown>;
const text = (v: unknown) => JSON.stringify(v);
const by = (key: (x: Rec) => string) => (a: Rec, b: Rec) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** A JSON report with its lists in one order: what "equal after sorting" compares. */
function sortedJson(s: string): string {
  const doc = JSON.parse(s);
  doc.results.sort(by((r) => text([r.file, String(r.line).padStart(8), String(r.column).padStart(8), r.constraint, r.message, r.object])));
  doc.errors.sort(by(text));
  doc.skipped.sort(by((x) => String(x.file)));
  doc.warnings.sort();
  doc.sources.sort();
  return JSON.stringify(doc, null, 2);
}

function sortedSarif(s: string): string {
  const log = JSON.parse(s);
  const run = log.runs[0];
  run.results.sort(by((r) => text([r.locations, r.ruleId, r.message, r.partialFingerprints])));
  for (const inv of run.invocations) inv.toolExecutionNotifications?.sort(by(text));
  run.properties.sources.sort();
  return JSON.stringify(log, null, 2);
}

/** JUnit with its suites, and the test cases of each, in one order. */
function sortedJunit(s: string): string {
  const suites = [...s.matchAll(/  <testsuite [^\n]*>\n([\s\S]*?)  <\/testsuite>\n/g)].map((m) => {
    const cases = [...m[1]!.matchAll(/    <testcase [\s\S]*?<\/testcase>\n/g)].map((c) => c[0]).sort();
    return `${m[0].split('\n')[0]}\n${cases.join('')}`;
  });
  expect(suites.length).toBeGreaterThan(1);
  return [s.split('\n').slice(0, 2).join('\n'), ...suites.sort()].join('\n');
}

describe('offgate merge of --shard reports', { timeout: 300_000 }, () => {
  const repo = monorepo();
  const single = (format: string) => run(['lint', '-o', format, '.'], repo);

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('N = %i: the merged JSON, SARIF and JUnit equal the single run after sorting', (n) => {
    const one = single('json');
    expect(one.code).toBe(1);
    const parts = shards(repo, n, 'json');
    // Every file on exactly one shard: the shards' file counts add up to the single run's.
    const counts = parts.map((p) => JSON.parse(run(['merge', '-o', 'json', p], repo).stdout).summary.files as number);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(JSON.parse(one.stdout).summary.files);

    const merged = run(['merge', '-o', 'json', ...parts], repo);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(one.code);
    expect(sortedJson(merged.stdout)).toBe(sortedJson(one.stdout));

    const sarif = run(['merge', '-o', 'sarif', ...parts], repo);
    expect(sarif.code).toBe(one.code);
    expect(sortedSarif(sarif.stdout)).toBe(sortedSarif(single('sarif').stdout));

    const junit = run(['merge', '-o', 'junit', ...parts], repo);
    expect(junit.code).toBe(one.code);
    expect(sortedJunit(junit.stdout)).toBe(sortedJunit(single('junit').stdout));
  });

  it("lists the merged findings by file and position, whatever the shards' order", () => {
    const parts = shards(repo, 3, 'json');
    const a = run(['merge', '-o', 'json', ...parts], repo).stdout;
    expect(run(['merge', '-o', 'json', ...parts.reverse()], repo).stdout).toBe(a);
    const results = JSON.parse(a).results as { file: string; line: number }[];
    const keys = results.map((r) => `${r.file}\0${String(r.line).padStart(8)}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('merges the SARIF logs of shards directly into one run', () => {
    const parts = shards(repo, 3, 'sarif');
    const merged = run(['merge', '-o', 'sarif', ...parts], repo);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(1);
    const log = JSON.parse(merged.stdout);
    expect(log.runs).toHaveLength(1);
    expect(sortedSarif(merged.stdout)).toBe(sortedSarif(single('sarif').stdout));
    // Each result points at its rule.
    for (const r of log.runs[0].results) expect(log.runs[0].tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    const other = run(['merge', '-o', 'json', ...parts], repo);
    expect(other.code).toBe(2);
    expect(other.stderr).toBe('offgate: merge: SARIF logs merge into -o sarif only (for -o json, have the shards write -o json)\n');
  });

  it('a missing or repeated shard is an input error: exit 2, never a clean merge', () => {
    const parts = shards(repo, 4, 'json');
    const missing = run(['merge', '-o', 'json', parts[0]!, parts[1]!, parts[3]!], repo);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).errors).toContainEqual({ file: 'shard 3/4', line: null, column: null, message: 'missing: its files are not in the merged report' });
    const twice = run(['merge', parts[0]!, parts[0]!, parts[1]!, parts[2]!, parts[3]!], repo);
    expect(twice.code).toBe(2);
    expect(unwrapped(twice.stdout)).toContain(`${parts[0]}, ${parts[0]}: error: shard 1/4 given 2 times`);
    const sarif = shards(repo, 2, 'sarif');
    const lost = run(['merge', '-o', 'sarif', sarif[0]!], repo);
    expect(lost.code).toBe(2);
    expect(JSON.parse(lost.stdout).runs[0].invocations[0]).toMatchObject({ executionSuccessful: false });
  });

  it('joins the input errors of shards: exit 2, as the single run', () => {
    const cwd = workspace({
      'a/broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: [\n',
      'b/warned.yaml': pod('warned'),
      'c/other.yaml': service('other'),
    });
    const one = run(['lint', '-o', 'json', '.'], cwd);
    expect(one.code).toBe(2);
    const parts = shards2(cwd, 3);
    const merged = run(['merge', '-o', 'json', ...parts], cwd);
    expect(merged.code).toBe(2);
    expect(sortedJson(merged.stdout)).toBe(sortedJson(one.stdout));
  });

  it('keeps once what every shard reports alike: a --policy template that does not compile', () => {
    const files: Record<string, string> = {
      'policy/broken.yaml': 'apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: k8sbroken\nspec:\n  crd: { spec: { names: { kind: K8sBroken } } }\n  targets:\n    - target: admission.k8s.gatekeeper.sh\n      rego: |\n        package k8sbroken\n        violation[{"msg": msg}] {\n          msg := \n        }\n',
      'policy/constraint.yaml': 'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sBroken\nmetadata:\n  name: broken\n',
    };
    for (let i = 0; i < 6; i++) files[`k8s/pod-${i}.yaml`] = pod(`p${i}`);
    const cwd = workspace(files);
    const one = run(['lint', '-o', 'json', '--policy', 'policy', 'k8s'], cwd);
    expect(one.code).toBe(2);
    const errors = JSON.parse(one.stdout).errors;
    expect(errors.length).toBeGreaterThan(0);
    const out = mkdtempSync(join(tmpdir(), 'offgate-shards-'));
    const parts = [1, 2, 3].map((i) => {
      const file = join(out, `p${i}.json`);
      run(['lint', '--shard', `${i}/3`, '-o', 'json', '--output-file', file, '--policy', 'policy', 'k8s'], cwd);
      return file;
    });
    const merged = run(['merge', '-o', 'json', ...parts], cwd);
    expect(merged.code).toBe(2);
    expect(JSON.parse(merged.stdout).errors).toEqual(errors);
    expect(sortedJson(merged.stdout)).toBe(sortedJson(one.stdout));
  });

  it('refuses what is not a report: one line, exit 2', () => {
    const cwd = workspace({ 'x.json': '{"hello": 1}\n', 'y.json': 'not json\n' });
    expect(run(['merge', 'x.json'], cwd)).toMatchObject({ code: 2, stderr: 'offgate: x.json: not an offgate JSON report (write the shards\' reports with offgate lint -o json)\n' });
    const y = run(['merge', 'y.json'], cwd);
    expect(y.code).toBe(2);
    expect(y.stderr).toMatch(/^offgate: y\.json: not a JSON report: [^\n]*\n$/);
    expect(run(['merge', 'nope.json'], cwd)).toMatchObject({ code: 2, stderr: 'offgate: nope.json: cannot read: no such file or directory\n' });
    expect(run(['merge', '-o', 'xml', 'x.json'], cwd).code).toBe(2);
    expect(run(['merge', '--fail-on', 'error', 'x.json'], cwd)).toMatchObject({ code: 2, stderr: 'offgate: --fail-on error: must be deny, warn or none\n' });
  });

  it('carries baselines through: baselined findings do not fail the merged run', () => {
    const cwd = monorepo();
    expect(run(['lint', '--write-baseline', 'offgate-baseline.json', '.'], cwd).code).toBe(0);
    const parts = shards(cwd, 3, 'json', ['--baseline', 'offgate-baseline.json']);
    const merged = run(['merge', ...parts], cwd);
    expect(merged.code).toBe(0);
    // Skipped: docs/values.yaml, deploy/compose.yaml and the baseline itself (.github/ is a dot-folder, not walked).
    expect(merged.stdout).toMatch(/^no violations\n28 findings baselined \(offgate-baseline\.json\)\nchecked 40 objects in 28 files · 3 files skipped: not Kubernetes objects\n/m);
  });
});

/** Shards of `lint -o json .` where some inputs are errors (exit 2 allowed). */
function shards2(cwd: string, n: number): string[] {
  const out = mkdtempSync(join(tmpdir(), 'offgate-shards-'));
  const names: string[] = [];
  for (let i = 1; i <= n; i++) {
    const name = join(out, `part-${i}.json`);
    run(['lint', '--shard', `${i}/${n}`, '-o', 'json', '--output-file', name, '.'], cwd);
    names.push(name);
  }
  return names;
}
