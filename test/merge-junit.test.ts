// `offgate merge` of JUnit reports (`offgate lint --shard I/N -o junit`): for N = 1..8 the
// merged report is the single run's, byte for byte, with its suites listed by file (the
// order merge gives whatever the shards); --fail-on decides the exit code as lint's does;
// baselines, a --policy template every shard reports and a lost shard carry through; what is
// not an offgate JUnit report (malformed XML, another tool's report, JSON among XML) is one
// line naming the place, exit code 2.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offgate } from './helpers/cli';
import { workspace as makeWorkspace } from './helpers/workspace';

const workspace = (files: Record<string, string>): string => makeWorkspace(files, { prefix: 'offgate-merge-junit-' });

const pod = (name: string, extra = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n${extra}  containers:\n    - name: ${name}\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n`;
const cleanPod = (name: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }\n  containers:\n    - name: ${name}\n      image: nginx:1.27\n      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }\n`;
const deployment = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  selector:\n    matchLabels: { app: ${name} }\n  template:\n    metadata:\n      labels: { app: ${name} }\n    spec:\n      hostNetwork: true\n      containers:\n        - name: ${name}\n          image: nginx:1.27\n`;
const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  ports: [{ port: 80 }]\n`;

const OFFGATE_YAML = `environments:
  default:
    extends: baseline
  production:
    extends: restricted
    paths: [k8s/prod/, "*.prod.yaml"]
  staging:
    extends: production
    enforcementAction: warn
    paths: [k8s/staging/]
`;

/**
 * A GitOps monorepo: three environments by path (staging only warns), violating and clean
 * workloads, multi-document files, a file that does not parse, a chart's values and a
 * compose file (skipped), and a file name XML must escape.
 */
function monorepo(): string {
  const files: Record<string, string> = {
    'offgate.yaml': OFFGATE_YAML,
    'README.md': '# platform\n',
    'k8s/prod/broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: [\n',
    'k8s/staging/values.yaml': 'replicas: 2\n',
    'deploy/compose.yaml': 'services:\n  web: { image: nginx }\n',
    'k8s/odd & "quoted".yaml': pod('odd'),
  };
  for (let i = 0; i < 10; i++) {
    files[`k8s/prod/app-${i}.yaml`] = i % 2 ? pod(`p${i}`, '  hostPID: true\n') : `${deployment(`d${i}`)}---\n${cleanPod(`c${i}`)}`;
    files[`k8s/staging/app-${i}.yaml`] = i % 3 ? pod(`s${i}`) : `${cleanPod(`s${i}`)}---\n${service(`s${i}`)}`;
    files[`teams/team-${i % 3}/app-${i}.yaml`] = i % 3 ? cleanPod(`o${i}`) : deployment(`od${i}`);
    files[`svc/web-${i}.prod.yaml`] = pod(`w${i}`);
  }
  return workspace(files);
}

const run = (args: string[], cwd: string) => offgate(args, { cwd });

/** Shards 1..n of `lint -o junit .` written outside the repository; their paths. */
function shards(cwd: string, n: number, extra: string[] = [], inputs = ['.']): string[] {
  const out = mkdtempSync(join(tmpdir(), 'offgate-junit-shards-'));
  return Array.from({ length: n }, (_, k) => {
    const file = join(out, `shard-${k + 1}.xml`);
    const r = run(['lint', '--shard', `${k + 1}/${n}`, '-o', 'junit', '--output-file', file, ...extra, ...inputs], cwd);
    expect(r.stderr).toBe('');
    expect([0, 1, 2]).toContain(r.code);
    return file;
  });
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
const nameOf = (block: string) => decode(/ name="([^"]*)"/.exec(block)![1]!);
const byName = (a: string, b: string) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0);

/**
 * A single run's JUnit report with its suites in the order merge lists them: files with
 * findings by name, then files with input errors only by name, offgate's summary suite last
 * with its skipped files by name. Everything else byte for byte as lint wrote it.
 */
function inMergeOrder(xml: string): string {
  const end = '</testsuites>\n';
  expect(xml.endsWith(end)).toBe(true);
  const [head, ...blocks] = xml.slice(0, -end.length).split(/(?=^ {2}<testsuite )/m);
  const summary = blocks.pop()!;
  expect(nameOf(summary)).toBe('offgate');
  const findings = (b: string) => /<failure |<system-out>/.test(b);
  const [open, lint, ...skipped] = summary.slice(0, -'  </testsuite>\n'.length).split(/(?=^ {4}<testcase )/m);
  const fileOf = (c: string) => decode(/ file="([^"]*)"/.exec(c)![1]!);
  skipped.sort((a, b) => (fileOf(a) < fileOf(b) ? -1 : fileOf(a) > fileOf(b) ? 1 : 0));
  return [
    head,
    ...blocks.filter(findings).sort(byName),
    ...blocks.filter((b) => !findings(b)).sort(byName),
    open,
    lint,
    ...skipped,
    '  </testsuite>\n',
    end,
  ].join('');
}

describe('offgate merge of JUnit reports', { timeout: 300_000 }, () => {
  const repo = monorepo();
  const single = run(['lint', '-o', 'junit', '.'], repo);

  it('the workspace is what the tests need: findings of deny and warn, an input error, skipped files, three environments', () => {
    expect(single.code).toBe(2);
    expect(single.stdout).toMatch(/<failure [^>]*type="deny"/);
    expect(single.stdout).toMatch(/ {2}warn {2}/);
    expect(single.stdout).toContain('<error message=');
    expect(single.stdout).toContain('<skipped message=');
    expect(single.stdout).toContain('name="k8s/odd &amp; &quot;quoted&quot;.yaml"');
    expect(single.stdout).toMatch(/environment "production"[^,]*: \d+ files, environment "staging"[^,]*: \d+ files, environment "default"/);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('N = %i: the merged report is the single run\'s, byte for byte, its suites by file', (n) => {
    const parts = shards(repo, n);
    const merged = run(['merge', '-o', 'junit', ...parts], repo);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(single.code);
    expect(merged.stdout).toBe(inMergeOrder(single.stdout));
    // JUnit in, JUnit out without -o too; the shards in any order.
    expect(run(['merge', ...[...parts].reverse()], repo).stdout).toBe(merged.stdout);
  });

  it('a merge of the single run alone lists its suites in the same order', () => {
    const out = mkdtempSync(join(tmpdir(), 'offgate-junit-'));
    writeFileSync(join(out, 'all.xml'), single.stdout);
    const r = run(['merge', join(out, 'all.xml')], repo);
    expect(r).toMatchObject({ code: 2, stderr: '' });
    expect(r.stdout).toBe(inMergeOrder(single.stdout));
  });

  it('gives the test cases that merging the shards\' JSON reports into -o junit gives', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-json-shards-'));
    const json = [1, 2, 3].map((i) => {
      const file = join(dir, `shard-${i}.json`);
      run(['lint', '--shard', `${i}/3`, '-o', 'json', '--output-file', file, '.'], repo);
      return file;
    });
    const viaJson = run(['merge', '-o', 'junit', ...json], repo).stdout;
    const viaJunit = run(['merge', ...shards(repo, 3)], repo).stdout;
    // The same suites in the same order, the same summary; within a suite, findings at one position may be listed apart.
    const cases = (xml: string) => xml.split(/(?=^ {2}<testsuite )/m).map((suite) => [suite.split('\n')[0], ...(suite.match(/^ {4}<testcase [\s\S]*?<\/testcase>\n/gm) ?? []).sort()]);
    expect(cases(viaJunit)).toEqual(cases(viaJson));
  });

  it("merging the shards' JSON reports adds up each environment's files and keeps each finding's environment", () => {
    const dir = mkdtempSync(join(tmpdir(), 'offgate-json-shards-'));
    const json = [1, 2, 3, 4, 5].map((i) => {
      const file = join(dir, `shard-${i}.json`);
      run(['lint', '--shard', `${i}/5`, '-o', 'json', '--output-file', file, '.'], repo);
      return file;
    });
    const one = JSON.parse(run(['lint', '-o', 'json', '.'], repo).stdout);
    const merged = JSON.parse(run(['merge', '-o', 'json', ...json], repo).stdout);
    expect(merged.sources).toEqual(one.sources);
    expect(one.sources).toHaveLength(3);
    const key = (r: unknown) => JSON.stringify(r);
    expect(merged.results.map(key).sort()).toEqual(one.results.map(key).sort());
    expect(one.results.filter((r: { environment?: string }) => r.environment === 'staging').length).toBeGreaterThan(0);
  });

  it('--fail-on decides the exit code as for the single run; the failures are those the shards wrote', () => {
    const cwd = workspace({
      'offgate.yaml': OFFGATE_YAML,
      ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`k8s/staging/app-${i}.yaml`, i % 2 ? pod(`s${i}`) : cleanPod(`c${i}`)])),
    });
    for (const failOn of ['warn', 'deny']) {
      const one = run(['lint', '--fail-on', failOn, '-o', 'junit', '.'], cwd);
      const parts = shards(cwd, 3, ['--fail-on', failOn]);
      expect(run(['merge', '--fail-on', failOn, ...parts], cwd).stdout).toBe(inMergeOrder(one.stdout));
      for (const exit of ['deny', 'warn', 'none']) {
        expect(run(['merge', '--fail-on', exit, ...parts], cwd).code, `shards --fail-on ${failOn}, merge --fail-on ${exit}`).toBe(run(['lint', '--fail-on', exit, '.'], cwd).code);
      }
    }
    expect(run(['lint', '--fail-on', 'warn', '.'], cwd).code).toBe(1);
    expect(run(['lint', '.'], cwd).code).toBe(0);

    const denied = workspace({ 'k8s/a.yaml': pod('a'), 'k8s/b.yaml': cleanPod('b'), 'k8s/c.yaml': deployment('c') });
    const parts = shards(denied, 2);
    expect(run(['merge', ...parts], denied).code).toBe(1);
    expect(run(['merge', '--fail-on', 'none', ...parts], denied).code).toBe(0);
    expect(run(['merge', '--fail-on', 'fail', ...parts], denied)).toMatchObject({ code: 2, stderr: 'offgate: --fail-on fail: must be deny, warn or none\n' });
  });

  it('carries baselines through: baselined findings are no failures and do not fail the merged run', () => {
    const cwd = workspace({ 'k8s/a.yaml': pod('a'), 'k8s/b.yaml': deployment('b'), 'k8s/c.yaml': pod('c', '  hostPID: true\n'), 'k8s/d.yaml': cleanPod('d') });
    expect(run(['lint', '--write-baseline', 'offgate-baseline.json', 'k8s'], cwd).code).toBe(0);
    writeFileSync(join(cwd, 'k8s/e.yaml'), pod('e'));
    const one = run(['lint', '--baseline', 'offgate-baseline.json', '-o', 'junit', 'k8s'], cwd);
    expect(one.code).toBe(1);
    const parts = shards(cwd, 4, ['--baseline', 'offgate-baseline.json'], ['k8s']);
    const merged = run(['merge', ...parts], cwd);
    expect(merged.code).toBe(1);
    expect(merged.stdout).toBe(inMergeOrder(one.stdout));
    expect(merged.stdout).toMatch(/<system-out>1 denied · 5 objects in 5 files&#10;/);
    writeFileSync(join(cwd, 'k8s/e.yaml'), cleanPod('e'));
    expect(run(['merge', ...shards(cwd, 4, ['--baseline', 'offgate-baseline.json'], ['k8s'])], cwd).code).toBe(0);
  });

  it('keeps once what every shard reports alike: a --policy template that does not compile', () => {
    const files: Record<string, string> = {
      'policy/broken.yaml':
        'apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: k8sbroken\nspec:\n  crd: { spec: { names: { kind: K8sBroken } } }\n  targets:\n    - target: admission.k8s.gatekeeper.sh\n      rego: |\n        package k8sbroken\n        violation[{"msg": msg}] {\n          msg := \n        }\n',
      'policy/constraint.yaml': 'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sBroken\nmetadata:\n  name: broken\n',
    };
    for (let i = 0; i < 6; i++) files[`k8s/pod-${i}.yaml`] = pod(`p${i}`);
    const cwd = workspace(files);
    const one = run(['lint', '-o', 'junit', '--policy', 'policy', 'k8s'], cwd);
    expect(one.code).toBe(2);
    expect(one.stdout).toContain('<testsuite name="policy/broken.yaml"');
    const merged = run(['merge', ...shards(cwd, 3, ['--policy', 'policy'], ['k8s'])], cwd);
    expect(merged.code).toBe(2);
    expect(merged.stdout).toBe(inMergeOrder(one.stdout));
  });

  it('a shard lost or given twice is an input error of the merged report: exit 2, never a clean run', () => {
    const cwd = workspace(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k8s/app-${i}.yaml`, cleanPod(`a${i}`)])));
    const parts = shards(cwd, 4);
    expect(run(['merge', ...parts], cwd).code).toBe(0);
    const lost = run(['merge', parts[0]!, parts[1]!, parts[3]!], cwd);
    expect(lost.code).toBe(2);
    expect(lost.stdout).toContain(
      '  <testsuite name="shard 3/4" tests="1" failures="0" errors="1" skipped="0">\n    <testcase name="input error" classname="shard 3/4" file="shard 3/4">\n      <error message="missing: its files are not in the merged report" type="InputError">shard 3/4: missing: its files are not in the merged report</error>\n    </testcase>\n  </testsuite>\n',
    );
    expect(lost.stdout).toMatch(/<system-out>no violations · 1 input error · \d+ objects in \d+ files&#10;constraints: bundled baseline preset \(no offgate.yaml\)<\/system-out>/);
    const twice = run(['merge', parts[0]!, ...parts], cwd);
    expect(twice.code).toBe(2);
    expect(twice.stdout).toContain(`${parts[0]}, ${parts[0]}: shard 1/4 given 2 times</error>`);
    // The repeated report counted once: the summary counts what the report lists.
    expect(twice.stdout).toContain('<system-out>no violations · 1 input error · 12 objects in 12 files&#10;');
    const other = shards(cwd, 2);
    expect(run(['merge', ...parts, ...other], cwd).stdout).toContain('shards of different splits (/4, /2)');
  });
});

describe('offgate merge refuses what is not a JUnit report of offgate: one line, exit 2', { timeout: 120_000 }, () => {
  const cwd = workspace({ 'k8s/a.yaml': pod('a'), 'k8s/b.yaml': cleanPod('b') });
  let shard: string | undefined;
  /** The report of `lint --shard 1/1 -o junit` (one finding: exit code 1). */
  const report = () => (shard ??= shards(cwd, 1)[0]!);
  const dir = mkdtempSync(join(tmpdir(), 'offgate-junit-bad-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return name;
  };
  const merge = (...args: string[]) => run(['merge', ...args], dir);

  it('XML that is not well-formed: file:line:col and what is wrong', () => {
    const cases: [string, string][] = [
      ['<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="offgate">\n  <testsuite name="a">\n</testsuites>\n', 'cut.xml:4:1: not well-formed XML: </testsuites> closes <testsuite> (opened at 3:3)'],
      ['<testsuites name="offgate">\n  <testsuite name="a &amp b"/>\n</testsuites>\n', 'amp.xml:2:22: not well-formed XML: & that starts no reference (write &amp;)'],
      ['<testsuites name="offgate">&nbsp;</testsuites>\n', 'entity.xml:1:28: not well-formed XML: &nbsp; is not defined (XML without a DOCTYPE knows &lt; &gt; &amp; &quot; &apos; and &#N;)'],
      ['<testsuites name="offgate" tests="1" tests="2"/>\n', 'twice.xml:1:38: not well-formed XML: the attribute tests is given twice'],
      ['<testsuites name=offgate/>\n', 'unquoted.xml:1:18: not well-formed XML: the value of name must be quoted'],
      ['<testsuites name="offgate">\r\n  <testsuite>\r\n', 'open.xml:3:1: not well-formed XML: <testsuite> is not closed (opened at 2:3)'],
      ['<a/>\n<b/>\n', 'two.xml:2:1: not well-formed XML: a second root element: an XML document has one'],
      ['<!DOCTYPE x [<!ENTITY e "boom">]>\n<x>&e;</x>\n', 'doctype.xml:1:1: not well-formed XML: a DOCTYPE: offgate reads XML without document types'],
      ['<a>\u0001</a>\n', 'control.xml:1:4: not well-formed XML: a character XML does not allow (U+0001)'],
    ];
    for (const [text, message] of cases) {
      const name = message.slice(0, message.indexOf(':'));
      expect(merge(file(name, text)), name).toMatchObject({ code: 2, stdout: '', stderr: `offgate: ${message}\n` });
    }
  });

  it("another tool's JUnit report, or XML that is no JUnit report", () => {
    const jest =
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="jest tests" tests="1" failures="0" errors="0" time="1.2">\n  <testsuite name="sum" errors="0" failures="0" skipped="0" timestamp="2026-12-07T21:00:00" time="0.5" tests="1">\n    <testcase classname="sum adds" name="sum adds" time="0.001">\n    </testcase>\n  </testsuite>\n</testsuites>\n';
    expect(merge(file('jest.xml', jest))).toMatchObject({
      code: 2,
      stderr: 'offgate: jest.xml:2:1: a JUnit report of another tool (<testsuites name="jest tests">), not offgate\'s: merge reads the reports of offgate lint -o junit\n',
    });
    const pytest = '<?xml version="1.0" encoding="utf-8"?><testsuite name="pytest" errors="0" failures="0" skipped="0" tests="1"><testcase classname="t" name="test_a"/></testsuite>\n';
    expect(merge(file('pytest.xml', pytest)).stderr).toBe('offgate: pytest.xml:1:39: a JUnit report of another tool (<testsuite name="pytest">), not offgate\'s: merge reads the reports of offgate lint -o junit\n');
    expect(merge(file('pom.xml', '<?xml version="1.0"?>\n<project>\n  <modelVersion>4.0.0</modelVersion>\n</project>\n')).stderr).toBe(
      'offgate: pom.xml:2:1: not a JUnit report: its root element is <project>, not <testsuites> (merge reads the reports of offgate lint -o junit)\n',
    );
  });

  it('an offgate report edited by hand: counts that do not add up, a summary that is not offgate\'s', () => {
    const text = readFileSync(report(), 'utf8');
    const counts = text.replace(/<testsuites name="offgate" tests="(\d+)"/, (_, n) => `<testsuites name="offgate" tests="${Number(n) + 1}"`);
    const r = merge(file('counts.xml', counts));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^offgate: counts\.xml:2:1: not a JUnit report as offgate lint -o junit writes it: <testsuites name="offgate"> says tests="\d+", it holds \d+\n$/);
    const summary = text.replace(/<system-out>[^<]*/, '<system-out>all good');
    const line = summary.split('\n').findIndex((l) => l.includes('all good')) + 1;
    expect(merge(file('summary.xml', summary)).stderr).toBe(
      `offgate: summary.xml:${line}:7: not a JUnit report as offgate lint -o junit writes it: its first line is not the summary offgate writes (e.g. "3 denied · 12 objects in 4 files")\n`,
    );
    expect(merge(file('text.xml', text.replace('</testsuites>', 'stray</testsuites>'))).stderr).toMatch(/^offgate: text\.xml:\d+:\d+: not a JUnit report as offgate lint -o junit writes it: text in <testsuites>\n$/);
  });

  it('reports of one format only; JUnit merges into JUnit', () => {
    const json = join(dir, 'shard.json');
    run(['lint', '-o', 'json', '--output-file', json, '.'], cwd);
    expect(merge(report(), json)).toMatchObject({ code: 2, stderr: `offgate: merge: ${json}: not a JUnit report, merged with JUnit reports (merge reports of one format)\n` });
    expect(merge(json, report())).toMatchObject({ code: 2, stderr: `offgate: merge: ${report()}: a JUnit report (XML), merged with JSON reports (merge reports of one format)\n` });
    expect(merge('-o', 'json', report())).toMatchObject({ code: 2, stderr: 'offgate: merge: JUnit reports merge into -o junit only (for -o json, have the shards write -o json)\n' });
    expect(merge('-o', 'sarif', report()).code).toBe(2);
    // Without -o, SARIF logs too merge into their own format.
    const sarif = join(dir, 'shard.sarif');
    run(['lint', '--shard', '1/1', '-o', 'sarif', '--output-file', sarif, '.'], cwd);
    const log = merge(sarif);
    expect(log).toMatchObject({ code: 1, stderr: '' });
    expect(JSON.parse(log.stdout).runs).toHaveLength(1);
    expect(merge('missing.xml')).toMatchObject({ code: 2, stderr: 'offgate: missing.xml: cannot read: no such file or directory\n' });
  });

  it('writes the merged report to --output-file', () => {
    const out = join(dir, 'offgate.xml');
    const r = merge('--output-file', out, report());
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: '' });
    // The shard line gone, the report of shard 1/1 is the run's.
    expect(readFileSync(out, 'utf8')).toBe(inMergeOrder(run(['lint', '-o', 'junit', '.'], cwd).stdout));
  });
});
